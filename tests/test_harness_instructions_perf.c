/* test_harness_instructions_perf.c: the perf_event path of -instructions,
 * driven through cb_main_io with the hardware events replaced by the
 * software task-clock (CPU nanoseconds of the measured threads), which
 * kernels grant where they grant no hardware counters. What is checked is
 * the plumbing, by ratios that a mistake would move by a factor of ten:
 * the counts follow the timer (setup before a reset and work with the timer
 * stopped are left out), threads of a parallel benchmark count, the events
 * are opened again in each benchmark's child process, a counter the kernel
 * refuses is left out, and an instructions counter it refuses is an error
 * (exit 2). Scaling a multiplexed counter is checked on readings by hand.
 * The figures themselves are checked against known work on whichever real
 * path exists (tests/e2e/harness_instructions.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

#include "cb_internal.h"
#include "harness_run.h"

static volatile uint64_t sink;

static void work(int64_t units)
{
	uint64_t x = sink;
	for (int64_t i = 0; i < units; i++)
		x = x * 6364136223846793005u + 1442695040888963407u;
	sink = x;
}

enum { UNITS = 20000 };

static void bench_work1(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++)
		work(UNITS);
}

static void bench_work2(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++)
		work(2 * UNITS);
}

static void bench_setup(cbench_b *b)
{
	work(20 * UNITS * b->n);
	cbench_reset_timer(b);
	for (int64_t i = 0; i < b->n; i++)
		work(UNITS);
}

static void bench_stopped(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++) {
		work(UNITS);
		cbench_stop_timer(b);
		work(10 * UNITS);
		cbench_start_timer(b);
	}
}

static void parallel_body(cbench_pb *pb, void *ctx)
{
	(void)ctx;
	while (cbench_pb_next(pb))
		work(UNITS);
}

static void bench_parallel(cbench_b *b)
{
	cbench_run_parallel(b, parallel_body, NULL);
}

static const struct cb_perf_event task_clock = {PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK};
static const struct cb_perf_event no_such_event = {PERF_TYPE_HARDWARE, 0x7fff};

static int setup(void **state)
{
	(void)state;
	cb_registry_reset();
	cbench_register("BenchmarkWork1", bench_work1, 0);
	cbench_register("BenchmarkWork2", bench_work2, 0);
	cbench_register("BenchmarkSetup", bench_setup, 0);
	cbench_register("BenchmarkStopped", bench_stopped, 0);
	cbench_register("BenchmarkParallel", bench_parallel, 0);
	for (int i = 0; i < CB_NCOUNTERS; i++)
		cb_perf_events[i] = task_clock;
	harness_isolated = false;
	return 0;
}

/* The figure of unit on the first line of name ("BenchmarkWork1-2"). */
static double figure(const char *out, const char *name, const char *unit)
{
	for (const char *p = out; (p = strstr(p, name)) != NULL; p++) {
		if (p != out && p[-1] != '\n')
			continue;
		const char *eol = strchr(p, '\n'), *u = strstr(p, unit);
		if (!u || (eol && u > eol))
			fail_msg("%s has no %s:\n%s", name, unit, out);
		const char *v = u - 2;
		while (v > p && v[-1] != ' ' && v[-1] != '\t')
			v--;
		return strtod(v, NULL);
	}
	fail_msg("no line for %s:\n%s", name, out);
	return 0;
}

static void expect_ratio(const char *out, const char *name, double lo, double hi)
{
	double base = figure(out, "BenchmarkWork1-2", "instructions/op");
	double r = figure(out, name, "instructions/op") / base;
	if (!(r >= lo && r <= hi))
		fail_msg("%s / Work1 = %g, want [%g, %g]:\n%s", name, r, lo, hi, out);
}

static bool software_events_granted(void)
{
	static struct outcome o;
	cbench_register("BenchmarkProbe", bench_work1, 0);
	run(&o, "-instructions=perf", "-bench", "Probe", "-benchtime", "1x", NULL);
	return o.rc == 0;
}

