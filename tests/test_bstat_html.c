/* test_bstat_html.c — the pieces of bstat's HTML pages: escaping, value
 * axes (round ticks that cover the data, labels as the text table scales
 * values), RFC 3339 times (against `date -u -d ... +%s`), the history's
 * file list, and the pages bs_main writes for small inputs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "html/html.h"

static void test_escape(void **state)
{
	(void)state;
	static const struct { const char *in, *want; } cases[] = {
		{ "", "" },
		{ "Encode/format=json-8", "Encode/format=json-8" },
		{ "<script>", "&lt;script&gt;" },
		{ "a&b", "a&amp;b" },
		{ "\"'", "&quot;&#39;" },
		{ "&amp;", "&amp;amp;" },
		{ "µs ± 3%", "µs ± 3%" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bs_buf b = { 0 };
		bs_html_escape(&b, cases[i].in);
		assert_string_equal(b.s, cases[i].want);
		bs_buf_free(&b);
	}
}

static void test_axis_labels(void **state)
{
	(void)state;
	static const struct {
		double lo, hi;
		const char *unit, *first, *last;
	} cases[] = {
		{ 0.98e-6, 1.23e-6, "sec/op", "0.9µ", "1.3µ" },
		{ 921e-9, 979e-9, "sec/op", "920n", "980n" },
		{ 256, 320, "B/op", "240", "320" },
		{ 600 * 1024.0, 1300 * 1024.0, "B/op", "0.4Mi", "1.4Mi" },
		{ 600 * 1024.0, 900 * 1024.0, "B/op", "600Ki", "900Ki" },
		{ 3, 3, "allocs/op", "2.6", "3.4" },
		{ 0, 0, "allocs/op", "0", "1.00" },
		{ 0, 48000, "B/s", "0", "60Ki" },
		{ 0, 48000, "ops/s", "0", "60k" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double v[] = { cases[i].lo, cases[i].hi };
		bs_html_axis ax = bs_html_axis_for(v, 2, cases[i].unit);
		assert_true(ax.nticks >= 2);
		if (strcmp(ax.labels[0], cases[i].first) != 0 ||
		    strcmp(ax.labels[ax.nticks - 1], cases[i].last) != 0)
			fail_msg("case %zu: %s .. %s, want %s .. %s", i, ax.labels[0],
			         ax.labels[ax.nticks - 1], cases[i].first, cases[i].last);
	}
	/* Infinite values (a CI bound for too few runs) do not stretch the axis. */
	double v[] = { 10, -INFINITY, 20, INFINITY, NAN };
	bs_html_axis ax = bs_html_axis_for(v, 5, "sec/op");
	assert_true(ax.lo >= 5 && ax.hi <= 25);
	ax = bs_html_axis_for(NULL, 0, "sec/op");
	assert_true(ax.lo < ax.hi);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Over random data: the axis covers it, ticks are evenly spaced, first and
 * last ticks are its ends, and positions map lo..hi onto 0..1. */
static void test_axis_properties(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		double v[8];
		size_t n = 1 + rng() % 8;
		double scale = pow(10, (double)(rng() % 24) - 12), base = (double)(rng() % 1000) * scale;
		for (size_t k = 0; k < n; k++)
			v[k] = base + (double)(rng() % 100000) / 1000 * scale * (rng() & 1 ? 1 : 0.01);
		const char *unit = rng() & 1 ? "B/op" : "sec/op";
		bs_html_axis ax = bs_html_axis_for(v, n, unit);
		double min = v[0], max = v[0];
		for (size_t k = 1; k < n; k++)
			min = fmin(min, v[k]), max = fmax(max, v[k]);
		if (!(ax.lo <= min && ax.hi >= max && ax.lo < ax.hi))
			fail_msg("[%g, %g] not covered by [%g, %g]", min, max, ax.lo, ax.hi);
		if (ax.nticks < 2 || ax.nticks > BS_HTML_MAX_TICKS)
			fail_msg("%zu ticks for [%g, %g]", ax.nticks, min, max);
		double step = ax.ticks[1] - ax.ticks[0], tol = 1e-9 * (ax.hi - ax.lo);
		for (size_t k = 1; k < ax.nticks; k++)
			if (fabs(ax.ticks[k] - ax.ticks[k - 1] - step) > tol)
				fail_msg("uneven ticks for [%g, %g]", min, max);
		if (fabs(ax.ticks[0] - ax.lo) > tol || fabs(ax.ticks[ax.nticks - 1] - ax.hi) > tol)
			fail_msg("ticks do not end at the axis ends for [%g, %g]", min, max);
		/* Each label is distinct: the decimals shown resolve the step. */
		for (size_t k = 1; k < ax.nticks; k++)
			if (strcmp(ax.labels[k], ax.labels[k - 1]) == 0)
				fail_msg("repeated label %s for [%g, %g]", ax.labels[k], min, max);
		assert_true(fabs(bs_html_axis_pos(&ax, ax.lo)) < 1e-12);
		assert_true(fabs(bs_html_axis_pos(&ax, ax.hi) - 1) < 1e-12);
	}
}

