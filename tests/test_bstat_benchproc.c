/* test_bstat_benchproc.c — filter and projection syntax, filter matching,
 * key extraction and key orders. Expected error texts and caret offsets
 * are upstream benchproc's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proc/proc.h"

typedef struct fixture {
	bs_arena *a;
	bs_map interns;
	bs_unit_meta units;
	bs_proc *p;
	bs_buf err;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->a = bs_arena_new();
	bs_map_init(&f->interns, f->a);
	bs_unit_meta_init(&f->units, f->a);
	f->p = bs_proc_new(f->a, &f->interns);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	bs_proc_free(f->p);
	bs_unit_meta_free(&f->units);
	bs_buf_free(&f->err);
	bs_arena_free(f->a);
	free(f);
	return 0;
}

/* Offset of the caret in a formatted syntax error (from the third line). */
static int caret(const char *msg)
{
	const char *l = strrchr(msg, '\n');
	assert_non_null(l);
	assert_int_equal(l[1], '\t');
	return (int)(strchr(l, '^') - l - 2);
}

static void test_filter_errors(void **state)
{
	static const struct { const char *q, *msg; int off; } cases[] = {
		{ "a", "expected key:value", 0 },
		{ "a :", "expected key:value", 0 },
		{ "a:", "expected key:value", 0 },
		{ "", "expected key:value or subexpression", 0 },
		{ "()", "expected key:value or subexpression", 1 },
		{ "AND", "expected key:value or subexpression", 0 },
		{ "\"a\\z\":\"b c\"", "bad escape sequence", 0 },
		{ "a \"b", "missing end quote", 2 },
		{ "(a:b", "missing \")\"", 4 },
		{ "(a:b))", "unexpected \")\"", 5 },
		{ "a:/b", "missing close \"/\"", 2 },
		{ "a:/b/c", "regexp must be followed by space or an operator (unescaped \"/\"?)", 5 },
		{ "a:(b c)", "value list must be separated by OR", 5 },
		{ "a:(b AND c)", "value list must be separated by OR", 5 },
		{ "a:(b OR AND)", "expected value", 8 },
		{ "a:()", "expected value", 3 },
		{ ".config:x", ".config is only allowed in projections", 0 },
		{ "x:1 \"\":y", "key must not be empty", 4 },
		/* Go's RE2 rejects these; glibc would need gigabytes for them. */
		{ "a:/(b+)++/", "error parsing regexp: invalid nested repetition operator: `++`", 2 },
		{ "a:/b{1001}/", "error parsing regexp: invalid repeat count: `{1001}`", 2 },
		{ "a:/(b{100}){100}/", "error parsing regexp: expression too large", 2 },
	};
	fixture *f = *state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bs_buf_clear(&f->err);
		assert_null(bs_filter_new(f->p, cases[i].q, &f->err));
		char want[200];
		snprintf(want, sizeof want, "syntax error: %s\n\t%s\n", cases[i].msg, cases[i].q);
		assert_memory_equal(f->err.s, want, strlen(want));
		assert_int_equal(caret(f->err.s), cases[i].off);
	}
}

static void test_projection_errors(void **state)
{
	static const struct { const char *q, *msg; int off; } cases[] = {
		{ "a,,b", "expected key", 2 },
		{ "a@", "expected named sort order or parenthesized list", 2 },
		{ "a@,b", "expected named sort order or parenthesized list", 2 },
		{ "a@(", "missing )", 3 },
		{ "a@()", "nothing to match", 3 },
		{ "a@bogus", "unknown order \"bogus\"", 2 },
		{ ".unit", ".unit is only allowed in filters", 0 },
		{ ".config@(a)", "fixed order not allowed for .config", 8 },
	};
	fixture *f = *state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bs_buf_clear(&f->err);
		bs_filter *flt = bs_filter_new(f->p, "*", &f->err);
		assert_null(bs_projection_parse(f->p, cases[i].q, flt, 0, &f->err));
		char want[200];
		snprintf(want, sizeof want, "syntax error: %s\n", cases[i].msg);
		assert_memory_equal(f->err.s, want, strlen(want));
		assert_int_equal(caret(f->err.s), cases[i].off);
	}
}

/* Runs each result of text through filter q; returns "name:kept units;" ... */
static void run_filter(fixture *f, const char *q, const char *text, bs_buf *out)
{
	bs_filter *flt = bs_filter_new(f->p, q, &f->err);
	assert_non_null(flt);
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	bs_reader r;
	bs_reader_init(&r, &f->interns, &f->units);
	bs_reader_reset(&r, in, "f", "f.txt");
	bs_buf_clear(out);
	bs_buf_add(out, "", 0);
	while (bs_reader_next(&r) == BS_REC_RESULT) {
		if (!bs_filter_apply(flt, &r.result))
			continue;
		bs_buf_printf(out, "%s:", r.result.name);
		for (size_t i = 0; i < r.result.nvalues; i++)
			bs_buf_printf(out, "%s%s", i ? "," : "", r.result.values[i].unit);
		bs_buf_puts(out, ";");
	}
	bs_reader_free(&r);
	fclose(in);
}

