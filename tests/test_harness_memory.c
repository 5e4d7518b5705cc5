/* test_harness_memory.c: the memory figures a user acts on, each against a
 * count the benchmark knows itself. The profile holds the measured runs
 * only (1x, 3x, -count 3: in-use is what each printed run left live, alloc
 * totals are B/op x n and allocs/op x n of the printed lines, labels
 * separate benchmarks and repetitions), read back with cbprof's reader;
 * retained-B/op of a per-op leak does not depend on -benchtime; a broken
 * zero-allocation contract names the function that allocated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cb_internal.h"
#include "cb_profile.h"
#include "harness_run.h"
#include "prof.h"

static void *(*volatile v_malloc)(size_t) = malloc;
static void (*volatile v_free)(void *) = free;
static char profile_path[64];

static int setup(void **state)
{
	(void)state;
	cb_registry_reset();
	cb_profile_seed = 777;
	snprintf(profile_path, sizeof profile_path, "/tmp/cbench-mem-%d.pb.gz", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(profile_path);
	return 0;
}

/* Each run keeps 3 blocks of 1000 bytes (made in its first iteration) until
 * after its timer stops, and allocates and frees 24 bytes per iteration:
 * whatever n is, a run leaves 3 objects and 3000 bytes in use. */
enum { KEPT = 3, KEPT_SIZE = 1000, TEMP_SIZE = 24 };

static void bench_live_fixed(cbench_b *b)
{
	void *kept[KEPT] = {0};
	for (int64_t i = 0; i < b->n; i++) {
		if (i == 0)
			for (int k = 0; k < KEPT; k++)
				kept[k] = v_malloc(KEPT_SIZE);
		v_free(v_malloc(TEMP_SIZE));
	}
	cbench_stop_timer(b);
	for (int k = 0; k < KEPT; k++)
		v_free(kept[k]);
}

/* One 48-byte allocation per op, freed in the loop. */
static void bench_churn(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++)
		v_free(v_malloc(48));
}

/* Sums n x B/op and n x allocs/op over the printed lines of name. */
static void printed_totals(const char *out, const char *name, double *bytes, double *allocs,
			   int *lines)
{
	*bytes = *allocs = 0;
	*lines = 0;
	size_t len = strlen(name);
	for (const char *p = out; (p = strstr(p, name)) != NULL; p += len) {
		if ((p != out && p[-1] != '\n') || (p[len] != ' ' && p[len] != '\t'))
			continue;
		long long n;
		double ns, bop, aop;
		if (sscanf(p + len, " %lld %lf ns/op %lf B/op %lf allocs/op", &n, &ns, &bop, &aop) != 4)
			continue;
		*bytes += bop * (double)n;
		*allocs += aop * (double)n;
		(*lines)++;
	}
}

static pf_profile *load(void)
{
	char err[256];
	pf_profile *p = pf_read(profile_path, err, sizeof err);
	if (!p)
		fail_msg("%s", err);
	return p;
}

static void test_profile_holds_the_measured_runs(void **state)
{
	(void)state;
	static const struct {
		const char *args[4];
		int runs;
		int64_t iterations; /* summed over the printed runs */
	} cases[] = {
		{{"-benchtime", "1x", NULL}, 1, 1},
		{{"-benchtime", "3x", NULL}, 1, 3},
		{{"-benchtime", "3x", "-count", "3"}, 3, 9},
		{{"-benchtime", "1000x", NULL}, 1, 1000},
	};
	cbench_register("BenchmarkLiveFixed", bench_live_fixed, 0);
	cbench_register("BenchmarkChurn", bench_churn, 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct outcome o;
		run(&o, "-cpu", "1", "-memprofile", profile_path, "-memprofilerate", "1", "-retained=false",
		    cases[i].args[0], cases[i].args[1], cases[i].args[2], cases[i].args[3], NULL);
		assert_int_equal(o.rc, 0);
		pf_profile *p = load();
		pf_totals t = pf_benchmark_totals(p, "BenchmarkLiveFixed");
		assert_int_equal(t.runs, cases[i].runs);
		assert_int_equal(t.iterations, cases[i].iterations);
		assert_int_equal(t.inuse_objects, KEPT * cases[i].runs);
		assert_int_equal(t.inuse_space, KEPT * KEPT_SIZE * cases[i].runs);
		assert_int_equal(t.alloc_objects, cases[i].iterations + KEPT * cases[i].runs);
		double bytes, allocs;
		int lines;
		printed_totals(o.out, "BenchmarkLiveFixed", &bytes, &allocs, &lines);
		assert_int_equal(lines, cases[i].runs);
		assert_float_equal((double)t.alloc_space, bytes, 0.5 * lines);
		assert_float_equal((double)t.alloc_objects, allocs, 0.5 * lines);

		pf_totals c = pf_benchmark_totals(p, "BenchmarkChurn");
		assert_int_equal(c.iterations, cases[i].iterations);
		assert_int_equal(c.alloc_objects, cases[i].iterations);
		assert_int_equal(c.alloc_space, 48 * cases[i].iterations);
		assert_int_equal(c.inuse_space, 0);
		/* Everything in the profile is one of the two benchmarks. */
		pf_totals all = pf_benchmark_totals(p, NULL);
		assert_int_equal(all.alloc_objects, t.alloc_objects + c.alloc_objects);
		pf_free(p);
	}
}

