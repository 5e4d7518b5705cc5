/*
 * median.c — benchstat's summary of a sample: the median, and the interval
 * between the order statistics st_quantile_ci picks, with the "need >= N
 * samples" caveat when that interval is unbounded. Intervals are cached per
 * (n, confidence) because a table asks for the same few thousands of times.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "stats.h"
#include "stats_internal.h"

enum {
	CACHED_N = 1024,      /* larger samples are rare and cheap (normal path) */
	CACHED_LEVELS = 4,    /* a run uses one level; the gate maybe another */
	MIN_SAMPLES_LIMIT = 50
};

/* A level's header is apart from its tables, so finding the level touches
 * one small array, and the tables of levels never used are never touched:
 * this cache is in every run, and a page of it is a page fault. */
struct level_cache {
	int used;
	double confidence;
	int have_min;                 /* min_at_least / min_n computed */
	int min_at_least, min_n;
	struct level_table *t;
};
struct level_table {
	unsigned char have[CACHED_N + 1];
	st_order_ci ci[CACHED_N + 1];
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct level_cache levels[CACHED_LEVELS];
static struct level_table tables[CACHED_LEVELS];
static int next_victim;

/* Caller holds cache_lock. */
static struct level_cache *level_for(double confidence)
{
	for (int i = 0; i < CACHED_LEVELS; i++)
		if (levels[i].used && levels[i].confidence == confidence)
			return &levels[i];
	int v = next_victim;
	next_victim = (next_victim + 1) % CACHED_LEVELS;
	/* Only have[] says what ci[] holds; a slot never used is still zero. */
	if (levels[v].used)
		memset(tables[v].have, 0, sizeof tables[v].have);
	levels[v] = (struct level_cache){ .used = 1, .confidence = confidence, .t = &tables[v] };
	return &levels[v];
}

/* Caller holds cache_lock. */
static st_order_ci median_ci(struct level_cache *c, int n)
{
	if (n > CACHED_N)
		return st_quantile_ci(n, 0.5, c->confidence);
	if (!c->t->have[n]) {
		c->t->ci[n] = st_quantile_ci(n, 0.5, c->confidence);
		c->t->have[n] = 1;
	}
	return c->t->ci[n];
}

/* The smallest n (2..50) whose interval is bounded, for the caveat. */
static void min_samples(struct level_cache *c, int *at_least, int *n)
{
	if (!c->have_min) {
		c->have_min = 1;
		c->min_at_least = 0;
		c->min_n = MIN_SAMPLES_LIMIT;
		for (int m = 2; m <= MIN_SAMPLES_LIMIT; m++) {
			st_order_ci ci = median_ci(c, m);
			if (ci.lo_order > 0 && ci.hi_order <= m) {
				c->min_at_least = 1;
				c->min_n = m;
				break;
			}
		}
	}
	*at_least = c->min_at_least;
	*n = c->min_n;
}

/* go-moremath's Sample.Quantile(0.5): interpolation rule R8, bit for bit. */
static double median_r8(const double *sorted, size_t n)
{
	if (n == 0)
		return NAN;
	double whole, frac = modf(1 / 3.0 + 0.5 * ((double)n + 1 / 3.0), &whole);
	size_t k = (size_t)whole;
	if (k == 0)
		return sorted[0];
	if (k >= n)
		return sorted[n - 1];
	return sorted[k - 1] + frac * (sorted[k] - sorted[k - 1]);
}

st_summary st_median_summary(const double *sorted, size_t n, double confidence)
{
	if (!(confidence > 0))
		confidence = 0;
	if (confidence > 1)
		confidence = 1;
	int cn = n > (size_t)0x7fffffff ? 0x7fffffff : (int)n;

	/* The last answer, per thread: the cells of a table mostly share one
	 * n and level, and the answer for them never changes, so they skip
	 * the lock and the lookups. */
	static _Thread_local struct {
		int valid, n, at_least, need;
		double confidence;
		st_order_ci ci;
	} last;
	if (!last.valid || last.n != cn || last.confidence != confidence) {
		pthread_mutex_lock(&cache_lock);
		struct level_cache *c = level_for(confidence);
		last.ci = median_ci(c, cn);
		min_samples(c, &last.at_least, &last.need);
		pthread_mutex_unlock(&cache_lock);
		last.valid = 1;
		last.n = cn;
		last.confidence = confidence;
	}
	st_order_ci ci = last.ci;
	int at_least = last.at_least, need = last.need;

	st_summary s = { 0 };
	s.center = median_r8(sorted, n);
	/* Orders outside 1..n stand for the open ends of the line. */
	s.lo = ci.lo_order < 1 || ci.lo_order > cn ? -INFINITY : sorted[ci.lo_order - 1];
	s.hi = ci.hi_order < 1 || ci.hi_order > cn ? INFINITY : sorted[ci.hi_order - 1];
	s.confidence = ci.confidence;
	/* benchstat tests the bounds, not the orders: an infinite sample
	 * value at the bound draws the caveat too. */
	if (isinf(s.lo) || isinf(s.hi))
		s.warnings[s.nwarnings++] = (st_warning){
			.kind = ST_WARN_CI_SAMPLES, .at_least = at_least, .n = need, .level = confidence };
	return s;
}

void st_median_release(void)
{
	pthread_mutex_lock(&cache_lock);
	memset(levels, 0, sizeof levels);
	memset(tables, 0, sizeof tables);
	next_victim = 0;
	pthread_mutex_unlock(&cache_lock);
}
