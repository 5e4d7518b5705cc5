/*
 * test_gate_failopen.c — every input issue 9 found the gate passing though
 * it could not judge it, and the neighbours that must still pass or fail,
 * run through bs_main: each row gives the inputs (written to a scratch
 * folder), the arguments, the exit status, and the first line of the
 * message that says why (stderr's first line, or the gate's verdict line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#define HDR "goos: linux\ngoarch: amd64\npkg: example\ncpu: Test CPU\n"
#define X2(s) s s
#define X6(s) s s s s s s
#define RUN(b, a) "BenchmarkX-2\t1000\t5 ns/op\t" b " B/op\t" a " allocs/op\n"
#define BASE6 HDR X6(RUN("32", "2"))
#define NEWBENCH X6("BenchmarkNew-2 1000 100 ns/op 8 B/op 1 allocs/op\n")
#define EXACT HDR "Unit B/op assume=exact\nUnit allocs/op assume=exact\n"

typedef struct input {
	const char *name;
	const char *text;
	size_t len;                 /* text may hold NUL bytes */
} input;
#define IN(name, lit) { name, lit, sizeof lit - 1 }

struct failopen_case {
	const char *what;
	input files[2];
	const char *args[8];        /* after "bstat"; NULL ends; ">full": stdout
	                             * is /dev/full, which fails every write */
	int status;
	const char *first_err;      /* stderr's first line; NULL: stderr is empty */
	const char *verdict;        /* the last line of stdout that starts "gate: ", or NULL */
};

