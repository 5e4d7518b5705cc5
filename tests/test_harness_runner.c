/* test_harness_runner.c: the runner end to end through cb_main_io, with a
 * fake clock that benchmarks advance by a fixed cost per iteration, so that
 * iteration counts, ns/op and whole output lines are exact: calibration,
 * the warm-up rule for one-time allocations, timer control, cbench_loop,
 * the zero-allocation contract, skip/fatal/log, sub-benchmarks, parallel
 * counting, -json, and exit statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cJSON.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cb_internal.h"
#include "harness_run.h"

static int64_t fake_now;
static int64_t cost_ns; /* fake time one iteration takes */

static int64_t fake_clock(void)
{
	return fake_now;
}

static void spend(const cbench_b *b)
{
	fake_now += b->n * cost_ns;
}

static void *(*volatile v_malloc)(size_t) = malloc;


static void expect_contains(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("output lacks \"%s\":\n%s", want, text);
}

static int setup(void **state)
{
	(void)state;
	cb_registry_reset();
	cb_clock_ns = fake_clock;
	fake_now = 0;
	cost_ns = 1000;
	return 0;
}

/* ---- calibration ---- */

struct predict_case {
	int64_t goal, iters, ns, last, want;
};

/* Worked by hand from Go's predictN: goal*iters/ns, +1/5, <= 100*last,
 * >= last+1, <= 1e9. */
static const struct predict_case predict_cases[] = {
	{1000000000, 1, 1000, 1, 100},
	{1000000000, 100, 100000, 100, 10000},
	{1000000000, 10000, 10000000, 10000, 1000000},
	{1000000000, 1000000, 100000000, 1000000, 12000000},
	{1000000000, 1, 0, 1, 100},                  /* elapsed 0 counts as 1ns */
	{1000000000, 1, 2000000000, 1, 2},           /* slower than the goal: last+1 */
	{1000000000, 500000000, 100000000, 500000000, 1000000000}, /* 1e9 cap */
	{1000000000, 100, 300000000, 100, 399},      /* 333 + 66 */
};

static void test_predict(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof predict_cases / sizeof predict_cases[0]; i++) {
		const struct predict_case *c = &predict_cases[i];
		int64_t got = cb_predict_n(c->goal, c->iters, c->ns, c->last);
		if (got != c->want)
			fail_msg("case %zu: got %lld want %lld", i, (long long)got, (long long)c->want);
	}
}

static int64_t seen_n[32];
static int nseen;

static void bench_record(cbench_b *b)
{
	if (nseen < 32)
		seen_n[nseen++] = b->n;
	spend(b);
}

struct calib_case {
	const char *benchtime;
	int64_t cost;
	int64_t want[8];
	int nwant;
};

static const struct calib_case calib_cases[] = {
	{"1s", 1000, {1, 100, 10000, 1000000}, 4},
	/* 7ns/op: the growth caps bind until the prediction itself does */
	{"1s", 7, {1, 100, 10000, 1000000, 100000000, 171428570}, 6},
	/* one call lasts longer than -benchtime: Go reports the first call,
	 * cbench measures a second one */
	{"1s", 3000000000, {1, 1}, 2},
	{"100x", 1000, {1, 100}, 2},
	{"1x", 1000, {1, 1}, 2},
};

static void test_calibration(void **state)
{
	(void)state;
	cbench_register("BenchmarkRecord", bench_record, 0);
	for (size_t i = 0; i < sizeof calib_cases / sizeof calib_cases[0]; i++) {
		const struct calib_case *c = &calib_cases[i];
		nseen = 0;
		cost_ns = c->cost;
		struct outcome o;
		run(&o, "-benchtime", c->benchtime, "-cpu", "1", "-timeout", "0", NULL);
		assert_int_equal(o.rc, 0);
		if (nseen != c->nwant)
			fail_msg("%s at %lldns/op: %d runs, want %d", c->benchtime, (long long)c->cost,
				 nseen, c->nwant);
		for (int k = 0; k < nseen; k++)
			if (seen_n[k] != c->want[k])
				fail_msg("%s: run %d had n=%lld, want %lld", c->benchtime, k,
					 (long long)seen_n[k], (long long)c->want[k]);
	}
}

/* ---- whole output ---- */

static void bench_alloc13(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *p = v_malloc(13);
		cbench_keep(p);
		free(p);
	}
	spend(b);
}

static void test_golden_output(void **state)
{
	(void)state;
	cbench_register("BenchmarkAlloc", bench_alloc13, 0);
	struct outcome o;
	run(&o, "-benchtime", "100x", "-cpu", "1,2", "-count", "2", "-pkg", "example", NULL);
	struct cb_sysinfo si;
	cb_sysinfo_get(&si);
	char want[2048];
	/* field width: len("BenchmarkAlloc-2") + len("-2") + 1 = 19 */
	snprintf(want, sizeof want,
		 "goos: linux\ngoarch: %s\npkg: example\n%s%s%s"
		 "Unit B/op assume=exact\nUnit allocs/op assume=exact\n"
		 "BenchmarkAlloc     \t     100\t      1000 ns/op\t      13 B/op\t       1 allocs/op\n"
		 "BenchmarkAlloc     \t     100\t      1000 ns/op\t      13 B/op\t       1 allocs/op\n"
		 "BenchmarkAlloc-2   \t     100\t      1000 ns/op\t      13 B/op\t       1 allocs/op\n"
		 "BenchmarkAlloc-2   \t     100\t      1000 ns/op\t      13 B/op\t       1 allocs/op\n"
		 "PASS\n",
		 si.goarch, si.cpu[0] ? "cpu: " : "", si.cpu, si.cpu[0] ? "\n" : "");
	assert_string_equal(o.out, want);
	assert_string_equal(o.err, "");
	assert_int_equal(o.rc, 0);
}

/* ---- one-time allocations ---- */

static char *lazy_buffer;

