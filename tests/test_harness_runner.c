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
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

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
static int fatal_line;

static void bench_skip(cbench_b *b)
{
	cbench_skip(b, "needs %s", "AVX-1024");
}

static void bench_fatal(cbench_b *b)
{
	fatal_line = __LINE__ + 1;
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
		 fatal_line);
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
	assert_int_equal(procs_seen, 2);
	assert_int_equal(bodies_started, 6);

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_predict, setup),
		cmocka_unit_test_setup(test_calibration, setup),
		cmocka_unit_test_setup(test_golden_output, setup),
		cmocka_unit_test_setup(test_one_time_allocation_not_reported, setup),
		cmocka_unit_test_setup(test_timer_and_loop, setup),
		cmocka_unit_test_setup(test_zero_alloc_contract, setup),
		cmocka_unit_test_setup(test_skip_fatal_log, setup),
		cmocka_unit_test_setup(test_sub_benchmarks, setup),
		cmocka_unit_test_setup(test_parallel, setup),
		cmocka_unit_test_setup(test_metrics_json_verbose, setup),
		cmocka_unit_test_setup(test_exit_statuses, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
