/* cli_bench.c: benchmarks for tests/e2e/harness_cli.sh, one per behaviour
 * the command line must show: a pass, a skip, a broken zero-allocation
 * contract, a fatal error, a benchmark slow enough for -timeout, one
 * whose first call makes a one-time allocation, and one that calls exit(). */
#include <cbench.h>
#include <stdlib.h>
#include <pthread.h>
#include <time.h>

BENCH(Pass)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc(10);
		cbench_keep(p);
		free(p);
	}
}

BENCH(Skip)
{
	cbench_skip(b, "not on this machine");
}

BENCH_ZERO_ALLOC(Leak)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc(10);
		cbench_keep(p);
		free(p);
	}
}

BENCH(Fatal)
{
	cbench_fatal(b, "cannot set up");
}

BENCH(Slow)
{
	struct timespec ts = {0, 50000000};
	for (int64_t i = 0; i < b->n; i++)
		nanosleep(&ts, NULL);
}

static void *thread_main(void *arg)
{
	return arg;
}

/* The first pthread_create of a process allocates 272 bytes once (valgrind:
 * one allocation whether 1 or 4 threads are made); later ones reuse it. */
BENCH(ThreadOnce)
{
	for (int64_t i = 0; i < b->n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, thread_main, NULL) != 0)
			cbench_fatal(b, "pthread_create failed");
		pthread_join(t, NULL);
	}
}

/* Ends the process while running, with the status CLI_EXIT_STATUS says
 * (default 0): a failure, isolated or not. */
BENCH(Exit)
{
	(void)b;
	const char *status = getenv("CLI_EXIT_STATUS");
	exit(status ? atoi(status) : 0);
}