/* A per-op leak reads the same per op whatever n is. */
static void *leaked[100000 + 16];
static size_t nleaked;

static void bench_leak64(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++)
		leaked[nleaked++ % (sizeof leaked / sizeof *leaked)] = v_malloc(64);
}

static void test_per_op_leak_at_any_benchtime(void **state)
{
	(void)state;
	cbench_register("BenchmarkLeak64", bench_leak64, 0);
	/* 300000x: past the tracked run's cap, half of n up to 100000 */
	static const char *benchtimes[] = {"1000x", "100000x", "300000x"};
	for (size_t i = 0; i < 3; i++) {
		struct outcome o;
		run(&o, "-cpu", "1", "-benchtime", benchtimes[i], NULL);
		if (!strstr(o.out, " 64.00 retained-B/op"))
			fail_msg("-benchtime %s: want 64.00 retained-B/op in:\n%s", benchtimes[i], o.out);
		/* Lost on purpose, bounded: 64 B x (1 + 300000 + 100000) at most. */
		nleaked = 0;
	}
}

/* ---- a zero-allocation contract broken in make_key ---- */
static int make_key_line;

static __attribute__((noinline)) char *make_key(int i)
{
	char buf[8] = {(char)('a' + i % 26), 0};
	make_key_line = __LINE__ + 1;
	char *k = strdup(buf);
	__asm__ __volatile__("" : : "g"(k) : "memory");
	return k;
}

static void bench_key(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++)
		v_free(make_key((int)i));
}

static void bench_clean(cbench_b *b)
{
	int64_t sum = 0;
	for (int64_t i = 0; i < b->n; i++)
		sum += i;
	cbench_keep(sum);
}

static void test_zero_alloc_failure_names_the_allocation(void **state)
{
	(void)state;
	cbench_register("BenchmarkKey", bench_key, CBENCH_ZERO_ALLOC);
	cbench_register("BenchmarkClean", bench_clean, CBENCH_ZERO_ALLOC);
	static const char *modes[][4] = {{"-memprofilerate", "1", NULL, NULL},
					 {"-memprofilerate", "1", "-memprofile", profile_path}};
	for (size_t m = 0; m < 2; m++) {
		struct outcome o;
		run(&o, "-cpu", "1", "-benchtime", "100x", modes[m][0], modes[m][1], modes[m][2], modes[m][3],
		    NULL);
		assert_int_equal(o.rc, 1);
		char want[128];
		snprintf(want, sizeof want, "test_harness_memory.c:%d\n", make_key_line);
		const char *block = strstr(o.out, "--- FAIL: BenchmarkKey\n");
		assert_non_null(block);
		const char *site = strstr(block, "first allocation while timed (2 bytes)");
		const char *frame = strstr(block, "make_key at ");
		const char *line_end = frame ? strchr(frame, '\n') : NULL;
		const char *at = frame ? strstr(frame, want) : NULL;
		/* file:line on make_key's own line, and its caller below it */
		if (!site || !frame || !at || at + strlen(want) - 1 != line_end ||
		    !strstr(block, "bench_key at "))
			fail_msg("want the stack with \"%s\" in:\n%s", want, o.out);
		/* The re-run changed nothing printed; the clean one passed. */
		assert_non_null(strstr(o.out, "    zero-allocation contract broken: 1 allocs/op (2 B/op), want 0\n"));
		assert_null(strstr(o.out, "--- FAIL: BenchmarkClean"));
		assert_non_null(strstr(o.out, "BenchmarkClean "));
	}
	/* With -memprofile the profiler got its observer back: the profile holds
	 * the measured run of Key (100 strdups), not the re-run's. */
	pf_profile *p = load();
	pf_totals t = pf_benchmark_totals(p, "BenchmarkKey");
	assert_int_equal(t.alloc_objects, 100);
	pf_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_profile_holds_the_measured_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_op_leak_at_any_benchtime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_alloc_failure_names_the_allocation, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
