/* test_bstat_render.c — table layout, cell texts and whole renderings of
 * small inputs (text, CSV quoting, JSON numbers, markdown). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "render/render.h"
#include "tab/tab.h"

static void test_cell_texts(void **state)
{
	(void)state;
	char buf[64];
	static const struct { double c, lo, hi; const char *want; } ranges[] = {
		{ 100, 95, 103, "5%" }, { 100, -INFINITY, 103, "∞" }, { 0, 0, 0, "0%" },
		{ 1, -1, 2, "?" },      { -2, -3, -1, "-50%" },          { 100, 99.5, 100.5, "1%" },
		{ 100, 98.5, 100, "2%" },
	};
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		st_summary s = { .center = ranges[i].c, .lo = ranges[i].lo, .hi = ranges[i].hi };
		bs_fmt_range(&s, buf, sizeof buf);
		assert_string_equal(buf, ranges[i].want);
	}
	static const struct { double p; int nx, ny; const char *want; } tests[] = {
		{ 0.0079, 5, 5, "p=0.008 n=5" }, { 0, 1, 1, "n=1" }, { 1, 4, 6, "p=1.000 n=4+6" },
		{ 0.0005, 10, 10, "p=0.001 n=10" }, { 0.00049, 10, 10, "p=0.000 n=10" },
	};
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		st_comparison c = { .p = tests[i].p, .nx = tests[i].nx, .ny = tests[i].ny };
		bs_fmt_test(&c, buf, sizeof buf);
		assert_string_equal(buf, tests[i].want);
	}
	static const struct { double p, alpha, old, now; const char *want; } deltas[] = {
		{ 0.5, 0.05, 1, 2, "~" }, { 0.01, 0.05, 2, 2, "0.00%" }, { 0.01, 0.05, 0, 2, "?" },
		{ 0.01, 0.05, 100, 103.41, "+3.41%" }, { 0, 0, 100, 90, "-10.00%" },
		{ 0.05, 0.05, 1, 2, "+100.00%" },
	};
	for (size_t i = 0; i < sizeof deltas / sizeof deltas[0]; i++) {
		st_comparison c = { .p = deltas[i].p, .alpha = deltas[i].alpha };
		bs_fmt_delta(&c, deltas[i].old, deltas[i].now, buf, sizeof buf);
		assert_string_equal(buf, deltas[i].want);
	}
	bs_buf s = { 0 };
	bs_superscript(1, &s);
	bs_superscript(10, &s);
	bs_superscript(23, &s);
	assert_string_equal(s.s, "¹¹⁰²³");
	bs_buf_free(&s);
}

static void test_texttab(void **state)
{
	(void)state;
	bs_tt t = { 0 };
	bs_buf out = { 0 };
	bs_tt_row(&t);
	bs_tt_col(&t, 1);
	bs_tt_span(&t, 2, "head", BS_TT_CENTER, " │ ");
	bs_tt_cell_add(&t, "", BS_TT_LEFT, " │");
	bs_tt_row(&t);
	bs_tt_cell_add(&t, "long label", BS_TT_LEFT, NULL);
	bs_tt_cell_add(&t, "1.5", BS_TT_RIGHT, NULL);
	bs_tt_cell_add(&t, "x", BS_TT_LEFT, NULL);
	bs_tt_row(&t);
	bs_tt_cell_add(&t, "b", BS_TT_LEFT, NULL);
	bs_tt_cell_add(&t, "100.25", BS_TT_RIGHT, NULL);
	bs_tt_format(&t, &out);
	assert_string_equal(out.s,
		"           │   head   │\n"
		"long label      1.5 x\n"
		"b            100.25\n");
	bs_tt_free(&t);
	bs_buf_free(&out);
}

/* Adds a one-column cell: copied (0), formatted in place (1), or copied
 * with a length that is not NUL-terminated (2). */
static void cell(bs_tt *t, int how, const char *s, enum bs_tt_align align, const char *margin)
{
	size_t n = strlen(s);
	if (how == 1) {
		char *p = bs_tt_text_room(t, n + 5);
		memcpy(p, s, n);
		memcpy(p + n, "junk", 4);
		bs_tt_cell_put(t, n, align, margin);
	} else if (how == 2) {
		char copy[64];
		memcpy(copy, s, n);
		memset(copy + n, 'z', sizeof copy - n);
		bs_tt_cell_n(t, copy, n, align, margin);
	} else {
		bs_tt_cell_add(t, s, align, margin);
	}
}

