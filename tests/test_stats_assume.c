/*
 * test_stats_assume.c — the assumption API (stats/assume.c): the one
 * significance rule, exact summaries and comparisons as benchmath's
 * AssumeExact gives them, and the smallest p checked against the exact U
 * distribution (st_u_cdf) rather than against its own formula.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "stats.h"

static void test_significance_rule(void **state)
{
	(void)state;
	static const struct { double p, alpha; int want; } cases[] = {
		{ 0.04, 0.05, 1 }, { 0.05, 0.05, 1 } /* p == alpha: benchstat prints the delta */,
		{ 0.0500001, 0.05, 0 }, { 0.1, 0.1, 1 }, { 1, 0.05, 0 },
		{ 0, 0, 1 } /* an exact comparison */, { NAN, 0.05, 1 } /* as benchmath's P > Alpha */,
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		st_comparison c = { .p = cases[i].p, .alpha = cases[i].alpha };
		if (st_significant(&c) != cases[i].want)
			fail_msg("p=%g alpha=%g: got %d", cases[i].p, cases[i].alpha, !cases[i].want);
	}
}

static void test_exact(void **state)
{
	(void)state;
	const double same[] = { 2, 2, 2 }, mixed[] = { 1, 1, 3, 3, 5 };
	st_summary s = st_summarize(ST_ASSUME_EXACT, same, 3, 0.95);
	assert_true(s.center == 2 && s.lo == 2 && s.hi == 2 && s.confidence == 1);
	assert_int_equal(s.nwarnings, 0);
	/* The first of equally common values, min..max, and the caveat. */
	s = st_summarize(ST_ASSUME_EXACT, mixed, 5, 0.95);
	assert_true(s.center == 1 && s.lo == 1 && s.hi == 5);
	assert_int_equal(s.nwarnings, 1);
	char buf[128];
	st_warning_format(&s.warnings[0], buf, sizeof buf);
	assert_string_equal(buf, "exact distribution expected, but values range from 1 to 5");

	st_comparison c = st_compare(ST_ASSUME_EXACT, same, 3, same, 1, 0.05);
	assert_true(c.p == 0 && c.alpha == 0 && st_significant(&c));
	assert_int_equal(c.nx, 3);
	assert_int_equal(c.ny, 1);
	assert_int_equal(c.varies, 0);
	c = st_compare(ST_ASSUME_EXACT, same, 3, mixed, 5, 0.05);
	assert_int_equal(c.varies, 1);
	/* Assuming nothing is the U test. */
	c = st_compare(ST_ASSUME_NOTHING, same, 3, mixed, 5, 0.05);
	assert_int_equal(c.assumption, ST_ASSUME_NOTHING);
	assert_true(c.alpha == 0.05 && c.p > 0);
}

static void test_smallest_p(void **state)
{
	(void)state;
	for (int nx = 1; nx <= 12; nx++)
		for (int ny = 1; ny <= 12; ny++) {
			/* U = 0 is the most extreme outcome: p = 2 P(U <= 0). */
			double want = fmin(1, 2 * st_u_cdf(nx, ny, NULL, 0, 0));
			double got = st_smallest_p((size_t)nx, (size_t)ny);
			if (fabs(got - want) > 1e-12 * want)
				fail_msg("nx=%d ny=%d: %g, the distribution says %g", nx, ny, got, want);
		}
	assert_true(st_smallest_p(0, 5) == 1);
	assert_int_equal(st_samples_needed(0.05), 4);   /* 2/70 */
	assert_int_equal(st_samples_needed(0.1), 3);    /* 2/20 == 0.1 */
	assert_int_equal(st_samples_needed(0.01), 5);   /* 2/252 */
	assert_int_equal(st_samples_needed(0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_significance_rule),
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_smallest_p),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
