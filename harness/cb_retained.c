/* cb_retained.c: retained-B/op, the bytes a benchmark allocated while its
 * timer ran and had not freed when the timer stopped, per iteration.
 *
 * Knowing which blocks are still live needs every block remembered
 * (cb_shadow.c): a lock and a table write per malloc and free, which would
 * distort ns/op. So the reported run is never tracked. Instead, when the
 * reported run made more allocations than frees (so at least one block it
 * allocated is certainly still live), the benchmark is run once more with
 * tracking on and only the retained bytes of that run, per op, are kept;
 * its time, counts, metrics and log are discarded. Benchmarks that free as
 * many blocks as they allocate, the common case, cost nothing extra. Blind
 * spot: a loop that frees blocks allocated before the timer started as
 * often as it keeps new ones shows no retained-B/op (the profile's
 * inuse_space still shows it). */
#include "cb_internal.h"
#include "cb_profile.h"

#include <string.h>

/* The tracked run's iterations: half the reported run's, at most
 * RETAIN_MAX_N. A leaking run's cost is mostly the leak itself (fresh pages
 * for every block), which the extra run repeats; at n iterations it would
 * double the time and memory of the whole process on its own, before the
 * table's cost. At half, the extra run costs at most about what the
 * reported run did (README: "What retained-B/op costs"). A per-op leak reads
 * the same at any n; retention bounded per run (a cache filled once) reads
 * its size / tracked_n. */
enum { RETAIN_MAX_N = 100000 };

static int64_t tracked_n(int64_t n)
{
	int64_t half = n / 2 + n % 2;
	return half < RETAIN_MAX_N ? half : RETAIN_MAX_N;
}

/* The part of a run that the extra run must leave as the reported run left
 * it. */
struct saved {
	int64_t n, duration_ns, bytes, prev_n, prev_ns;
	uint64_t allocs, alloc_bytes, frees;
	int nmetrics;
	struct cb_metric metrics[CB_MAX_METRICS];
	size_t output_len;
	bool failed, skipped, finished;
};

static void save(const struct cb_run *r, struct saved *s)
{
	*s = (struct saved){
		.n = r->bh.n, .duration_ns = r->duration_ns, .bytes = r->bytes,
		.prev_n = r->prev_n, .prev_ns = r->prev_ns, .allocs = r->net_allocs,
		.alloc_bytes = r->net_bytes, .frees = r->net_frees, .nmetrics = r->nmetrics,
		.output_len = r->output.len, .failed = r->failed, .skipped = r->skipped,
		.finished = r->finished,
	};
	memcpy(s->metrics, r->metrics, sizeof s->metrics);
}

static void restore(struct cb_run *r, const struct saved *s)
{
	r->bh.n = s->n;
	r->duration_ns = s->duration_ns;
	r->bytes = s->bytes;
	r->prev_n = s->prev_n;
	r->prev_ns = s->prev_ns;
	r->net_allocs = s->allocs;
	r->net_bytes = s->alloc_bytes;
	r->net_frees = s->frees;
	r->nmetrics = s->nmetrics;
	memcpy(r->metrics, s->metrics, sizeof r->metrics);
	if (r->output.len > s->output_len) {
		r->output.len = s->output_len;
		r->output.data[s->output_len] = 0;
	}
	r->failed = s->failed;
	r->skipped = s->skipped;
	r->finished = s->finished;
}

void cb_measure_retained(struct cb_run *r)
{
	r->retained_bytes = 0;
	if (!r->suite->cfg->retained || !r->suite->hooks_active || r->failed || r->skipped ||
	    r->net_allocs <= r->net_frees)
		return;
	struct saved s;
	save(r, &s);
	cb_retain_begin();
	int64_t n = tracked_n(s.n);
	cb_run_n(r, n);
	uint64_t bytes;
	bool complete = cb_retain_end(&bytes);
	bool ended = !r->failed && !r->skipped;
	restore(r, &s);
	/* Without the figure the line would read as "retains nothing", and the
	 * gate would pass a new leak: fail the benchmark instead. */
	if (!complete || !ended) {
		r->failed = true;
		cb_run_note(r, "cbench: %s (-retained=false skips the measurement)",
			    !complete ? "out of memory tracking retained-B/op"
				      : "the run that measures retained-B/op failed or skipped");
		return;
	}
	/* per op as of the tracked run, in the reported run's n */
	r->retained_bytes = (uint64_t)((long double)bytes * (long double)s.n / (long double)n + 0.5L);
}
