/*
 * cells.c — the small texts every output format shares: the CI range,
 * the test result, the delta and footnote superscripts, exactly as
 * benchmath and benchtab spell them (Go's %.0f, %0.3f and %+.2f round
 * like C's printf: correctly, ties to even on the exact binary value).
 */
#include "render/render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* printf's "%.<prec>f%%" ("%+..." with plus) into buf. */
static void percent(char *buf, size_t size, double x, int prec, int plus)
{
	int n = bs_fmt_fixed(buf, size, x, prec, plus);
	if ((size_t)n + 1 < size)
		memcpy(buf + n, "%", 2);
}

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
	/* Go's mathx.Sign of NaN is NaN, unequal to every sign: any NaN is "?". */
	int cs = sign(s->center);
	if (isnan(s->center) || isnan(s->lo) || isnan(s->hi) ||
	    cs != sign(s->lo) || cs != sign(s->hi)) {
		snprintf(buf, size, "?");
		return;
	}
	if (s->center == 0) {
		snprintf(buf, size, "0%%");
		return;
	}
	double v = fmax(s->hi / s->center - 1, 1 - s->lo / s->center);
	percent(buf, size, 100 * v, 0, 0);
}

void bs_fmt_test(const st_comparison *c, char *buf, size_t size)
{
	char p[40] = "";
	const char *label = c->p != 0 ? "p=" : "", *sep = c->p != 0 ? " " : "";
	if (c->p != 0)
		bs_fmt_fixed(p, sizeof p, c->p, 3, 0);
	if (c->nx == c->ny)
		snprintf(buf, size, "%s%s%sn=%d", label, p, sep, c->nx);
	else
		snprintf(buf, size, "%s%s%sn=%d+%d", label, p, sep, c->nx, c->ny);
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
		percent(buf, size, (now / old - 1.0) * 100.0, 2, 1);
}

void bs_fmt_ratio(double ratio, char *buf, size_t size)
{
	percent(buf, size, (ratio - 1) * 100, 2, 1);
}

void bs_superscript(size_t i, bs_buf *out)
{
	static const char *digits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%zu", i);
	for (int k = 0; k < n; k++)
		bs_buf_puts(out, digits[tmp[k] - '0']);
}