static void check_run(bool isolated)
{
	static struct outcome o;
	harness_isolated = isolated;
	run(&o, "-instructions=perf", "-cpu", "2", "-benchtime", "200x", "-bench",
	    "Work|Setup|Stopped|Parallel", NULL);
	if (o.rc != 0)
		fail_msg("exit status %d:\n%s%s", o.rc, o.out, o.err);
	if (!strstr(o.out, "\ninstructions: perf\n") || strstr(o.out, "Unit instructions/op assume=exact"))
		fail_msg("header:\n%s", o.out);
	figure(o.out, "BenchmarkWork1-2", "ns/op"); /* time is real here */
	figure(o.out, "BenchmarkWork1-2", "cycles/op");
	figure(o.out, "BenchmarkWork1-2", "branch-misses/op");
	expect_ratio(o.out, "BenchmarkWork2-2", 1.3, 3);
	/* counted, setup would make it 21x, the stopped work 11x */
	expect_ratio(o.out, "BenchmarkSetup-2", 0.4, 2.5);
	expect_ratio(o.out, "BenchmarkStopped-2", 0.4, 2.5);
	/* the main thread only waits: uncounted threads would make it ~0 */
	expect_ratio(o.out, "BenchmarkParallel-2", 0.4, 2.5);
}

static void test_counts_follow_the_timer(void **state)
{
	(void)state;
	if (!software_events_granted())
		skip();
	check_run(false);
}

static void test_each_child_opens_its_own(void **state)
{
	(void)state;
	if (!software_events_granted())
		skip();
	check_run(true);
}

static void test_refused_counter_left_out(void **state)
{
	static struct outcome o;
	(void)state;
	if (!software_events_granted())
		skip();
	cb_perf_events[CB_CNT_CYCLES] = no_such_event;
	run(&o, "-instructions=perf", "-bench", "Work1", "-benchtime", "10x", NULL);
	assert_int_equal(o.rc, 0);
	figure(o.out, "BenchmarkWork1", "instructions/op");
	figure(o.out, "BenchmarkWork1", "branch-misses/op");
	if (strstr(o.out, "cycles/op"))
		fail_msg("a refused counter is printed:\n%s", o.out);
}

static void test_refused_instructions_is_an_error(void **state)
{
	static struct outcome o;
	(void)state;
	cb_perf_events[CB_CNT_INSTRUCTIONS] = no_such_event;
	run(&o, "-instructions=perf", "-bench", "Work1", NULL);
	assert_int_equal(o.rc, 2);
	if (!strstr(o.err, "cbench: -instructions=perf: the kernel refuses hardware counters: "
			   "perf_event_open: "))
		fail_msg("message:\n%s", o.err);
	assert_string_equal(o.out, "");
}

/* Readings as the kernel gives them: value, time enabled, time running. */
struct delta_case {
	uint64_t start[3], now[3];
	bool ok, scaled;
	uint64_t want;
};

static const struct delta_case delta_cases[] = {
	{{100, 1000, 1000}, {600, 3000, 3000}, true, false, 500},    /* ran all the time */
	{{0, 0, 0}, {0, 0, 0}, true, false, 0},                      /* no time passed */
	{{100, 1000, 1000}, {400, 3000, 2000}, true, true, 600},     /* ran half: x2 */
	{{0, 0, 0}, {250, 4000, 1000}, true, true, 1000},            /* ran a quarter: x4 */
	{{100, 1000, 500}, {100, 3000, 500}, false, true, 0},        /* never ran: unknown */
	/* earlier multiplexing does not scale a later interval that ran whole */
	{{100, 1000, 500}, {300, 2000, 1500}, true, false, 200},
};

static void test_multiplexed_delta(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof delta_cases / sizeof delta_cases[0]; i++) {
		const struct delta_case *c = &delta_cases[i];
		struct cb_counts start = {.valid = 1}, now = {.valid = 1};
		start.value[0] = c->start[0], start.enabled[0] = c->start[1], start.running[0] = c->start[2];
		now.value[0] = c->now[0], now.enabled[0] = c->now[1], now.running[0] = c->now[2];
		uint64_t delta = 0;
		bool scaled = false;
		bool ok = cb_perf_delta(&start, &now, 0, &delta, &scaled);
		if (ok != c->ok || scaled != c->scaled || (ok && delta != c->want))
			fail_msg("case %zu: ok %d scaled %d delta %llu, want %d %d %llu", i, ok, scaled,
				 (unsigned long long)delta, c->ok, c->scaled, (unsigned long long)c->want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_counts_follow_the_timer, setup),
		cmocka_unit_test_setup(test_each_child_opens_its_own, setup),
		cmocka_unit_test_setup(test_refused_counter_left_out, setup),
		cmocka_unit_test_setup(test_refused_instructions_is_an_error, setup),
		cmocka_unit_test(test_multiplexed_delta),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
