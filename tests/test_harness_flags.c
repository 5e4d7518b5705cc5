/* test_harness_flags.c: the runner's flags (Go's flag package syntax), Go
 * durations, and -bench selection by '/'-separated levels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "cb_internal.h"

#define MAXARGS 8

struct flag_case {
	const char *args[MAXARGS]; /* after argv[0], NULL-terminated */
	bool ok;
	const char *want_err;     /* substring of the message when !ok */
	void (*check)(const struct cb_config *cfg);
};

static void check_defaults(const struct cb_config *c)
{
	assert_null(c->bench);
	assert_int_equal(c->benchtime_ns, 1000000000);
	assert_int_equal(c->benchtime_n, 0);
	assert_int_equal(c->count, 1);
	assert_int_equal(c->ncpus, 1);
	assert_int_equal(c->cpus[0], 3); /* the default_procs passed in */
	assert_int_equal(c->timeout_ns, 600000000000LL);
	assert_false(c->json || c->verbose || c->help || c->benchmem || c->version);
	assert_true(c->isolate && c->retained);
	assert_null(c->run);
}

static void check_go_habits(const struct cb_config *c)
{
	assert_string_equal(c->run, "^$");
	assert_string_equal(c->bench, ".");
	assert_false(c->isolate);
}

static void check_version(const struct cb_config *c)
{
	assert_true(c->version);
}

static void check_both_forms(const struct cb_config *c)
{
	assert_string_equal(c->bench, "Str/x");
	assert_int_equal(c->benchtime_n, 100);
	assert_int_equal(c->count, 3);
	assert_true(c->benchmem && c->verbose && c->json);
}

static void check_duration(const struct cb_config *c)
{
	assert_int_equal(c->benchtime_ns, 1500000000);
	assert_int_equal(c->benchtime_n, 0);
	assert_int_equal(c->timeout_ns, 90000000000LL);
}

static void check_cpu(const struct cb_config *c)
{
	assert_int_equal(c->ncpus, 3);
	assert_int_equal(c->cpus[0], 1);
	assert_int_equal(c->cpus[1], 2);
	assert_int_equal(c->cpus[2], 4);
}

static void check_help(const struct cb_config *c)
{
	assert_true(c->help);
}

static void check_test_prefix(const struct cb_config *c)
{
	assert_string_equal(c->bench, ".");
	assert_int_equal(c->benchtime_ns, 500000000);
	assert_string_equal(c->list, "X");
	assert_false(c->verbose);
	assert_string_equal(c->pkg, "suite");
}

static void check_stop(const struct cb_config *c)
{
	assert_int_equal(c->count, 2);
}

static const struct flag_case cases[] = {
	{{NULL}, true, NULL, check_defaults},
	{{"-bench", "Str/x", "-benchtime=100x", "--count", "3", "-benchmem", "-v", "-json=true"},
	 true, NULL, check_both_forms},
	{{"-benchtime", "1.5s", "-timeout=1m30s", NULL}, true, NULL, check_duration},
	{{"-cpu", "1,2,4", NULL}, true, NULL, check_cpu},
	{{"-h", NULL}, true, NULL, check_help},
	{{"-help", NULL}, true, NULL, check_help},
	{{"-test.bench=.", "-test.benchtime", "500ms", "-list", "X", "-v=false", "-pkg", "suite"},
	 true, NULL, check_test_prefix},
	{{"-count", "2", "--", "-bogus", NULL}, true, NULL, check_stop},
	{{"-run", "^$", "-test.bench", ".", "-isolate=false", NULL}, true, NULL, check_go_habits},
	{{"-test.run=^$", "-bench=.", "--isolate=false", NULL}, true, NULL, check_go_habits},
	{{"-version", NULL}, true, NULL, check_version},
	{{"-run", NULL}, false, "flag needs an argument: -run", NULL},
	{{"-isolate=sometimes", NULL}, false, "invalid value \"sometimes\" for flag -isolate", NULL},
	{{"-bogus", NULL}, false, "flag provided but not defined: -bogus", NULL},
	{{"-count", NULL}, false, "flag needs an argument: -count", NULL},
	{{"-count", "0", NULL}, false, "invalid value \"0\" for flag -count", NULL},
	{{"-count", "3x", NULL}, false, "invalid value \"3x\" for flag -count", NULL},
	{{"-benchtime", "0x", NULL}, false, "invalid value \"0x\" for flag -benchtime", NULL},
	{{"-benchtime", "1", NULL}, false, "invalid value \"1\" for flag -benchtime", NULL},
	{{"-benchtime", "-1s", NULL}, false, "invalid value \"-1s\" for flag -benchtime", NULL},
	{{"-benchtime", "0s", NULL}, false, "invalid value \"0s\" for flag -benchtime", NULL},
	{{"-cpu", "1,,2", NULL}, false, "invalid value \"1,,2\" for flag -cpu", NULL},
	{{"-cpu", "0", NULL}, false, "invalid value \"0\" for flag -cpu", NULL},
	{{"-timeout", "soon", NULL}, false, "invalid value \"soon\" for flag -timeout", NULL},
	{{"-v=maybe", NULL}, false, "invalid value \"maybe\" for flag -v", NULL},
	{{"stray", NULL}, false, "unexpected argument: stray", NULL},
};

