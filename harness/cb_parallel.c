/* cb_parallel.c: Go's RunParallel. The b->n iterations are handed out in
 * grains (about 100µs of work each, from the previous run's speed, between 1
 * and 1e4 iterations) through one shared atomic counter; each thread caches
 * its grain in its cbench_pb. Threads are created with counting suppressed
 * and wait at a barrier, so thread creation is not counted as allocations
 * of the benchmark while everything the bodies do is. */
#include "cb_internal.h"

#include <stdatomic.h>
#include <stdlib.h>

struct shared {
	_Atomic uint64_t handed_out;
	cbench_body_fn *body;
	void *ctx;
	pthread_barrier_t gate;
};

struct worker {
	pthread_t tid;
	struct shared *sh;
	cbench_pb pb;
};

bool cbench_pb_refill_(cbench_pb *pb)
{
	struct shared *sh = pb->shared_;
	uint64_t n = atomic_fetch_add(&sh->handed_out, pb->grain_) + pb->grain_;
	if (n <= pb->total_)
		pb->cache_ = pb->grain_;
	else if (n < pb->total_ + pb->grain_)
		pb->cache_ = pb->total_ + pb->grain_ - n;
	else
		return false;
	return true;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	pthread_barrier_wait(&w->sh->gate);
	w->sh->body(&w->pb, w->sh->ctx);
	return NULL;
}

static uint64_t grain_for(const struct cb_run *r)
{
	uint64_t grain = 0;
	if (r->prev_n > 0 && r->prev_ns > 0)
		grain = (uint64_t)(100000.0 * (double)r->prev_n / (double)r->prev_ns);
	if (grain < 1)
		grain = 1;
	if (grain > 10000)
		grain = 10000;
	return grain;
}

void cbench_run_parallel(cbench_b *b, cbench_body_fn *body, void *ctx)
{
	struct cb_run *r = b->run_;
	int nthreads = r->parallelism * r->procs;
	struct shared sh = {.body = body, .ctx = ctx};
	atomic_init(&sh.handed_out, 0);
	uint64_t grain = grain_for(r);

	cb_hooks_suppress_begin();
	struct worker *ws = calloc((size_t)nthreads, sizeof *ws);
	bool ok = ws && pthread_barrier_init(&sh.gate, NULL, (unsigned)nthreads + 1) == 0;
	int started = 0;
	for (; ok && started < nthreads; started++) {
		ws[started] = (struct worker){.sh = &sh};
		ws[started].pb = (cbench_pb){.grain_ = grain, .total_ = (uint64_t)b->n, .shared_ = &sh};
		if (pthread_create(&ws[started].tid, NULL, worker_main, &ws[started]) != 0)
			break;
	}
	cb_hooks_suppress_end();
	if (ok && started < nthreads) {
		/* The barrier waits for threads that do not exist; no way out but to
		 * abort the benchmark before waiting on it. The started ones block
		 * forever at the gate, so they are left detached. */
		for (int i = 0; i < started; i++)
			pthread_detach(ws[i].tid);
		cbench_fatal(b, "cbench_run_parallel: cannot create %d threads", nthreads);
	}
	if (!ok) {
		free(ws);
		cbench_fatal(b, "cbench_run_parallel: out of memory");
	}
	pthread_barrier_wait(&sh.gate);
	for (int i = 0; i < nthreads; i++)
		pthread_join(ws[i].tid, NULL);
	cb_hooks_suppress_begin();
	pthread_barrier_destroy(&sh.gate);
	free(ws);
	cb_hooks_suppress_end();
	if (atomic_load(&sh.handed_out) <= (uint64_t)b->n && !r->failed && !r->skipped)
		cbench_fatal(b, "cbench_run_parallel: body exited without cbench_pb_next returning false");
}