static void bench_lazy(cbench_b *b)
{
	if (!lazy_buffer)
		lazy_buffer = v_malloc(4096); /* first call only */
	for (int64_t i = 0; i < b->n; i++)
		cbench_keep(lazy_buffer[0]);
	spend(b);
}

static void test_one_time_allocation_not_reported(void **state)
{
	(void)state;
	cbench_register("BenchmarkLazy", bench_lazy, 0);
	const char *times[] = {"1x", "1s"};
	for (int i = 0; i < 2; i++) {
		free(lazy_buffer);
		lazy_buffer = NULL;
		cost_ns = i == 0 ? 1000 : 2000000000; /* 1s: one call exceeds it */
		struct outcome o;
		run(&o, "-benchtime", times[i], "-cpu", "1", NULL);
		assert_int_equal(o.rc, 0);
		expect_contains(o.out, "\t       1\t");
		expect_contains(o.out, "       0 B/op\t       0 allocs/op\n");
	}
	free(lazy_buffer);
	lazy_buffer = NULL;
}

/* ---- timer control and cbench_loop ---- */

static void bench_timer_control(cbench_b *b)
{
	void *setup_block = v_malloc(1000); /* before reset: not counted */
	cbench_reset_timer(b);
	for (int64_t i = 0; i < b->n; i++) {
		cbench_stop_timer(b);
		void *untimed = v_malloc(500);
		cbench_start_timer(b);
		void *timed = v_malloc(7);
		cbench_keep(timed);
		free(timed);
		free(untimed);
	}
	free(setup_block);
	spend(b);
}

static void bench_loop(cbench_b *b)
{
	void *setup[10];
	for (int i = 0; i < 10; i++)
		setup[i] = v_malloc(64);
	while (cbench_loop(b)) {
		void *p = v_malloc(3);
		cbench_keep(p);
		free(p);
	}
	for (int i = 0; i < 10; i++)
		free(setup[i]);
	void *after = v_malloc(99); /* the loop stopped the timer */
	free(after);
	spend(b);
}

static void test_timer_and_loop(void **state)
{
	(void)state;
	cbench_register("BenchmarkTimer", bench_timer_control, 0);
	cbench_register("BenchmarkLoop", bench_loop, 0);
	struct outcome o;
	run(&o, "-benchtime", "50x", "-cpu", "1", NULL);
	assert_int_equal(o.rc, 0);
	expect_contains(o.out, "BenchmarkTimer \t      50\t      1000 ns/op\t");
	expect_contains(o.out, "       7 B/op\t       1 allocs/op\nBenchmarkLoop");
	/* cbench_loop stopped the timer before spend(): no time, and Go hides
	 * a zero ns/op column */
	expect_contains(o.out, "BenchmarkLoop  \t      50\t       3 B/op\t       1 allocs/op\n");
}

/* ---- zero-allocation contract ---- */

static void bench_leaky(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++) {
		if (i % 2 == 0) {
			void *p = v_malloc(16);
			cbench_keep(p);
			free(p);
		}
	}
	spend(b);
}

static void bench_declares_zero(cbench_b *b)
{
	cbench_expect_zero_alloc(b);
	bench_leaky(b);
}

static void bench_clean(cbench_b *b)
{
	spend(b);
}

static void test_zero_alloc_contract(void **state)
{
	(void)state;
	cbench_register("BenchmarkLeaky", bench_leaky, CBENCH_ZERO_ALLOC);
	cbench_register("BenchmarkCall", bench_declares_zero, 0);
	cbench_register("BenchmarkClean", bench_clean, CBENCH_ZERO_ALLOC);
	struct outcome o;
	run(&o, "-benchtime", "10x", "-cpu", "1", NULL);
	assert_int_equal(o.rc, 1);
	expect_contains(o.out, "BenchmarkLeaky \t      10\t      1000 ns/op\t       8 B/op\t     0.5 allocs/op\n"
			       "--- FAIL: BenchmarkLeaky\n"
			       "    zero-allocation contract broken: 0.5 allocs/op (8 B/op), want 0\n");
	expect_contains(o.out, "--- FAIL: BenchmarkCall\n");
	expect_contains(o.out, "BenchmarkClean \t      10\t      1000 ns/op\t       0 B/op\t       0 allocs/op\n");
	assert_null(strstr(o.out, "--- FAIL: BenchmarkClean"));
	expect_contains(o.out, "\nFAIL\n");

	cb_registry_reset();
	cbench_register("BenchmarkClean", bench_clean, CBENCH_ZERO_ALLOC);
	run(&o, "-benchtime", "10x", NULL);
	assert_int_equal(o.rc, 0);
	expect_contains(o.out, "\nPASS\n");
}

/* ---- skip, fatal, log, error ---- */

static bool after_fatal;
enum { FATAL_LINE = __LINE__ + 9 }; /* the cbench_fatal call below */

static void bench_skip(cbench_b *b)
{
	cbench_skip(b, "needs %s", "AVX-1024");
}

static void bench_fatal(cbench_b *b)
{
	cbench_fatal(b, "boom %d", 42);
	after_fatal = true; /* must never run */
}

static void bench_late_fatal(cbench_b *b)
{
	spend(b);
	if (b->n > 1)
		cbench_fatal(b, "only at n=%lld", (long long)b->n);
}

static void bench_logs(cbench_b *b)
{
	cbench_log(b, "n=%lld\nsecond line", (long long)b->n);
	spend(b);
}

static void bench_error(cbench_b *b)
{
	spend(b);
	cbench_error(b, "bad result");
}

