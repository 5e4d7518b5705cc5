/*
 * test_bstat_faults.c — bstat when memory runs out, as SQLite tests it: for
 * each command below, run it once to count its allocations, then once per
 * N failing the N-th (tests/fault/fault_malloc.c), and check that every
 * such run exits 2 with a message about memory, crashes nowhere, leaves no
 * block behind, and that the run past the last allocation is the normal one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fault/fault_malloc.h"
#include "stats.h"

static const char *const commands[][10] = {
	{ "-gate", "base.txt", "pr.txt", NULL },
	{ "-gate", "-format", "markdown", "-gate-filter", ".name:/^Gr/", "base.txt", "pr.txt", NULL },
	{ "-format", "json", "base.txt", "pr.txt", NULL },
	{ "-format", "csv", "-filter", "-.name:Gone", "base.txt", "same.txt", NULL },
	{ "-gate", "exact-base.txt", "exact-varies.txt", NULL },
	/* The text tables, built and printed one at a time. */
	{ "base.txt", "pr.txt", "same.txt", NULL },
};

typedef struct outcome {
	int status;
	char err[512];              /* the first line of stderr */
} outcome;

static outcome run(const char *const *args)
{
	char *argv[12] = { "bstat" };
	int argc = 1;
	outcome o = { 0 };
	for (int i = 0; args[i]; i++)
		argv[argc++] = (char *)args[i];
	/* Unbuffered streams: stdio allocates no buffer the counts would see. */
	FILE *out = fopen("/dev/null", "w"), *err = tmpfile();
	assert_non_null(out);
	assert_non_null(err);
	setvbuf(out, NULL, _IONBF, 0);
	setvbuf(err, NULL, _IONBF, 0);
	o.status = bs_main(argc, argv, out, err);
	rewind(err);
	if (!fgets(o.err, sizeof o.err, err))
		o.err[0] = 0;
	fclose(out);
	fclose(err);
	return o;
}

static void test_every_allocation_fails_cleanly(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
		const char *const *args = commands[c];
		st_release_caches();
		long before = fault_live();
		fault_arm(LONG_MAX);
		outcome normal = run(args);
		long total = fault_calls();
		fault_disarm();
		st_release_caches();
		assert_int_equal(fault_live(), before);
		assert_true(total > 10);
		for (long n = 1; n <= total + 1; n++) {
			fault_arm(n);
			outcome o = run(args);
			int fired = fault_fired();
			fault_disarm();
			st_release_caches();
			long leaked = fault_live() - before;
			if (leaked != 0)
				fail_msg("%s ...: failing allocation %ld of %ld leaked %ld blocks", args[0], n, total,
				         leaked);
			if (!fired) {
				/* Past the last allocation: the normal run. */
				if (o.status != normal.status || strcmp(o.err, normal.err) != 0)
					fail_msg("allocation %ld not failed, yet exit %d (%s)", n, o.status, o.err);
				break;
			}
			if (o.status != 2 || (!strstr(o.err, "out of memory") && !strstr(o.err, "Cannot allocate memory")))
				fail_msg("%s ...: failing allocation %ld of %ld: exit %d, stderr \"%s\"", args[0], n,
				         total, o.status, o.err);
		}
	}
}

static int enter_data_dir(void **state)
{
	(void)state;
	return chdir("tests/data/gate");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_every_allocation_fails_cleanly, enter_data_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