/* Spans wider than their columns, shrink columns, runes of two and three
 * bytes and invalid bytes (one each), texts and margins past 16 bytes, an
 * empty row, blank cells, text overflowing to the right (Go's %*s quirk)
 * and a margin of a tab. The expected layout is what the previous
 * implementation (a sorted list of 48-byte cells, checked against
 * benchstat's goldens) printed for the same calls. */
static void layout(bs_tt *t, int how)
{
	bs_tt_row(t);
	bs_tt_col(t, 1);
	bs_tt_span(t, 3, "a wide header", BS_TT_CENTER, " │ ");
	bs_tt_span(t, 2, "ü", BS_TT_CENTER, " │ ");
	bs_tt_cell_add(t, "", BS_TT_LEFT, " │");
	bs_tt_set_shrink(t, 2);
	bs_tt_row(t);
	bs_tt_cell_add(t, "µ-label", BS_TT_LEFT, NULL);
	cell(t, how, "3.701µ", BS_TT_RIGHT, NULL);
	cell(t, how, "∞", BS_TT_RIGHT, " ± ");
	cell(t, how, "¹ ²", BS_TT_LEFT, NULL);
	cell(t, how, "\xff\xfe" "bad\xc3", BS_TT_CENTER, NULL);
	cell(t, how, "r", BS_TT_RIGHT, NULL);
	bs_tt_row(t);
	bs_tt_row(t);
	bs_tt_cell_add(t, "label of 17 bytes", BS_TT_LEFT, NULL);
	cell(t, how, "x", BS_TT_CENTER, " margin, 17 bytes");
	cell(t, how, "   ", BS_TT_LEFT, NULL);
	cell(t, how, "", BS_TT_RIGHT, NULL);
	cell(t, how, "centered", BS_TT_CENTER, NULL);
	bs_tt_row(t);
	bs_tt_col(t, 3);
	cell(t, how, "overflows to the right", BS_TT_RIGHT, NULL);
	cell(t, how, "c", BS_TT_CENTER, " │ ");
	bs_tt_row(t);
	cell(t, how, "", BS_TT_LEFT, "");
	bs_tt_col(t, 5);
	cell(t, how, "end", BS_TT_LEFT, "\t");
}

static void test_texttab_layout(void **state)
{
	static const char want[] =
		"                                │            a wide header            │      ü       │\n"
		"µ-label                           3.701µ ±   ∞ ¹ ²                       \xff\xfe" "bad\xc3" "    r\n"
		"\n"
		"label of 17 bytes margin, 17 bytes  x                                   centered\n"
		"                                               overflows to the right │    c\n"
		"                                                                                \tend\n";
	(void)state;
	for (int how = 0; how < 3; how++)
		for (size_t reserve = 0; reserve < 3; reserve++) {
			bs_tt t = { 0 };
			bs_buf out = { 0 };
			/* None, too little (so it grows) and plenty. */
			if (reserve)
				bs_tt_reserve(&t, reserve == 1 ? 2 : 64, reserve == 1 ? 3 : 4096);
			layout(&t, how);
			bs_tt_format(&t, &out);
			if (strcmp(out.s, want) != 0)
				fail_msg("way %d, reserve %zu:\n%s", how, reserve, out.s);
			bs_tt_free(&t);
			bs_buf_free(&out);
		}
}

/* Runs bs_main on files holding the given texts; returns its status. */
static int run(const char *const *texts, size_t n, const char *const *flags, size_t nflags,
               bs_buf *out, bs_buf *err)
{
	char dir[] = "/tmp/bstat-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *argv[32], paths[5][64], labels[5][80];
	int argc = 0;
	argv[argc++] = "bstat";
	for (size_t i = 0; i < nflags; i++)
		argv[argc++] = (char *)flags[i];
	for (size_t i = 0; i < n; i++) {
		snprintf(paths[i], sizeof paths[i], "%s/%c.txt", dir, (char)('a' + i));
		/* Columns are labelled o.txt, n.txt, ... like the reference runs. */
		snprintf(labels[i], sizeof labels[i], "%c.txt=%s", "onmlk"[i], paths[i]);
		FILE *f = fopen(paths[i], "w");
		fputs(texts[i], f);
		fclose(f);
		argv[argc++] = labels[i];
	}
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	FILE *o = open_memstream(&obuf, &olen), *e = open_memstream(&ebuf, &elen);
	int status = bs_main(argc, argv, o, e);
	fclose(o);
	fclose(e);
	bs_buf_clear(out);
	bs_buf_clear(err);
	bs_buf_add(out, obuf, olen);
	bs_buf_add(err, ebuf, elen);
	free(obuf);
	free(ebuf);
	for (size_t i = 0; i < n; i++)
		unlink(paths[i]);
	rmdir(dir);
	return status;
}