static void test_skip_fatal_log(void **state)
{
	(void)state;
	struct outcome o;
	char want[256];

	cbench_register("BenchmarkSkip", bench_skip, 0);
	run(&o, "-benchtime", "5x", NULL);
	assert_int_equal(o.rc, 1);
	expect_contains(o.out, "--- SKIP: BenchmarkSkip\n    test_harness_runner.c:");
	expect_contains(o.out, ": needs AVX-1024\nFAIL\n");

	cb_registry_reset();
	cbench_register("BenchmarkFatal", bench_fatal, 0);
	run(&o, "-benchtime", "5x", NULL);
	assert_int_equal(o.rc, 1);
	snprintf(want, sizeof want, "--- FAIL: BenchmarkFatal\n    test_harness_runner.c:%d: boom 42\n",
		 FATAL_LINE);
	expect_contains(o.out, want);
	assert_false(after_fatal);

	cb_registry_reset();
	cbench_register("BenchmarkLateFatal", bench_late_fatal, 0);
	run(&o, "-benchtime", "5x", "-cpu", "2", NULL);
	assert_int_equal(o.rc, 1);
	expect_contains(o.out, "--- FAIL: BenchmarkLateFatal-2\n");
	expect_contains(o.out, ": only at n=5\n");
	assert_null(strstr(o.out, "BenchmarkLateFatal-2   \t"));

	cb_registry_reset();
	cbench_register("BenchmarkLogs", bench_logs, 0);
	cbench_register("BenchmarkError", bench_error, 0);
	run(&o, "-benchtime", "3x", "-cpu", "1", NULL);
	assert_int_equal(o.rc, 1);
	/* logs of the warm-up and of the measured run, as Go keeps them */
	expect_contains(o.out, "ns/op\t       0 B/op\t       0 allocs/op\n--- BENCH: BenchmarkLogs\n");
	expect_contains(o.out, ": n=1\n        second line\n");
	expect_contains(o.out, ": n=3\n        second line\n");
	expect_contains(o.out, "--- FAIL: BenchmarkError\n");
}

/* ---- sub-benchmarks ---- */

static void sub_body(cbench_b *b, void *ctx)
{
	size_t size = (size_t)(uintptr_t)ctx;
	for (int64_t i = 0; i < b->n; i++) {
		void *p = v_malloc(size);
		cbench_keep(p);
		free(p);
	}
	spend(b);
}

static void bench_parent(cbench_b *b)
{
	cbench_run(b, "size=64", sub_body, (void *)(uintptr_t)64);
	cbench_run(b, "size=128", sub_body, (void *)(uintptr_t)128);
	cbench_run(b, "size=64", sub_body, (void *)(uintptr_t)64);
	cbench_run(b, "with space", sub_body, (void *)(uintptr_t)1);
}

static void test_sub_benchmarks(void **state)
{
	(void)state;
	cbench_register("BenchmarkParent", bench_parent, 0);
	struct outcome o;
	run(&o, "-benchtime", "10x", "-cpu", "1", NULL);
	assert_int_equal(o.rc, 0);
	expect_contains(o.out, "BenchmarkParent/size=64 ");
	expect_contains(o.out, "\t      64 B/op\t       1 allocs/op\n");
	expect_contains(o.out, "BenchmarkParent/size=128");
	expect_contains(o.out, "\t     128 B/op\t       1 allocs/op\n");
	expect_contains(o.out, "BenchmarkParent/size=64#01");
	expect_contains(o.out, "BenchmarkParent/with_space");
	assert_null(strstr(o.out, "BenchmarkParent \t"));
	assert_null(strstr(o.out, "BenchmarkParent\t"));

	run(&o, "-benchtime", "10x", "-cpu", "1", "-bench", "Parent/size=128", NULL);
	assert_int_equal(o.rc, 0);
	expect_contains(o.out, "BenchmarkParent/size=128");
	assert_null(strstr(o.out, "size=64"));
}

/* ---- parallel ---- */

static void parallel_body(cbench_pb *pb, void *ctx)
{
	(void)ctx;
	while (cbench_pb_next(pb)) {
		void *p = v_malloc(40);
		cbench_keep(p);
		free(p);
	}
}

static void bench_parallel(cbench_b *b)
{
	cbench_run_parallel(b, parallel_body, NULL);
	spend(b);
}

static _Atomic int bodies_started;
static int procs_seen;

static void counting_body(cbench_pb *pb, void *ctx)
{
	(void)ctx;
	bodies_started++;
	while (cbench_pb_next(pb))
		;
}

static void bench_parallelism(cbench_b *b)
{
	procs_seen = cbench_procs(b);
	cbench_set_parallelism(b, 3);
	bodies_started = 0;
	cbench_run_parallel(b, counting_body, NULL);
	spend(b);
}

static void bad_body(cbench_pb *pb, void *ctx)
{
	(void)pb;
	(void)ctx;
}

static void bench_bad_parallel(cbench_b *b)
{
	cbench_run_parallel(b, bad_body, NULL);
}

static void test_parallel(void **state)
{
	(void)state;
	cbench_register("BenchmarkParallel", bench_parallel, 0);
	struct outcome o;
	run(&o, "-benchtime", "1000x", "-cpu", "1,2,4", NULL);
	assert_int_equal(o.rc, 0);
	expect_contains(o.out, "BenchmarkParallel     \t    1000\t      1000 ns/op\t      40 B/op\t       1 allocs/op\n");
	expect_contains(o.out, "BenchmarkParallel-2   \t    1000\t      1000 ns/op\t      40 B/op\t       1 allocs/op\n");
	expect_contains(o.out, "BenchmarkParallel-4   \t    1000\t      1000 ns/op\t      40 B/op\t       1 allocs/op\n");

	/* time-based calibration through the grain logic */
	run(&o, "-benchtime", "1ms", "-cpu", "3", NULL);
	assert_int_equal(o.rc, 0);
	expect_contains(o.out, "      40 B/op\t       1 allocs/op\n");

	/* parallelism x the -cpu value threads, each running the body once */
	cb_registry_reset();
	cbench_register("BenchmarkParallelism", bench_parallelism, 0);
	run(&o, "-benchtime", "100x", "-cpu", "2", NULL);
	assert_int_equal(o.rc, 0);
	if (!harness_isolated) { /* the child's variables are its own */
		assert_int_equal(procs_seen, 2);
		assert_int_equal(bodies_started, 6);
	}

	cb_registry_reset();
	cbench_register("BenchmarkBadParallel", bench_bad_parallel, 0);
	run(&o, "-benchtime", "10x", "-cpu", "2", NULL);
	assert_int_equal(o.rc, 1);
	expect_contains(o.out, "body exited without cbench_pb_next returning false");
}

