/* cb_calibrate.c: how many iterations a benchmark runs, as Go's
 * testing.B.launch and predictN do it, plus the warm-up rule of cbench.
 *
 * Every benchmark (and every -count repetition) first runs once with n = 1:
 * the warm-up, which also tells whether it has sub-benchmarks, skips or
 * fails. Go may report that very run (for -benchtime 1x, or when one
 * iteration already lasts -benchtime), and then one-time allocations such as
 * lazily created buffers show up as allocs/op (golang/go#20590). cbench never
 * reports the warm-up: "Nx" runs exactly N iterations after it, and a
 * duration target that the warm-up alone reached is measured again with
 * n = 1. Otherwise the iteration count grows as in Go: predict from the last
 * run (goal * n / elapsed, multiplied first), add 20%, grow at most 100x and
 * at least by one, never beyond 1e9; stop once a run lasts -benchtime. */
#include "cb_internal.h"

#include <time.h>

enum { MAX_ITERS = 1000000000 };

int64_t cb_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t (*cb_clock_ns)(void) = cb_monotonic_ns;

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

int64_t cb_predict_n(int64_t goal_ns, int64_t prev_iters, int64_t prev_ns, int64_t last)
{
	if (prev_ns <= 0)
		prev_ns = 1;
	/* goal * iters fits: goal is below 2^63 / 1e9 for any sane -benchtime
	 * and iters <= 1e9; saturate rather than overflow otherwise. */
	int64_t n;
	if (__builtin_mul_overflow(goal_ns, prev_iters, &n))
		n = INT64_MAX;
	n /= prev_ns;
	n = n > INT64_MAX - n / 5 ? INT64_MAX : n + n / 5;
	n = min64(n, 100 * last);
	n = max64(n, last + 1);
	return min64(n, MAX_ITERS);
}

void cb_calibrate(struct cb_run *r)
{
	const struct cb_config *cfg = r->suite->cfg;
	if (cfg->benchtime_n > 0) {
		cb_run_n(r, cfg->benchtime_n);
		return;
	}
	int64_t goal = cfg->benchtime_ns;
	if (r->duration_ns >= goal) {
		cb_run_n(r, 1);
		return;
	}
	for (int64_t n = 1; !r->failed && !r->finished && r->duration_ns < goal && n < MAX_ITERS;) {
		int64_t last = n;
		n = cb_predict_n(goal, r->bh.n, r->duration_ns, last);
		cb_run_n(r, n);
	}
}
