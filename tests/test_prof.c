/* test_prof.c: cbprof's reader and diff. Profiles come from the harness
 * itself (two builds of a benchmark differing by one strdup in make_key),
 * so the diff is checked against what the code is known to allocate; bad
 * input (corrupt gzip, truncated or malformed protobuf, every prefix of a
 * real profile) must give a message naming the input, never a crash or a
 * read past the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cb_internal.h"
#include "cb_profile.h"
#include "harness_run.h"
#include "prof.h"

static void *(*volatile v_malloc)(size_t) = malloc;
static void (*volatile v_free)(void *) = free;
static char base_path[64], head_path[64];

static int setup(void **state)
{
	(void)state;
	cb_profile_seed = 99;
	snprintf(base_path, sizeof base_path, "/tmp/cbprof-base-%d.pb.gz", (int)getpid());
	snprintf(head_path, sizeof head_path, "/tmp/cbprof-head-%d.pb.gz", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(base_path);
	unlink(head_path);
	return 0;
}

/* Both builds look a key up in a 32-byte scratch buffer; head's make_key
 * also strdups the key, needlessly: +1 allocs/op and +2 B/op ("k" + NUL),
 * at make_key, and nothing else changes. */
static char key_buf[2] = "k";
static int strdup_line;

static __attribute__((noinline)) char *make_key_base(void)
{
	return key_buf;
}

static __attribute__((noinline)) char *make_key(void)
{
	strdup_line = __LINE__ + 1;
	char *k = strdup(key_buf);
	__asm__ __volatile__("" : : "g"(k) : "memory");
	return k;
}

static __attribute__((noinline)) void lookup(const char *key)
{
	char *scratch = v_malloc(32);
	memcpy(scratch, key, 2);
	v_free(scratch);
}

static void bench_key_base(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++)
		lookup(make_key_base());
}

static void bench_key_head(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *k = make_key();
		lookup(k);
		v_free(k);
	}
}

static void profile(cbench_fn *fn, const char *path, const char *benchtime)
{
	cb_registry_reset();
	cbench_register("BenchmarkKey", fn, 0);
	struct outcome o;
	run(&o, "-benchtime", benchtime, "-count", "2", "-memprofile", path, "-memprofilerate", "1", NULL);
	assert_int_equal(o.rc, 0);
}

static void test_diff_names_make_key(void **state)
{
	(void)state;
	/* Different n on each side: per op, not totals, is compared. */
	profile(bench_key_base, base_path, "300x");
	profile(bench_key_head, head_path, "700x");
	char err[256] = "";
	pf_profile *base = pf_read(base_path, err, sizeof err);
	pf_profile *head = pf_read(head_path, err, sizeof err);
	assert_non_null(base);
	assert_non_null(head);
	struct cb_strbuf bench = {0};
	cb_bench_name(&bench, "BenchmarkKey", cb_sysinfo_nprocs());
	assert_false(bench.failed);
	pf_diff d;
	assert_int_equal(pf_diff_benchmark(base, head, cb_sb_str(&bench), &d, err, sizeof err), 0);
	assert_int_equal(d.per_op, 1);
	assert_int_equal(d.base_iterations, 600);
	assert_int_equal(d.head_iterations, 1400);
	assert_int_equal(d.n, 1); /* lookup's 32 bytes did not change */
	assert_string_equal(d.changes[0].function, "make_key");
	assert_non_null(d.changes[0].file);
	assert_non_null(strstr(d.changes[0].file, "test_prof.c"));
	assert_int_equal(d.changes[0].line, strdup_line);
	assert_float_equal(d.changes[0].base_allocs, 0, 1e-12);
	assert_float_equal(d.changes[0].head_allocs, 1, 1e-12);
	assert_float_equal(d.changes[0].head_bytes - d.changes[0].base_bytes, 2, 1e-12);

	FILE *out = tmpfile();
	pf_render(out, cb_sb_str(&bench), &d, 1, 10);
	cb_sb_free(&bench);
	char text[2048];
	rewind(out);
	text[fread(text, 1, sizeof text - 1, out)] = 0;
	fclose(out);
	char row[128];
	snprintf(row, sizeof row, "| `make_key` test_prof.c:%d | 0 → 1 (+1) | 0 → 2 (+2) |\n", strdup_line);
	if (!strstr(text, row))
		fail_msg("want row\n%sin\n%s", row, text);
	pf_diff_free(&d);

	assert_int_equal(pf_diff_benchmark(base, head, "BenchmarkNone", &d, err, sizeof err), -1);
	assert_non_null(strstr(err, "BenchmarkNone: in neither profile"));
	pf_free(base);
	pf_free(head);
}