static void test_flags(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[MAXARGS + 2] = {"prog"};
		int argc = 1;
		for (int k = 0; k < MAXARGS && cases[i].args[k]; k++)
			argv[argc++] = (char *)cases[i].args[k];
		struct cb_config cfg;
		char err[256] = "";
		int rc = cb_flags_parse(argc, argv, 3, &cfg, err, sizeof err);
		if (cases[i].ok) {
			if (rc != 0)
				fail_msg("case %zu: unexpected error: %s", i, err);
			cases[i].check(&cfg);
		} else {
			if (rc == 0)
				fail_msg("case %zu: accepted, want error \"%s\"", i, cases[i].want_err);
			if (!strstr(err, cases[i].want_err))
				fail_msg("case %zu: message \"%s\", want \"%s\"", i, err, cases[i].want_err);
		}
	}
}

struct duration_case {
	const char *s;
	int rc;
	int64_t ns;
};

static const struct duration_case durations[] = {
	{"0", 0, 0},          {"1s", 0, 1000000000},        {"500ms", 0, 500000000},
	{"1.5s", 0, 1500000000}, {"1m30s", 0, 90000000000LL}, {"2h", 0, 7200000000000LL},
	{"100ns", 0, 100},    {"3us", 0, 3000},             {"3\xc2\xb5s", 0, 3000},
	{".5s", 0, 500000000}, {"1.s", 0, 1000000000},       {"+1s", 0, 1000000000},
	{"", -1, 0},          {"1", -1, 0},                 {"s", -1, 0},
	{"1x", -1, 0},        {"1s2", -1, 0},               {".s", -1, 0},
	{"-1s", -1, 0},
};

static void test_durations(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++) {
		int64_t ns = -1;
		int rc = cb_parse_duration(durations[i].s, &ns);
		if (rc != durations[i].rc)
			fail_msg("\"%s\": rc %d, want %d", durations[i].s, rc, durations[i].rc);
		if (rc == 0 && ns != durations[i].ns)
			fail_msg("\"%s\": %lld ns, want %lld", durations[i].s, (long long)ns,
				 (long long)durations[i].ns);
	}
	char buf[32];
	cb_format_duration(1000000000, buf, sizeof buf);
	assert_string_equal(buf, "1s");
	cb_format_duration(600000000000LL, buf, sizeof buf);
	assert_string_equal(buf, "10m0s");
	cb_format_duration(200000000, buf, sizeof buf);
	assert_string_equal(buf, "200ms");
}

struct match_case {
	const char *pattern, *name;
	bool match, partial;
};

static const struct match_case matches[] = {
	{NULL, "BenchmarkAny/x", true, false},
	{".", "BenchmarkStrdup", true, false},
	{"Str", "BenchmarkStrdup", true, false},
	{"^BenchmarkStr$", "BenchmarkStrdup", false, false},
	{"Strdup$", "BenchmarkStrdup", true, false},
	{"Parent/size=64", "BenchmarkParent", true, true},
	{"Parent/size=64", "BenchmarkParent/size=64", true, false},
	{"Parent/size=64", "BenchmarkParent/size=128", false, false},
	{"Parent", "BenchmarkParent/size=128", true, false},
	{"a[/]b", "Benchmarka/b", false, false}, /* '/' inside [] is not a level break */
	{"X|Y", "BenchmarkY", true, false},
	{"(A/B)", "BenchmarkA", false, false},
};

static void test_match(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof matches / sizeof matches[0]; i++) {
		struct cb_matcher m;
		char err[256];
		assert_int_equal(cb_matcher_init(&m, matches[i].pattern, err, sizeof err), 0);
		bool partial = false;
		bool got = cb_matcher_match(&m, matches[i].name, &partial);
		if (got != matches[i].match || (got && partial != matches[i].partial))
			fail_msg("pattern \"%s\" name \"%s\": match %d partial %d", matches[i].pattern,
				 matches[i].name, got, partial);
		cb_matcher_free(&m);
	}
	struct cb_matcher m;
	char err[256];
	assert_int_equal(cb_matcher_init(&m, "a(", err, sizeof err), -1);
	assert_non_null(strstr(err, "invalid regexp"));

	/* A long element is matched whole: its end is still its end. */
	char name[2100] = "BenchmarkLong/";
	memset(name + 14, 'x', 2000);
	strcpy(name + 2014, "Tail/sub");
	assert_int_equal(cb_matcher_init(&m, "Long$/xTail$/^sub$", err, sizeof err), 0);
	assert_true(cb_matcher_match(&m, name, NULL));
	cb_matcher_free(&m);
	assert_int_equal(cb_matcher_init(&m, "Long/^xxx$", err, sizeof err), 0);
	assert_false(cb_matcher_match(&m, name, NULL));
	cb_matcher_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
