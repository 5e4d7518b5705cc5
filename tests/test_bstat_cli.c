/* test_bstat_cli.c — bs_main driven in-process: flags as Go's flag package
 * parses them, exit statuses, and the messages for bad flags and files. */
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

static char dir[] = "/tmp/bstat-cli-XXXXXX";
static char good[128], bad[128], empty[128];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(good, sizeof good, "%s/good.txt", dir);
	snprintf(bad, sizeof bad, "%s/bad.txt", dir);
	snprintf(empty, sizeof empty, "%s/empty.txt", dir);
	write_file(good, "BenchmarkA 1 5 ns/op\nBenchmarkA 1 6 ns/op\n");
	write_file(bad, "BenchmarkA 1 5 ns/op\nBenchmarkA 1 five ns/op\nBenchmarkB 1\n");
	write_file(empty, "PASS\nok x 1s\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(good);
	unlink(bad);
	unlink(empty);
	rmdir(dir);
	return 0;
}

typedef struct result {
	int status;
	char *out, *err;
	size_t olen, elen;
} result;

/* argv is NULL-terminated; "GOOD", "BAD", "EMPTY" stand for the files. */
static result run(const char *const *args)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = "bstat";
	for (; *args; args++)
		argv[argc++] = (char *)(!strcmp(*args, "GOOD") ? good : !strcmp(*args, "BAD") ? bad
		                       : !strcmp(*args, "EMPTY") ? empty : *args);
	argv[argc] = NULL;
	result r = { 0 };
	FILE *o = open_memstream(&r.out, &r.olen), *e = open_memstream(&r.err, &r.elen);
	r.status = bs_main(argc, argv, o, e);
	fclose(o);
	fclose(e);
	return r;
}

static void done(result *r)
{
	free(r->out);
	free(r->err);
}

static void test_statuses(void **state)
{
	(void)state;
	static const struct {
		const char *args[8];
		int status;
		const char *err_starts;  /* stderr must start with this */
		int usage;               /* stderr must contain the usage */
		int has_out;             /* stdout must be non-empty */
	} cases[] = {
		{ { NULL }, 2, "Usage: bstat", 1, 0 },
		{ { "-h", NULL }, 0, "Usage: bstat", 1, 0 },
		{ { "-help", "GOOD", NULL }, 0, "Usage: bstat", 1, 0 },
		{ { "-bogus", "GOOD", NULL }, 2, "flag provided but not defined: -bogus\n", 1, 0 },
		{ { "--bogus=1", "GOOD", NULL }, 2, "flag provided but not defined: -bogus\n", 1, 0 },
		{ { "-alpha", NULL }, 2, "flag needs an argument: -alpha\n", 1, 0 },
		{ { "-alpha", "x", "GOOD", NULL }, 2, "invalid value \"x\" for flag -alpha: parse error\n", 1, 0 },
		{ { "---x", "GOOD", NULL }, 2, "bad flag syntax: ---x\n", 1, 0 },
		{ { "-alpha", "2", "GOOD", NULL }, 2, "bstat: -alpha must be in range [0, 1]\n", 0, 0 },
		{ { "-confidence=-1", "GOOD", NULL }, 2, "bstat: -confidence must be in range [0, 1]\n", 0, 0 },
		{ { "-format", "html", "GOOD", NULL }, 2, "bstat: -format must be text, csv, json or markdown\n", 0, 0 },
		{ { "-filter", "a:", "GOOD", NULL }, 2, "bstat: parsing -filter: syntax error: expected key:value\n", 0, 0 },
		{ { "-row", ".unit", "GOOD", NULL }, 2, "bstat: parsing -row: syntax error: .unit is only allowed in filters\n", 0, 0 },
		{ { "-col", "a@", "GOOD", NULL }, 2, "bstat: parsing -col: syntax error:", 0, 0 },
		{ { "/nonexistent/x.txt", NULL }, 2, "bstat: /nonexistent/x.txt: No such file or directory\n", 0, 0 },
		{ { "GOOD", "/nonexistent/x.txt", NULL }, 2, "bstat: /nonexistent/x.txt: No such file or directory\n", 0, 0 },
		{ { "EMPTY", NULL }, 2, "bstat: ", 0, 0 },
		{ { "GOOD", NULL }, 0, "", 0, 1 },
		{ { "-alpha=0.1", "--confidence", "0.9", "GOOD", NULL }, 0, "", 0, 1 },
		{ { "--", "GOOD", NULL }, 0, "", 0, 1 },
		/* Flags stop at the first input: "-x" after it is a file name. */
		{ { "GOOD", "-x", NULL }, 2, "bstat: -x: No such file or directory\n", 0, 0 },
		{ { "-format", "csv", "GOOD", NULL }, 0, "B", 0, 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		result r = run(cases[i].args);
		assert_int_equal(r.status, cases[i].status);
		assert_memory_equal(r.err, cases[i].err_starts, strlen(cases[i].err_starts));
		assert_int_equal(strstr(r.err, "Usage: bstat [flags] inputs...") != NULL, cases[i].usage);
		assert_int_equal(r.olen > 0, cases[i].has_out);
		done(&r);
	}
}

static void test_messages(void **state)
{
	(void)state;
	/* A file without results names the file. */
	result r = run((const char *[]){ "EMPTY", NULL });
	char want[600];
	snprintf(want, sizeof want, "bstat: %s: no benchmark results\n", empty);
	assert_string_equal(r.err, want);
	done(&r);
	/* Malformed lines are warned about with file:line and skipped. */
	r = run((const char *[]){ "BAD", NULL });
	assert_int_equal(r.status, 0);
	snprintf(want, sizeof want, "%s:2: parsing measurement: invalid syntax\n%s:3: missing measurements\n",
	         bad, bad);
	assert_string_equal(r.err, want);
	assert_non_null(strstr(r.out, "5.000n ± ∞ ¹"));
	done(&r);
	/* Labels name columns; a repeated path gets #0, #1. */
	char labelled[160 + sizeof good];
	snprintf(labelled, sizeof labelled, "base=%s", good);
	r = run((const char *[]){ labelled, "GOOD", "GOOD", NULL });
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "base"));
	snprintf(want, sizeof want, "%s#0", good);
	assert_non_null(strstr(r.out, want));
	snprintf(want, sizeof want, "%s#1", good);
	assert_non_null(strstr(r.out, want));
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statuses),
		cmocka_unit_test(test_messages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