static const char old_txt[] =
	"goos: linux\n"
	"BenchmarkA 1 100 ns/op 8 B/op\nBenchmarkA 1 102 ns/op 8 B/op\nBenchmarkA 1 101 ns/op 8 B/op\n"
	"BenchmarkA 1 99 ns/op 8 B/op\nBenchmarkA 1 100 ns/op 8 B/op\nBenchmarkA 1 98 ns/op 8 B/op\n";
static const char new_txt[] =
	"goos: linux\n"
	"BenchmarkA 1 90 ns/op 16 B/op\nBenchmarkA 1 91 ns/op 16 B/op\nBenchmarkA 1 89 ns/op 16 B/op\n"
	"BenchmarkA 1 90 ns/op 16 B/op\nBenchmarkA 1 92 ns/op 16 B/op\nBenchmarkA 1 88 ns/op 16 B/op\n";

/* Expected texts are upstream benchstat's for the same inputs (medians 100
 * and 90; all 36 pairs favour new, so the exact two-sided p is
 * 2/C(12,6) = 0.0022). */
static void test_text(void **state)
{
	(void)state;
	bs_buf out = { 0 }, err = { 0 };
	const char *texts[] = { old_txt, new_txt };
	const char *flags[] = { "-col", ".name", "-row", "goos" };
	assert_int_equal(run(texts, 1, flags, 4, &out, &err), 0);
	assert_string_equal(out.s,
		"      │      A      │\n"
		"      │   sec/op    │\n"
		"linux   100.0n ± 2%\n"
		"\n"
		"      │     A      │\n"
		"      │    B/op    │\n"
		"linux   8.000 ± 0%\n");
	const char *flags2[] = { "-row", ".name", "-col", "goos", "-table", "" };
	assert_int_equal(run(texts, 2, flags2, 6, &out, &err), 0);
	assert_non_null(strstr(out.s, "  │    linux    │\n  │   sec/op    │\nA   95.00n ± 5%\n"));
	assert_non_null(strstr(out.s, "A   12.00 ± 33%\n"));
	const char *none[] = { NULL };
	assert_int_equal(run(texts, 2, none, 0, &out, &err), 0);
	assert_non_null(strstr(out.s, "A   100.00n ± 2%   90.00n ± 2%  -10.00% (p=0.002 n=6)\n"));
	assert_non_null(strstr(out.s, "A   8.000 ± 0%   16.000 ± 0%  +100.00% (p=0.002 n=6)\n"));
	assert_string_equal(err.s, "");
	bs_buf_free(&out);
	bs_buf_free(&err);
}

static void test_csv_quoting(void **state)
{
	(void)state;
	bs_buf out = { 0 }, err = { 0 };
	const char *texts[] = {
		"note: a, \"b\"\nBenchmarkA 1 1 x\n", "note:  lead\nBenchmarkA 1 2 x\n",
	};
	const char *flags[] = { "-format", "csv", "-col", "note" };
	assert_int_equal(run(texts, 2, flags, 4, &out, &err), 0);
	assert_string_equal(out.s,
		",\"a, \"\"b\"\"\",,lead,,,\n"
		",x,CI,x,CI,vs base,P\n"
		"A,1,∞,2,∞,~,p=1.000 n=1\n"
		"geomean,1,,2,,+100.00%,\n");
	assert_string_equal(err.s,
		"B3: need >= 6 samples for confidence interval at level 0.95\n"
		"D3: need >= 6 samples for confidence interval at level 0.95\n"
		"F3: need >= 4 samples to detect a difference at alpha level 0.05\n");
	bs_buf_free(&out);
	bs_buf_free(&err);
}

static void test_json(void **state)
{
	(void)state;
	bs_buf out = { 0 }, err = { 0 };
	const char *texts[] = { old_txt, new_txt };
	const char *flags[] = { "-format", "json" };
	assert_int_equal(run(texts, 2, flags, 2, &out, &err), 0);
	cJSON *root = cJSON_Parse(out.s);
	assert_non_null(root);
	cJSON *t0 = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "tables"), 0);
	assert_string_equal(cJSON_GetObjectItem(t0, "unit")->valuestring, "sec/op");
	cJSON *cells = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(t0, "rows"), 0), "cells");
	cJSON *c1 = cJSON_GetArrayItem(cells, 1);
	/* Unrounded: 90e-9 exactly as parsed and scaled, not "90.0n". */
	assert_true(cJSON_GetObjectItem(c1, "center")->valuedouble == 90 * strtod("1e-9", NULL));
	cJSON *cmp = cJSON_GetObjectItem(c1, "comparison");
	assert_true(fabs(cJSON_GetObjectItem(cmp, "p")->valuedouble - 2.0 / 924) < 1e-12);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cmp, "significant")));
	assert_true(fabs(cJSON_GetObjectItem(cmp, "delta_percent")->valuedouble + 10) < 1e-9);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(cells, 0), "values")), 6);
	cJSON_Delete(root);
	bs_buf_free(&out);
	bs_buf_free(&err);
}