/* ---- metrics, -json, -v ---- */

static void bench_metrics(cbench_b *b)
{
	cbench_set_bytes(b, 1000);
	spend(b);
	cbench_report_metric(b, 2.5, "widgets/op");
}

static void bench_bad_unit(cbench_b *b)
{
	spend(b);
	cbench_report_metric(b, 1, "two words");
}

static void test_metrics_json_verbose(void **state)
{
	(void)state;
	cbench_register("BenchmarkMetrics", bench_metrics, 0);
	cbench_register("BenchmarkAlloc", bench_alloc13, 0);
	struct outcome o;
	run(&o, "-benchtime", "10x", "-cpu", "1", NULL);
	assert_int_equal(o.rc, 0);
	/* 1000 bytes per 1000ns = 1000 MB/s */
	expect_contains(o.out, "BenchmarkMetrics \t      10\t      1000 ns/op\t1000.00 MB/s\t"
			       "         2.500 widgets/op\t       0 B/op\t       0 allocs/op\n");

	run(&o, "-benchtime", "10x", "-cpu", "1", "-json", NULL);
	assert_int_equal(o.rc, 0);
	char *line2 = strchr(o.out, '\n');
	assert_non_null(line2);
	*line2++ = 0;
	cJSON *first = cJSON_Parse(o.out), *second = cJSON_Parse(line2);
	assert_non_null(first);
	assert_non_null(second);
	assert_string_equal(cJSON_GetObjectItem(first, "name")->valuestring, "BenchmarkMetrics");
	assert_string_equal(cJSON_GetObjectItem(first, "status")->valuestring, "ok");
	assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(first, "metrics"), "widgets/op")->valuedouble == 2.5);
	assert_true(cJSON_GetObjectItem(first, "mb_per_s")->valuedouble == 1000);
	assert_string_equal(cJSON_GetObjectItem(second, "name")->valuestring, "BenchmarkAlloc");
	assert_true(cJSON_GetObjectItem(second, "allocs_per_op")->valuedouble == 1);
	assert_true(cJSON_GetObjectItem(second, "bytes_per_op")->valuedouble == 13);
	assert_true(cJSON_GetObjectItem(second, "allocs")->valuedouble == 10);
	assert_true(cJSON_GetObjectItem(second, "ns_per_op")->valuedouble == 1000);
	assert_true(cJSON_GetObjectItem(second, "n")->valuedouble == 10);
	cJSON_Delete(first);
	cJSON_Delete(second);
	assert_null(strstr(line2, "PASS"));

	run(&o, "-benchtime", "10x", "-cpu", "1", "-v", "-bench", "Alloc", NULL);
	assert_int_equal(o.rc, 0);
	expect_contains(o.out, "\nBenchmarkAlloc\nBenchmarkAlloc \t      10\t");

	cb_registry_reset();
	cbench_register("BenchmarkBadUnit", bench_bad_unit, 0);
	run(&o, "-benchtime", "10x", NULL);
	assert_int_equal(o.rc, 1);
	expect_contains(o.out, "unit \"two words\" must be 1 to 63 bytes without white space");
}

/* ---- command line and exit statuses ---- */

static void test_exit_statuses(void **state)
{
	(void)state;
	cbench_register("BenchmarkAlloc", bench_alloc13, 0);
	cbench_register("BenchmarkClean", bench_clean, 0);
	struct outcome o;

	run(&o, "-bench", "NoSuchThing", NULL);
	assert_int_equal(o.rc, 1);
	expect_contains(o.err, "no benchmark matches -bench \"NoSuchThing\"");
	assert_string_equal(o.out, "FAIL\n");

	run(&o, "-bogus", NULL);
	assert_int_equal(o.rc, 2);
	expect_contains(o.err, "flag provided but not defined: -bogus\nUsage of test:\n");

	run(&o, "-bench", "a(", NULL);
	assert_int_equal(o.rc, 2);
	expect_contains(o.err, "invalid regexp");

	run(&o, "-count", "x", NULL);
	assert_int_equal(o.rc, 2);
	expect_contains(o.err, "invalid value \"x\" for flag -count\n");

	run(&o, "-h", NULL);
	assert_int_equal(o.rc, 0);
	expect_contains(o.out, "Usage of test:\n  -bench regexp\n");
	assert_string_equal(o.err, "");

	run(&o, "-list", "All", NULL);
	assert_int_equal(o.rc, 0);
	assert_string_equal(o.out, "BenchmarkAlloc\n");

	run(&o, "-bench", "Clean", "-benchtime", "2x", NULL);
	assert_int_equal(o.rc, 0);
	expect_contains(o.out, "PASS\n");
	assert_null(strstr(o.out, "BenchmarkAlloc"));
}


/* cbench_register follows Go's rules for names: a name that does not
 * begin with "Benchmark" (followed by anything but a lower-case letter),
 * and one registered twice, stop the program before anything runs (Go
 * refuses them when it builds the test binary); white space becomes '_',
 * as in sub-benchmark names, so that the line stays one field. */
