/*
 * test_stats_utest.c — the two-sided Mann-Whitney test (stats/utest.c):
 * p against brute-force enumeration of all labelings with U counted pair by
 * pair, the issue's four tied examples, go-moremath's published test values
 * where they are right, the normal approximation against GSL's normal CDF,
 * and the caveats benchstat attaches.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_cdf.h>

#include "stats.h"
#include "stats_internal.h"

enum { MAX_POOL = 20 };

/* 2U of x against y: 2 per pair x > y, 1 per pair x == y. */
static long pair_twice_u(const double *x, int nx, const double *y, int ny)
{
	long s = 0;
	for (int i = 0; i < nx; i++)
		for (int j = 0; j < ny; j++)
			s += x[i] > y[j] ? 2 : x[i] == y[j] ? 1 : 0;
	return s;
}

/*
 * The two-sided p by definition: relabel the pooled values every possible
 * way, count how often 2U falls at or below, and at or above, the observed.
 */
static double brute_p(const double *x, int nx, const double *y, int ny)
{
	double pool[MAX_POOL], a[MAX_POOL], b[MAX_POOL];
	int n = nx + ny;
	assert_true(n <= MAX_POOL);
	memcpy(pool, x, (size_t)nx * sizeof *x);
	memcpy(pool + nx, y, (size_t)ny * sizeof *y);
	long seen = pair_twice_u(x, nx, y, ny);
	uint64_t le = 0, ge = 0, total = 0;
	for (uint32_t mask = 0; mask < (1u << n); mask++) {
		if (__builtin_popcount(mask) != nx)
			continue;
		int na = 0, nb = 0;
		for (int i = 0; i < n; i++) {
			if (mask >> i & 1)
				a[na++] = pool[i];
			else
				b[nb++] = pool[i];
		}
		long s = pair_twice_u(a, na, b, nb);
		le += s <= seen;
		ge += s >= seen;
		total++;
	}
	double p = 2.0 * (double)(le < ge ? le : ge) / (double)total;
	return p < 1 ? p : 1;
}

static int has_warning(const st_comparison *c, enum st_warning_kind kind)
{
	for (int i = 0; i < c->nwarnings; i++)
		if (c->warnings[i].kind == kind)
			return 1;
	return 0;
}

/* The issue's examples: tied samples of unequal size, where benchstat's
 * doubling of the lower tail is wrong. Expected values as the issue prints
 * them, and exactly the enumeration. */
