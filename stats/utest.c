/*
 * utest.c — the two-sided Mann-Whitney U test as benchstat runs it
 * (go-moremath MannWhitneyUTest plus benchmath's caveats), with one
 * deliberate change: the exact two-sided p is
 *
 *     p = min(1, 2 * min(P(U <= u), P(U >= u)))
 *
 * under the distribution conditional on the tie pattern. go-moremath doubles
 * P(U <= min(U, nx*ny - U)), which is the same number only when that
 * distribution is symmetric (no ties, or equal sample sizes); with ties and
 * unequal sizes it gives p > 1 or p far too small. Everything else (U,
 * ranks, when to use the exact distribution, the normal approximation with
 * its tie and continuity corrections) follows go-moremath operation for
 * operation, so p equals benchstat's wherever benchstat is right.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "stats_internal.h"

enum {
	EXACT_LIMIT = 50,       /* go-moremath MannWhitneyExactLimit */
	TIES_EXACT_LIMIT = 25,  /* MannWhitneyTiesExactLimit */
	MIN_P_TABLE = 10        /* benchmath's uTestMinP covers n = 1..9 */
};

/* What ranking the pooled samples gives: U of x and the tie groups. */
struct ranking {
	double u;
	int *ties;          /* sizes of the runs of equal values, ascending */
	size_t nties;
	int tied;           /* some run is longer than 1 */
};

/* The st_sort order: NaNs first, as one run of equal values. */
static int before(double a, double b)
{
	return a < b || (isnan(a) && !isnan(b));
}

/*
 * Samples of up to SMALL values are ranked in the caller's stack buffers,
 * and a sample already in st_sort order (bstat's cells are sorted) is used
 * as it is: the copies, sorts and five allocations per test were a tenth
 * of a table of short samples.
 */
enum { SMALL = 64 };

/* v in st_sort order: v itself, or a sorted copy in buf (n <= SMALL) or
 * in *heap (freed by the caller); NULL when memory runs out. */
static const double *sorted_view(const double *v, size_t n, double *buf, double **heap)
{
	size_t i = 1;
	while (i < n && !before(v[i], v[i - 1]))
		i++;
	*heap = NULL;
	if (i >= n)
		return v;
	double *c = n <= SMALL ? buf : (*heap = malloc(n * sizeof *c));
	if (c) {
		memcpy(c, v, n * sizeof *c);
		st_sort(c, n);
	}
	return c;
}

/* Scratch for rank: stack arrays for small samples, else the heap. */
struct rank_space {
	double merged[2 * SMALL];
	unsigned char is_x[2 * SMALL];
	int ties[2 * SMALL];
};

static int same(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

/*
 * Merges the sorted samples (taking y on equal terms, as go-moremath does),
 * sums x's mid-ranks over runs of equal values, and records the run sizes.
 * benchstat loops forever on a NaN here; we rank NaNs as tied values below
 * all numbers, where st_sort puts them. Without NaNs this is go-moremath's
 * arithmetic exactly, so U and the ties match benchstat's.
 */
static int rank(const double *xs, size_t nx, const double *ys, size_t ny,
                struct rank_space *sp, struct ranking *out)
{
	size_t n = nx + ny;
	int small = n <= 2 * SMALL;
	double *merged = small ? sp->merged : malloc(n * sizeof *merged);
	unsigned char *is_x = small ? sp->is_x : malloc(n);
	out->ties = small ? sp->ties : malloc(n * sizeof *out->ties);
	if (!merged || !is_x || !out->ties) {
		if (!small) {
			free(merged);
			free(is_x);
			free(out->ties);
		}
		out->ties = NULL;
		return -1;
	}
	for (size_t i = 0, j = 0, o = 0; o < n; o++) {
		int take_x = i < nx && (j >= ny || before(xs[i], ys[j]));
		merged[o] = take_x ? xs[i++] : ys[j++];
		is_x[o] = (unsigned char)take_x;
	}
	double rank_sum = 0;
	out->nties = 0;
	out->tied = 0;
	for (size_t i = 0; i < n;) {
		size_t first = i + 1;   /* 1-based rank of the run's first value */
		double v = merged[i];
		int xs_in_run = 0;
		for (; i < n && same(merged[i], v); i++)
			xs_in_run += is_x[i];
		if (xs_in_run)
			rank_sum += (double)(i + first) / 2 * xs_in_run;
		out->ties[out->nties++] = (int)(i - first + 1);
		if (i > first)
			out->tied = 1;
	}
	out->u = rank_sum - (double)((int64_t)nx * (int64_t)(nx + 1)) / 2;
	if (!small) {
		free(merged);
		free(is_x);
	}
	return 0;
}

/* Whether the sorted samples hold one value (NaNs count as one). */
static int all_equal(const double *xs, size_t nx, const double *ys, size_t ny)
{
	return same(xs[0], xs[nx - 1]) && same(ys[0], ys[ny - 1]) && same(xs[0], ys[0]);
}

/* Σ (t³ - t) over the runs, in 64-bit integers like Go's int. */
static double tie_correction(const int *ties, size_t nties)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < nties; i++) {
		uint64_t t = (uint64_t)ties[i];
		sum += t * t * t - t;
	}
	return (double)(int64_t)sum;
}