static const struct failopen_case cases[] = {
	/* Too few samples: the threshold rule cannot fire, so no pass. */
	{ "6 + 1 runs, B/op 32 -> 3200 and allocs/op 2 -> 200",
	  { IN("base.txt", BASE6), IN("new.txt", HDR RUN("3200", "200")) },
	  { "-gate", "base.txt", "new.txt" }, 2, NULL,
	  "gate: could not judge: BenchmarkX-2 B/op has n=6+1; run at least 4 per side "
	  "(and 1 more gated metric with too few samples)" },
	{ "2 + 2 runs at 10x",
	  { IN("base.txt", HDR X2(RUN("32", "2"))), IN("new.txt", HDR X2(RUN("320", "20"))) },
	  { "-gate", "base.txt", "new.txt" }, 2, NULL,
	  "gate: could not judge: BenchmarkX-2 B/op has n=2+2; run at least 4 per side "
	  "(and 1 more gated metric with too few samples)" },
	{ "6 + 6 runs: a real regression still fails",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6(RUN("3200", "200"))) },
	  { "-gate", "base.txt", "new.txt" }, 1, NULL, "gate: FAIL: 2 of 2 gated metrics regressed" },
	{ "identical runs still pass",
	  { IN("base.txt", BASE6), IN("new.txt", BASE6) },
	  { "-gate", "base.txt", "new.txt" }, 0, NULL, "gate: PASS: 2 gated metrics, no regression" },
	/* An exact claim that breaks (qa-report Gate 1): no pass past the rule. */
	{ "exact B/op, 4 of 6 new runs at 10x: U test p=0.061, the table shows +900%",
	  { IN("base.txt", EXACT X6(RUN("32", "2"))),
	    IN("new.txt", EXACT X2(RUN("32", "2")) X2(RUN("320", "2")) X2(RUN("320", "2"))) },
	  { "-gate", "base.txt", "new.txt" }, 2, NULL,
	  "gate: could not judge: BenchmarkX-2 B/op is declared exact, but its runs differ (32.00 to 32.00 "
	  "in base.txt, 32.00 to 320.0 in new.txt); run more times (-count) or fix the iterations "
	  "(-benchtime Nx)" },
	{ "... 5 of 6 at 10x is significant and fails",
	  { IN("base.txt", EXACT X6(RUN("32", "2"))),
	    IN("new.txt", EXACT RUN("32", "2") X2(RUN("320", "2")) X2(RUN("320", "2")) RUN("320", "2")) },
	  { "-gate", "base.txt", "new.txt" }, 1, NULL, "gate: FAIL: 1 of 2 gated metrics regressed" },
	{ "... a change under min_change passes",
	  { IN("base.txt", EXACT X6(RUN("32", "0.0026"))),
	    IN("new.txt", EXACT X2(RUN("32", "0.0026")) X2(RUN("32", "0.0041")) X2(RUN("32", "0.0041"))) },
	  { "-gate", "base.txt", "new.txt" }, 0, NULL, "gate: PASS: 2 gated metrics, no regression" },
	/* The baseline is the first input, whichever table sorts first (Gate 2). */
	{ "a configuration only the new input has sorts first: the baseline stays base.txt",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6(RUN("40", "2")) "pkg: aaa\n" NEWBENCH) },
	  { "-gate", "-allow-missing", "base.txt", "new.txt" }, 1, NULL,
	  "gate: FAIL: 1 of 2 gated metrics regressed" },
	{ "... without -allow-missing nothing is missing",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6(RUN("40", "2")) "pkg: aaa\n" NEWBENCH) },
	  { "-gate", "base.txt", "new.txt" }, 1, NULL, "gate: FAIL: 1 of 2 gated metrics regressed" },
	{ "... and an improvement is one",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6(RUN("20", "2")) "pkg: aaa\n" NEWBENCH) },
	  { "-gate", "base.txt", "new.txt" }, 0, NULL, "gate: PASS: 2 gated metrics, no regression (1 improved)" },
	{ "... also with -col on another key",
	  { IN("base.txt", "rev: 1\n" BASE6), IN("new.txt", "rev: 2\n" HDR X6(RUN("40", "2")) "pkg: aaa\n" NEWBENCH) },
	  { "-gate", "-col", "rev", "base.txt", "new.txt" }, 1, NULL, "gate: FAIL: 1 of 2 gated metrics regressed" },
	/* One cell, two distributions (Gate 4). */
	{ "-row .name pools Foo/a and Foo/b, hiding 32 -> 320",
	  { IN("base.txt", HDR X6("BenchmarkFoo/a-2 1000 5 ns/op 32 B/op 1 allocs/op\n")
	                   X6("BenchmarkFoo/b-2 1000 5 ns/op 64 B/op 1 allocs/op\n")),
	    IN("new.txt", HDR X6("BenchmarkFoo/a-2 1000 5 ns/op 320 B/op 1 allocs/op\n")
	                  X6("BenchmarkFoo/b-2 1000 5 ns/op 6 B/op 1 allocs/op\n")) },
	  { "-gate", "-row", ".name", "base.txt", "new.txt" }, 2, NULL,
	  "gate: could not judge: BenchmarkFoo B/op pools benchmarks that vary in .fullname; judge them "
	  "apart (do not merge them with -row, -col or -ignore) (and 1 more)" },
	{ "... without -row it fails",
	  { IN("base.txt", HDR X6("BenchmarkFoo/a-2 1000 5 ns/op 32 B/op 1 allocs/op\n")
	                   X6("BenchmarkFoo/b-2 1000 5 ns/op 64 B/op 1 allocs/op\n")),
	    IN("new.txt", HDR X6("BenchmarkFoo/a-2 1000 5 ns/op 320 B/op 1 allocs/op\n")
	                  X6("BenchmarkFoo/b-2 1000 5 ns/op 6 B/op 1 allocs/op\n")) },
	  { "-gate", "base.txt", "new.txt" }, 1, NULL, "gate: FAIL: 1 of 4 gated metrics regressed" },
	/* Malformed input: every line the gate cannot read is exit 2. */
	{ "a truncated last line (a killed run)",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6(RUN("32", "2")) "BenchmarkX-2\t1000\t5 ns/op\t32 B/") },
	  { "-gate", "base.txt", "new.txt" }, 2,
	  "new.txt:11: truncated result line (no newline at the end of the input)", NULL },
	{ "NUL bytes in a line",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6(RUN("32", "2")) "BenchmarkX-2\t1000\t5 ns/op\t3\0002 B/op\n") },
	  { "-gate", "base.txt", "new.txt" }, 2, "new.txt:11: NUL byte in a result line", NULL },
	{ "a garbage line",
	  { IN("base.txt", BASE6), IN("new.txt", HDR "BenchmarkX-2 lots of it\n" X6(RUN("32", "2"))) },
	  { "-gate", "base.txt", "new.txt" }, 2,
	  "new.txt:5: parsing iteration count: invalid syntax", NULL },
	{ "a result without units",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6(RUN("32", "2")) "BenchmarkX-2 1000 5\n") },
	  { "-gate", "base.txt", "new.txt" }, 2, "new.txt:11: missing units", NULL },
	{ "malformed lines in the baseline do not make a benchmark new",
	  { IN("base.txt", HDR X6("BenchmarkY-2 1000 5 ns/op 32 B/op 2\n") X6(RUN("32", "2"))),
	    IN("new.txt", HDR X6(RUN("32", "2")) X6("BenchmarkY-2\t1000\t5 ns/op\t64 B/op\t9 allocs/op\n")) },
	  { "-gate", "base.txt", "new.txt" }, 2, "base.txt:5: missing units", NULL },
	{ "a unit given twice in a line (Gate 3)",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6("BenchmarkX-2\t1000\t5 ns/op\t32 B/op\t2 allocs/op\t3200 B/op\n")) },
	  { "-gate", "base.txt", "new.txt" }, 2, "new.txt:5: unit B/op given twice", NULL },
	{ "... ns/op and sec/op are one unit",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6("BenchmarkX-2\t1000\t5 ns/op\t32 B/op\t2 allocs/op\t1 sec/op\n")) },
	  { "-gate", "base.txt", "new.txt" }, 2, "new.txt:5: unit sec/op given twice", NULL },
	{ "... plain bstat keeps both values, as benchstat",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6("BenchmarkX-2\t1000\t5 ns/op\t32 B/op\t2 allocs/op\t3200 B/op\n")) },
	  { "base.txt", "new.txt" }, 0, NULL, NULL },
	{ "a byte order mark before goos: (Gate 13)",
	  { IN("base.txt", BASE6), IN("new.txt", "\xef\xbb\xbf" BASE6) },
	  { "-gate", "base.txt", "new.txt" }, 2,
	  "new.txt:1: UTF-8 byte order mark at the start of the input: remove it", NULL },
	{ "... before a first result, which benchstat drops unseen",
	  { IN("base.txt", X6(RUN("32", "2"))), IN("new.txt", "\xef\xbb\xbf" X6(RUN("32", "2"))) },
	  { "-gate", "base.txt", "new.txt" }, 2,
	  "new.txt:1: UTF-8 byte order mark at the start of the input: remove it", NULL },
	{ "plain bstat warns and goes on, as benchstat",
	  { IN("base.txt", BASE6), IN("new.txt", HDR "BenchmarkX-2 1000 5\n" X6(RUN("32", "2"))) },
	  { "base.txt", "new.txt" }, 0, "new.txt:5: missing units", NULL },
	/* Read errors are not the end of the input. */
	{ "a line with no end (/dev/zero)",
	  { { NULL, NULL, 0 } },
	  { "-gate", "/dev/zero", "/dev/zero" }, 2, "bstat: /dev/zero:1: read error: line longer than 64 MiB",
	  NULL },
	{ "a directory",
	  { { NULL, NULL, 0 } },
	  { "-gate", ".", "." }, 2, "bstat: .:1: read error: Is a directory", NULL },
	{ "a missing file",
	  { IN("base.txt", BASE6) },
	  { "-gate", "base.txt", "nowhere.txt" }, 2, "bstat: nowhere.txt: No such file or directory", NULL },
	/* Values no benchmark can produce. */
	{ "negative ns/op",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6("BenchmarkX-2\t1000\t-5 ns/op\t32 B/op\t2 allocs/op\n")) },
	  { "-gate", "base.txt", "new.txt" }, 2,
	  "new.txt:5: negative ns/op (-5): no benchmark measures that", NULL },
	{ "negative B/op",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6(RUN("-32", "2"))) },
	  { "-gate", "base.txt", "new.txt" }, 2,
	  "new.txt:5: negative B/op (-32): no benchmark measures that", NULL },
	{ "negative allocs/op",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6(RUN("32", "-2"))) },
	  { "-gate", "base.txt", "new.txt" }, 2,
	  "new.txt:5: negative allocs/op (-2): no benchmark measures that", NULL },
	{ "zero iterations",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6("BenchmarkX-2\t0\t5 ns/op\t32 B/op\t2 allocs/op\n")) },
	  { "-gate", "base.txt", "new.txt" }, 2, "new.txt:5: iteration count 0 is not positive", NULL },
	{ "negative iterations",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6("BenchmarkX-2\t-7\t5 ns/op\t32 B/op\t2 allocs/op\n")) },
	  { "-gate", "base.txt", "new.txt" }, 2, "new.txt:5: iteration count -7 is not positive", NULL },
	{ "+Inf B/op is named, not NaN (Gate 16)",
	  { IN("base.txt", BASE6), IN("new.txt", HDR X6(RUN("+Inf", "2"))) },
	  { "-gate", "base.txt", "new.txt" }, 2, NULL,
	  "gate: could not judge: 1 gated metric had a sample that is +Inf" },
	{ "a custom unit may be negative",
	  { IN("base.txt", HDR X6("BenchmarkX-2\t1000\t-5 delta/op\t32 B/op\t2 allocs/op\n")),
	    IN("new.txt", HDR X6("BenchmarkX-2\t1000\t-6 delta/op\t32 B/op\t2 allocs/op\n")) },
	  { "-gate", "base.txt", "new.txt" }, 0, NULL, "gate: PASS: 2 gated metrics, no regression" },
	/* Messages that say what to do. */
	{ "configuration lines differ",
	  { IN("base.txt", "pkg: example/a\n" X6(RUN("32", "2"))), IN("new.txt", "pkg: example/b\n" X6(RUN("32", "2"))) },
	  { "-gate", "base.txt", "new.txt" }, 2, NULL,
	  "gate: could not judge: no benchmark is in both base.txt and new.txt: their configuration differs "
	  "(pkg: example/a in base.txt, example/b in new.txt); to compare them anyway, add -ignore pkg" },
	{ "... and the remedy works",
	  { IN("base.txt", "pkg: example/a\n" X6(RUN("32", "2"))), IN("new.txt", "pkg: example/b\n" X6(RUN("32", "2"))) },
	  { "-gate", "-ignore", "pkg", "base.txt", "new.txt" }, 0, NULL,
	  "gate: PASS: 2 gated metrics, no regression" },
	{ "-table .file: the remedy is to drop it, -ignore cannot (Gate 14)",
	  { IN("base.txt", BASE6), IN("new.txt", BASE6) },
	  { "-gate", "-table", ".file", "base.txt", "new.txt" }, 2, NULL,
	  "gate: could not judge: no benchmark is in both base.txt and new.txt: their configuration differs "
	  "(.file: base.txt in base.txt, new.txt in new.txt); to compare them anyway, remove .file from -table" },
	{ "... a key -table names with an order, beside one to ignore",
	  { IN("base.txt", "pkg: example/a\ncpu: A\n" X6(RUN("32", "2"))),
	    IN("new.txt", "pkg: example/b\ncpu: B\n" X6(RUN("32", "2"))) },
	  { "-gate", "-table", "pkg@alpha,.config", "base.txt", "new.txt" }, 2, NULL,
	  "gate: could not judge: no benchmark is in both base.txt and new.txt: their configuration differs "
	  "(pkg: example/a in base.txt, example/b in new.txt; cpu: A in base.txt, B in new.txt); to compare "
	  "them anyway, add -ignore cpu and remove pkg from -table" },
	{ "-gate-filter matching nothing",
	  { IN("base.txt", BASE6), IN("new.txt", BASE6) },
	  { "-gate", "-gate-filter", ".name:Nope", "base.txt", "new.txt" }, 2, NULL,
	  "gate: could not judge: -gate-filter '.name:Nope' matches no benchmark" },
	{ "-col with a key no result has",
	  { IN("base.txt", BASE6), IN("new.txt", BASE6) },
	  { "-gate", "-col", "nosuch", "base.txt", "new.txt" }, 2, NULL,
	  "gate: could not judge: -col nosuch: no result has a value for it, so every input fell in one column" },
	{ "-threshold without -gate",
	  { IN("base.txt", BASE6) }, { "-threshold", "5%", "base.txt", "base.txt" }, 2,
	  "bstat: -threshold is a gate flag: it needs -gate", NULL },
	{ "-rule without -gate",
	  { IN("base.txt", BASE6) }, { "-rule", "B/op=5%", "base.txt", "base.txt" }, 2,
	  "bstat: -rule is a gate flag: it needs -gate", NULL },
	{ "-allow-missing without -gate",
	  { IN("base.txt", BASE6) }, { "-allow-missing", "base.txt", "base.txt" }, 2,
	  "bstat: -allow-missing is a gate flag: it needs -gate", NULL },
	{ "-gate-filter without -gate",
	  { IN("base.txt", BASE6) }, { "-gate-filter", "*", "base.txt", "base.txt" }, 2,
	  "bstat: -gate-filter is a gate flag: it needs -gate", NULL },
	{ "the gate report cannot be written",
	  { IN("base.txt", BASE6) }, { "-gate", "base.txt", "base.txt", ">full" }, 2,
	  "bstat: writing the output failed", NULL },
};

