/*
 * cells.c — the small texts every output format shares: the CI range, the
 * test result and the delta, and the configuration lines between tables,
 * exactly as benchmath and benchtab spell them (Go's %.0f, %0.3f and %+.2f
 * round like C's printf: correctly, ties to even on the exact binary value).
 */
#include "render/render.h"

#include <math.h>
#include <string.h>

/* Copies the n bytes of s into buf as far as they fit; returns strlen(buf). */
static size_t put(char *buf, size_t size, const char *s, size_t n)
{
	if (size == 0)
		return 0;
	if (n > size - 1)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = 0;
	return n;
}

/* printf's "%.<prec>f%%" ("%+..." with plus) into buf; returns strlen(buf). */
static size_t percent(char *buf, size_t size, double x, int prec, int plus)
{
	int r = bs_fmt_fixed(buf, size, x, prec, plus);
	size_t n = r > 0 ? (size_t)r : 0;
	if (n + 1 < size) {
		buf[n] = '%';
		buf[n + 1] = 0;
		return n + 1;
	}
	return size == 0 ? 0 : n < size - 1 ? n : size - 1;
}

static int sign(double x)
{
	return x > 0 ? 1 : x < 0 ? -1 : 0;
}

size_t bs_fmt_range(const st_summary *s, char *buf, size_t size)
{
	if (isinf(s->lo) || isinf(s->hi))
		return put(buf, size, "∞", strlen("∞"));
	/* Go's mathx.Sign of NaN is NaN, unequal to every sign: any NaN is "?". */
	int cs = sign(s->center);
	if (isnan(s->center) || isnan(s->lo) || isnan(s->hi) ||
	    cs != sign(s->lo) || cs != sign(s->hi))
		return put(buf, size, "?", 1);
	if (s->center == 0)
		return put(buf, size, "0%", 2);
	double v = fmax(s->hi / s->center - 1, 1 - s->lo / s->center);
	return percent(buf, size, 100 * v, 0, 0);
}

/* Appends the decimal digits of v at o; returns the new end. Sample
 * counts are nearly always one or two digits. */
static char *put_int(char *o, int v)
{
	unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
	if (v < 0)
		*o++ = '-';
	if (u < 10) {
		*o++ = (char)('0' + u);
		return o;
	}
	if (u < 100) {
		*o++ = (char)('0' + u / 10);
		*o++ = (char)('0' + u % 10);
		return o;
	}
	char digits[16];
	int n = 0;
	do
		digits[n++] = (char)('0' + u % 10);
	while (u /= 10);
	while (n)
		*o++ = digits[--n];
	return o;
}

/* "p=0.123 n=6" or "n=6+5" (p omitted when 0), without snprintf: it is
 * written once per compared cell, straight into buf when it has room for
 * the longest ("p=" 48 bytes " n=" two ints). */
size_t bs_fmt_test(const st_comparison *c, char *buf, size_t size)
{
	char text[96], *start = size >= sizeof text ? buf : text, *o = start;
	if (c->p != 0) {
		memcpy(o, "p=", 2);
		o += 2;
		int n = bs_fmt_fixed(o, 48, c->p, 3, 0);
		o += n < 48 ? n : 47;
		*o++ = ' ';
	}
	memcpy(o, "n=", 2);
	o = put_int(o + 2, c->nx);
	if (c->nx != c->ny) {
		*o++ = '+';
		o = put_int(o, c->ny);
	}
	if (start == buf) {
		*o = 0;
		return (size_t)(o - buf);
	}
	return put(buf, size, text, (size_t)(o - text));
}

size_t bs_fmt_delta(const st_comparison *c, double old, double now, char *buf, size_t size)
{
	if (!st_significant(c))
		return put(buf, size, "~", 1);
	if (old == now)
		return put(buf, size, "0.00%", 5);
	if (old == 0)
		return put(buf, size, "?", 1);
	return percent(buf, size, (now / old - 1.0) * 100.0, 2, 1);
}

size_t bs_fmt_ratio(double ratio, char *buf, size_t size)
{
	return percent(buf, size, (ratio - 1) * 100, 2, 1);
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
			bs_buf_puts(&line, t->config_names[f]);
			bs_buf_add(&line, ": ", 2);
			bs_buf_puts(&line, val);
			hdr(ctx, line.s);
		}
	}
	bs_buf_free(&line);
}
