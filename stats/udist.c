/*
 * udist.c — the exact null distribution of the Mann-Whitney U statistic,
 * without ties and conditional on a tie pattern, with a cache.
 *
 * The model. Pool the nx values of x and the ny values of y, N = nx + ny, and
 * sort them; equal values form tie groups of sizes t_1..t_K in ascending
 * order. Under the null hypothesis every way of choosing which nx of the N
 * places carry the label "x" is equally likely, C(N, nx) labelings in all.
 * U counts the pairs (x, y) with x > y, plus 1/2 for each pair with x == y;
 * we count in 2U to stay in integers.
 *
 * Counting with ties. Walk the groups from the smallest value up, carrying
 * (k = x labels placed so far, s = 2U so far) and the number of labelings of
 * the groups seen that reach that state. Let b be the size of the groups
 * before group j, so b - k of them are y. Putting r of group j's t_j labels
 * on x can be done in C(t_j, r) ways (places within a group are
 * interchangeable), and each of those r values beats all b - k earlier y's
 * and ties with the t_j - r y's beside it, so
 *
 *     count'[k + r][s + r * (2 (b - k) + t_j - r)] += count[k][s] * C(t_j, r)
 *
 * with r limited so neither sample overflows. After the last group the row
 * k = nx holds, for each 2U, how many labelings give it; they add up to
 * C(N, nx). Every partial count is at most C(N, nx), so when that is below
 * 2^53 (nx, ny <= 25 gives at most C(50, 25) ~ 1.26e14) the counts are exact
 * in uint64 and a probability is a single correctly rounded division.
 *
 * Without ties, N may reach 100 and C(100, 50) ~ 1e29 overflows, so there we
 * use Mann and Whitney's (1947) probability recurrence: the largest of the
 * n + m values is an x with probability n / (n + m), and then it beats all m
 * y's, so
 *
 *     p[n,m](u) = (n p[n-1,m](u - m) + m p[n,m-1](u)) / (n + m),
 *     p[n,0] = p[0,m] = 1 at u = 0.
 *
 * Every step is a convex combination of non-negative numbers, so relative
 * rounding error grows by a few ulps per level: at most ~1e-13 after the 100
 * levels of 50 + 50, far below the 3 decimals printed. We evaluate it in the
 * same order as go-moremath so p values equal benchstat's bit for bit. The
 * distribution is symmetric (p[n,m](u) = p[n,m](nm - u) = p[m,n](u)), so only
 * u <= nm/2 is tabulated, for min(n, m) rows.
 *
 * Caching. A table of thousands of comparisons mostly repeats a few sample
 * sizes, so each distribution is built once and kept: no-tie ones keyed by
 * the unordered pair of sizes, tied ones by (nx, ny, tie pattern). The cache
 * is flushed whole when it passes its memory budget.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "stats_internal.h"

enum {
	NO_TIES_LIMIT = 50,          /* largest sample without ties */
	BUCKETS = 512
};
#define EXACT_COUNT_LIMIT 9007199254740992.0   /* 2^53 */
#define TIE_TABLE_LIMIT ((size_t)1 << 22)      /* DP cells for one pattern */
#define CACHE_BUDGET ((size_t)64 << 20)        /* bytes of cached tables */

