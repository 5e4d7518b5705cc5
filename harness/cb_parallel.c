/* cb_parallel.c: Go's RunParallel. The b->n iterations are handed out in
 * grains (about 100µs of work each, from the previous run's speed, between 1
 * and 1e4 iterations) through one shared atomic counter; each thread caches
 * its grain in its cbench_pb. Threads are created with counting suppressed
 * and wait at a start gate, so thread creation is not counted as
 * allocations of the benchmark while everything the bodies do is. When a
 * thread cannot be created, the gate opens with "abort": the threads
 * already started return without running the body and are joined before
 * the benchmark fails, so no thread outlives the stack frame that holds
 * their shared state. */
#include "cb_internal.h"

#include <stdatomic.h>
#include <stdlib.h>

enum gate_state { GATE_WAIT, GATE_GO, GATE_ABORT };

struct shared {
	_Atomic uint64_t handed_out;
	cbench_body_fn *body;
	void *ctx;
	pthread_mutex_t lock;
	pthread_cond_t opened;
	enum gate_state gate; /* under lock */
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
	struct shared *sh = w->sh;
	pthread_mutex_lock(&sh->lock);
	while (sh->gate == GATE_WAIT)
		pthread_cond_wait(&sh->opened, &sh->lock);
	bool go = sh->gate == GATE_GO;
	pthread_mutex_unlock(&sh->lock);
	if (go)
		sh->body(&w->pb, sh->ctx);
	return NULL;
}

static void open_gate(struct shared *sh, enum gate_state state)
{
	pthread_mutex_lock(&sh->lock);
	sh->gate = state;
	pthread_cond_broadcast(&sh->opened);
	pthread_mutex_unlock(&sh->lock);
}

static void join_all(struct worker *ws, int n)
{
	for (int i = 0; i < n; i++)
		pthread_join(ws[i].tid, NULL);
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

/* Threads the run needs, or 0 when parallelism x procs overflows an int. */
static int thread_count(const struct cb_run *r)
{
	int n;
	return __builtin_mul_overflow(r->parallelism, r->procs, &n) ? 0 : n;
}

void cbench_run_parallel(cbench_b *b, cbench_body_fn *body, void *ctx)
{
	struct cb_run *r = b->run_;
	int nthreads = thread_count(r);
	if (nthreads == 0)
		cbench_fatal(b, "cbench_run_parallel: parallelism %d x %d procs is too many threads",
			     r->parallelism, r->procs);
	struct shared sh = {.body = body, .ctx = ctx, .gate = GATE_WAIT};
	atomic_init(&sh.handed_out, 0);
	pthread_mutex_init(&sh.lock, NULL);
	pthread_cond_init(&sh.opened, NULL);
	uint64_t grain = grain_for(r);

	cb_hooks_suppress_begin();
	struct worker *ws = calloc((size_t)nthreads, sizeof *ws);
	int started = 0;
	for (; ws && started < nthreads; started++) {
		ws[started] = (struct worker){.sh = &sh};
		ws[started].pb = (cbench_pb){.grain_ = grain, .total_ = (uint64_t)b->n, .shared_ = &sh};
		if (pthread_create(&ws[started].tid, NULL, worker_main, &ws[started]) != 0)
			break;
	}
	cb_hooks_suppress_end();
	if (!ws)
		cbench_fatal(b, "cbench_run_parallel: out of memory");
	if (started < nthreads) {
		open_gate(&sh, GATE_ABORT);
		join_all(ws, started);
		cb_hooks_suppress_begin();
		free(ws);
		cb_hooks_suppress_end();
		cbench_fatal(b, "cbench_run_parallel: cannot create %d threads (created %d)", nthreads,
			     started);
	}
	open_gate(&sh, GATE_GO);
	join_all(ws, nthreads);
	cb_hooks_suppress_begin();
	free(ws);
	cb_hooks_suppress_end();
	if (atomic_load(&sh.handed_out) <= (uint64_t)b->n && !r->failed && !r->skipped)
		cbench_fatal(b, "cbench_run_parallel: body exited without cbench_pb_next returning false");
}
