/* instr_bench.c: benchmarks whose work per iteration is known, for
 * -instructions (tests/e2e/harness_instructions.sh). INSTR_WORK (default
 * 1000) sets the units of work per iteration; Work2 does twice as many.
 * Setup and Stopped do large extra work outside the timer, which must not
 * show; Alloc makes three allocations (112 bytes) per iteration. */
#include "cbench.h"

#include <stdlib.h>

static volatile uint64_t sink;

/* A unit is a fixed sequence of instructions: no branch depends on data. */
static void work(int64_t units)
{
	uint64_t x = sink;
	for (int64_t i = 0; i < units; i++)
		x = x * 6364136223846793005u + 1442695040888963407u;
	sink = x;
}

static int64_t units(void)
{
	const char *s = getenv("INSTR_WORK");
	return s ? atoll(s) : 1000;
}

BENCH(Work1)
{
	int64_t u = units();
	for (int64_t i = 0; i < b->n; i++)
		work(u);
}

BENCH(Work2)
{
	int64_t u = 2 * units();
	for (int64_t i = 0; i < b->n; i++)
		work(u);
}

BENCH(Setup)
{
	int64_t u = units();
	work(1000 * u);
	cbench_reset_timer(b);
	for (int64_t i = 0; i < b->n; i++)
		work(u);
}

BENCH(Stopped)
{
	int64_t u = units();
	for (int64_t i = 0; i < b->n; i++) {
		work(u);
		cbench_stop_timer(b);
		work(10 * u);
		cbench_start_timer(b);
	}
}

BENCH(Alloc)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc(16), *q = malloc(32), *r = malloc(64);
		cbench_keep(p);
		cbench_keep(q);
		cbench_keep(r);
		free(p);
		free(q);
		free(r);
	}
}

static void parallel_body(cbench_pb *pb, void *ctx)
{
	int64_t u = *(const int64_t *)ctx;
	while (cbench_pb_next(pb))
		work(u);
}

BENCH(Parallel)
{
	int64_t u = units();
	cbench_run_parallel(b, parallel_body, &u);
}
