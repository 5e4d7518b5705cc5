/*
 * stats.h — the statistics bstat and the gate stand on: medians with
 * distribution-free confidence intervals, the two-sided Mann-Whitney U test,
 * and geometric means. No I/O, no printing, no global state a caller can see.
 *
 * Assumptions. What a caller may assume about a sample's distribution
 * (benchmath's Assumption) is one value, st_assumption: nothing (medians,
 * order-statistic intervals, the U test) or exact (the unit is noise-free:
 * benchfmt's `Unit <unit> assume=exact`). st_summarize and st_compare are the
 * one entry point for either, st_significant the one rule that calls a
 * comparison a difference, and st_smallest_p the one place that knows how
 * small p can get. Every other p in cbench is read from an st_comparison.
 *
 * Conventions. Sample arrays are owned by the caller and read only; functions
 * that need them sorted say so. Results are returned by value. Statistical
 * caveats ("need >= 6 samples ...") are returned as st_warning records inside
 * the result, never printed; st_warning_format renders one as benchstat
 * words it. The module prefix is st_.
 *
 * Caches. The median's order-statistic bounds are cached per (n, confidence)
 * and exact U distributions per (sizes, tie pattern), behind a mutex, so the
 * functions are safe to call from several threads. st_release_caches frees
 * them; nothing else needs to be released.
 */
#ifndef CBENCH_STATS_H
#define CBENCH_STATS_H

#include <stddef.h>

enum st_warning_kind {
	ST_WARN_CI_SAMPLES,   /* "need >= N samples for confidence interval at level C" */
	ST_WARN_U_SAMPLES,    /* "need >= N samples to detect a difference at alpha level A" */
	ST_WARN_ALL_EQUAL,    /* "all samples are equal" */
	ST_WARN_EMPTY_SAMPLE, /* "sample is too small" */
	ST_WARN_NO_MEMORY,    /* exact distribution unaffordable; normal approximation used */
	ST_WARN_NOT_EXACT     /* "exact distribution expected, but values range from lo to hi" */
};

enum st_assumption {
	ST_ASSUME_NOTHING,    /* benchmath's AssumeNothing: median, order-statistic CI, U test */
	ST_ASSUME_EXACT       /* benchmath's AssumeExact: every run gives the same value */
};

/* No warning names both a level and a range, so they share their bytes,
 * and the kind and the flag share a word: every table cell holds four
 * warnings, and at a million results that is tens of megabytes. */
typedef struct st_warning {
	enum st_warning_kind kind : 8;
	int at_least : 8;     /* 1: "need >= n", 0: "need > n" (limit reached) */
	int n;                /* samples needed */
	union {
		double level;     /* the confidence or alpha level named */
		struct {
			double lo, hi; /* ST_WARN_NOT_EXACT: the values seen */
		};
	};
} st_warning;

#define ST_MAX_WARNINGS 2

/* The median of a sample and its confidence interval. */
typedef struct st_summary {
	double center;        /* the median */
	double lo, hi;        /* interval bounds; -INFINITY / +INFINITY when n is too small */
	double confidence;    /* actual level of [lo, hi], >= the level asked for */
	int nwarnings;
	st_warning warnings[ST_MAX_WARNINGS];
} st_summary;

/*
 * A comparison of sample x (the baseline) with y: under ST_ASSUME_NOTHING a
 * two-sided Mann-Whitney U test; under ST_ASSUME_EXACT no test at all (p = 0,
 * alpha = 0, as benchmath's AssumeExact: exact values differ or they do not).
 * Whether it shows a difference is st_significant's to say, nobody else's.
 */
typedef struct st_comparison {
	enum st_assumption assumption;
	int varies;           /* ST_ASSUME_EXACT only: x or y holds more than one value,
	                       * so the exact claim is broken (the summary warns) */
	double p;             /* min(1, 2 * min(P(U <= u), P(U >= u))); 1 when no test */
	double u;             /* U of x (ties count 1/2), in [0, nx*ny]; NaN if a sample is empty */
	int nx, ny;
	double alpha;         /* the level p is judged against */
	int exact;            /* 1: exact distribution, 0: normal approximation or no test */
	int nwarnings;
	st_warning warnings[ST_MAX_WARNINGS];
} st_comparison;

/*
 * Sorts values ascending in place. NaNs sort first, as Go's sort.Float64s
 * puts them, so order statistics match benchstat's even on NaN input.
 */
