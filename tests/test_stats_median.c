/*
 * test_stats_median.c — medians, their order-statistic confidence intervals
 * (stats/median.c, stats/quantileci.c), sorting and the geometric mean,
 * against binomial coverage computed exactly by hand, go-moremath's
 * published QuantileCI cases and direct formulas.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stats.h"
#include "stats_internal.h"

/* P(lo <= K < hi) for K ~ Binomial(n, 1/2), exactly for n <= 60. */
static double coverage(int n, int lo, int hi)
{
	uint64_t c = 1, in = 0;        /* c = C(n, k) */
	for (int k = 0; k <= n; k++) {
		if (k >= lo && k < hi)
			in += c;
		c = c * (uint64_t)(n - k) / (uint64_t)(k + 1);
	}
	return ldexp((double)in, -n);
}

static const double levels[] = { 0.5, 0.8, 0.9, 0.95, 0.99, 0.999 };

/*
 * For n <= 30 the interval is the binomial band: its coverage is the
 * confidence reported, it reaches the level unless it is everything, and it
 * is the shortest band that does, never dropping a bucket that could go.
 */
static void test_exact_band_coverage(void **state)
{
	(void)state;
	for (int n = 1; n <= 30; n++) {
		for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
			double level = levels[i];
			st_order_ci ci = st_quantile_ci(n, 0.5, level);
			double cover = coverage(n, ci.lo_order, ci.hi_order);
			assert_true(fabs(ci.confidence - cover) <= 1e-12);
			int everything = ci.lo_order == 0 && ci.hi_order == n + 1;
			assert_true(cover >= level || everything);
			/* Shortest: no band one bucket narrower reaches the level. */
			int width = ci.hi_order - ci.lo_order;
			for (int lo = 0; lo + width - 1 <= n + 1; lo++)
				assert_true(coverage(n, lo, lo + width - 1) < level);
		}
	}
}