static char *first_line(const char *s)
{
	size_t n = strcspn(s, "\n");
	char *line = malloc(n + 1);
	memcpy(line, s, n);
	line[n] = 0;
	return line;
}

/* The last "gate: " line of out, or NULL. */
static char *verdict_line(const char *out)
{
	const char *last = NULL;
	for (const char *p = out; (p = strstr(p, "gate: ")); p++)
		if (p == out || p[-1] == '\n')
			last = p;
	return last ? first_line(last) : NULL;
}

static void write_file(const input *in)
{
	FILE *f = fopen(in->name, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(in->text, 1, in->len, f), in->len);
	assert_int_equal(fclose(f), 0);
}

static void test_failopen(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct failopen_case *c = &cases[i];
		char *argv[10] = { "bstat" };
		int argc = 1, out_full = 0;
		for (int k = 0; k < 2; k++)
			if (c->files[k].name)
				write_file(&c->files[k]);
		for (int k = 0; c->args[k]; k++)
			if (strcmp(c->args[k], ">full") == 0)
				out_full = 1;
			else
				argv[argc++] = (char *)c->args[k];
		char *out_text = NULL, *err_text = NULL;
		size_t out_len = 0, err_len = 0;
		FILE *out = out_full ? fopen("/dev/full", "w") : open_memstream(&out_text, &out_len);
		FILE *err = open_memstream(&err_text, &err_len);
		assert_non_null(out);
		int status = bs_main(argc, argv, out, err);
		fclose(out);
		fclose(err);
		const char *shown = out_text ? out_text : "";
		char *err_first = err_len ? first_line(err_text) : NULL;
		char *verdict = verdict_line(shown);
		if (status != c->status)
			fail_msg("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", c->what, status, c->status,
			         shown, err_text);
		if (c->first_err ? !err_first || strcmp(err_first, c->first_err) : err_first != NULL)
			fail_msg("%s: stderr starts\n  %s\nwant\n  %s", c->what, err_first ? err_first : "(empty)",
			         c->first_err ? c->first_err : "(empty)");
		if (c->verdict && (!verdict || strcmp(verdict, c->verdict)))
			fail_msg("%s: verdict\n  %s\nwant\n  %s", c->what, verdict ? verdict : "(none)", c->verdict);
		if (c->status == 2 && verdict && strstr(verdict, "PASS"))
			fail_msg("%s: exit 2 after a PASS verdict", c->what);
		free(err_first);
		free(verdict);
		free(out_text);
		free(err_text);
		for (int k = 0; k < 2; k++)
			if (c->files[k].name)
				unlink(c->files[k].name);
	}
}

static char scratch[64];

static int enter_scratch(void **state)
{
	(void)state;
	snprintf(scratch, sizeof scratch, "/tmp/cbench-failopen-XXXXXX");
	return mkdtemp(scratch) && chdir(scratch) == 0 ? 0 : -1;
}

static int leave_scratch(void **state)
{
	(void)state;
	return chdir("/") == 0 && rmdir(scratch) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_failopen, enter_scratch, leave_scratch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
