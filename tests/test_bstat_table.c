/* test_bstat_table.c — the table model the gate walks (tab/tab.h), built by
 * bs_build_tables from small inputs whose numbers are known by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"

static char dir[] = "/tmp/bstat-table-XXXXXX";
static char old_path[128], new_path[128];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(old_path, sizeof old_path, "%s/old.txt", dir);
	snprintf(new_path, sizeof new_path, "%s/new.txt", dir);
	FILE *f = fopen(old_path, "w");
	/* A: 6 samples each, new all below old (p = 2/C(12,6)); Zero: a zero
	 * baseline; Gone: only in old. */
	fputs("BenchmarkA 1 10 ns/op 0 allocs/op\nBenchmarkA 1 11 ns/op 0 allocs/op\n"
	      "BenchmarkA 1 12 ns/op 0 allocs/op\nBenchmarkA 1 13 ns/op 0 allocs/op\n"
	      "BenchmarkA 1 14 ns/op 0 allocs/op\nBenchmarkA 1 15 ns/op 0 allocs/op\n"
	      "BenchmarkGone 1 7 ns/op\n", f);
	fclose(f);
	f = fopen(new_path, "w");
	fputs("BenchmarkA 1 1 ns/op 1 allocs/op\nBenchmarkA 1 2 ns/op 1 allocs/op\n"
	      "BenchmarkA 1 3 ns/op 1 allocs/op\nBenchmarkA 1 4 ns/op 1 allocs/op\n"
	      "BenchmarkA 1 5 ns/op 1 allocs/op\nBenchmarkA 1 6 ns/op 2 allocs/op\n", f);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(old_path);
	unlink(new_path);
	rmdir(dir);
	return 0;
}

static const bs_table *find(const bs_tables *ts, const char *unit)
{
	for (size_t i = 0; i < ts->n; i++)
		if (strcmp(ts->tables[i].unit, unit) == 0)
			return &ts->tables[i];
	return NULL;
}

static void test_model(void **state)
{
	(void)state;
	bs_options o;
	bs_options_default(&o);
	char *files[] = { old_path, new_path };
	o.files = files;
	o.nfiles = 2;
	bs_arena *a = bs_arena_new();
	bs_tables *ts;
	bs_build_info info;
	FILE *err = fopen("/dev/null", "w");
	assert_int_equal(bs_build_tables(&o, a, &ts, NULL, &info, err), 0);
	fclose(err);
	assert_int_equal(ts->n, 2);

	const bs_table *t = find(ts, "sec/op");
	assert_non_null(t);
	assert_int_equal(t->ncols, 2);
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->row_labels[0], "A");
	assert_string_equal(t->row_labels[1], "Gone");
	assert_string_equal(t->col_values[0][0], old_path);
	const bs_cell *base = bs_table_cell(t, 0, 0), *now = bs_table_cell(t, 0, 1);
	assert_non_null(base);
	assert_non_null(now);
	assert_null(base->base);
	assert_ptr_equal(now->base, base);
	assert_non_null(now->base);
	assert_int_equal(now->n, 6);
	assert_true(now->values[0] == 1 * 1e-9 && now->values[5] == 6 * 1e-9);
	assert_true(fabs(base->summary.center - 12.5e-9) < 1e-20);
	assert_true(fabs(now->cmp.p - 2.0 / 924) < 1e-12);
	assert_int_equal(now->cmp.nx, 6);
	/* The benchmark missing from new has no cell there. */
	assert_non_null(bs_table_cell(t, 1, 0));
	assert_null(bs_table_cell(t, 1, 1));
	assert_int_equal(t->summary[1].nnotes, 1);
	assert_string_equal(t->summary[1].notes[0],
	                    "benchmark set differs from baseline; geomeans may not be comparable");
	assert_true(t->summary[1].has_ratio);
	assert_true(fabs(t->summary[1].ratio - 3.5 / 12.5) < 1e-12);

	/* A zero baseline: the samples are there for the gate's zero-alloc rule. */
	t = find(ts, "allocs/op");
	assert_non_null(t);
	assert_int_equal(t->nrows, 1);
	base = bs_table_cell(t, 0, 0);
	now = bs_table_cell(t, 0, 1);
	assert_true(base->values[0] == 0 && base->values[5] == 0);
	assert_true(now->summary.center == 1 && now->values[5] == 2);
	assert_false(t->summary[1].has_ratio);
	bs_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
