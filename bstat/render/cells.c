/*
 * cells.c — the small texts every output format shares: the CI range, the
 * test result and the delta, and the configuration lines between tables,
 * exactly as benchmath and benchtab spell them (Go's %.0f, %0.3f and %+.2f
 * round like C's printf: correctly, ties to even on the exact binary value).
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
	if (!st_significant(c))
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

void bs_table_headers(const bs_tables *ts, size_t i, void (*hdr)(void *, const char *), void *ctx)
{
	const bs_table *t = &ts->tables[i], *prev = i > 0 ? &ts->tables[i - 1] : NULL;
	bs_buf line = { 0 };
	if (i > 0)
		hdr(ctx, "");
	for (size_t f = 0; f < t->nconfig; f++) {
		const char *val = t->config_values[f];
		const char *pval = "";
		if (prev)
			for (size_t g = 0; g < prev->nconfig; g++)
				if (strcmp(prev->config_names[g], t->config_names[f]) == 0)
					pval = prev->config_values[g];
		if (!prev || strcmp(val, pval) != 0) {
			bs_buf_clear(&line);
			bs_buf_printf(&line, "%s: %s", t->config_names[f], val);
			hdr(ctx, line.s);
		}
	}
	bs_buf_free(&line);
}
