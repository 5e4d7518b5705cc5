/*
 * benchunit.c — unit tidying, unit classes and prefix scaling.
 *
 * Scaling picks the largest prefix whose unit the smallest non-zero
 * magnitude reaches, and enough decimals to show 4 significant digits of
 * that smallest value; thresholds are 99.995, 9.9995 and .99995 times the
 * prefix so a value that would round up to the next digit count (99.996 ->
 * "100.0") is treated as already there. Below the smallest prefix (n for
 * decimal units, none for binary), decimals grow up to 10.
 */
#include "format/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* Unit tokens are separated by '*', '/', '-' and spaces; '/' starts the
 * denominator and '*' returns to the numerator. */
typedef struct unit_tok {
	const char *rest;
	const char *tok;
	size_t len;
	int denom;
} unit_tok;

static int is_unit_sep(const char *s, size_t n, size_t *width)
{
	uint32_t r;
	*width = (size_t)bs_utf8_decode((const unsigned char *)s, n, &r);
	return r == '*' || r == '/' || r == '-' || bs_is_space_rune(r);
}

static int unit_next(unit_tok *p)
{
	size_t n = strlen(p->rest), w;
	const char *s = p->rest;
	while (n > 0 && is_unit_sep(s, n, &w)) {
		if (*s == '*')
			p->denom = 0;
		else if (*s == '/')
			p->denom = 1;
		s += w, n -= w;
	}
	if (n == 0) {
		p->rest = s;
		return 0;
	}
	size_t end = 0;
	while (end < n && !is_unit_sep(s + end, n - end, &w))
		end += w;
	p->tok = s;
	p->len = end;
	p->rest = s + end;
	return 1;
}

static int tok_is(const unit_tok *p, const char *word)
{
	return p->len == strlen(word) && memcmp(p->tok, word, p->len) == 0;
}

enum bs_unit_class bs_unit_class_of(const char *unit)
{
	unit_tok p = { unit, NULL, 0, 0 };
	while (unit_next(&p))
		if (!p.denom && (tok_is(&p, "B") || tok_is(&p, "MB") || tok_is(&p, "bytes")))
			return BS_BINARY;
	return BS_DECIMAL;
}

double bs_unit_tidy(const char *unit, bs_buf *out)
{
	static const struct { const char *from, *to; double factor; } fixed[] = {
		{ "ns/op", "sec/op", 1e-9 }, { "MB/s", "B/s", 1e6 },
		{ "B/op", "B/op", 1 }, { "allocs/op", "allocs/op", 1 },
	};
	bs_buf_clear(out);
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (strcmp(unit, fixed[i].from) == 0) {
			bs_buf_puts(out, fixed[i].to);
			return fixed[i].factor;
		}
	if (!strstr(unit, "ns") && !strstr(unit, "MB")) {
		bs_buf_puts(out, unit);
		return 1;
	}
	/* Only numerator ns and MB tokens change; everything else is kept.
	 * "ns" becomes "sec", one byte longer, so the text may grow. */
	double factor = 1;
	const char *copied = unit;
	unit_tok p = { unit, NULL, 0, 0 };
	while (unit_next(&p)) {
		const char *rep = NULL;
		if (p.denom)
			continue;
		if (tok_is(&p, "ns"))
			rep = "sec", factor /= 1e9;
		else if (tok_is(&p, "MB"))
			rep = "B", factor *= 1e6;
		if (!rep)
			continue;
		bs_buf_add(out, copied, (size_t)(p.tok - copied));
		bs_buf_puts(out, rep);
		copied = p.tok + p.len;
	}
	bs_buf_puts(out, copied);
	return factor;
}

typedef struct factor {
	double factor;
	const char *prefix;
	double t100, t10, t1;
} factor;

/* Go computes the thresholds by parsing "99.995e<exp>" etc.; C literals are
 * the same correctly rounded doubles. */