static void test_register_names(void **state)
{
	(void)state;
	cbench_register("BenchmarkDup", bench_alloc13, 0);
	cbench_register("BenchmarkDup", bench_clean, 0);
	cbench_register("lower", bench_clean, 0);
	cbench_register("Benchmarklower", bench_clean, 0);
	cbench_register("BenchmarkFine", bench_clean, 0);
	struct outcome o;
	run(&o, "-benchtime", "10x", "-cpu", "1", NULL);
	assert_int_equal(o.rc, 2);
	assert_string_equal(o.out, "");
	expect_contains(o.err, "cbench: \"BenchmarkDup\" is registered 2 times");
	expect_contains(o.err, "cbench: \"lower\" is not a benchmark name");
	expect_contains(o.err, "cbench: \"Benchmarklower\" is not a benchmark name");
	assert_null(strstr(o.err, "BenchmarkFine"));
	run(&o, "-list", ".", NULL);
	assert_int_equal(o.rc, 2);
	assert_string_equal(o.out, "");

	cb_registry_reset();
	cbench_register("BenchmarkHas space", bench_alloc13, 0);
	cbench_register("Benchmark", bench_alloc13, 0);
	cbench_register("Benchmark_x", bench_alloc13, 0);
	run(&o, "-benchtime", "10x", "-cpu", "1", NULL);
	assert_int_equal(o.rc, 0);
	expect_contains(o.out, "\nBenchmarkHas_space \t      10\t");
	expect_contains(o.out, "\nBenchmark          \t      10\t");
	expect_contains(o.out, "\nBenchmark_x        \t      10\t");
	run(&o, "-list", "Has", NULL);
	assert_string_equal(o.out, "BenchmarkHas_space\n");
}
/* ---- crash isolation ---- */

/* cmocka catches crash signals to report a failed test; a benchmark that
 * is to die must get the default action back. */
static void die_by(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
}

static void bench_segv(cbench_b *b)
{
	(void)b;
	die_by(SIGSEGV);
}

static void bench_abort(cbench_b *b)
{
	(void)b;
	fprintf(stderr, "first line\nabort: giving up\n");
	abort();
}

static void bench_exit3(cbench_b *b)
{
	(void)b;
	exit(3);
}

static void bench_hang(cbench_b *b)
{
	(void)b;
	for (;;)
		pause();
}

static void bench_exit0(cbench_b *b)
{
	(void)b;
	_exit(0);
}

static void sub_segv(cbench_b *b, void *ctx)
{
	(void)ctx;
	bench_segv(b);
}

static void bench_sub_crash(cbench_b *b)
{
	cbench_run(b, "ok", sub_body, (void *)(uintptr_t)8);
	cbench_run(b, "boom", sub_segv, NULL);
}

static int late_calls; /* per child: every child starts from 0 */

/* Warm-up and first line pass; the second repetition's warm-up too; its
 * measured run dies. */
static void bench_late_crash(cbench_b *b)
{
	if (++late_calls == 4)
		die_by(SIGBUS);
	spend(b);
}

static void test_crash_isolation(void **state)
{
	(void)state;
	cbench_register("BenchmarkAlpha", bench_alloc13, 0);
	cbench_register("BenchmarkSegv", bench_segv, 0);
	cbench_register("BenchmarkAbort", bench_abort, 0);
	cbench_register("BenchmarkExit3", bench_exit3, 0);
	cbench_register("BenchmarkHang", bench_hang, 0);
	cbench_register("BenchmarkLate", bench_late_crash, 0);
	cbench_register("BenchmarkExit0", bench_exit0, 0);
	cbench_register("BenchmarkSubCrash", bench_sub_crash, 0);
	cbench_register("BenchmarkOmega", bench_alloc13, 0);
	struct outcome o;
	run(&o, "-benchtime", "10x", "-count", "2", "-cpu", "1", "-timeout", "500ms", NULL);
	assert_int_equal(o.rc, 1);
	const char *healthy = "\t      10\t      1000 ns/op\t      13 B/op\t       1 allocs/op\n";
	char want[256];
	/* the name column: the longest top-level name, then as wide as the
	 * sub-benchmark names made it, also those of a child that crashed */
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "BenchmarkOmega" : "BenchmarkAlpha";
		snprintf(want, sizeof want, "%-*s%s%-*s%s", i ? 29 : 18, name, healthy, i ? 29 : 18,
			 name, healthy);
		expect_contains(o.out, want);
	}
	expect_contains(o.out, "--- FAIL: BenchmarkSegv\n    signal: segmentation fault (SIGSEGV)\n");
	expect_contains(o.out, "--- FAIL: BenchmarkAbort\n    signal: aborted (SIGABRT)\n"
			       "    last lines on stderr:\n        first line\n        abort: giving up\n");
	expect_contains(o.out, "--- FAIL: BenchmarkExit3\n    exit status 3\n");
	expect_contains(o.out, "--- FAIL: BenchmarkHang\n    test timed out after 500ms; killed\n");
	/* the first repetition's line survives the second's crash */
	expect_contains(o.out, "--- FAIL: BenchmarkExit0\n"
			       "    exit status 0: the benchmark ended its process before finishing\n");
	/* a sub-benchmark's crash names it; its finished sibling is kept */
	expect_contains(o.out, "BenchmarkSubCrash/ok         \t      10\t      1000 ns/op\t       8 B/op\t"
			       "       1 allocs/op\n--- FAIL: BenchmarkSubCrash/boom\n"
			       "    signal: segmentation fault (SIGSEGV)\n"
			       "    not run: what BenchmarkSubCrash had left to run after "
			       "BenchmarkSubCrash/boom (later sub-benchmarks, repetitions, -cpu values)\n");
	/* a top-level benchmark's crash leaves nothing of it unnamed */
	expect_contains(o.out, "--- FAIL: BenchmarkSegv\n    signal: segmentation fault (SIGSEGV)\n--- ");
	expect_contains(o.out, "BenchmarkLate     \t      10\t      1000 ns/op\t       0 B/op\t       0 allocs/op\n"
			       "--- FAIL: BenchmarkLate\n    signal: bus error (SIGBUS)\n");
	expect_contains(o.out, "\nFAIL\n");
	/* what the child wrote to stderr reaches the parent's */
	expect_contains(o.err, "first line\nabort: giving up\n");
}


/* Bytes a crashing benchmark wrote to stderr reach the FAIL block escaped
 * (a NUL would end the block's text, and the newline after it with it),
 * and the block ends with a newline even when stderr did not: the next
 * result line starts a line of its own. */
