/*
 * test_stats_format.c — Go's %v float text (stats/gofloat.c) and the caveat
 * texts (stats/warning.c). Expected strings are what Go 1.19's fmt prints for
 * the same doubles, and benchmath's / go-moremath's message wording.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stats.h"

static void test_go_float(void **state)
{
	(void)state;
	static const struct { double x; const char *want; } cases[] = {
		{ 0.95, "0.95" }, { 0.05, "0.05" }, { 0.99, "0.99" }, { 0.9, "0.9" },
		{ 0.999, "0.999" }, { 0.01, "0.01" }, { 0.001, "0.001" },
		{ 1e-05, "1e-05" }, { 5e-05, "5e-05" }, { 1.5e-05, "1.5e-05" },
		{ 0.0001, "0.0001" }, { 0.0001234, "0.0001234" },
		{ 9.9999e-05, "9.9999e-05" }, { 0.00010000000000000002, "0.00010000000000000002" },
		{ 100, "100" }, { 100000, "100000" }, { 123456, "123456" },
		{ 123456.5, "123456.5" }, { 999999.9999999999, "999999.9999999999" },
		{ 1e6, "1e+06" }, { 1234567, "1.234567e+06" }, { 123456789, "1.23456789e+08" },
		{ 1e15, "1e+15" }, { 1e20, "1e+20" }, { 1e21, "1e+21" }, { 1e100, "1e+100" },
		{ 1e-100, "1e-100" }, { 1e-07, "1e-07" }, { 2.5e-10, "2.5e-10" },
		{ 1, "1" }, { 0, "0" }, { -2.5, "-2.5" }, { 7.000000000000001, "7.000000000000001" },
		{ 0.30000000000000004, "0.30000000000000004" },
		{ 1.0 / 3, "0.3333333333333333" }, { 2.0 / 3, "0.6666666666666666" },
		{ 12345678901234567890.0, "1.2345678901234567e+19" },
		{ 9007199254740993.0, "9.007199254740992e+15" },
		/* Powers of two, where the round-trip interval is lopsided. */
		{ 0x1p1023, "8.98846567431158e+307" }, { 0x1p-1022, "2.2250738585072014e-308" },
		{ 0x1p60, "1.152921504606847e+18" }, { 0x1p-20, "9.5367431640625e-07" },
		{ 0x1p-1074, "5e-324" }, { 1.7976931348623157e308, "1.7976931348623157e+308" },
		{ INFINITY, "+Inf" }, { -INFINITY, "-Inf" }, { NAN, "NaN" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[64];
		int len = st_format_go_float(cases[i].x, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(len, (int)strlen(cases[i].want));
	}
	char buf[8];
	st_format_go_float(copysign(0, -1), buf, sizeof buf);
	assert_string_equal(buf, "-0");
}

/* The significant digits of a %v text, leading and trailing zeros dropped. */
static int significant(const char *text, char *digits)
{
	int n = 0;
	for (const char *c = text; *c && *c != 'e'; c++)
		if (*c >= '0' && *c <= '9' && (n > 0 || *c != '0'))
			digits[n++] = *c;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = 0;
	return n;
}

/* Whether some n-digit decimal near x (the nearest, or its neighbours one
 * unit in the last place away) reads back as x: brute force with printf
 * and strtod, apart from gofloat's search. */
static int any_reads_back(double x, int n)
{
	char text[64];
	snprintf(text, sizeof text, "%.*e", n - 1, x);
	if (strtod(text, NULL) == x)
		return 1;
	const char *e = strchr(text, 'e');
	long long d = 0;
	for (const char *c = text; c < e; c++)
		if (*c >= '0' && *c <= '9')
			d = d * 10 + (*c - '0');
	for (int step = -1; step <= 1; step += 2) {
		char t[64];
		snprintf(t, sizeof t, "%llde%d", d + step, atoi(e + 1) - (n - 1));
		if (strtod(t, NULL) == x)
			return 1;
	}
	return 0;
}

/* x's text reads back as x, no shorter decimal does, and (but at powers of
 * two, where a neighbour may be the one) its digits are the nearest. */
static void check_shortest(double x)
{
	char buf[64], digits[32], nearest[64], ndigits[32];
	st_format_go_float(x, buf, sizeof buf);
	assert_true(strtod(buf, NULL) == x);
	int k = significant(buf, digits);
	assert_true(k >= 1 && k <= 17);
	if (k > 1 && any_reads_back(fabs(x), k - 1)) {
		print_error("%.17g printed as %s: %d digits read back\n", x, buf, k - 1);
		fail();
	}
	uint64_t bits;
	memcpy(&bits, &x, sizeof bits);
	if (bits & 0xFFFFFFFFFFFFFull) {
		snprintf(nearest, sizeof nearest, "%.*e", k - 1, fabs(x));
		significant(nearest, ndigits);
		assert_string_equal(digits, ndigits);
	}
}

