/*
 * test_stats_udist.c — the exact U distribution (stats/udist.c) against
 * brute-force enumeration of every labeling, exact 128-bit counts, and the
 * tables published by Mann & Whitney (1947) and Klotz (1966).
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

enum { MAX_POOL = 20 };

/*
 * counts[2U] over all C(N, nx) ways to label nx of the N pooled places "x",
 * the places falling in tie groups of the given sizes. U is counted pair by
 * pair, independently of the rank arithmetic the library uses.
 */
static uint64_t brute_counts(int nx, const int *ties, size_t nties, uint64_t *counts)
{
	int group[MAX_POOL], n = 0;
	for (size_t g = 0; g < nties; g++)
		for (int i = 0; i < ties[g]; i++)
			group[n++] = (int)g;
	assert_true(n <= MAX_POOL);
	int ny = n - nx;
	memset(counts, 0, (size_t)(2 * nx * ny + 1) * sizeof *counts);
	uint64_t total = 0;
	for (uint32_t mask = 0; mask < (1u << n); mask++) {
		if (__builtin_popcount(mask) != nx)
			continue;
		int twice_u = 0;
		for (int i = 0; i < n; i++) {
			if (!(mask >> i & 1))
				continue;
			for (int j = 0; j < n; j++) {
				if (mask >> j & 1)
					continue;
				twice_u += group[i] > group[j] ? 2 : group[i] == group[j] ? 1 : 0;
			}
		}
		counts[twice_u]++;
		total++;
	}
	return total;
}

/* Compares st_u_cdf at every half step with the enumeration. */
static void check_against_brute(int nx, const int *ties, size_t nties, double tol)
{
	int n = 0;
	for (size_t g = 0; g < nties; g++)
		n += ties[g];
	int ny = n - nx;
	uint64_t counts[2 * (MAX_POOL / 2) * (MAX_POOL / 2) + 1];
	uint64_t total = brute_counts(nx, ties, nties, counts);
	uint64_t cum = 0;
	for (int s = 0; s <= 2 * nx * ny; s++) {
		cum += counts[s];
		double want = (double)cum / (double)total;
		double got = st_u_cdf(nx, ny, ties, nties, s / 2.0);
		if (fabs(got - want) > tol * want) {
			print_error("nx=%d ny=%d nties=%zu 2U=%d: got %.17g want %.17g\n",
			            nx, ny, nties, s, got, want);
			fail();
		}
		/* The upper tail comes from the same counts. */
		double le, ge;
		assert_int_equal(st_u_tails(nx, ny, ties, nties, s, &le, &ge), 0);
		double want_ge = (double)(total - (cum - counts[s])) / (double)total;
		assert_true(fabs(ge - want_ge) <= tol * want_ge);
	}
}

/* Without ties: every pair of sizes up to 8 + 8. */
static void test_no_ties_brute(void **state)
{
	(void)state;
	int ones[MAX_POOL];
	for (int i = 0; i < MAX_POOL; i++)
		ones[i] = 1;
	for (int nx = 1; nx <= 8; nx++)
		for (int ny = 1; ny <= 8; ny++)
			check_against_brute(nx, ones, (size_t)(nx + ny), 1e-14);
}

