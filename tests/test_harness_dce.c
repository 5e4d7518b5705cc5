/* test_harness_dce.c: the -O2 dead-code trap. Built with -O2 always (see
 * harness/module.mk): gcc and clang delete a malloc/free pair, strdup/free
 * and posix_memalign/free whose result is unused, and such a benchmark
 * would report 0 allocs/op. cbench_keep must keep exactly one allocation
 * per iteration alive, whether it is given the pointer, an array or a
 * struct holding it, and cbench_clobber must keep stores to memory. The
 * same checks in every language mode and at -O3: tests/e2e/header_modes.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cb_internal.h"

static void bench_malloc_free(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *p = malloc(32);
		cbench_keep(p);
		free(p);
	}
}

static void bench_strdup(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *s = strdup("hello, world");
		cbench_keep(s);
		free(s);
	}
}

static void bench_posix_memalign(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p;
		if (posix_memalign(&p, 64, 100) != 0)
			cbench_fatal(b, "posix_memalign failed");
		cbench_keep(p);
		free(p);
	}
}

static void bench_clobber(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *p = malloc(8);
		if (!p)
			cbench_fatal(b, "out of memory");
		cbench_keep(p); /* clobber only reaches memory that escaped */
		memset(p, 1, 8);
		cbench_clobber();
		free(p);
	}
}

/* An array and a struct lvalue are kept where they are; the pointer they
 * hold escapes with them (before issue 10 an array did not compile). */
static void bench_keep_array(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *slots[2] = {malloc(40), NULL};
		cbench_keep(slots);
		free(slots[0]);
	}
}

struct holder {
	void *block;
	int64_t serial;
};

static void bench_keep_struct(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++) {
		struct holder h = {malloc(48), i};
		cbench_keep(h);
		free(h.block);
	}
}

struct dce_case {
	const char *name;
	cbench_fn *fn;
	const char *want; /* B/op and allocs/op columns */
};

static const struct dce_case cases[] = {
	{"BenchmarkMallocFree", bench_malloc_free, "      32 B/op\t       1 allocs/op\n"},
	{"BenchmarkStrdup", bench_strdup, "      13 B/op\t       1 allocs/op\n"},
	{"BenchmarkPosixMemalign", bench_posix_memalign, "     100 B/op\t       1 allocs/op\n"},
	{"BenchmarkClobber", bench_clobber, "       8 B/op\t       1 allocs/op\n"},
	{"BenchmarkKeepArray", bench_keep_array, "      40 B/op\t       1 allocs/op\n"},
	{"BenchmarkKeepStruct", bench_keep_struct, "      48 B/op\t       1 allocs/op\n"},
};

static void test_dce(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cb_registry_reset();
		cbench_register(cases[i].name, cases[i].fn, 0);
		char *argv[] = {"dce", "-benchtime", "1000x", "-cpu", "1", NULL};
		FILE *out = tmpfile();
		assert_non_null(out);
		int rc = cb_main_io(5, argv, out, stderr);
		char text[4096];
		rewind(out);
		text[fread(text, 1, sizeof text - 1, out)] = 0;
		fclose(out);
		assert_int_equal(rc, 0);
		if (!strstr(text, cases[i].want))
			fail_msg("%s: want \"%s\" in\n%s", cases[i].name, cases[i].want, text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dce),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
