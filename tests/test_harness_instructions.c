/* test_harness_instructions.c: -instructions' flag values and the reading
 * of callgrind's dumps (cb_callgrind_parse). The counts themselves are
 * checked end to end against known work (tests/e2e/harness_instructions.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "cb_internal.h"

struct flag_case {
	const char *args[4]; /* after argv[0], NULL-terminated */
	bool ok;
	int want;            /* enum cb_instr_mode when ok */
	const char *bench;   /* -bench after parsing, when it is checked */
	const char *want_err; /* in the message when !ok */
};

static const struct flag_case flag_cases[] = {
	{{NULL}, true, CB_INSTR_OFF, NULL, NULL},
	{{"-instructions"}, true, CB_INSTR_AUTO, NULL, NULL},
	{{"--instructions"}, true, CB_INSTR_AUTO, NULL, NULL},
	{{"-test.instructions"}, true, CB_INSTR_AUTO, NULL, NULL},
	{{"-instructions=true"}, true, CB_INSTR_AUTO, NULL, NULL},
	{{"-instructions=1"}, true, CB_INSTR_AUTO, NULL, NULL},
	{{"-instructions=false"}, true, CB_INSTR_OFF, NULL, NULL},
	{{"-instructions", "-instructions=0"}, true, CB_INSTR_OFF, NULL, NULL},
	{{"-instructions=perf"}, true, CB_INSTR_PERF, NULL, NULL},
	{{"-instructions=callgrind"}, true, CB_INSTR_CALLGRIND, NULL, NULL},
	/* Like a boolean, it never takes the next argument as its value. */
	{{"-instructions", "-bench", "X"}, true, CB_INSTR_AUTO, "X", NULL},
	{{"-instructions", "perf"}, false, 0, NULL, "unexpected argument: perf"},
	{{"-instructions=cachegrind"}, false, 0, NULL,
	 "invalid value \"cachegrind\" for flag -instructions"},
	{{"-instructions="}, false, 0, NULL, "invalid value \"\" for flag -instructions"},
	{{"-instructions=Perf"}, false, 0, NULL, "invalid value \"Perf\" for flag -instructions"},
};

static void test_flag_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof flag_cases / sizeof flag_cases[0]; i++) {
		const struct flag_case *c = &flag_cases[i];
		char *argv[6] = {"bench"};
		int argc = 1;
		while (argc < 5 && c->args[argc - 1])
			argv[argc] = (char *)c->args[argc - 1], argc++;
		struct cb_config cfg;
		char err[256] = "";
		int rc = cb_flags_parse(argc, argv, 1, &cfg, err, sizeof err);
		if (!c->ok) {
			assert_int_equal(rc, -1);
			if (!strstr(err, c->want_err))
				fail_msg("case %zu: message \"%s\", want \"%s\"", i, err, c->want_err);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(cfg.instructions, c->want);
		if (c->bench)
			assert_string_equal(cfg.bench, c->bench);
	}
}

/* A dump as callgrind 3.19 writes it, with the trigger and totals given. */
#define DUMP(trigger, events, totals)                                                   \
	"# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npid: 42\n"          \
	"cmd:  ./bench -instructions\npart: 2\n\n\ndesc: I1 cache: \n"                 \
	"desc: Timerange: Basic block 10 - 20\ndesc: Trigger: Client Request: " trigger \
	"\n\npositions: line\nevents: " events "\nsummary: 0\n\n\nob=(1) /bench\n"      \
	"fl=(1) bench.c\nfn=(1) work\n12 3\n+1 5\n" totals

struct dump_case {
	const char *name, *text;
	int rc;
	uint64_t want;
	const char *want_err;
};

static const struct dump_case dump_cases[] = {
	{"a dump of the run", DUMP("cbench 42 1", "Ir", "totals: 5009385\n"), 0, 5009385, NULL},
	{"no newline at the end", DUMP("cbench 42 1", "Ir", "totals: 17"), 0, 17, NULL},
	{"zero instructions", DUMP("cbench 42 1", "Ir", "totals: 0\n"), 0, 0, NULL},
	{"Ir first of several events", DUMP("cbench 42 1", "Ir Dr Dw", "totals: 900 30 20\n"), 0,
	 900, NULL},
	{"another dump's trigger", DUMP("cbench 42 2", "Ir", "totals: 5\n"), -1, 0, "trigger"},
	{"a trigger that only starts like it", DUMP("cbench 42 10", "Ir", "totals: 5\n"), -1, 0,
	 "trigger"},
	{"not instructions", DUMP("cbench 42 1", "Dr", "totals: 5\n"), -1, 0, "Ir"},
	{"an event named like Ir", DUMP("cbench 42 1", "Irx", "totals: 5\n"), -1, 0, "Ir"},
	{"cut before totals", DUMP("cbench 42 1", "Ir", ""), -1, 0, "totals"},
	{"totals not a number", DUMP("cbench 42 1", "Ir", "totals: many\n"), -1, 0, "totals"},
	{"negative totals", DUMP("cbench 42 1", "Ir", "totals: -5\n"), -1, 0, "totals"},
	{"totals beyond 64 bits", DUMP("cbench 42 1", "Ir", "totals: 99999999999999999999\n"), -1,
	 0, "totals"},
	{"empty", "", -1, 0, "trigger"},
};

static void test_dump_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof dump_cases / sizeof dump_cases[0]; i++) {
		const struct dump_case *c = &dump_cases[i];
		uint64_t got = 12345;
		char err[256] = "";
		int rc = cb_callgrind_parse(c->text, "cbench 42 1", &got, err, sizeof err);
		if (rc != c->rc)
			fail_msg("%s: rc %d, want %d (%s)", c->name, rc, c->rc, err);
		if (rc == 0 && got != c->want)
			fail_msg("%s: %llu instructions, want %llu", c->name, (unsigned long long)got,
				 (unsigned long long)c->want);
		if (c->want_err && !strstr(err, c->want_err))
			fail_msg("%s: message \"%s\" does not mention %s", c->name, err, c->want_err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flag_values),
		cmocka_unit_test(test_dump_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
