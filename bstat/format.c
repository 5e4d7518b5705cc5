/*
 * format.c — the small texts every output format shares: the CI range,
 * the test result, the delta and footnote superscripts, exactly as
 * benchmath and benchtab spell them (Go's %.0f, %0.3f and %+.2f round
 * like C's printf: correctly, ties to even on the exact binary value).
 */
#include "render.h"

#include <math.h>
#include <stdio.h>

static int sign(double x)
{
	return x > 0 ? 1 : x < 0 ? -1 : 0;
}

void bs_fmt_range(const st_summary *s, char *buf, size_t size)
{
	if (isinf(s->lo) || isinf(s->hi)) {
		snprintf(buf, size, "∞");
		return;
	}
	int cs = sign(s->center);
	if (cs != sign(s->lo) || cs != sign(s->hi)) {
		snprintf(buf, size, "?");
		return;
	}
	if (s->center == 0) {
		snprintf(buf, size, "0%%");
		return;
	}
	double v = fmax(s->hi / s->center - 1, 1 - s->lo / s->center);
	snprintf(buf, size, "%.0f%%", 100 * v);
}

void bs_fmt_test(const st_comparison *c, char *buf, size_t size)
{
	int n = 0;
	if (c->p != 0)
		n = snprintf(buf, size, "p=%0.3f ", c->p);
	if (n < 0 || (size_t)n >= size)
		n = 0;
	if (c->nx == c->ny)
		snprintf(buf + n, size - (size_t)n, "n=%d", c->nx);
	else
		snprintf(buf + n, size - (size_t)n, "n=%d+%d", c->nx, c->ny);
}

void bs_fmt_delta(const st_comparison *c, double old, double now, char *buf, size_t size)
{
	if (c->p > c->alpha)
		snprintf(buf, size, "~");
	else if (old == now)
		snprintf(buf, size, "0.00%%");
	else if (old == 0)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "%+.2f%%", (now / old - 1.0) * 100.0);
}

void bs_fmt_ratio(double ratio, char *buf, size_t size)
{
	snprintf(buf, size, "%+.2f%%", (ratio - 1) * 100);
}

void bs_superscript(size_t i, bs_buf *out)
{
	static const char *digits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%zu", i);
	for (int k = 0; k < n; k++)
		bs_buf_puts(out, digits[tmp[k] - '0']);
}