/* Expected seconds from `date -u -d TIME +%s`. */
static void test_parse_time(void **state)
{
	(void)state;
	static const struct { const char *in; int ok; double want; } cases[] = {
		{ "1970-01-01T00:00:00Z", 1, 0 },
		{ "2026-12-01T20:28:24Z", 1, 1796156904 },
		{ "2026-12-01t20:28:24z", 1, 1796156904 },
		{ "2026-12-01 20:28:24Z", 1, 1796156904 },
		{ "2026-12-01T20:28:24.5Z", 1, 1796156904.5 },
		{ "2000-02-29T12:00:00+02:00", 1, 951818400 },
		{ "1999-12-31T23:59:59-05:30", 1, 946704599 },
		{ "2024-02-29T00:00:00Z", 1, 1709164800 },
		{ "2026-02-29T00:00:00Z", 0, 0 },
		{ "1900-02-29T00:00:00Z", 0, 0 },
		{ "2026-13-01T00:00:00Z", 0, 0 },
		{ "2026-04-31T00:00:00Z", 0, 0 },
		{ "2026-12-01T24:00:00Z", 0, 0 },
		{ "2026-12-01T20:28:24", 0, 0 },
		{ "2026-12-01T20:28:24Z ", 0, 0 },
		{ "2026-12-01T20:28:24.Z", 0, 0 },
		{ "2026-12-01T20:28:24+0200", 0, 0 },
		{ "2026-1-01T20:28:24Z", 0, 0 },
		{ "2026-12-01", 0, 0 },
		{ "", 0, 0 },
		{ "yesterday", 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double t = -1;
		int ok = bs_hist_parse_time(cases[i].in, &t) == 0;
		if (ok != cases[i].ok)
			fail_msg("\"%s\": parsed=%d, want %d", cases[i].in, ok, cases[i].ok);
		if (ok && t != cases[i].want)
			fail_msg("\"%s\": %.17g, want %.17g", cases[i].in, t, cases[i].want);
	}
}

/* Against glibc's timegm over random times and offsets; and random bytes
 * spliced into a valid time never crash the parser, and anything it
 * accepts still agrees with timegm. */
static void test_parse_time_vs_timegm(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		struct tm tm = { .tm_year = 70 + (int)(rng() % 200), .tm_mon = (int)(rng() % 12),
		                 .tm_mday = 1 + (int)(rng() % 28), .tm_hour = (int)(rng() % 24),
		                 .tm_min = (int)(rng() % 60), .tm_sec = (int)(rng() % 60) };
		int off = (int)(rng() % (24 * 60 * 2 - 1)) - (24 * 60 - 1); /* minutes, +-23:59 */
		char s[64];
		snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900,
		         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
		         abs(off) / 60, abs(off) % 60);
		double want = (double)timegm(&tm) - off * 60.0, got;
		if (bs_hist_parse_time(s, &got) < 0 || got != want)
			fail_msg("%s: %.17g, want %.17g", s, got, want);
		size_t at = rng() % strlen(s);
		s[at] = (char)(rng() & 0xff);
		if (bs_hist_parse_time(s, &got) == 0 && at < 19 && s[at] >= '0' && s[at] <= '9') {
			struct tm t2 = { 0 };
			if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &t2.tm_year, &t2.tm_mon, &t2.tm_mday,
			           &t2.tm_hour, &t2.tm_min, &t2.tm_sec) == 6) {
				t2.tm_year -= 1900, t2.tm_mon -= 1;
				double w2 = (double)timegm(&t2) - off * 60.0;
				if (got != w2)
					fail_msg("%s: %.17g, want %.17g", s, got, w2);
			}
		}
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_history_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/bstat-html-XXXXXX", path[128];
	assert_non_null(mkdtemp(dir));
	static const char *names[] = { "b.txt", "a.txt", ".hidden", "c" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		write_file(path, "commit: x\ntime: 2026-01-01T00:00:00Z\nBenchmarkA 1 1 ns/op\n");
	}
	snprintf(path, sizeof path, "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);

	bs_arena *a = bs_arena_new();
	bs_buf msg = { 0 };
	char **files;
	int n;
	assert_int_equal(bs_hist_files(dir, a, &files, &n, &msg), 0);
	assert_int_equal(n, 3);
	static const char *want[] = { "a.txt", "b.txt", "c" };
	for (int i = 0; i < n; i++)
		assert_string_equal(strrchr(files[i], '/') + 1, want[i]);
	assert_int_equal(bs_hist_check(files, n, &msg), 0);

	/* A file is its own history; a missing path is an error with its name. */
	assert_int_equal(bs_hist_files(files[0], a, &files, &n, &msg), 0);
	assert_int_equal(n, 1);
	bs_buf_clear(&msg);
	snprintf(path, sizeof path, "%s/none", dir);
	assert_int_equal(bs_hist_files(path, a, &files, &n, &msg), -1);
	assert_non_null(strstr(msg.s, "none: No such file"));

	/* Results outside records are counted and named by line. */
	snprintf(path, sizeof path, "%s/a.txt", dir);
	write_file(path, "BenchmarkA 1 1 ns/op\ncommit: y\nBenchmarkA 1 1 ns/op\n"
	           "time: 2026-01-01T00:00:00+25:00\nBenchmarkA 1 1 ns/op\n");
	char *one[] = { path };
	bs_buf_clear(&msg);
	assert_int_equal(bs_hist_check(one, 1, &msg), 3);
	assert_non_null(strstr(msg.s, "a.txt:1: a result outside any record"));
	assert_non_null(strstr(msg.s, "a.txt:3: the record has no \"time:\" line"));
	assert_non_null(strstr(msg.s, "a.txt:5: time: \"2026-01-01T00:00:00+25:00\" is not"));

	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
	bs_buf_free(&msg);
	bs_arena_free(a);
}