static void bench_binary_stderr(cbench_b *b)
{
	(void)b;
	fwrite("bin\0ary\tx\033[K\n", 1, 13, stderr);
	fputs("no newline at end", stderr);
	abort();
}

static void test_crash_stderr_escaped(void **state)
{
	(void)state;
	cbench_register("BenchmarkBinary", bench_binary_stderr, 0);
	cbench_register("BenchmarkNext", bench_alloc13, 0);
	struct outcome o;
	run(&o, "-benchtime", "10x", "-cpu", "1", NULL);
	assert_int_equal(o.rc, 1);
	expect_contains(o.out, "--- FAIL: BenchmarkBinary\n    signal: aborted (SIGABRT)\n"
			       "    last lines on stderr:\n        bin\\x00ary\tx\\x1b[K\n"
			       "        no newline at end\nBenchmarkNext   \t      10\t");
}
/* Out of memory in the runner: the first measured run takes every byte
 * the address-space limit leaves (and keeps it), so the runner cannot set
 * up the next repetitions. Each must fail with a message; none may vanish
 * with exit status 0. The limit binds only the child. */
static int starve_calls;

static void bench_starve(cbench_b *b)
{
	spend(b);
	if (++starve_calls != 2)
		return;
	struct rlimit rl;
	if (getrlimit(RLIMIT_AS, &rl) != 0)
		cbench_fatal(b, "getrlimit failed");
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	if (!f || fscanf(f, "%lu", &pages) != 1)
		cbench_fatal(b, "cannot read /proc/self/statm");
	fclose(f);
	rl.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
	if (setrlimit(RLIMIT_AS, &rl) != 0)
		cbench_fatal(b, "setrlimit failed");
	for (size_t size = 1 << 20; size >= 8; size /= 2) /* every free chunk too */
		for (void **p; (p = v_malloc(size)) != NULL;)
			cbench_keep(p);
}

static void test_out_of_memory(void **state)
{
	(void)state;
	cbench_register("BenchmarkStarve", bench_starve, 0);
	cbench_register("BenchmarkNext", bench_clean, 0);
	struct outcome o;
	run(&o, "-benchtime", "10x", "-count", "3", "-cpu", "1", "-retained=false", NULL);
	assert_int_equal(o.rc, 1);
	expect_contains(o.out, "BenchmarkStarve \t      10\t      1000 ns/op\t");
	expect_contains(o.out, "--- FAIL: BenchmarkStarve\n    cbench: out of memory in the harness\n"
			       "--- FAIL: BenchmarkStarve\n    cbench: out of memory in the harness\n"
			       "BenchmarkNext ");
	expect_contains(o.out, "\nFAIL\n");
}

/* A record larger than a pipe holds (64 KiB) arrives whole. */
static void bench_chatty(cbench_b *b)
{
	for (int i = 0; i < 2000; i++)
		cbench_log(b, "line %04d %s", i, "................................................................");
	cbench_error(b, "and then it failed");
}

static void test_big_record(void **state)
{
	(void)state;
	cbench_register("BenchmarkChatty", bench_chatty, 0);
	cbench_register("BenchmarkAfter", bench_clean, 0);
	struct outcome o;
	run(&o, "-benchtime", "1x", "-cpu", "1", NULL);
	assert_int_equal(o.rc, 1);
	expect_contains(o.out, "--- FAIL: BenchmarkChatty\n    test_harness_runner.c:");
	expect_contains(o.out, ": line 1999 ....");
	expect_contains(o.out, ": and then it failed\nBenchmarkAfter ");
	assert_null(strstr(o.out, "malformed"));
	assert_true(strlen(o.out) > 150000);
}

/* A benchmark's parallel threads cannot all be created: the ones that were
 * must be released and joined, and the benchmark fails. RLIMIT_AS leaves
 * room for a few thread stacks only; it binds only the child. */
static void bench_no_threads(cbench_b *b)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	if (!f || fscanf(f, "%lu", &pages) != 1)
		cbench_fatal(b, "cannot read /proc/self/statm");
	fclose(f);
	rlim_t limit = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (rlim_t)(48 << 20);
	struct rlimit rl = {limit, limit};
	if (setrlimit(RLIMIT_AS, &rl) != 0)
		cbench_fatal(b, "setrlimit failed");
	cbench_set_parallelism(b, 32);
	cbench_run_parallel(b, parallel_body, NULL);
}

static void bench_too_parallel(cbench_b *b)
{
	cbench_set_parallelism(b, INT_MAX);
	cbench_run_parallel(b, parallel_body, NULL);
}

static void test_parallel_failures(void **state)
{
	(void)state;
	cbench_register("BenchmarkTooParallel", bench_too_parallel, 0);
	struct outcome o;
	run(&o, "-benchtime", "10x", "-cpu", "2", NULL);
	assert_int_equal(o.rc, 1);
	expect_contains(o.out, "--- FAIL: BenchmarkTooParallel\n");
	expect_contains(o.out, "parallelism 2147483647 x 2 procs is too many threads\n");
	if (!harness_isolated)
		return;
	cb_registry_reset();
	cbench_register("BenchmarkNoThreads", bench_no_threads, 0);
	cbench_register("BenchmarkAfter", bench_clean, 0);
	run(&o, "-benchtime", "10x", "-cpu", "2", "-timeout", "20s", NULL);
	assert_int_equal(o.rc, 1);
	expect_contains(o.out, "--- FAIL: BenchmarkNoThreads\n");
	expect_contains(o.out, "cbench_run_parallel: cannot create 64 threads (created ");
	expect_contains(o.out, "BenchmarkAfter-2 ");
}

/* ---- the text line and -json carry the same figures ---- */