/* Doubles of every kind (random bits), and the short decimals benchmark
 * values are (a few digits at any scale). */
static void test_go_float_round_trip(void **state)
{
	(void)state;
	uint64_t bits = 0x9E3779B97F4A7C15u;
	for (int i = 0; i < 20000; i++) {
		bits ^= bits << 13;
		bits ^= bits >> 7;
		bits ^= bits << 17;
		double x;
		memcpy(&x, &bits, sizeof x);
		if (isfinite(x) && x != 0)
			check_shortest(x);
		char text[64];
		snprintf(text, sizeof text, "%llue%d", (unsigned long long)(bits % 100000000 >> (bits >> 60)),
		         (int)(bits >> 32) % 40 - 20);
		x = strtod(text, NULL);
		if (x != 0)
			check_shortest(x);
	}
	static const double powers[] = { 0x1p-1074, 0x1p-1022, 0x1p-20, 0x1p0, 0x1p60, 0x1p1023 };
	for (size_t i = 0; i < sizeof powers / sizeof powers[0]; i++)
		check_shortest(powers[i]);
}

static void test_warning_text(void **state)
{
	(void)state;
	static const struct { st_warning w; const char *want; } cases[] = {
		{ { .kind = ST_WARN_CI_SAMPLES, .at_least = 1, .n = 6, .level = 0.95 },
		  "need >= 6 samples for confidence interval at level 0.95" },
		{ { .kind = ST_WARN_CI_SAMPLES, .at_least = 1, .n = 8, .level = 0.99 },
		  "need >= 8 samples for confidence interval at level 0.99" },
		{ { .kind = ST_WARN_CI_SAMPLES, .at_least = 0, .n = 50, .level = 1 },
		  "need > 50 samples for confidence interval at level 1" },
		{ { .kind = ST_WARN_CI_SAMPLES, .at_least = 1, .n = 11, .level = 0.999 },
		  "need >= 11 samples for confidence interval at level 0.999" },
		{ { .kind = ST_WARN_U_SAMPLES, .at_least = 1, .n = 4, .level = 0.05 },
		  "need >= 4 samples to detect a difference at alpha level 0.05" },
		{ { .kind = ST_WARN_U_SAMPLES, .at_least = 0, .n = 10, .level = 1e-06 },
		  "need > 10 samples to detect a difference at alpha level 1e-06" },
		{ { .kind = ST_WARN_ALL_EQUAL, .at_least = 0, .n = 0, .level = 0 }, "all samples are equal" },
		{ { .kind = ST_WARN_EMPTY_SAMPLE, .at_least = 0, .n = 0, .level = 0 }, "sample is too small" },
		{ { .kind = ST_WARN_NOT_EXACT, .lo = 1, .hi = 2.5 },
		  "exact distribution expected, but values range from 1 to 2.5" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[128];
		int len = st_warning_format(&cases[i].w, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(len, (int)strlen(cases[i].want));
	}
	/* snprintf's contract: truncated but terminated, full length back. */
	char small[10];
	int len = st_warning_format(&cases[0].w, small, sizeof small);
	assert_int_equal(len, (int)strlen(cases[0].want));
	assert_string_equal(small, "need >= 6");
	assert_int_equal(st_warning_format(&cases[0].w, NULL, 0), len);
}

/* The caveats the library produces render as benchstat prints them. */
static void test_produced_warnings(void **state)
{
	(void)state;
	double v[] = { 1, 2, 3 }, w[] = { 4, 5, 6 };
	char buf[128];
	st_summary s = st_median_summary(v, 3, 0.95);
	st_warning_format(&s.warnings[0], buf, sizeof buf);
	assert_string_equal(buf, "need >= 6 samples for confidence interval at level 0.95");
	st_comparison c = st_mann_whitney(v, 3, w, 3, 0.05);
	st_warning_format(&c.warnings[0], buf, sizeof buf);
	assert_string_equal(buf, "need >= 4 samples to detect a difference at alpha level 0.05");
	st_release_caches();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_float),
		cmocka_unit_test(test_go_float_round_trip),
		cmocka_unit_test(test_warning_text),
		cmocka_unit_test(test_produced_warnings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
