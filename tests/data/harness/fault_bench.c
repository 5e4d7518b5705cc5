/* fault_bench.c: a small suite that tests/e2e/harness_faults.sh runs over
 * and over with its nth allocation failing, n = 1, 2, ... until a run
 * completes before the nth. The environment variable CBENCH_TEST_FAIL_NTH
 * is read here, by the test program, never by the library. Its benchmarks
 * meet a failed allocation as a user's should, with cbench_fatal; between
 * them they reach sub-benchmark names, logs, metrics, retained-B/op and
 * cbench_run_parallel. On exit it says on stderr whether the failure was
 * reached. */
#include <cbench.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cb_hooks.h"

static void *checked(cbench_b *b, void *p)
{
	if (!p)
		cbench_fatal(b, "out of memory");
	return p;
}

BENCH(Dup)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *s = checked(b, strdup("fault"));
		cbench_keep(s);
		free(s);
	}
	cbench_report_metric(b, 1.5, "widgets/op");
}

/* Keeps a block per iteration, so that retained-B/op re-runs it. */
static void *kept[1024];
static int nkept;

BENCH(Keep)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = checked(b, malloc(24));
		if (nkept < 1024)
			kept[nkept++] = p;
		else
			free(p);
	}
	cbench_stop_timer(b);
	while (nkept > 0)
		free(kept[--nkept]);
}

static void sub(cbench_b *b, void *ctx)
{
	(void)ctx;
	cbench_log(b, "sub-benchmark at n=%lld", (long long)b->n);
	for (int64_t i = 0; i < b->n; i++)
		free(checked(b, calloc(2, 8)));
}

BENCH(Sub)
{
	cbench_run(b, "small", sub, NULL);
	cbench_run(b, "small", sub, NULL); /* "#01" */
}

static void body(cbench_pb *pb, void *ctx)
{
	(void)ctx;
	while (cbench_pb_next(pb)) {
		void *p = malloc(8);
		cbench_keep(p);
		free(p);
	}
}

BENCH(Parallel)
{
	cbench_run_parallel(b, body, NULL);
}

int main(int argc, char **argv)
{
	const char *nth = getenv("CBENCH_TEST_FAIL_NTH");
	if (nth)
		cb_hooks_fail_nth(strtoull(nth, NULL, 10));
	int rc = cbench_main(argc, argv);
	if (nth) {
		fflush(stdout);
		fprintf(stderr, "fault-walk: %s\n", cb_hooks_fail_fired() ? "failed" : "not reached");
	}
	return rc;
}