static void bench_overrides(cbench_b *b)
{
	bench_alloc13(b); /* 13 B/op, 1 allocs/op, 1000 ns/op measured */
	cbench_report_metric(b, 42, "ns/op");
	cbench_report_metric(b, 7, "allocs/op");
	cbench_report_metric(b, 3.5, "MB/s");
	cbench_report_metric(b, 0.25, "widgets/op");
}

/* The (value, unit) pairs of a text result line. */
static int line_pairs(char *line, double *values, char units[][64], int max)
{
	int n = 0;
	strtok(line, "\t"); /* name */
	strtok(NULL, "\t"); /* iterations */
	for (char *f; n < max && (f = strtok(NULL, "\t")) != NULL; n++)
		if (sscanf(f, "%lf %63s", &values[n], units[n]) != 2)
			fail_msg("field \"%s\" is not \"value unit\"", f);
	return n;
}

static void test_json_matches_text(void **state)
{
	(void)state;
	static const struct {
		const char *unit, *field; /* NULL field: under "metrics" */
	} fields[] = {
		{"ns/op", "ns_per_op"}, {"MB/s", "mb_per_s"}, {"B/op", "bytes_per_op"},
		{"allocs/op", "allocs_per_op"}, {"widgets/op", NULL},
	};
	cbench_register("BenchmarkOverrides", bench_overrides, 0);
	struct outcome text, json;
	run(&text, "-benchtime", "10x", "-cpu", "1", NULL);
	run(&json, "-benchtime", "10x", "-cpu", "1", "-json", NULL);
	assert_int_equal(text.rc, 0);
	assert_int_equal(json.rc, 0);
	expect_contains(text.out, "BenchmarkOverrides \t      10\t        42.00 ns/op\t   3.50 MB/s\t"
				  "         0.2500 widgets/op\t      13 B/op\t       7 allocs/op\n");
	char *line = strstr(text.out, "BenchmarkOverrides");
	assert_non_null(line);
	line[strcspn(line, "\n")] = 0;
	double values[8];
	char units[8][64];
	int n = line_pairs(line, values, units, 8);
	assert_int_equal(n, 5);
	cJSON *o = cJSON_Parse(json.out);
	assert_non_null(o);
	for (int i = 0; i < n; i++) {
		const char *field = NULL;
		bool known = false;
		for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
			if (strcmp(fields[k].unit, units[i]) == 0) {
				field = fields[k].field;
				known = true;
			}
		if (!known)
			fail_msg("unexpected unit %s", units[i]);
		cJSON *v = field ? cJSON_GetObjectItem(o, field)
				 : cJSON_GetObjectItem(cJSON_GetObjectItem(o, "metrics"), units[i]);
		if (!v || v->valuedouble != values[i])
			fail_msg("%s: text %g, json %g", units[i], values[i], v ? v->valuedouble : -1);
	}
	/* the counted total backs B/op; allocs/op was reported, so no total */
	assert_true(cJSON_GetObjectItem(o, "alloc_bytes")->valuedouble == 130);
	assert_null(cJSON_GetObjectItem(o, "allocs"));
	/* only the extra units are metrics, as on the text line */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "metrics")), 1);
	cJSON_Delete(o);
}

/* ---- names ---- */

static char long_name[1001];

static void bench_many_same(cbench_b *b)
{
	for (int i = 0; i < 150; i++)
		cbench_run(b, "x", sub_body, (void *)(uintptr_t)1);
	cbench_run(b, long_name, sub_body, (void *)(uintptr_t)1);
}

static void test_many_sub_names(void **state)
{
	(void)state;
	memset(long_name, 'n', 999);
	long_name[999] = 'Z';
	cbench_register("BenchmarkMany", bench_many_same, 0);
	struct outcome o;
	run(&o, "-benchtime", "1x", "-cpu", "2", NULL);
	assert_int_equal(o.rc, 0);
	/* a 1000-byte name is printed whole, then its -P suffix */
	char want[1100];
	snprintf(want, sizeof want, "\nBenchmarkMany/%s-2 ", long_name);
	expect_contains(o.out, want);
	run(&o, "-benchtime", "1x", "-cpu", "1", NULL);
	assert_int_equal(o.rc, 0);
	expect_contains(o.out, "\nBenchmarkMany/x ");
	expect_contains(o.out, "\nBenchmarkMany/x#01 ");
	expect_contains(o.out, "\nBenchmarkMany/x#149 ");
	assert_null(strstr(o.out, "#150"));
}