void st_sort(double *values, size_t n);

/*
 * The median of sorted[0..n) (st_sort order) and a distribution-free
 * confidence interval from order statistics at the requested level (e.g.
 * 0.95), as benchstat's AssumeNothing computes it. A level outside [0, 1] is
 * clamped to it (NaN counts as 0). n == 0 gives a NaN center, infinite bounds
 * and the ST_WARN_CI_SAMPLES warning, as benchstat does.
 */
st_summary st_median_summary(const double *sorted, size_t n, double confidence);

/*
 * The summary of sorted[0..n) under assumption a: st_median_summary for
 * nothing; for exact, benchmath's: the most common value (the first of equally
 * common ones) as center, min..max as the interval, confidence 1, and
 * ST_WARN_NOT_EXACT when the values differ. n must be > 0 for exact.
 */
st_summary st_summarize(enum st_assumption a, const double *sorted, size_t n, double confidence);

/*
 * Compares baseline x with y under assumption a (see st_comparison). Both
 * sorted ascending for exact (their first and last values are compared).
 */
st_comparison st_compare(enum st_assumption a, const double *x, size_t nx,
                         const double *y, size_t ny, double alpha);

/*
 * The significance rule, the only one: a comparison shows a difference when
 * p <= alpha. That is benchmath's (Comparison.FormatDelta prints "~" only for
 * p > alpha) and so what benchstat's table prints; at p == alpha the delta is
 * shown, so it is a difference. Exact comparisons (p = alpha = 0) always are.
 */
int st_significant(const st_comparison *c);

/*
 * The smallest two-sided p the U test can give for samples of sizes nx and ny
 * (fully separated, no ties): 2 / C(nx + ny, nx), at most 1; 1 when either
 * is 0. Ties only raise it, so when it is above alpha no data can be
 * significant.
 */
double st_smallest_p(size_t nx, size_t ny);

/* The smallest n such that n samples a side can reach p <= alpha (at most
 * 1000; 0 when even that cannot). */
size_t st_samples_needed(double alpha);

/*
 * The two-sided Mann-Whitney U test. Uses the exact distribution (conditional
 * on the tie pattern) when there are no ties and nx, ny <= 50, or ties and
 * nx, ny <= 25; the normal approximation with tie and continuity correction
 * otherwise. x and y need not be sorted. Adds ST_WARN_U_SAMPLES when p > alpha
 * and both samples are too small for any outcome to reach alpha, and
 * ST_WARN_ALL_EQUAL (with p = 1) when every value in both is the same, or
 * ST_WARN_EMPTY_SAMPLE (p = 1) when either sample is empty. NaNs rank as
 * equal values below every number (benchstat never returns on them).
 */
st_comparison st_mann_whitney(const double *x, size_t nx,
                              const double *y, size_t ny, double alpha);

/*
 * The exact null distribution of U, for tests against brute force:
 * P(U <= u) for samples of sizes nx and ny whose pooled values fall in tie
 * groups of sizes ties[0..nties) in ascending value order (sum = nx + ny;
 * all ones, or ties == NULL with nties == 0, means no ties). u may be a
 * multiple of 1/2. Returns NaN on bad arguments or sizes it does not cover:
 * without ties nx, ny must be in 1..50; with ties C(nx+ny, nx) must stay
 * below 2^53 and (nx+1)(2 nx ny + 1) at most 2^22 (nx, ny <= 25 always is).
 */
double st_u_cdf(int nx, int ny, const int *ties, size_t nties, double u);

/*
 * The geometric mean of values[0..n). Returns NaN when n == 0 or any value is
 * not > 0 (benchstat: "summaries must be >0 to compute geomean").
 */
double st_geomean(const double *values, size_t n);

/*
 * Writes the warning as benchstat words it, e.g. "need >= 6 samples for
 * confidence interval at level 0.95", into buf (always NUL-terminated when
 * size > 0). Returns the length the full text needs, like snprintf.
 */
int st_warning_format(const st_warning *w, char *buf, size_t size);

/*
 * Formats x as Go's %v does for a float64 (shortest text that reads back as
 * x: 0.95, 1e-05, 1.5e+21). Same return convention as st_warning_format.
 */
int st_format_go_float(double x, char *buf, size_t size);

/* Frees the cached distributions and intervals; later calls rebuild them. */
void st_release_caches(void);

#endif