/* go-moremath's TestQuantileCI cases for q = 1/2 on the exact path. */
static void test_moremath_cases(void **state)
{
	(void)state;
	static const struct { int n; double level; int lo, hi; double conf; } cases[] = {
		{ 4, 0.001, 2, 3, 0.375 },
		{ 4, 0.375, 2, 3, 0.375 },
		{ 4, 0.3750001, 1, 3, 0.625 },
		{ 4, 1, 0, 5, 1 },
		{ 4, 0.99, 0, 5, 1 },
		{ 4, 0.99 - 0.0625, 0, 4, 0.9375 },
		{ 5, 0.001, 2, 3, 0.3125 },
		{ 5, 0.3125, 2, 3, 0.3125 },
		{ 5, 0.3125001, 2, 4, 0.625 },
		{ 5, 1, 0, 6, 1 },
		{ 5, 0.99, 0, 6, 1 },
		{ 5, 0.99 - 0.03125, 0, 5, 1 - 0.03125 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		st_order_ci ci = st_quantile_ci(cases[i].n, 0.5, cases[i].level);
		assert_int_equal(ci.lo_order, cases[i].lo);
		assert_int_equal(ci.hi_order, cases[i].hi);
		assert_true(fabs(ci.confidence - cases[i].conf) < 1e-12);
	}
}

/* Beyond 30 samples, the normal band still covers (nearly) the level. */
static void test_normal_band(void **state)
{
	(void)state;
	for (int n = 31; n <= 60; n++) {
		for (size_t i = 1; i < sizeof levels / sizeof levels[0]; i++) {
			st_order_ci ci = st_quantile_ci(n, 0.5, levels[i]);
			assert_true(ci.lo_order >= 1 && ci.hi_order <= n);
			/* The approximation may miss by a little, never by much. */
			assert_true(coverage(n, ci.lo_order, ci.hi_order) > levels[i] - 0.01);
			assert_true(fabs(coverage(n, ci.lo_order, ci.hi_order) - ci.confidence) < 0.01);
			/* Centred, leaning left by at most one. */
			int left = ci.lo_order, right = n + 1 - ci.hi_order;
			assert_true(left == right || left + 1 == right || left == right + 1);
		}
	}
	st_order_ci big = st_quantile_ci(100000, 0.5, 0.95);
	assert_true(big.lo_order > 49600 && big.lo_order < 49700);
	assert_true(big.hi_order > 50300 && big.hi_order < 50400);
}

/* The smallest n with a bounded interval: 1 - 2^(1-n) >= level. */
static int min_n(double level)
{
	for (int n = 2; n <= 50; n++)
		if (1 - ldexp(1, 1 - n) >= level)
			return n;
	return -1;
}

static void test_summary(void **state)
{
	(void)state;
	double v[40];
	for (int i = 0; i < 40; i++)
		v[i] = 10 + i;
	static const struct { size_t n; double level; double center, lo, hi; } cases[] = {
		{ 1, 0.95, 10, -INFINITY, INFINITY },
		{ 2, 0.95, 10.5, -INFINITY, INFINITY },
		{ 5, 0.95, 12, -INFINITY, 14 },      /* band [0, 5) leans left */
		{ 6, 0.95, 12.5, 10, 15 },
		{ 10, 0.95, 14.5, 11, 18 },    /* coverage(10, 2, 9) = 0.9785 */
		{ 7, 0.99, 13, -INFINITY, 16 },
		{ 8, 0.99, 13.5, 10, 17 },
		{ 20, 0.9, 19.5, 15, 23 },     /* coverage(20, 6, 14) = 0.9216 */
		{ 3, 0.5, 11, 10, 12 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		st_summary s = st_median_summary(v, cases[i].n, cases[i].level);
		assert_true(s.center == cases[i].center);
		assert_true(s.lo == cases[i].lo);
		assert_true(s.hi == cases[i].hi);
		int unbounded = isinf(cases[i].lo) || isinf(cases[i].hi);
		assert_int_equal(s.nwarnings, unbounded);
		if (unbounded) {
			assert_int_equal(s.warnings[0].kind, ST_WARN_CI_SAMPLES);
			assert_int_equal(s.warnings[0].at_least, 1);
			assert_int_equal(s.warnings[0].n, min_n(cases[i].level));
			assert_true(s.warnings[0].level == cases[i].level);
		}
	}
	/* The last rows' bounds, recomputed from exact coverage. */
	assert_true(coverage(10, 2, 9) >= 0.95 && coverage(20, 6, 14) >= 0.9);
	assert_true(coverage(10, 3, 9) < 0.95 && coverage(20, 7, 14) < 0.9);
	assert_true(coverage(5, 1, 5) < 0.95 && coverage(5, 0, 5) >= 0.95);
}

static void test_summary_edges(void **state)
{
	(void)state;
	double v[] = { 1, 2, 3, 4, 5, 6, 7 };
	/* Empty: NaN center, unbounded, and the caveat, like benchstat. */
	st_summary s = st_median_summary(v, 0, 0.95);
	assert_true(isnan(s.center) && s.lo == -INFINITY && s.hi == INFINITY);
	assert_int_equal(s.nwarnings, 1);
	/* Level 1 can never be bounded: "need > 50". */
	s = st_median_summary(v, 7, 1);
	assert_int_equal(s.nwarnings, 1);
	assert_int_equal(s.warnings[0].at_least, 0);
	assert_int_equal(s.warnings[0].n, 50);
	/* Levels outside [0, 1] are clamped, never undefined. */
	/* Level 0: the single bucket K = 3 (three values below the
	 * population median), between the 3rd and 4th order statistics. */
	s = st_median_summary(v, 7, NAN);
	assert_true(s.center == 4 && s.lo == 3 && s.hi == 4);
	s = st_median_summary(v, 7, -3);
	assert_true(s.lo == 3 && s.hi == 4);
	s = st_median_summary(v, 7, 7);
	assert_true(s.lo == -INFINITY);
	/* An infinite value at a bound draws the caveat too (benchstat tests
	 * the bound's value, not its order). */
	double inf_edge[] = { -INFINITY, 2, 3, 4, 5, 6, 7 };
	s = st_median_summary(inf_edge, 7, 0.95);
	assert_true(s.lo == -INFINITY);
	assert_int_equal(s.nwarnings, 1);
	/* Many levels in turn exercise cache replacement; answers hold. */
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
			assert_true(st_median_summary(v, 7, levels[i]).center == 4);
	st_release_caches();
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void test_sort(void **state)
{
	(void)state;
	uint32_t seed = 5;
	for (int round = 0; round < 50; round++) {
		double v[64], ref[64];
		size_t n = (size_t)round, nans = 0;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1664525u + 1013904223u;
			v[i] = (seed >> 28) == 0 ? NAN : (double)(seed >> 8) / 1024 - 5000;
		}
		for (size_t i = 0; i < n; i++)
			if (!isnan(v[i]))
				ref[nans++] = v[i];
		qsort(ref, nans, sizeof *ref, cmp_double);
		st_sort(v, n);
		for (size_t i = 0; i < n - nans; i++)
			assert_true(isnan(v[i]));
		for (size_t i = 0; i < nans; i++)
			assert_true(v[n - nans + i] == ref[i]);
	}
}

static void test_geomean(void **state)
{
	(void)state;
	static const struct { double v[4]; size_t n; double want; } cases[] = {
		{ { 1, 4 }, 2, 2 },
		{ { 2, 8 }, 2, 4 },
		{ { 3 }, 1, 3 },
		{ { 1, 10, 100, 1000 }, 4, 31.622776601683793 },
		{ { 0 }, 0, NAN },
		{ { 1, 0 }, 2, NAN },
		{ { 1, -1 }, 2, NAN },
		{ { 1, NAN }, 2, NAN },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double got = st_geomean(cases[i].v, cases[i].n);
		if (isnan(cases[i].want))
			assert_true(isnan(got));
		else
			assert_true(fabs(got - cases[i].want) <= 1e-15 * cases[i].want);
	}
	/* Against the product's root on values whose product stays finite. */
	double v[20], product = 1;
	for (int i = 0; i < 20; i++) {
		v[i] = 0.5 + i * 0.37;
		product *= v[i];
	}
	assert_true(fabs(st_geomean(v, 20) - pow(product, 1 / 20.0)) < 1e-14 * st_geomean(v, 20));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_band_coverage),
		cmocka_unit_test(test_moremath_cases),
		cmocka_unit_test(test_normal_band),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_summary_edges),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_geomean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