static void test_markdown(void **state)
{
	(void)state;
	bs_buf out = { 0 }, err = { 0 };
	const char *texts[] = { old_txt, "goos: linux\nBenchmarkA 1 100 ns/op 8 B/op\nBenchmarkA|B 1 5 ns/op\n" };
	const char *flags[] = { "-format", "markdown", "-filter", ".unit:sec/op" };
	assert_int_equal(run(texts, 2, flags, 4, &out, &err), 0);
	assert_non_null(strstr(out.s, "`goos: linux`<br>\n\n| sec/op |"));
	assert_non_null(strstr(out.s, "| A | 100.0n ± 2% | 100.0n ± ∞ ¹ | ~ (p=1.000 n=6+1) |\n"));
	assert_non_null(strstr(out.s, "| A\\|B |  | 5.000n ± ∞ ¹ |  |\n"));
	assert_non_null(strstr(out.s, "| geomean | 100.0n | 22.36n | +0.00% |\n"));
	assert_non_null(strstr(out.s, "|\n\n¹ need >= 6 samples for confidence interval at level 0.95\n"));
	bs_buf_free(&out);
	bs_buf_free(&err);
}

/* A fixed seed, so a failure repeats. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* bs_fmt_fixed promises snprintf's bytes and return value; snprintf is the
 * reference, over exact binary ties, signs, zeros, huge and odd values, and
 * random values of every magnitude the tables print. */
static void test_fmt_fixed_is_snprintf(void **state)
{
	static const double edge[] = {
		0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1.0005, 999.9995, 0.0005,
		9.9995, 99.995, 1e15, 1e16, 1e300, -1e300, 4.9e-324, 123456789.125,
		NAN, INFINITY, -INFINITY,
	};
	char want[512], got[512];

	(void)state;
	for (int prec = 0; prec <= 8; prec++) {
		for (int plus = 0; plus <= 1; plus++) {
			for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
				int wn = snprintf(want, sizeof want, plus ? "%+.*f" : "%.*f", prec, edge[i]);
				int gn = bs_fmt_fixed(got, sizeof got, edge[i], prec, plus);
				if (wn != gn || strcmp(want, got) != 0)
					fail_msg("%.17g prec %d: got %s, want %s", edge[i], prec, got, want);
			}
		}
	}
	for (int i = 0; i < 300000; i++) {
		uint64_t r = rng();
		/* Values with few binary digits are often exact ties. */
		double x = (r & 1) ? (double)(r >> 40) / (double)(1u << (r >> 8 & 15))
		                   : ldexp((double)(r >> 11), (int)(r % 80) - 90);
		if (r & 2)
			x = -x;
		int prec = (int)(rng() % 16);
		int wn = snprintf(want, sizeof want, "%.*f", prec, x);
		int gn = bs_fmt_fixed(got, sizeof got, x, prec, 0);
		if (wn != gn || strcmp(want, got) != 0)
			fail_msg("%.17g prec %d: got %s, want %s", x, prec, got, want);
	}
	/* A short buffer truncates like snprintf and reports the full length. */
	assert_int_equal(bs_fmt_fixed(got, 4, 12345.5, 1, 0), 7);
	assert_string_equal(got, "123");
	static const double cut[] = { 12345.5, -0.125, 9.9996, 0, 1e15 };
	for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++)
		for (size_t size = 0; size < 24; size++) {
			memset(want, 'x', sizeof want);
			memset(got, 'x', sizeof got);
			int wn = snprintf(want, size, "%+.3f", cut[i]);
			int gn = bs_fmt_fixed(got, size, cut[i], 3, 1);
			if (wn != gn || memcmp(want, got, 32) != 0)
				fail_msg("%.17g in %zu bytes: got %.32s, want %.32s", cut[i], size, got, want);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cell_texts),
		cmocka_unit_test(test_texttab),
		cmocka_unit_test(test_texttab_layout),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_fmt_fixed_is_snprintf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