static void test_pkg_from_file(void **state)
{
	(void)state;
	static const struct {
		const char *file, *want;
	} cases[] = {
		{"benches/strings.c", "benches"},
		{"/home/u/base/benches/strings.c", "benches"},
		{"/tmp/head/benches/strings.c", "benches"},
		{"./benches/./strings.c", "benches"},
		{"../bench//strings.c", "bench"},
		{"strings.c", "strings"},
		{"./strings.c", "strings"},
		{"noext", "noext"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cb_strbuf sb = {0};
		cb_pkg_from_file(&sb, cases[i].file);
		if (strcmp(cb_sb_str(&sb), cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].file, cb_sb_str(&sb), cases[i].want);
		cb_sb_free(&sb);
	}
	/* registered with a file: the header shows its pkg */
	cbench_register_at_("BenchmarkAlloc", bench_alloc13, 0, "/x/y/suite/a.c", NULL);
	struct outcome o;
	run(&o, "-benchtime", "1x", NULL);
	expect_contains(o.out, "\npkg: suite\n");
	cb_registry_reset();
	cbench_register_at_("BenchmarkAlloc", bench_alloc13, 0, "/x/y/suite/a.c", "example.com/s");
	run(&o, "-benchtime", "1x", NULL);
	expect_contains(o.out, "\npkg: example.com/s\n");
	run(&o, "-benchtime", "1x", "-pkg", "mine", NULL);
	expect_contains(o.out, "\npkg: mine\n");
}

/* ---- the child -> parent protocol ---- */

static void test_wire(void **state)
{
	(void)state;
	struct cb_record rec = {.kind = CB_REC_RESULT, .failed = true, .width = 23,
				.output = "    a.c:1: log\n"};
	rec.res = (struct cb_result){.name = "BenchmarkW-2", .n = 77, .ns = 123456, .bytes = 9,
				     .allocs = 5, .alloc_bytes = 1 << 20, .mem_valid = true,
				     .metrics = {{"x/op", 0.1}, {"retained-B/op", 48}}, .nmetrics = 2};
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	assert_true(cb_wire_send_start(fds[1], 23, "BenchmarkW-2"));
	assert_true(cb_wire_send_record(fds[1], &rec));
	close(fds[1]);
	unsigned char bytes[4096];
	ssize_t total = read(fds[0], bytes, sizeof bytes);
	close(fds[0]);
	assert_true(total > 20);
	/* Byte by byte: a message comes out only once its last byte is in. */
	struct cb_wire_in in = {0};
	int got = 0;
	for (ssize_t i = 0; i < total; i++) {
		assert_true(cb_wire_feed(&in, &bytes[i], 1));
		enum cb_msg_type type;
		const unsigned char *p;
		size_t len;
		while (cb_wire_next(&in, &type, &p, &len)) {
			got++;
			if (type == CB_MSG_START) {
				int32_t width;
				assert_int_equal(len, 4 + 12);
				memcpy(&width, p, sizeof width);
				assert_int_equal(width, 23);
				assert_memory_equal(p + 4, "BenchmarkW-2", 12);
				continue;
			}
			assert_int_equal(type, CB_MSG_RECORD);
			assert_int_equal(i, total - 1);
			struct cb_record back;
			assert_true(cb_wire_decode_record(p, len, &back));
			assert_int_equal(back.kind, rec.kind);
			assert_true(back.failed);
			assert_int_equal(back.width, 23);
			assert_string_equal(back.res.name, rec.res.name);
			assert_string_equal(back.output, rec.output);
			assert_int_equal(back.res.n, 77);
			assert_int_equal(back.res.ns, 123456);
			assert_int_equal(back.res.bytes, 9);
			assert_int_equal(back.res.allocs, 5);
			assert_int_equal(back.res.alloc_bytes, 1 << 20);
			assert_true(back.res.mem_valid);
			assert_int_equal(back.res.nmetrics, 2);
			assert_string_equal(back.res.metrics[1].unit, "retained-B/op");
			assert_true(back.res.metrics[0].value == 0.1);
			/* every shorter payload is refused, never half-read */
			for (size_t cut = 0; cut < len; cut++)
				assert_false(cb_wire_decode_record(p, cut, &back));
		}
	}
	assert_int_equal(got, 2);
	/* a frame claiming more than any message holds marks the stream bad */
	uint32_t head[2] = {0xffffffffu, CB_MSG_RECORD};
	assert_true(cb_wire_feed(&in, head, sizeof head));
	enum cb_msg_type type;
	const unsigned char *p;
	size_t len;
	assert_false(cb_wire_next(&in, &type, &p, &len));
	assert_true(in.failed);
	cb_wire_free(&in);
}

static int inproc(void **state)
{
	(void)state;
	harness_isolated = false;
	return 0;
}

static int isolated(void **state)
{
	(void)state;
	harness_isolated = true;
	return 0;
}

int main(void)
{
	/* Everything in the test's own process, where tests also see what the
	 * benchmark functions did. */
	const struct CMUnitTest inproc_tests[] = {
		cmocka_unit_test_setup(test_predict, setup),
		cmocka_unit_test_setup(test_calibration, setup),
		cmocka_unit_test_setup(test_golden_output, setup),
		cmocka_unit_test_setup(test_one_time_allocation_not_reported, setup),
		cmocka_unit_test_setup(test_timer_and_loop, setup),
		cmocka_unit_test_setup(test_zero_alloc_contract, setup),
		cmocka_unit_test_setup(test_skip_fatal_log, setup),
		cmocka_unit_test_setup(test_sub_benchmarks, setup),
		cmocka_unit_test_setup(test_parallel, setup),
		cmocka_unit_test_setup(test_parallel_failures, setup),
		cmocka_unit_test_setup(test_metrics_json_verbose, setup),
		cmocka_unit_test_setup(test_json_matches_text, setup),
		cmocka_unit_test_setup(test_many_sub_names, setup),
		cmocka_unit_test_setup(test_pkg_from_file, setup),
		cmocka_unit_test_setup(test_exit_statuses, setup),
		cmocka_unit_test_setup(test_register_names, setup),
		cmocka_unit_test(test_wire),
	};
	/* The same output, each benchmark in a child process (the default). */
	const struct CMUnitTest isolated_tests[] = {
		cmocka_unit_test_setup(test_golden_output, setup),
		cmocka_unit_test_setup(test_one_time_allocation_not_reported, setup),
		cmocka_unit_test_setup(test_timer_and_loop, setup),
		cmocka_unit_test_setup(test_zero_alloc_contract, setup),
		cmocka_unit_test_setup(test_skip_fatal_log, setup),
		cmocka_unit_test_setup(test_sub_benchmarks, setup),
		cmocka_unit_test_setup(test_parallel, setup),
		cmocka_unit_test_setup(test_parallel_failures, setup),
		cmocka_unit_test_setup(test_metrics_json_verbose, setup),
		cmocka_unit_test_setup(test_json_matches_text, setup),
		cmocka_unit_test_setup(test_many_sub_names, setup),
		cmocka_unit_test_setup(test_exit_statuses, setup),
		cmocka_unit_test_setup(test_crash_isolation, setup),
		cmocka_unit_test_setup(test_crash_stderr_escaped, setup),
		cmocka_unit_test_setup(test_big_record, setup),
		cmocka_unit_test_setup(test_out_of_memory, setup),
	};
	int failed = cmocka_run_group_tests_name("in process", inproc_tests, inproc, NULL);
	failed += cmocka_run_group_tests_name("isolated", isolated_tests, isolated, NULL);
	return failed;
}