/* bs_main with argv, the files' texts written to a temporary directory
 * and named by "@0", "@1" in argv. */
static int run(const char **args, size_t nargs, const char *const *texts, size_t ntexts,
               bs_buf *out, bs_buf *err)
{
	char dir[] = "/tmp/bstat-html-XXXXXX", paths[4][64];
	assert_non_null(mkdtemp(dir));
	char *argv[16];
	int argc = 0;
	argv[argc++] = "bstat";
	for (size_t i = 0; i < ntexts; i++) {
		snprintf(paths[i], sizeof paths[i], "%s/%zu.txt", dir, i);
		write_file(paths[i], texts[i]);
	}
	for (size_t i = 0; i < nargs; i++)
		argv[argc++] = args[i][0] == '@' ? paths[args[i][1] - '0'] : (char *)args[i];
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
	for (size_t i = 0; i < ntexts; i++)
		unlink(paths[i]);
	rmdir(dir);
	return status;
}

static size_t occurrences(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

static const char old_txt[] =
	"BenchmarkA 1 100 ns/op 8 B/op\nBenchmarkA 1 102 ns/op 8 B/op\nBenchmarkA 1 101 ns/op 8 B/op\n"
	"BenchmarkA 1 99 ns/op 8 B/op\nBenchmarkA 1 100 ns/op 8 B/op\nBenchmarkA 1 98 ns/op 8 B/op\n"
	"BenchmarkB 1 50 ns/op 0 B/op\nBenchmarkB 1 51 ns/op 0 B/op\n";
static const char new_txt[] =
	"BenchmarkA 1 90 ns/op 16 B/op\nBenchmarkA 1 91 ns/op 16 B/op\nBenchmarkA 1 89 ns/op 16 B/op\n"
	"BenchmarkA 1 90 ns/op 16 B/op\nBenchmarkA 1 92 ns/op 16 B/op\nBenchmarkA 1 88 ns/op 16 B/op\n"
	"BenchmarkB 1 50 ns/op 0 B/op\nBenchmarkB 1 52 ns/op 0 B/op\n";

static void test_report_page(void **state)
{
	(void)state;
	bs_buf out = { 0 }, err = { 0 };
	const char *const texts[] = { old_txt, new_txt };
	const char *args[] = { "-format", "html", "@0", "@1" };
	assert_int_equal(run(args, 4, texts, 2, &out, &err), 0);
	assert_int_equal(occurrences(out.s, "<svg class=\"plot strip\""), 4);
	assert_int_equal(occurrences(out.s, "<circle class=\"s\""), 2 * (6 + 6 + 2 + 2));
	/* A 10% faster A: significant, so coloured; B: "~" with a footnote. */
	assert_non_null(strstr(out.s, "<td class=\"num delta better\">-10.00%</td>"));
	assert_non_null(strstr(out.s, "<td class=\"num delta nosig\">~</td>"));
	assert_non_null(strstr(out.s, "<li>need &gt;= 4 samples to detect a difference at alpha level 0.05</li>"));
	assert_int_equal(occurrences(out.s, "<p class=\"geomean\"><b>geomean</b>"), 2);

	/* The gate fails A's B/op; the page says so and the status is the gate's. */
	const char *gargs[] = { "-format", "html", "-gate", "@0", "@1" };
	assert_int_equal(run(gargs, 5, texts, 2, &out, &err), 1);
	assert_non_null(strstr(out.s, "<strong>Gate: regression</strong>"));
	assert_non_null(strstr(out.s, "<div class=\"bench fail\" data-unit=\"B/op\" data-bench=\"A\">"));
	assert_int_equal(occurrences(out.s, "<tr class=\"fail\">"), 1);
	bs_buf_free(&out);
	bs_buf_free(&err);
}

static void test_history_page(void **state)
{
	(void)state;
	/* Three commits out of time order; B/op doubles at the last one. */
	static const char hist[] =
		"commit: c2\ntime: 2026-01-02T00:00:00Z\n"
		"BenchmarkA 1 100 ns/op 8 B/op\nBenchmarkA 1 101 ns/op 8 B/op\nBenchmarkA 1 99 ns/op 8 B/op\n"
		"BenchmarkA 1 100 ns/op 8 B/op\nBenchmarkA 1 102 ns/op 8 B/op\n"
		"commit: c1\ntime: 2026-01-01T00:00:00Z\n"
		"BenchmarkA 1 100 ns/op 8 B/op\nBenchmarkA 1 101 ns/op 8 B/op\nBenchmarkA 1 99 ns/op 8 B/op\n"
		"BenchmarkA 1 100 ns/op 8 B/op\nBenchmarkA 1 102 ns/op 8 B/op\n"
		"commit: c3\ntime: 2026-01-03T00:00:00Z\n"
		"BenchmarkA 1 100 ns/op 16 B/op\nBenchmarkA 1 101 ns/op 16 B/op\nBenchmarkA 1 99 ns/op 16 B/op\n"
		"BenchmarkA 1 100 ns/op 16 B/op\nBenchmarkA 1 102 ns/op 16 B/op\n";
	bs_buf out = { 0 }, err = { 0 };
	const char *const texts[] = { hist };
	const char *args[] = { "-format", "html", "-history", "@0" };
	assert_int_equal(run(args, 4, texts, 1, &out, &err), 0);
	assert_int_equal(occurrences(out.s, "<svg class=\"plot trend\""), 2);
	assert_int_equal(occurrences(out.s, "<circle class=\"pt fail\""), 1);
	assert_non_null(strstr(out.s, "<code>c3</code> A B/op: regressed, +100.00% (p=0.008 n=5) vs <code>c2</code>"));
	assert_non_null(strstr(out.s, "3 commits, from <code>c1</code>"));
	/* Without -format html, -history is a usage error. */
	const char *bad[] = { "-history", "@0" };
	assert_int_equal(run(bad, 2, texts, 1, &out, &err), 2);
	assert_non_null(strstr(err.s, "-history needs -format html"));
	bs_buf_free(&out);
	bs_buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_axis_labels),
		cmocka_unit_test(test_axis_properties),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_time_vs_timegm),
		cmocka_unit_test(test_history_files),
		cmocka_unit_test(test_report_page),
		cmocka_unit_test(test_history_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