/* Tie patterns chosen by hand: one big group, groups at the ends, pairs. */
static void test_ties_brute_table(void **state)
{
	(void)state;
	static const struct {
		int nx;
		int ties[MAX_POOL];
		size_t nties;
	} cases[] = {
		{ 3, { 2, 1, 1, 2 }, 4 },
		{ 2, { 5, 1 }, 2 },
		{ 4, { 1, 6, 1 }, 3 },
		{ 5, { 3, 3, 3, 3 }, 4 },
		{ 7, { 8, 8 }, 2 },
		{ 1, { 1, 1, 3 }, 3 },
		{ 6, { 2, 2, 2, 2, 2, 2, 2, 2 }, 8 },
		{ 8, { 2, 2, 2, 2, 2, 2, 2, 2 }, 8 },
		{ 8, { 1, 1, 2, 1, 1, 2, 1, 1, 2, 4 }, 10 },
		{ 9, { 15, 1 }, 2 },
		{ 5, { 4, 5, 4, 3 }, 4 },       /* Klotz / Cheung's shape */
		{ 10, { 7, 7, 6 }, 3 },         /* issue example 3's ties, 20 values */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_against_brute(cases[i].nx, cases[i].ties, cases[i].nties, 0);
}

/* Random tie patterns and sizes, N up to 16, from a fixed generator. */
static void test_ties_brute_random(void **state)
{
	(void)state;
	uint32_t seed = 12345;
	for (int round = 0; round < 300; round++) {
		seed = seed * 1664525u + 1013904223u;
		int n = 2 + (int)(seed >> 8) % 15;
		seed = seed * 1664525u + 1013904223u;
		int nx = 1 + (int)(seed >> 8) % (n - 1);
		int ties[MAX_POOL];
		size_t nties = 0;
		for (int left = n; left > 0;) {
			seed = seed * 1664525u + 1013904223u;
			int t = 1 + (int)(seed >> 8) % 4;
			if (t > left)
				t = left;
			ties[nties++] = t;
			left -= t;
		}
		/* The tied path divides exact integer counts: no tolerance.
		 * All ones goes through the probability recurrence. */
		int any = 0;
		for (size_t g = 0; g < nties; g++)
			any |= ties[g] > 1;
		check_against_brute(nx, ties, nties, any ? 0 : 1e-14);
	}
}

/* Exact counts of rank-sum subsets in 128 bits: an independent no-ties
 * reference that reaches 50 + 50, where C(100, 50) ~ 1e29. */
static void exact_no_tie_cdf(int nx, int ny, long double *cdf)
{
	int nm = nx * ny;
	size_t width = (size_t)nm + 1;
	/* ways[k][u]: subsets of k x-places among the first i places whose U
	 * (pairs x above y) is u, places taken in ascending order. */
	unsigned __int128 *flat = calloc((size_t)(nx + 1) * width, sizeof *flat);
	assert_non_null(flat);
#define ways(k, u) flat[(size_t)(k) * width + (size_t)(u)]
	ways(0, 0) = 1;
	for (int i = 0; i < nx + ny; i++) {
		int kmax = i < nx ? i : nx;
		for (int k = kmax; k >= 0; k--) {
			int ys_below = i - k;
			if (ys_below > ny || k + 1 > nx)
				continue;
			for (int u = nm - ys_below; u >= 0; u--)
				ways(k + 1, u + ys_below) += ways(k, u);
		}
	}
	unsigned __int128 total = 0, cum = 0;
	for (int u = 0; u <= nm; u++)
		total += ways(nx, u);
	for (int u = 0; u <= nm; u++) {
		cum += ways(nx, u);
		cdf[u] = (long double)cum / (long double)total;
	}
#undef ways
	free(flat);
}

/* The probability recurrence against exact counts, up to 50 + 50. */
static void test_no_ties_large_exact(void **state)
{
	(void)state;
	static const int sizes[][2] = {
		{ 50, 50 }, { 50, 37 }, { 1, 50 }, { 25, 25 }, { 30, 30 }, { 13, 47 },
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		int nx = sizes[i][0], ny = sizes[i][1], nm = nx * ny;
		long double *cdf = malloc(((size_t)nm + 1) * sizeof *cdf);
		assert_non_null(cdf);
		exact_no_tie_cdf(nx, ny, cdf);
		for (int u = 0; u <= nm; u++) {
			double got = st_u_cdf(nx, ny, NULL, 0, u);
			double want = (double)cdf[u];
			/* Lower tail: relative error; upper: it is 1 - small. */
			double err = fabs(got - want) / (want < 0.5 ? want : 1);
			if (err > 1e-12) {
				print_error("%dx%d u=%d: got %.17g want %.17g\n",
				            nx, ny, u, got, want);
				fail();
			}
		}
		free(cdf);
	}
}

/*
 * Mann & Whitney (1947), Table I, P(U <= u) for n = 3 and n = 5 (the
 * smaller sample m = 1..n), printed to six decimals.
 */
static void test_mann_whitney_1947_tables(void **state)
{
	(void)state;
	static const double n3[6][3] = {
		{ 0.250000, 0.100000, 0.050000 }, { 0.500000, 0.200000, 0.100000 },
		{ 0.750000, 0.400000, 0.200000 }, { 1.000000, 0.600000, 0.350000 },
		{ 1.000000, 0.800000, 0.500000 }, { 1.000000, 0.900000, 0.650000 },
	};
	static const double n5[6][5] = {
		{ 0.166667, 0.047619, 0.017857, 0.007937, 0.003968 },
		{ 0.333333, 0.095238, 0.035714, 0.015873, 0.007937 },
		{ 0.500000, 0.190476, 0.071429, 0.031746, 0.015873 },
		{ 0.666667, 0.285714, 0.125000, 0.055556, 0.027778 },
		{ 0.833333, 0.428571, 0.196429, 0.095238, 0.047619 },
		{ 1.000000, 0.571429, 0.285714, 0.142857, 0.075397 },
	};
	for (int u = 0; u < 6; u++) {
		for (int m = 1; m <= 3; m++)
			assert_true(fabs(st_u_cdf(m, 3, NULL, 0, u) - n3[u][m - 1]) < 5e-7);
		for (int m = 1; m <= 5; m++)
			assert_true(fabs(st_u_cdf(m, 5, NULL, 0, u) - n5[u][m - 1]) < 5e-7);
	}
}

/*
 * Klotz (1966), "The Wilcoxon, ties, and the computer", Table 1: m = 5 of
 * N = 10 with tie vector (1,1,2,1,1,2,1,1). The table is indexed by the
 * statistic x = U + m^2/2; the rows give P(X <= x) to six decimals.
 */
static void test_klotz_1966_table(void **state)
{
	(void)state;
	static const int ties[] = { 1, 1, 2, 1, 1, 2, 1, 1 };
	static const double rows[][2] = {
		{ 12.5, 0.003968 }, { 13.5, 0.007937 }, { 15.0, 0.023810 },
		{ 16.5, 0.047619 }, { 17.5, 0.071429 }, { 18.0, 0.087302 },
		{ 19.0, 0.134921 }, { 19.5, 0.138889 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		double u = rows[i][0] - 25 / 2.0;
		assert_true(fabs(st_u_cdf(5, 5, ties, 8, u) - rows[i][1]) < 5e-7);
	}
	/* 8 of 16 in eight tied pairs, as go-moremath's tests quote it from
	 * Klotz's tables (x = U + 32). */
	static const int pairs[] = { 2, 2, 2, 2, 2, 2, 2, 2 };
	static const double pair_rows[][2] = {
		{ 32, 0.000078 }, { 36, 0.001088 }, { 40, 0.005905 },
		{ 44, 0.021057 }, { 48, 0.057187 }, { 54, 0.175369 },
	};
	for (size_t i = 0; i < sizeof pair_rows / sizeof pair_rows[0]; i++) {
		double u = pair_rows[i][0] - 64 / 2.0;
		assert_true(fabs(st_u_cdf(8, 8, pairs, 8, u) - pair_rows[i][1]) < 5e-7);
	}
}

/* Sizes out of range and malformed tie vectors give NaN, not a crash. */
static void test_bad_arguments(void **state)
{
	(void)state;
	static const int ties[] = { 2, 2 };
	static const int zero[] = { 2, 0, 2 };
	assert_true(isnan(st_u_cdf(0, 3, NULL, 0, 1)));
	assert_true(isnan(st_u_cdf(3, -1, NULL, 0, 1)));
	assert_true(isnan(st_u_cdf(51, 3, NULL, 0, 1)));
	assert_true(isnan(st_u_cdf(2, 3, ties, 2, 1)));      /* sum 4 != 5 */
	assert_true(isnan(st_u_cdf(2, 2, zero, 3, 1)));      /* empty group */
	assert_true(isnan(st_u_cdf(2, 2, NULL, 3, 1)));
	assert_true(isnan(st_u_cdf(2, 2, ties, 2, NAN)));
	/* 30 + 30 with ties: C(60, 30) > 2^53, beyond exact counting. */
	int big[60];
	for (int i = 0; i < 30; i++)
		big[i] = 2;
	assert_true(isnan(st_u_cdf(30, 30, big, 30, 10)));
	/* Outside the support the CDF is 0 or 1. */
	assert_true(st_u_cdf(2, 2, ties, 2, -0.5) == 0);
	assert_true(st_u_cdf(2, 2, ties, 2, 4) == 1);
	assert_true(st_u_cdf(3, 4, NULL, 0, 1e9) == 1);
}

/* Cached, released and rebuilt distributions give the same bits. */
static void test_cache_stable(void **state)
{
	(void)state;
	static const int ties[] = { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5 };
	double first = st_u_cdf(20, 24, ties, 11, 200.5);
	double nt = st_u_cdf(40, 45, NULL, 0, 700);
	assert_true(first > 0 && first < 1);
	assert_true(st_u_cdf(20, 24, ties, 11, 200.5) == first);
	st_release_caches();
	assert_true(st_u_cdf(20, 24, ties, 11, 200.5) == first);
	assert_true(st_u_cdf(40, 45, NULL, 0, 700) == nt);
	/* Swapping the samples of a no-ties pair reads the same table. */
	assert_true(st_u_cdf(45, 40, NULL, 0, 700) == nt);
	st_release_caches();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_ties_brute),
		cmocka_unit_test(test_ties_brute_table),
		cmocka_unit_test(test_ties_brute_random),
		cmocka_unit_test(test_no_ties_large_exact),
		cmocka_unit_test(test_mann_whitney_1947_tables),
		cmocka_unit_test(test_klotz_1966_table),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_cache_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