static const factor si[] = {
	{ 1e12, "T", 99.995e12, 9.9995e12, .99995e12 },
	{ 1e9, "G", 99.995e9, 9.9995e9, .99995e9 },
	{ 1e6, "M", 99.995e6, 9.9995e6, .99995e6 },
	{ 1e3, "k", 99.995e3, 9.9995e3, .99995e3 },
	{ 1, "", 99.995, 9.9995, .99995 },
	{ 1e-3, "m", 99.995e-3, 9.9995e-3, .99995e-3 },
	{ 1e-6, "µ", 99.995e-6, 9.9995e-6, .99995e-6 },
	{ 1e-9, "n", 99.995e-9, 9.9995e-9, .99995e-9 },
};

/* The IEC thresholds are the binary values of 99.995, 9.9995 and .99995
 * scaled by 2^exp, written out in hex so no rounding is involved. */
static const factor iec[] = {
	{ 0x1p40, "Ti", 0x1.8ffae147ae148p46, 0x1.3ffbe76c8b439p43, 0x1.fff972474538fp39 },
	{ 0x1p30, "Gi", 0x1.8ffae147ae148p36, 0x1.3ffbe76c8b439p33, 0x1.fff972474538fp29 },
	{ 0x1p20, "Mi", 0x1.8ffae147ae148p26, 0x1.3ffbe76c8b439p23, 0x1.fff972474538fp19 },
	{ 0x1p10, "Ki", 0x1.8ffae147ae148p16, 0x1.3ffbe76c8b439p13, 0x1.fff972474538fp9 },
	{ 1, "", 0x1.8ffae147ae148p6, 0x1.3ffbe76c8b439p3, 0x1.fff972474538fp-1 },
};

/* Below the smallest prefix: 9.9995e-1 ... 9.9995e-8. */
static const double small[] = { 9.9995e-1, 9.9995e-2, 9.9995e-3, 9.9995e-4,
                                9.9995e-5, 9.9995e-6, 9.9995e-7, 9.9995e-8 };

bs_scaler bs_common_scale(const double *vals, size_t n, enum bs_unit_class cls)
{
	double min = 0;
	for (size_t i = 0; i < n; i++) {
		double v = fabs(vals[i]);
		if (v != 0 && (min == 0 || v < min))
			min = v;
	}
	if (min == 0)
		return (bs_scaler){ 3, 1, "" };

	const factor *fs = cls == BS_BINARY ? iec : si;
	size_t nf = cls == BS_BINARY ? sizeof iec / sizeof iec[0] : sizeof si / sizeof si[0];
	for (size_t i = 0; i < nf; i++) {
		if (min >= fs[i].t100)
			return (bs_scaler){ 1, fs[i].factor, fs[i].prefix };
		if (min >= fs[i].t10)
			return (bs_scaler){ 2, fs[i].factor, fs[i].prefix };
		if (min >= fs[i].t1)
			return (bs_scaler){ 3, fs[i].factor, fs[i].prefix };
	}
	/* Smaller than the smallest prefix: one more decimal per decade. */
	const factor *last = &fs[nf - 1];
	double val = min / last->factor;
	int i = 0;
	while (i < 7 && !(val >= small[i]))
		i++;
	return (bs_scaler){ i + 3, last->factor, last->prefix };
}

int bs_scaler_format(bs_scaler s, double val, char *buf, size_t size)
{
	double x = val / s.factor;
	/* Go spells non-finite values +Inf, -Inf, NaN. */
	if (isnan(x))
		return snprintf(buf, size, "NaN%s", s.prefix);
	if (isinf(x))
		return snprintf(buf, size, "%sInf%s", x > 0 ? "+" : "-", s.prefix);
	int n = bs_fmt_fixed(buf, size, x, s.prec, 0);
	size_t used = size == 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
	/* The prefix is a byte or two: copied here, not measured and memcpy'd. */
	size_t plen = 0;
	for (; s.prefix[plen]; plen++)
		if (used + plen + 1 < size)
			buf[used + plen] = s.prefix[plen];
	if (size > used)
		buf[used + (plen < size - used - 1 ? plen : size - used - 1)] = 0;
	return n + (int)plen;
}

int bs_scale(double val, enum bs_unit_class cls, char *buf, size_t size)
{
	return bs_scaler_format(bs_common_scale(&val, 1, cls), val, buf, size);
}