static void test_filter_match(void **state)
{
	static const char text[] =
		"goos: linux\n"
		"BenchmarkKey/size=64-8 1 1 ns/op 2 B/op\n"
		"BenchmarkItoa/size=8-8 1 1 ns/op 2 B/op\n"
		"BenchmarkOther 1 1 ns/op 2 allocs/op\n"
		"goos: darwin\n"
		"BenchmarkKey/size=64-8 1 1 MB/s\n";
	static const struct { const char *q, *want; } cases[] = {
		{ "*", "Key/size=64-8:sec/op,B/op;Itoa/size=8-8:sec/op,B/op;Other:sec/op,allocs/op;Key/size=64-8:B/s;" },
		{ ".name:(Key OR Itoa)", "Key/size=64-8:sec/op,B/op;Itoa/size=8-8:sec/op,B/op;Key/size=64-8:B/s;" },
		{ "/size:64", "Key/size=64-8:sec/op,B/op;Key/size=64-8:B/s;" },
		{ "-/size:64", "Itoa/size=8-8:sec/op,B/op;Other:sec/op,allocs/op;" },
		{ "goos:linux .name:Other", "Other:sec/op,allocs/op;" },
		{ "goos:darwin OR .name:Itoa", "Itoa/size=8-8:sec/op,B/op;Key/size=64-8:B/s;" },
		{ ".unit:ns/op", "Key/size=64-8:sec/op;Itoa/size=8-8:sec/op;Other:sec/op;" },
		{ ".unit:B/s", "Key/size=64-8:B/s;" },
		{ ".unit:MB/s", "Key/size=64-8:B/s;" },
		{ "-.unit:sec/op", "Key/size=64-8:B/op;Itoa/size=8-8:B/op;Other:allocs/op;Key/size=64-8:B/s;" },
		{ ".unit:sec/op OR .name:Itoa", "Key/size=64-8:sec/op;Itoa/size=8-8:sec/op,B/op;Other:sec/op;" },
		{ ".unit:sec/op AND .name:Itoa", "Itoa/size=8-8:sec/op;" },
		{ ".fullname:/^Key.*-8$/", "Key/size=64-8:sec/op,B/op;Key/size=64-8:B/s;" },
		{ ".name:/t/", "Itoa/size=8-8:sec/op,B/op;Other:sec/op,allocs/op;" },
		{ "/gomaxprocs:8 -goos:darwin", "Key/size=64-8:sec/op,B/op;Itoa/size=8-8:sec/op,B/op;" },
		{ ".file:f.txt .name:Other", "Other:sec/op,allocs/op;" },
		{ "/size:/^\\d\\d$/", "Key/size=64-8:sec/op,B/op;Key/size=64-8:B/s;" },
		{ ".name:/^\\w+$/ /size:/^\\D/", "" },
		{ "nokey:x", "" },
		{ "-*", "" },
		{ "(.name:Key) (goos:linux)", "Key/size=64-8:sec/op,B/op;" },
		/* Queries without a key answer once for all results. */
		{ "(* *) -(-*)", "Key/size=64-8:sec/op,B/op;Itoa/size=8-8:sec/op,B/op;Other:sec/op,allocs/op;Key/size=64-8:B/s;" },
		{ "* -*", "" },
		{ "-* OR (* AND *)", "Key/size=64-8:sec/op,B/op;Itoa/size=8-8:sec/op,B/op;Other:sec/op,allocs/op;Key/size=64-8:B/s;" },
		{ "-(* OR -*)", "" },
		{ "* .unit:B/op", "Key/size=64-8:B/op;Itoa/size=8-8:B/op;" },
	};
	fixture *f = *state;
	bs_buf out = { 0 };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		run_filter(f, cases[i].q, text, &out);
		assert_string_equal(out.s, cases[i].want);
	}
	bs_buf_free(&out);
}

