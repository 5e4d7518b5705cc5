/* crash_bench.c: a suite for tests/e2e/harness_isolate.sh, with benchmarks
 * that kill their process in each way a C program can (a segfault, abort(),
 * exit(3), a hang past -timeout) between healthy ones, including a
 * sub-benchmark and a parallel one that must keep counting exactly. */
#include <cbench.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

BENCH(Alpha)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *s = malloc(13);
		cbench_keep(s);
		free(s);
	}
}

static int *volatile nowhere;

BENCH(Segv)
{
	if (b->n > 0)
		*nowhere = 1;
}

BENCH(Abort)
{
	fprintf(stderr, "abort: the input table is corrupt\n");
	abort();
}

static void sized(cbench_b *b, void *ctx)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc((size_t)(uintptr_t)ctx);
		cbench_keep(p);
		free(p);
	}
}

BENCH(Sub)
{
	cbench_run(b, "size=64", sized, (void *)(uintptr_t)64);
	cbench_run(b, "size=256", sized, (void *)(uintptr_t)256);
}

BENCH(Exit)
{
	exit(3);
}

static void body(cbench_pb *pb, void *ctx)
{
	(void)ctx;
	while (cbench_pb_next(pb)) {
		void *p = malloc(40);
		cbench_keep(p);
		free(p);
	}
}

BENCH(Parallel)
{
	cbench_run_parallel(b, body, NULL);
}

BENCH(Hang)
{
	for (;;)
		pause();
}

/* Healthy unless CRASH_FLAKY is set: a head that broke a benchmark. */
BENCH(Flaky)
{
	if (getenv("CRASH_FLAKY"))
		*nowhere = 2;
	for (int64_t i = 0; i < b->n; i++)
		cbench_keep(i);
}

BENCH(Omega)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *s = strdup("hello, world");
		cbench_keep(s);
		free(s);
	}
}