/* Normal approximation; returns NaN when every value is equal (σ = 0). */
static double normal_p(const struct ranking *r, int64_t nx, int64_t ny)
{
	double t = tie_correction(r->ties, r->nties);
	double n = (double)(nx + ny);
	double mu = (double)(nx * ny) / 2;
	double sigma = sqrt((double)(nx * ny) * ((n + 1) - t / (n * (n - 1))) / 12);
	if (sigma == 0)
		return NAN;
	double numer = r->u - mu;
	/* Continuity correction: half a step toward the center. */
	if (numer > 0)
		numer -= 0.5;
	else if (numer < 0)
		numer += 0.5;
	double z = numer / sigma;
	double below = st_normal_cdf(z);
	return 2 * fmin(below, 1 - below);
}

static void warn(st_comparison *c, st_warning w)
{
	if (c->nwarnings < ST_MAX_WARNINGS)
		c->warnings[c->nwarnings++] = w;
}

/* benchmath's uTestSamples: the smallest n whose best p reaches alpha. */
static void samples_needed(double alpha, int *at_least, int *n)
{
	for (int m = 1; m < MIN_P_TABLE; m++) {
		if (st_smallest_p((size_t)m, (size_t)m) <= alpha) {
			*at_least = 1;
			*n = m;
			return;
		}
	}
	*at_least = 0;
	*n = MIN_P_TABLE;
}

static int use_exact(const struct ranking *r, size_t nx, size_t ny)
{
	size_t limit = r->tied ? TIES_EXACT_LIMIT : EXACT_LIMIT;
	return nx <= limit && ny <= limit;
}

/* p for a ranking with at least two runs; NaN when all values are equal. */
static double p_value(st_comparison *c, const struct ranking *r)
{
	int64_t nx = c->nx, ny = c->ny;
	if (use_exact(r, (size_t)nx, (size_t)ny)) {
		if (r->nties == 1)
			return NAN;
		double le, ge;
		int64_t twice_u = (int64_t)(2 * r->u);
		if (st_u_tails(c->nx, c->ny, r->tied ? r->ties : NULL,
		               r->tied ? r->nties : 0, twice_u, &le, &ge) == 0) {
			c->exact = 1;
			return fmin(1, 2 * fmin(le, ge));
		}
		warn(c, (st_warning){ .kind = ST_WARN_NO_MEMORY });
	}
	return normal_p(r, nx, ny);
}

st_comparison st_mann_whitney(const double *x, size_t nx,
                              const double *y, size_t ny, double alpha)
{
	st_comparison c = { .assumption = ST_ASSUME_NOTHING };
	c.nx = nx > INT32_MAX ? INT32_MAX : (int)nx;
	c.ny = ny > INT32_MAX ? INT32_MAX : (int)ny;
	c.alpha = alpha;
	c.p = 1;
	c.u = NAN;
	if (nx == 0 || ny == 0) {
		warn(&c, (st_warning){ .kind = ST_WARN_EMPTY_SAMPLE });
		return c;
	}
	double xbuf[SMALL], ybuf[SMALL], *xheap, *yheap;
	struct rank_space space;
	const double *xs = sorted_view(x, nx, xbuf, &xheap), *ys = sorted_view(y, ny, ybuf, &yheap);
	if (xs && ys && nx <= TIES_EXACT_LIMIT && ny <= TIES_EXACT_LIMIT && all_equal(xs, nx, ys, ny)) {
		/* One tie run within the exact path's sizes: what ranking gives
		 * (U = nx ny / 2, by the same arithmetic) and p_value's NaN,
		 * without merging the samples. Constant metrics (B/op,
		 * allocs/op) make this most of a table's tests. Larger samples
		 * take the normal approximation, whose sigma of one run is 0
		 * only while t / (n (n - 1)) rounds to n + 1: past that
		 * go-moremath gives p = 1 with no caveat, and so must we. */
		free(xheap);
		free(yheap);
		double rank_sum = (double)(nx + ny + 1) / 2 * (double)nx;
		c.u = rank_sum - (double)((int64_t)nx * (int64_t)(nx + 1)) / 2;
		warn(&c, (st_warning){ .kind = ST_WARN_ALL_EQUAL });
		return c;
	}
	struct ranking r = { 0 };
	int ranked = xs && ys ? rank(xs, nx, ys, ny, &space, &r) : -1;
	free(xheap);
	free(yheap);
	if (ranked < 0) {
		warn(&c, (st_warning){ .kind = ST_WARN_NO_MEMORY });
		return c;
	}
	c.u = r.u;
	double p = p_value(&c, &r);
	if (r.ties != space.ties)
		free(r.ties);
	if (isnan(p)) {
		c.exact = 0;
		warn(&c, (st_warning){ .kind = ST_WARN_ALL_EQUAL });
		return c;
	}
	c.p = p;
	/* Say when the samples are too small for any result to reach alpha. */
	if (c.p > alpha) {
		int at_least, need;
		samples_needed(alpha, &at_least, &need);
		if (c.nx < need && c.ny < need)
			warn(&c, (st_warning){ .kind = ST_WARN_U_SAMPLES, .at_least = at_least, .n = need, .level = alpha });
	}
	return c;
}
