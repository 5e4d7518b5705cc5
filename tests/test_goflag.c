/* test_goflag.c: the shared Go flag syntax (harness/goflag.c), table-driven
 * against what Go's flag package does with the same command lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "goflag.h"

/* A table of three flags: -v (bool), -n (value), -h (bool, stops). */
struct seen {
	char log[256];
};

static int lookup(void *ctx, const char *name, size_t len, bool *is_bool)
{
	(void)ctx;
	static const char *names[] = { "v", "n", "h" };
	for (int i = 0; i < 3; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0) {
			*is_bool = i != 1;
			return i;
		}
	return -1;
}

static int set(void *ctx, int index, const char *value, char *err, size_t errlen)
{
	struct seen *s = ctx;
	(void)err;
	(void)errlen;
	size_t used = strlen(s->log);
	snprintf(s->log + used, sizeof s->log - used, "%s%c=%s", used ? " " : "", "vnh"[index], value);
	return index == 2 ? 1 : 0;
}

static void test_command_lines(void **state)
{
	(void)state;
	static const struct {
		const char *argv[6];
		const char *prefix;
		int status, first;
		bool dashdash;
		const char *log, *err;
	} cases[] = {
		{ { "p", "-v", NULL }, NULL, 0, 2, false, "v=true", "" },
		{ { "p", "--v=false", NULL }, NULL, 0, 2, false, "v=false", "" },
		{ { "p", "-n", "3", "x", NULL }, NULL, 0, 3, false, "n=3", "" },
		{ { "p", "-n=3", "-v", NULL }, NULL, 0, 3, false, "n=3 v=true", "" },
		{ { "p", "-v", "true", NULL }, NULL, 0, 2, false, "v=true", "" },     /* bool takes no separate value */
		{ { "p", "-", "-v", NULL }, NULL, 0, 1, false, "", "" },              /* lone "-" is an argument */
		{ { "p", "--", "-v", NULL }, NULL, 0, 2, true, "", "" },
		{ { "p", "x", "-v", NULL }, NULL, 0, 1, false, "", "" },              /* first non-flag stops */
		{ { "p", "-h", "-v", NULL }, NULL, 1, 2, false, "h=true", "" },
		{ { "p", "-test.n", "4", NULL }, "test.", 0, 3, false, "n=4", "" },
		{ { "p", "-x", NULL }, NULL, -1, 0, false, "", "flag provided but not defined: -x" },
		{ { "p", "-n", NULL }, NULL, -1, 0, false, "", "flag needs an argument: -n" },
		{ { "p", "---v", NULL }, NULL, -1, 0, false, "", "bad flag syntax: ---v" },
		{ { "p", "-=v", NULL }, NULL, -1, 0, false, "", "bad flag syntax: -=v" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct seen s = { "" };
		struct goflag_spec spec = { cases[i].prefix, lookup, set, &s };
		int argc = 0;
		while (cases[i].argv[argc])
			argc++;
		int first = 0;
		bool dashdash = false;
		char err[128] = "";
		int status = goflag_parse(&spec, argc, (char **)cases[i].argv, &first, &dashdash, err, sizeof err);
		print_message("case %zu\n", i);
		assert_int_equal(status, cases[i].status);
		assert_string_equal(s.log, cases[i].log);
		assert_string_equal(err, cases[i].err);
		if (status >= 0 && status != 1) {
			assert_int_equal(first, cases[i].first);
			assert_int_equal(dashdash, cases[i].dashdash);
		}
	}
}

static void test_bool_spellings(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int status;
		bool value;
	} cases[] = {
		{ "1", 0, true }, { "t", 0, true }, { "T", 0, true }, { "TRUE", 0, true },
		{ "true", 0, true }, { "True", 0, true }, { "0", 0, false }, { "f", 0, false },
		{ "F", 0, false }, { "FALSE", 0, false }, { "false", 0, false }, { "False", 0, false },
		{ "yes", -1, false }, { "tRUE", -1, false }, { "", -1, false }, { "2", -1, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bool v = !cases[i].value;
		assert_int_equal(goflag_parse_bool(cases[i].text, &v), cases[i].status);
		if (cases[i].status == 0)
			assert_int_equal(v, cases[i].value);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_lines),
		cmocka_unit_test(test_bool_spellings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