static void test_cli(void **state)
{
	(void)state;
	profile(bench_key_base, base_path, "50x");
	profile(bench_key_head, head_path, "50x");
	static const struct {
		const char *argv[8];
		int rc;
		const char *out, *err; /* substrings; NULL: not checked */
	} cases[] = {
		{{"cbprof", "diff", base_path, head_path}, 0, "make_key", ""},
		{{"cbprof", "diff", "-format", "markdown", base_path, head_path}, 0, "| `make_key` ", ""},
		{{"cbprof", "totals", head_path}, 0, "alloc_objects 200\t", ""},
		{{"cbprof", "diff", base_path}, 2, "", "diff needs BASE and HEAD"},
		{{"cbprof", "diff", "-format", "xml", base_path, head_path}, 2, "", "-format must be"},
		{{"cbprof", "diff", "-rows", "0", base_path, head_path}, 2, "", "-rows must be"},
		{{"cbprof", "frob"}, 2, "", "unknown command"},
		{{"cbprof", "totals", "/nonexistent/p.pb.gz"}, 2, "", "/nonexistent/p.pb.gz: cannot open"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int argc = 0;
		while (argc < 8 && cases[i].argv[argc])
			argc++;
		FILE *out = tmpfile(), *err = tmpfile();
		int rc = pf_main(argc, (char **)cases[i].argv, out, err);
		char o[4096], e[1024];
		slurp(out, o, sizeof o);
		slurp(err, e, sizeof e);
		if (rc != cases[i].rc || !strstr(o, cases[i].out) || !strstr(e, cases[i].err))
			fail_msg("case %zu: rc %d\nout: %s\nerr: %s", i, rc, o, e);
	}
}

/* ---- bad input ---- */
static void expect_error(const void *data, size_t len, const char *want)
{
	char err[256] = "";
	pf_profile *p = pf_parse(data, len, "bad.pb", err, sizeof err);
	if (p || strncmp(err, "bad.pb: ", 8) != 0 || !strstr(err, want))
		fail_msg("want error \"%s\", got %s \"%s\"", want, p ? "a profile" : "error", err);
}

static void test_bad_input(void **state)
{
	(void)state;
	static const unsigned char past_end[] = {0x0a, 0x05, 0x01};
	static const unsigned char long_varint[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						    0xff, 0xff, 0xff, 0xff, 0x01};
	static const unsigned char bad_wire[] = {0x0f};
	static const unsigned char bad_gzip[] = {0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02};
	static const unsigned char fixed_cut[] = {0x09, 0x01, 0x02};
	static const unsigned char field_zero[] = {0x00, 0x00};
	/* string table "", "x" and a sample_type naming string 7 */
	static const unsigned char bad_index[] = {0x32, 0x00, 0x32, 0x01, 'x', 0x0a, 0x02, 0x08, 0x07};
	/* strings "" and "alloc_objects" only: not a heap profile */
	static const unsigned char no_types[] = {0x32, 0x00, 0x0a, 0x02, 0x08, 0x01, 0x32, 0x0d, 'a', 'l', 'l',
						 'o', 'c', '_', 'o', 'b', 'j', 'e', 'c', 't', 's'};
	expect_error("", 0, "empty profile");
	expect_error(past_end, sizeof past_end, "length past the end at byte");
	expect_error(long_varint, sizeof long_varint, "varint longer than 10 bytes");
	expect_error(bad_wire, sizeof bad_wire, "bad wire type");
	expect_error(bad_gzip, sizeof bad_gzip, "corrupt gzip data");
	expect_error(fixed_cut, sizeof fixed_cut, "truncated fixed-width field");
	expect_error(field_zero, sizeof field_zero, "bad field number");
	expect_error(bad_index, sizeof bad_index, "bad string table");
	expect_error(no_types, sizeof no_types, "not a heap profile");
}

/* Every prefix of a real (uncompressed) profile: a profile or a message,
 * never a crash; the whole of it reads back the harness's figures. */
static void test_every_prefix(void **state)
{
	(void)state;
	profile(bench_key_head, head_path, "20x");
	gzFile gz = gzopen(head_path, "rb");
	assert_non_null(gz);
	static unsigned char raw[1 << 20];
	int len = gzread(gz, raw, sizeof raw);
	gzclose(gz);
	assert_true(len > 0 && len < (int)sizeof raw);
	for (int cut = 0; cut < len; cut++) {
		char err[256] = "";
		pf_profile *p = pf_parse(raw, (size_t)cut, "cut.pb", err, sizeof err);
		if (!p && strncmp(err, "cut.pb: ", 8) != 0)
			fail_msg("prefix %d: no profile and no message (\"%s\")", cut, err);
		pf_free(p);
	}
	char err[256];
	pf_profile *p = pf_parse(raw, (size_t)len, "whole.pb", err, sizeof err);
	assert_non_null(p);
	pf_totals t = pf_benchmark_totals(p, NULL);
	assert_int_equal(t.iterations, 40);
	assert_int_equal(t.alloc_objects, 2 * 40);
	assert_int_equal(t.alloc_space, (2 + 32) * 40);
	assert_int_equal(t.runs, 2);
	pf_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_diff_names_make_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test_setup_teardown(test_every_prefix, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
