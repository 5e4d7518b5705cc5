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
#include "benchunit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

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

double bs_unit_tidy(const char *unit, char *out, size_t size)
{
	static const struct { const char *from, *to; double factor; } fixed[] = {
		{ "ns/op", "sec/op", 1e-9 }, { "MB/s", "B/s", 1e6 },
		{ "B/op", "B/op", 1 }, { "allocs/op", "allocs/op", 1 },
	};
	if (size == 0)
		return 1;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (strcmp(unit, fixed[i].from) == 0) {
			snprintf(out, size, "%s", fixed[i].to);
			return fixed[i].factor;
		}
	if (!strstr(unit, "ns") && !strstr(unit, "MB")) {
		snprintf(out, size, "%s", unit);
		return 1;
	}
	/* Only numerator ns and MB tokens change; everything else is kept. */
	double factor = 1;
	bs_buf b = { 0 };
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
		bs_buf_add(&b, copied, (size_t)(p.tok - copied));
		bs_buf_puts(&b, rep);
		copied = p.tok + p.len;
	}
	bs_buf_puts(&b, copied);
	snprintf(out, size, "%s", b.s);
	bs_buf_free(&b);
	return factor;
}

typedef struct factor {
	double factor;
	const char *prefix;
	double t100, t10, t1;
} factor;

/* Go computes these by parsing "99.995e<exp>" etc.; strtod gives the same
 * correctly rounded doubles. */
static void si_factors(factor f[8])
{
	static const char *prefixes[] = { "T", "G", "M", "k", "", "m", "µ", "n" };
	char buf[32];
	for (int i = 0, exp = 12; i < 8; i++, exp -= 3) {
		f[i].factor = pow(10, exp);
		f[i].prefix = prefixes[i];
		snprintf(buf, sizeof buf, "99.995e%d", exp);
		f[i].t100 = strtod(buf, NULL);
		snprintf(buf, sizeof buf, "9.9995e%d", exp);
		f[i].t10 = strtod(buf, NULL);
		snprintf(buf, sizeof buf, ".99995e%d", exp);
		f[i].t1 = strtod(buf, NULL);
	}
}

static void iec_factors(factor f[5])
{
	static const char *prefixes[] = { "Ti", "Gi", "Mi", "Ki", "" };
	for (int i = 0, exp = 40; i < 5; i++, exp -= 10) {
		f[i].factor = ldexp(1, exp);
		f[i].prefix = prefixes[i];
		f[i].t100 = ldexp(0x1.8ffae147ae148p0, 6 + exp);
		f[i].t10 = ldexp(0x1.3ffbe76c8b439p0, 3 + exp);
		f[i].t1 = ldexp(0x1.fff972474538fp0, -1 + exp);
	}
}

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

	factor si[8], iec[5], *fs;
	size_t nf;
	if (cls == BS_BINARY)
		iec_factors(iec), fs = iec, nf = 5;
	else
		si_factors(si), fs = si, nf = 8;
	for (size_t i = 0; i < nf; i++) {
		if (min >= fs[i].t100)
			return (bs_scaler){ 1, fs[i].factor, fs[i].prefix };
		if (min >= fs[i].t10)
			return (bs_scaler){ 2, fs[i].factor, fs[i].prefix };
		if (min >= fs[i].t1)
			return (bs_scaler){ 3, fs[i].factor, fs[i].prefix };
	}
	/* Smaller than the smallest prefix: one more decimal per decade. */
	factor last = fs[nf - 1];
	double val = min / last.factor;
	char buf[32];
	for (int i = 0, exp = -1; exp > -9; i++, exp--) {
		snprintf(buf, sizeof buf, "9.9995e%d", exp);
		if (val >= strtod(buf, NULL) || exp == -8)
			return (bs_scaler){ i + 3, last.factor, last.prefix };
	}
	return (bs_scaler){ 3, 1, "" }; /* not reached */
}

int bs_scaler_format(bs_scaler s, double val, char *buf, size_t size)
{
	double x = val / s.factor;
	/* Go spells non-finite values +Inf, -Inf, NaN. */
	if (isnan(x))
		return snprintf(buf, size, "NaN%s", s.prefix);
	if (isinf(x))
		return snprintf(buf, size, "%sInf%s", x > 0 ? "+" : "-", s.prefix);
	return snprintf(buf, size, "%.*f%s", s.prec, x, s.prefix);
}

int bs_scale(double val, enum bs_unit_class cls, char *buf, size_t size)
{
	return bs_scaler_format(bs_common_scale(&val, 1, cls), val, buf, size);
}