static void test_issue_examples(void **state)
{
	(void)state;
	static const struct {
		double x[10], y[10];
		int nx, ny;
		double p, printed_tolerance;
	} cases[] = {
		{ { 7, 7, 7, 7, 8, 8, 7, 7, 8, 8 }, { 7, 8, 7, 7, 7, 8, 8 }, 10, 7, 1.000, 5e-4 },
		{ { 1, 2, 2, 2, 2 }, { 1, 2, 1, 2, 0, 1, 1, 1, 0 }, 5, 9, 0.0959, 5e-5 },
		{ { 2, 2, 2, 0, 1, 1, 1 }, { 2, 1, 1, 1, 2, 0, 1, 1 }, 7, 8, 0.766, 5e-4 },
		{ { 2000, 2020, 1990, 1990, 2000, 2020, 1990, 2010, 1990, 2020 },
		  { 1900, 1890, 1920, 1890, 1920, 1890, 1910 }, 10, 7, 0.000103, 5e-7 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		st_comparison c = st_mann_whitney(cases[i].x, (size_t)cases[i].nx,
		                                  cases[i].y, (size_t)cases[i].ny, 0.05);
		assert_true(c.exact);
		assert_true(fabs(c.p - cases[i].p) < cases[i].printed_tolerance);
		assert_true(c.p == brute_p(cases[i].x, cases[i].nx, cases[i].y, cases[i].ny));
		assert_true(c.u * 2 == pair_twice_u(cases[i].x, cases[i].nx,
		                                    cases[i].y, cases[i].ny));
	}
}

/* Random small samples with and without ties, p against enumeration. */
static void test_brute_random(void **state)
{
	(void)state;
	uint32_t seed = 777;
	for (int round = 0; round < 400; round++) {
		double x[MAX_POOL], y[MAX_POOL];
		seed = seed * 1664525u + 1013904223u;
		int nx = 1 + (int)(seed >> 8) % 8;
		seed = seed * 1664525u + 1013904223u;
		int ny = 1 + (int)(seed >> 8) % 8;
		/* Few distinct values make ties; many make them rare. */
		int range = round % 3 == 0 ? 1000000 : 2 + round % 5;
		for (int i = 0; i < nx + ny; i++) {
			seed = seed * 1664525u + 1013904223u;
			double v = (double)((seed >> 8) % (uint32_t)range) + (i >= nx ? round % 2 : 0);
			if (i < nx)
				x[i] = v;
			else
				y[i - nx] = v;
		}
		st_comparison c = st_mann_whitney(x, (size_t)nx, y, (size_t)ny, 0.05);
		double want = brute_p(x, nx, y, ny);
		int all_equal = 1;
		for (int i = 1; i < nx + ny; i++)
			all_equal &= (i < nx ? x[i] : y[i - nx]) == x[0];
		if (all_equal) {
			assert_true(c.p == 1 && has_warning(&c, ST_WARN_ALL_EQUAL) && !c.exact);
			assert_true(c.u * 2 == pair_twice_u(x, nx, y, ny));
			continue;
		}
		assert_true(c.exact);
		if (fabs(c.p - want) > 1e-14 * want) {
			print_error("round %d %d+%d: p %.17g want %.17g\n", round, nx, ny, c.p, want);
			fail();
		}
		assert_true(c.u * 2 == pair_twice_u(x, nx, y, ny));
	}
}

/*
 * go-moremath's TestMannWhitneyUTest samples (whose two-sided values agree
 * with R's wilcox.test), where its answer is right: no ties, or ties with
 * equal sizes, and the normal approximation for 500 and 600 values.
 */
static void test_moremath_values(void **state)
{
	(void)state;
	static const double s1[] = { 2, 1, 3, 5 }, s2[] = { 12, 11, 13, 15 };
	static const double s3[] = { 0, 4, 6, 7 }, s4[] = { 2, 2, 2, 2 };
	static const double s5[] = { 1, 1, 1, 1, 1 };
	static const struct {
		const double *x, *y;
		size_t nx, ny;
		double u, p;
	} cases[] = {
		{ s1, s2, 4, 4, 0, 0.028571428571428577 },
		{ s2, s1, 4, 4, 16, 0.028571428571428577 },
		{ s1, s3, 4, 4, 5, 0.48571428571428577 },
		{ s1, s1, 4, 4, 8, 1 },
		{ s1, s4, 4, 4, 10, 0.7142857142857143 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		st_comparison c = st_mann_whitney(cases[i].x, cases[i].nx,
		                                  cases[i].y, cases[i].ny, 0.05);
		assert_true(c.u == cases[i].u);
		assert_true(fabs(c.p - cases[i].p) <= 1e-15 * cases[i].p);
	}
	/* s1 against s5: go-moremath says p = 0 for this tied 4 + 5 case;
	 * the enumeration says otherwise, and so do we. */
	st_comparison c = st_mann_whitney(s1, 4, s5, 5, 0.05);
	assert_true(c.u == 17.5);
	assert_true(c.p > 0 && c.p == brute_p(s1, 4, s5, 5));

	double l1[500], l2[600], l3[600];
	for (int i = 0; i < 500; i++)
		l1[i] = i * 2;
	for (int i = 0; i < 600; i++)
		l2[i] = l3[i] = i * 2 - 41;
	for (int i = 0; i < 30; i++)
		l3[i] = l1[i];
	static const struct { int which; double u, p; } large[] = {
		{ 2, 135250, 0.0049335360814172224 },
		{ 1, 125000, 1 },
		{ 3, 134845, 0.0038703814239617884 },
	};
	for (size_t i = 0; i < 3; i++) {
		const double *y = large[i].which == 1 ? l1 : large[i].which == 2 ? l2 : l3;
		size_t ny = large[i].which == 1 ? 500 : 600;
		st_comparison r = st_mann_whitney(l1, 500, y, ny, 0.05);
		assert_false(r.exact);
		assert_true(r.u == large[i].u);
		assert_true(fabs(r.p - large[i].p) <= 1e-12 * large[i].p);
	}
}

/*
 * The normal approximation against an independent evaluation: the tie
 * corrected σ and continuity corrected z from their textbook formulas,
 * and GSL's normal CDF (a different algorithm from the erfc the library
 * uses), which must agree to ~1e-15 relative where p is printed.
 */
static void test_normal_against_gsl(void **state)
{
	(void)state;
	uint32_t seed = 99;
	double worst = 0;
	for (int round = 0; round < 300; round++) {
		enum { NX = 60, NY = 45 };
		double x[NX], y[NY];
		int range = 5 + round;          /* many ties at first, few later */
		for (int i = 0; i < NX + NY; i++) {
			seed = seed * 1664525u + 1013904223u;
			double v = (double)((seed >> 8) % (uint32_t)range);
			if (i < NX)
				x[i] = v;
			else
				y[i - NX] = v + round % 4;
		}
		st_comparison c = st_mann_whitney(x, NX, y, NY, 0.05);
		assert_false(c.exact);
		/* Σ(t³ - t) over the runs of equal pooled values. */
		double pool[NX + NY];
		memcpy(pool, x, sizeof x);
		memcpy(pool + NX, y, sizeof y);
		st_sort(pool, NX + NY);
		double tsum = 0;
		for (int i = 0; i < NX + NY;) {
			int j = i;
			while (j < NX + NY && pool[j] == pool[i])
				j++;
			double t = j - i;
			tsum += t * t * t - t;
			i = j;
		}
		double n = NX + NY, u = pair_twice_u(x, NX, y, NY) / 2.0;
		double sigma = sqrt(NX * NY / 12.0 * ((n + 1) - tsum / (n * (n - 1))));
		double d = u - NX * NY / 2.0;
		double z = (d > 0 ? d - 0.5 : d < 0 ? d + 0.5 : 0) / sigma;
		double want = 2 * gsl_cdf_ugaussian_P(-fabs(z));
		want = want < 1 ? want : 1;
		assert_true(c.u == u);
		double rel = fabs(c.p - want) / want;
		if (want > 1e-6 && rel > worst)
			worst = rel;
	}
	/* Rounding of σ and z (an ulp or two) moves p by up to ~z² ulps,
	 * so this end-to-end bound is looser than the CDF's own below. */
	if (worst > 1e-13) {
		print_error("normal p differs from GSL's by %g relative\n", worst);
		fail();
	}
}

/*
 * The library's normal CDF (erfc, as go-moremath computes it) against
 * GSL's at the same z, over the range where p is printed to 3 decimals.
 */
static void test_normal_cdf_against_gsl(void **state)
{
	(void)state;
	double worst = 0;
	for (double z = -3.5; z <= 3.5; z += 1.0 / 1024) {
		double want = gsl_cdf_ugaussian_P(z);
		double rel = fabs(st_normal_cdf(z) - want) / want;
		if (rel > worst)
			worst = rel;
	}
	/* Measured: 2.2e-15 at z = -3.5 (a few ulps); 1e-15 in the center. */
	if (worst > 4e-15) {
		print_error("st_normal_cdf differs from GSL's by %g relative\n", worst);
		fail();
	}
}

/* Where the exact distribution gives way to the normal approximation. */
static void test_exact_limits(void **state)
{
	(void)state;
	static const struct { int nx, ny, tied, exact; } cases[] = {
		{ 50, 50, 0, 1 }, { 51, 50, 0, 0 }, { 50, 51, 0, 0 }, { 1, 50, 0, 1 },
		{ 25, 25, 1, 1 }, { 26, 25, 1, 0 }, { 25, 26, 1, 0 }, { 30, 30, 1, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double x[60], y[60];
		for (int j = 0; j < cases[i].nx; j++)
			x[j] = cases[i].tied ? j / 3 : 2 * j;
		for (int j = 0; j < cases[i].ny; j++)
			y[j] = cases[i].tied ? j / 2 + 3 : 2 * j + 1 + 20;
		st_comparison c = st_mann_whitney(x, (size_t)cases[i].nx, y,
		                                  (size_t)cases[i].ny, 0.05);
		assert_int_equal(c.exact, cases[i].exact);
		assert_true(c.p > 0 && c.p <= 1);
	}
}

/* All equal, empty samples, and the "need >= N samples" caveat. */
static void test_caveats(void **state)
{
	(void)state;
	double same[30];
	for (int i = 0; i < 30; i++)
		same[i] = 4.5;
	static const size_t sizes[][2] = { { 3, 5 }, { 25, 25 }, { 30, 30 }, { 1, 1 } };
	for (size_t i = 0; i < 4; i++) {
		st_comparison c = st_mann_whitney(same, sizes[i][0], same, sizes[i][1], 0.05);
		assert_true(c.p == 1);
		assert_true(c.u == (double)(sizes[i][0] * sizes[i][1]) / 2);
		assert_int_equal(c.nwarnings, 1);
		assert_int_equal(c.warnings[0].kind, ST_WARN_ALL_EQUAL);
	}
	/* Past the exact path, one tie run goes through the normal
	 * approximation as go-moremath does: at this size its sigma rounds
	 * to a small positive number, so p = 1 with no caveat (benchstat
	 * prints "~ (p=1.000 n=166502)", no footnote). */
	enum { BIG = 166502 };
	double *big = malloc(BIG * sizeof *big);
	assert_non_null(big);
	for (size_t i = 0; i < BIG; i++)
		big[i] = 5e-9;
	st_comparison b = st_mann_whitney(big, BIG, big, BIG, 0.05);
	assert_true(b.p == 1 && !b.exact && b.u == (double)BIG * BIG / 2);
	assert_int_equal(b.nwarnings, 0);
	free(big);
	/* NaNs rank as one tie run: all NaN is all equal too. */
	double nans[3] = { NAN, NAN, NAN };
	st_comparison n = st_mann_whitney(nans, 3, nans, 2, 0.05);
	assert_true(n.p == 1 && n.u == 3);
	assert_int_equal(n.nwarnings, 1);
	assert_int_equal(n.warnings[0].kind, ST_WARN_ALL_EQUAL);
	st_comparison e = st_mann_whitney(same, 0, same, 3, 0.05);
	assert_true(e.p == 1 && isnan(e.u));
	assert_int_equal(e.nwarnings, 1);
	assert_int_equal(e.warnings[0].kind, ST_WARN_EMPTY_SAMPLE);

	/* Minimum two-sided p for n + n is 2 / C(2n, n): n = 4 reaches 0.05,
	 * n = 5 reaches 0.01, and nothing up to n = 9 reaches 1e-6. */
	static const double lo[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const double hi[] = { 11, 12, 13, 14, 15, 16, 17, 18, 19 };
	static const double mixed[] = { 1, 12, 3, 14, 5, 16, 7, 18, 9 };
	static const struct {
		const double *y;
		size_t nx, ny;
		double alpha;
		int warns, at_least, need;
	} cases[] = {
		{ hi, 3, 3, 0.05, 1, 1, 4 },        /* p = 0.1 > 0.05 */
		{ hi, 3, 4, 0.05, 0, 0, 0 },        /* 4 samples on one side */
		{ hi, 4, 4, 0.05, 0, 0, 0 },        /* p = 0.0286 <= 0.05 */
		{ mixed, 3, 3, 0.05, 1, 1, 4 },
		{ hi, 4, 4, 0.01, 1, 1, 5 },
		{ hi, 3, 3, 0.1, 0, 0, 0 },         /* p = 0.1, not > 0.1 */
		{ mixed, 3, 3, 0.1, 0, 0, 0 },      /* 3 samples can reach 0.1 */
		{ mixed, 2, 2, 0.5, 0, 0, 0 },      /* 2 can reach 1/3 */
		{ hi, 1, 1, 0.5, 1, 1, 2 },         /* 1 + 1: p = 1 always */
		{ hi, 9, 9, 1e-6, 1, 0, 10 },       /* benchmath: "need > 10" */
		{ mixed, 9, 9, 1e-6, 1, 0, 10 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		st_comparison c = st_mann_whitney(lo, cases[i].nx, cases[i].y,
		                                  cases[i].ny, cases[i].alpha);
		assert_int_equal(c.nwarnings, cases[i].warns);
		assert_true(c.alpha == cases[i].alpha);
		if (cases[i].warns) {
			assert_int_equal(c.warnings[0].kind, ST_WARN_U_SAMPLES);
			assert_int_equal(c.warnings[0].at_least, cases[i].at_least);
			assert_int_equal(c.warnings[0].n, cases[i].need);
			assert_true(c.warnings[0].level == cases[i].alpha);
		}
	}
}

/* NaN and infinite values: no hang, no crash, p in range. */
static void test_odd_values(void **state)
{
	(void)state;
	double x[] = { NAN, 1, INFINITY, -INFINITY, NAN, 3 };
	double y[] = { 2, NAN, INFINITY, 0, -0.0 };
	st_comparison c = st_mann_whitney(x, 6, y, 5, 0.05);
	assert_true(c.p > 0 && c.p <= 1);
	double big[70];
	for (int i = 0; i < 70; i++)
		big[i] = i % 7 == 0 ? NAN : i;
	c = st_mann_whitney(big, 70, big, 60, 0.05);
	assert_false(c.exact);
	assert_true(c.p > 0 && c.p <= 1);
	st_release_caches();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_examples),
		cmocka_unit_test(test_brute_random),
		cmocka_unit_test(test_moremath_values),
		cmocka_unit_test(test_normal_against_gsl),
		cmocka_unit_test(test_normal_cdf_against_gsl),
		cmocka_unit_test(test_exact_limits),
		cmocka_unit_test(test_caveats),
		cmocka_unit_test(test_odd_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