struct dist {
	struct dist *next;
	uint64_t hash;
	int nx, ny;          /* no ties: nx <= ny */
	size_t nties;        /* 0: no ties */
	int *ties;
	double *cdf;         /* no ties: P(U <= u), u = 0..nx*ny/2 */
	uint64_t *cum;       /* ties: labelings with 2U <= s, s = 0..2*nx*ny */
	uint64_t total;      /* ties: C(nx + ny, nx) */
	size_t bytes;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dist *buckets[BUCKETS];
static size_t cache_bytes;

static uint64_t key_hash(int nx, int ny, const int *ties, size_t nties)
{
	uint64_t h = 14695981039346656037u;
	int head[2] = { nx, ny };
	for (size_t i = 0; i < 2 + nties; i++) {
		h ^= (uint64_t)(unsigned)(i < 2 ? head[i] : ties[i - 2]);
		h *= 1099511628211u;
	}
	return h;
}

static void free_dist(struct dist *d)
{
	free(d->ties);
	free(d->cdf);
	free(d->cum);
	free(d);
}

/* Caller holds cache_lock. */
static void flush_cache(void)
{
	for (size_t b = 0; b < BUCKETS; b++) {
		while (buckets[b]) {
			struct dist *d = buckets[b];
			buckets[b] = d->next;
			free_dist(d);
		}
	}
	cache_bytes = 0;
}

/* Caller holds cache_lock. */
static struct dist *cache_find(int nx, int ny, const int *ties, size_t nties,
                               uint64_t hash)
{
	for (struct dist *d = buckets[hash % BUCKETS]; d; d = d->next)
		if (d->hash == hash && d->nx == nx && d->ny == ny &&
		    d->nties == nties &&
		    (nties == 0 || memcmp(d->ties, ties, nties * sizeof *ties) == 0))
			return d;
	return NULL;
}

/* Caller holds cache_lock. */
static void cache_insert(struct dist *d)
{
	if (cache_bytes + d->bytes > CACHE_BUDGET)
		flush_cache();
	d->next = buckets[d->hash % BUCKETS];
	buckets[d->hash % BUCKETS] = d;
	cache_bytes += d->bytes;
}

/* P(U <= u) for u = 0..half, n <= m, by the Mann-Whitney recurrence. */
static double *no_tie_cdf(int n_small, int m_large, size_t half)
{
	size_t width = half + 1;
	double *memo = calloc((size_t)(n_small + 1) * width, sizeof *memo);
	if (!memo)
		return NULL;
	/* Row n holds p[n,m] while column m is being built; by symmetry
	 * p[n,m] for n > m is read from row m, which is already current. */
	for (int m = 0; m <= m_large; m++) {
		memo[0] = 1;
		int nlim = n_small < m ? n_small : m;
		for (int n = 1; n <= nlim; n++) {
			const double *lower = memo + (size_t)(n - 1) * width;
			const double *left = memo + (size_t)(n <= m - 1 ? n : m - 1) * width;
			double *out = memo + (size_t)n * width;
			size_t ulim = (size_t)n * (size_t)m < half ? (size_t)n * (size_t)m : half;
			/* Descending u, so out[u] is read as p[n,m-1] before being
			 * overwritten with p[n,m]. */
			for (size_t u = ulim + 1; u-- > 0;) {
				double l = 0.0;
				if (u >= (size_t)m)
					l = (double)n * lower[u - (size_t)m];
				double r = (double)m * left[u];
				out[u] = (l + r) / (double)(n + m);
			}
		}
	}
	double *cdf = malloc(width * sizeof *cdf);
	if (cdf) {
		const double *pmf = memo + (size_t)n_small * width;
		double sum = 0.0;
		for (size_t u = 0; u < width; u++)
			cdf[u] = sum += pmf[u];
	}
	free(memo);
	return cdf;
}

/* C(n, k) in 64 bits; the caller guarantees it fits with room for * n. */
static uint64_t choose_u64(int n, int k)
{
	uint64_t c = 1;
	if (k > n - k)
		k = n - k;
	for (int i = 1; i <= k; i++)
		c = c * (uint64_t)(n - k + i) / (uint64_t)i;
	return c;
}

/* C(n, k) as a double, exact while below 2^53. */
static double choose_double(int n, int k)
{
	if (k > n - k)
		k = n - k;
	double c = 1;
	for (int i = 1; i <= k; i++)
		c = c * (n - k + i) / i;
	return c;
}

/* Adds one tie group of size t to the walk: cur (before b values) -> next.
 * A row holds counts for 2U = 0..top and nothing defined beyond: growing
 * top clears the cells it takes in, so no table is cleared whole. */
static void add_group(int nx, int ny, int before, int t, size_t span,
                      const uint64_t *cur, const long *cur_top,
                      uint64_t *next, long *next_top)
{
	for (int k = 0; k <= nx && k <= before; k++) {
		int ys_before = before - k;
		if (cur_top[k] < 0 || ys_before > ny)
			continue;
		int r_lo = t - (ny - ys_before) > 0 ? t - (ny - ys_before) : 0;
		int r_hi = t < nx - k ? t : nx - k;
		const uint64_t *row = cur + (size_t)k * span;
		uint64_t ways = choose_u64(t, r_lo);
		for (int r = r_lo; r <= r_hi; r++) {
			long step = (long)r * (2L * ys_before + t - r);
			uint64_t *out = next + (size_t)(k + r) * span;
			long top = cur_top[k] + step;
			if (top > next_top[k + r]) {
				memset(out + next_top[k + r] + 1, 0,
				       sizeof *out * (size_t)(top - next_top[k + r]));
				next_top[k + r] = top;
			}
			out += step;
			for (long s = 0; s <= cur_top[k]; s++)
				out[s] += row[s] * ways;
			ways = ways * (uint64_t)(t - r) / (uint64_t)(r + 1);
		}
	}
}

/* The counting walk of the essay; fills d->cum and d->total. */
static int tie_counts(struct dist *d)
{
	int nx = d->nx;
	size_t span = 2 * (size_t)nx * (size_t)d->ny + 1;   /* values of 2U */
	size_t cells = (size_t)(nx + 1) * span;
	uint64_t *cur = malloc(cells * sizeof *cur);
	uint64_t *next = malloc(cells * sizeof *next);
	/* top[k]: the largest 2U row k may hold a count for, -1 if none. */
	long *cur_top = malloc((size_t)(nx + 1) * sizeof *cur_top);
	long *next_top = malloc((size_t)(nx + 1) * sizeof *next_top);
	d->cum = malloc(span * sizeof *d->cum);
	int ok = cur && next && cur_top && next_top && d->cum;
	if (ok) {
		for (int k = 0; k <= nx; k++)
			cur_top[k] = next_top[k] = -1;
		cur[0] = 1;
		cur_top[0] = 0;
		int before = 0;
		for (size_t j = 0; j < d->nties; j++) {
			/* next still holds the state two groups back: drop it. */
			for (int k = 0; k <= nx; k++)
				next_top[k] = -1;
			add_group(nx, d->ny, before, d->ties[j], span,
			          cur, cur_top, next, next_top);
			before += d->ties[j];
			uint64_t *swap = cur;
			cur = next;
			next = swap;
			long *swap_top = cur_top;
			cur_top = next_top;
			next_top = swap_top;
		}
		const uint64_t *last = cur + (size_t)nx * span;
		uint64_t sum = 0;
		for (size_t s = 0; s < span; s++)
			d->cum[s] = sum += (long)s <= cur_top[nx] ? last[s] : 0;
		d->total = sum;
	}
	free(cur);
	free(next);
	free(cur_top);
	free(next_top);
	return ok ? 0 : -1;
}

static int has_ties(const int *ties, size_t nties)
{
	for (size_t i = 0; i < nties; i++)
		if (ties[i] != 1)
			return 1;
	return 0;
}

/* Builds the distribution for a cache miss, or NULL (sizes or memory). */
static struct dist *build(int nx, int ny, const int *ties, size_t nties,
                          uint64_t hash)
{
	struct dist *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->hash = hash;
	d->nx = nx;
	d->ny = ny;
	d->nties = nties;
	if (nties == 0) {
		size_t half = (size_t)nx * (size_t)ny / 2;
		d->cdf = no_tie_cdf(nx, ny, half);
		d->bytes = sizeof *d + (half + 1) * sizeof *d->cdf;
		if (!d->cdf) {
			free_dist(d);
			return NULL;
		}
		return d;
	}
	d->ties = malloc(nties * sizeof *ties);
	if (!d->ties) {
		free_dist(d);
		return NULL;
	}
	memcpy(d->ties, ties, nties * sizeof *ties);
	if (tie_counts(d) < 0) {
		free_dist(d);
		return NULL;
	}
	d->bytes = sizeof *d + nties * sizeof *ties +
	           (2 * (size_t)nx * (size_t)ny + 1) * sizeof *d->cum;
	return d;
}

/* P(U <= twice_u / 2) from a no-tie table, flipping through the symmetry
 * where go-moremath's UDist.CDF does, so values agree with it exactly. */
static double no_tie_le(const struct dist *d, int64_t twice_u)
{
	int64_t nm = (int64_t)d->nx * d->ny;
	if (twice_u < 0)
		return 0;
	int64_t u = twice_u / 2;
	if (u >= nm)
		return 1;
	if (u >= (nm + 1) / 2)
		return 1 - (nm - u - 1 >= 0 ? d->cdf[nm - u - 1] : 0.0);
	return d->cdf[u];
}

static double tie_le(const struct dist *d, int64_t twice_u)
{
	int64_t span = 2 * (int64_t)d->nx * d->ny;
	if (twice_u < 0)
		return 0;
	if (twice_u >= span)
		return 1;
	return (double)d->cum[twice_u] / (double)d->total;
}

/* P(U >= twice_u / 2), from counts so small upper tails stay exact. */
static double tie_ge(const struct dist *d, int64_t twice_u)
{
	int64_t span = 2 * (int64_t)d->nx * d->ny;
	if (twice_u <= 0)
		return 1;
	if (twice_u > span)
		return 0;
	return (double)(d->total - d->cum[twice_u - 1]) / (double)d->total;
}

/* Whether the sizes are ones this file computes exactly. */
static int covered(int nx, int ny, int ties)
{
	if (nx < 1 || ny < 1)
		return 0;
	if (!ties)
		return nx <= NO_TIES_LIMIT && ny <= NO_TIES_LIMIT;
	if (choose_double(nx + ny, nx < ny ? nx : ny) >= EXACT_COUNT_LIMIT)
		return 0;
	return (size_t)(nx + 1) * (2 * (size_t)nx * (size_t)ny + 1) <= TIE_TABLE_LIMIT;
}

int st_u_tails(int nx, int ny, const int *ties, size_t nties, int64_t twice_u,
               double *le, double *ge)
{
	*le = *ge = NAN;
	int tied = ties && has_ties(ties, nties);
	if (ties) {
		int64_t sum = 0;
		for (size_t i = 0; i < nties; i++) {
			if (ties[i] < 1)
				return -1;
			sum += ties[i];
		}
		if (sum != (int64_t)nx + ny)
			return -1;
	}
	if (!covered(nx, ny, tied))
		return -1;
	if (!tied)
		nties = 0;
	/* No ties: the distribution of U for (nx, ny) is that for (ny, nx). */
	int kx = nx, ky = ny;
	if (!tied && kx > ky) {
		kx = ny;
		ky = nx;
	}
	uint64_t hash = key_hash(kx, ky, ties, nties);
	int64_t twice_nm = 2 * (int64_t)nx * ny;

	pthread_mutex_lock(&cache_lock);
	struct dist *d = cache_find(kx, ky, ties, nties, hash);
	if (!d) {
		d = build(kx, ky, ties, nties, hash);
		if (d)
			cache_insert(d);
	}
	if (d && !tied) {
		/* P(U >= u) = P(U <= nm - u) by symmetry. */
		*le = no_tie_le(d, twice_u);
		*ge = no_tie_le(d, twice_nm - twice_u);
	} else if (d) {
		*le = tie_le(d, twice_u);
		*ge = tie_ge(d, twice_u);
	}
	pthread_mutex_unlock(&cache_lock);
	return d ? 0 : -1;
}

double st_u_cdf(int nx, int ny, const int *ties, size_t nties, double u)
{
	if (isnan(u) || (!ties && nties != 0))
		return NAN;
	double le, ge;
	/* floor(2u) half-steps: U only takes multiples of 1/2. */
	double twice = floor(2 * u);
	if (twice < -1)
		twice = -1;
	if (twice > 2.0 * nx * ny)
		twice = 2.0 * nx * ny;
	if (st_u_tails(nx, ny, ties, nties, (int64_t)twice, &le, &ge) < 0)
		return NAN;
	return le;
}

double st_smallest_p(size_t nx, size_t ny)
{
	/* Every x below every y: one labeling of C(nx + ny, nx), doubled. The
	 * product runs in floating point, so sizes beyond int are fine. */
	if (nx == 0 || ny == 0)
		return 1;
	double ways = 1;
	size_t k = nx < ny ? nx : ny, n = nx + ny;
	for (size_t i = 1; i <= k && ways < 1e300; i++)
		ways = ways * (double)(n - k + i) / (double)i;
	double p = 2 / ways;
	return p < 1 ? p : 1;
}

void st_udist_release(void)
{
	pthread_mutex_lock(&cache_lock);
	flush_cache();
	pthread_mutex_unlock(&cache_lock);
}