/* Projects each result (after filter "*") and collects sorted labels. */
static void project_all(fixture *f, const char *proj, const char *others, const char *text, bs_buf *out)
{
	bs_filter *flt = bs_filter_new(f->p, "*", &f->err);
	bs_projection *pr = bs_projection_parse(f->p, proj, flt, 0, &f->err);
	assert_non_null(pr);
	if (others)
		assert_non_null(bs_projection_parse(f->p, others, flt, 0, &f->err));
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	bs_reader r;
	bs_reader_init(&r, &f->interns, &f->units);
	bs_reader_reset(&r, in, "f", "f.txt");
	int keys[64];
	size_t n = 0;
	while (bs_reader_next(&r) == BS_REC_RESULT) {
		if (!bs_filter_apply(flt, &r.result))
			continue;
		int k = bs_project(pr, &r.result), seen = 0;
		for (size_t i = 0; i < n; i++)
			seen |= keys[i] == k;
		if (!seen && n < 64)
			keys[n++] = k;
	}
	bs_sort_keys(pr, keys, n);
	bs_buf label = { 0 };
	bs_buf_clear(out);
	bs_buf_add(out, "", 0);
	for (size_t i = 0; i < n; i++) {
		bs_key_label(pr, keys[i], &label);
		bs_buf_printf(out, "%s|", label.s);
	}
	bs_buf_free(&label);
	bs_reader_free(&r);
	fclose(in);
}

static void test_projection(void **state)
{
	static const char text[] =
		"cpu: b\n"
		"BenchmarkX/n=10-4 1 1 x\nBenchmarkX/n=2k-4 1 1 x\nBenchmarkX/n=1Mi-4 1 1 x\n"
		"BenchmarkX/n=2-4 1 1 x\nBenchmarkX/n=abc-4 1 1 x\nBenchmarkY/n=2-4 1 1 x\n"
		"cpu: a\nBenchmarkX/n=10-4 1 1 x\n";
	static const struct { const char *proj, *others, *want; } cases[] = {
		{ "/n", NULL, "10|2k|1Mi|2|abc|" },
		{ "/n@num", NULL, "2|10|2k|1Mi|abc|" },
		{ "/n@alpha", NULL, "10|1Mi|2|2k|abc|" },
		{ "/n@(2 10)", NULL, "2|10|" },
		{ ".name", NULL, "X|Y|" },
		{ ".fullname", NULL, "X/n=10-4|X/n=2k-4|X/n=1Mi-4|X/n=2-4|X/n=abc-4|Y/n=2-4|" },
		/* Keys projected elsewhere drop out of .fullname. */
		{ ".fullname", "/n", "X-4|Y-4|" },
		{ ".fullname", "/gomaxprocs", "X/n=10|X/n=2k|X/n=1Mi|X/n=2|X/n=abc|Y/n=2|" },
		{ ".fullname", ".name", "*/n=10-4|*/n=2k-4|*/n=1Mi-4|*/n=2-4|*/n=abc-4|" },
		{ "/gomaxprocs", NULL, "4|" },
		{ "cpu", NULL, "b|a|" },
		{ "cpu@alpha", NULL, "a|b|" },
		/* .config members sort by bytes, not first appearance (upstream). */
		{ ".config", NULL, "a|b|" },
		{ ".name /n@num", NULL, "X 2|X 10|X 2k|X 1Mi|X abc|Y 2|" },
		/* A key read from the name holds under every configuration; one
		 * read from the name and the configuration does not. */
		{ ".name cpu", NULL, "X b|X a|Y b|" },
		{ "/n cpu@alpha", NULL, "10 a|10 b|2k b|1Mi b|2 b|abc b|" },
		{ ".fullname", "cpu", "X/n=10-4|X/n=2k-4|X/n=1Mi-4|X/n=2-4|X/n=abc-4|Y/n=2-4|" },
	};
	bs_buf out = { 0 };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fixture *f = *state;
		project_all(f, cases[i].proj, cases[i].others, text, &out);
		assert_string_equal(out.s, cases[i].want);
		/* A fresh proc per case: projections of one run share exclusions. */
		teardown(state);
		setup(state);
	}
	bs_buf_free(&out);
}

static void test_nonsingular(void **state)
{
	fixture *f = *state;
	bs_filter *flt = bs_filter_new(f->p, "*", &f->err);
	bs_projection *pr = bs_projection_parse(f->p, ".name goos", flt, 0, &f->err);
	const char text[] = "goos: a\nBenchmarkX/k=1 1 1 x\ngoos: b\nBenchmarkX/k=2 1 1 x\nBenchmarkX/k=3 1 1 x\n";
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	bs_reader r;
	bs_reader_init(&r, &f->interns, &f->units);
	bs_reader_reset(&r, in, "f", "f");
	int keys[3];
	size_t n = 0;
	while (bs_reader_next(&r) == BS_REC_RESULT)
		keys[n++] = bs_project(pr, &r.result);
	bs_buf names = { 0 };
	assert_int_equal(bs_nonsingular_fields(pr, keys, n, &names), 1);
	assert_string_equal(names.s, "goos");
	assert_int_equal(bs_nonsingular_fields(pr, keys + 1, 2, &names), 0);
	bs_buf_free(&names);
	bs_reader_free(&r);
	fclose(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filter_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_projection_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_projection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonsingular, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
