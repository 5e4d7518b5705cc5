/*
 * test_bstat_gate.c — bstat -gate end to end through bs_main: the exit
 * status, the violation lines and the verdict for hand-written inputs
 * (tests/data/gate/README says what each holds), one table row per case.
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
#include "render/render.h"

#define MAXARGS 12
#define MAXWANT 8

struct gate_case {
	const char *what;
	const char *args[MAXARGS];      /* after "bstat -gate"; NULL ends; "<f":
	                                 * standard input reads f */
	int status;
	const char *out_has[MAXWANT];   /* substrings of stdout */
	const char *out_lacks[MAXWANT];
	const char *err_has[MAXWANT];   /* substrings of stderr */
};

static const struct gate_case cases[] = {
	{ "a pull request with every kind of finding",
	  { "base.txt", "pr.txt" }, 1,
	  { "gate: Greet-2     allocs/op  1.000 → 2.000  +100.00%  p=0.008 n=5  more than 10% worse at p <= 0.05",
	    "gate: Greet-2     B/op       16.00 → 32.00  +100.00%",
	    "gate: Checksum-2  allocs/op  0.000 → max 1.000  +∞  n=5  rose from a zero baseline",
	    "gate: Gone-2                 missing from pr.txt",
	    "gate: Added-2", "new in pr.txt, not gated",
	    "Parse-2     allocs/op  4.000 → 3.000  -25.00%  p=0.008 n=5  improved",
	    "gate: FAIL: 4 of 6 gated metrics regressed, 1 missing from the new results" },
	  { "Greet-2     sec/op", "(allowed)" }, { NULL } },
	{ "missing benchmarks allowed",
	  { "-allow-missing", "base.txt", "pr.txt" }, 1,
	  { "missing from pr.txt (allowed)", "gate: FAIL: 4 of 6 gated metrics regressed\n" },
	  { NULL }, { NULL } },
	{ "nothing changed",
	  { "base.txt", "same.txt" }, 0,
	  { "gate: PASS: 8 gated metrics, no regression" }, { "gate: Greet" }, { NULL } },
	{ "gate only Parse, which improved",
	  { "-gate-filter", ".name:Parse", "base.txt", "pr.txt" }, 0,
	  { "gate: PASS: 2 gated metrics, no regression (2 improved)",
	    "Greet-2      52.00n" /* the table still shows every benchmark */ },
	  { "gate: Greet", "gate: Gone" }, { NULL } },
	{ "a looser allocs/op rule lets Greet's allocations pass, not its bytes",
	  { "-rule", "allocs/op=150%", "-allow-missing", "base.txt", "pr.txt" }, 1,
	  { "gate: Greet-2     B/op", "rose from a zero baseline" },
	  { "gate: Greet-2     allocs/op" }, { NULL } },
	{ "-threshold 150% loosens every rule",
	  { "-threshold", "150%", "-allow-missing", "base.txt", "pr.txt" }, 1,
	  { "gate: FAIL: 2 of 6 gated metrics regressed\n" }, { "gate: Greet" }, { NULL } },
	{ "time opted in",
	  { "-rule", "sec/op=20%", "-allow-missing", "base.txt", "pr.txt" }, 1,
	  { "gate: Greet-2     sec/op     52.00n → 77.00n  +48.08%  p=0.008 n=5  more than 20% worse" },
	  { "gate: Checksum-2  sec/op" }, { NULL } },
	{ "everything switched off",
	  { "-rule", "allocs/op=off", "-rule", "B/op=off", "-allow-missing", "base.txt", "pr.txt" }, 2,
	  { "could not judge: none of the" }, { NULL }, { NULL } },
	{ "one run a side still catches a zero baseline",
	  { "one-base.txt", "one-new.txt" }, 1,
	  { "gate: Tiny-2  allocs/op  0.000 → max 1.000  +∞  n=1  rose from a zero baseline",
	    "gate: Tiny-2  B/op       0.000 → max 8.000  +∞  n=1  rose from a zero baseline" },
	  { "too few" }, { NULL } },
	{ "three runs a side cannot reach p <= 0.05: could not judge, never a pass",
	  { "three-base.txt", "three-new.txt" }, 2,
	  { "gate: Triple-2  allocs/op  2.000 → 4.000  +100.00%  p=0.100 n=3  too few samples for p <= 0.05: "
	    "cannot judge; run at least 4 per side",
	    "gate: could not judge: BenchmarkTriple-2 B/op has n=3+3; run at least 4 per side "
	    "(and 1 more gated metric with too few samples)" },
	  { "PASS" }, { NULL } },
	{ "a stricter alpha needs more runs",
	  { "-alpha", "0.01", "three-base.txt", "three-new.txt" }, 2,
	  { "too few samples for p <= 0.01", "run at least 5 per side" }, { "PASS" }, { NULL } },
	{ "at p == alpha the table prints a delta, and the gate fails it",
	  { "-alpha", "0.1", "three-base.txt", "three-new.txt" }, 1,
	  { "Triple-2      2.000 ± ∞ ¹   4.000 ± ∞ ¹  +100.00% (p=0.100 n=3)",
	    "gate: Triple-2  allocs/op  2.000 → 4.000  +100.00%  p=0.100 n=3  more than 10% worse at p <= 0.1",
	    "gate: FAIL: 2 of 2 gated metrics regressed" },
	  { NULL }, { NULL } },
	{ "an exact unit that doubled fails at n=3, as its table row says",
	  { "exact-base.txt", "exact-new.txt" }, 1,
	  { "Exact-2       1.000 ± 0%   2.000 ± 0%  +100.00% (n=3)",
	    "gate: Exact-2  allocs/op  1.000 → 2.000  +100.00%  n=3  more than 10% worse (exact unit)",
	    "gate: FAIL: 1 of 2 gated metrics regressed" },
	  { NULL }, { NULL } },
	{ "one exact run a side is enough",
	  { "exact-one.txt", "exact-new.txt" }, 1,
	  { "gate: Exact-2  allocs/op  1.000 → 2.000  +100.00%  n=1+3  more than 10% worse (exact unit)" },
	  { NULL }, { NULL } },
	{ "an unchanged exact unit passes at n=1",
	  { "exact-one.txt", "exact-one.txt" }, 0,
	  { "gate: PASS: 2 gated metrics, no regression" }, { NULL }, { NULL } },
	{ "an exact unit whose runs differ is judged as a sample: three runs cannot pass",
	  { "exact-base.txt", "exact-varies.txt" }, 2,
	  { "¹ exact distribution expected, but values range from 1 to 2",
	    "too few samples for p <= 0.05: cannot judge; run at least 4 per side (declared exact, but its runs differ)",
	    "gate: could not judge: BenchmarkExact-2 allocs/op has n=3+3; run at least 4 per side" },
	  { "PASS" }, { NULL } },
	{ "harness output declaring B/op and allocs/op exact: amortized noise passes",
	  { "amortized-base.txt", "amortized-base.txt" }, 0,
	  { "exact distribution expected, but values range from 0.002565912825366955 to 0.004096",
	    "gate: PASS: 6 gated metrics, no regression" }, { NULL }, { NULL } },
	{ "... and a doubled allocation fails",
	  { "amortized-base.txt", "amortized-regressed.txt" }, 1,
	  { "gate: ItoaHeap-2  allocs/op  1.000 → 2.000  +100.00%  n=5  more than 10% worse (exact unit)",
	    "gate: FAIL: 2 of 6 gated metrics regressed" }, { "gate: ScratchPool" }, { NULL } },
	{ "... even with one run a side (bench-compare.sh --count 1)",
	  { "amortized-one-base.txt", "amortized-one-regressed.txt" }, 1,
	  { "gate: ItoaHeap-2  allocs/op  1.000 → 2.000  +100.00%  n=1  more than 10% worse (exact unit)",
	    "gate: FAIL: 2 of 6 gated metrics regressed" }, { NULL }, { NULL } },
	{ "... where unchanged runs pass",
	  { "amortized-one-base.txt", "amortized-one-base.txt" }, 0,
	  { "gate: PASS: 6 gated metrics, no regression" }, { NULL }, { NULL } },
	{ "no memory columns: nothing to gate",
	  { "time-only.txt", "time-only.txt" }, 2,
	  { "could not judge: none of the 1 metrics on both sides has a gate rule" }, { NULL }, { NULL } },
	{ "no benchmark in common",
	  { "base.txt", "other.txt" }, 2,
	  { "gate: could not judge: no benchmark is in both base.txt and other.txt" }, { NULL }, { NULL } },
	{ "one input only",
	  { "base.txt" }, 2,
	  { "could not judge: -gate needs a baseline and a new input" }, { NULL }, { NULL } },
	{ "memory columns vanished from the new run",
	  { "-rule", "sec/op=20%", "base.txt", "nomem.txt" }, 1,
	  { "gate: Greet-2     B/op       missing from nomem.txt",
	    "gate: Parse-2     allocs/op  missing from nomem.txt",
	    "gate: FAIL: 8 missing from the new results" }, { NULL }, { NULL } },
	{ "an ungated metric that vanished is no failure",
	  { "mbs.txt", "same.txt" }, 0,
	  { "gate: PASS: 8 gated metrics, no regression" }, { "missing" }, { NULL } },
	{ "a gated one is",
	  { "-rule", "MB/s=10%", "mbs.txt", "same.txt" }, 1,
	  { "gate: Greet-2  B/s        missing from same.txt", "gate: FAIL: 1 missing from the new results" },
	  { NULL }, { NULL } },
	{ "a retained-B/op that appears only in the new run",
	  { "-rule", "retained-B/op=10%", "ret-base.txt", "ret-new.txt" }, 1,
	  { "gate: Keep-2  retained-B/op absent → max 1.000Mi  +∞  n=0+5  appeared: absent from the baseline, taken as 0",
	    "gate: FAIL: 1 of 3 gated metrics regressed" }, { NULL }, { NULL } },
	{ "NaN cannot pass",
	  { "base.txt", "nan.txt" }, 2,
	  { "gate: Greet-2  allocs/op  1.000 → NaN  ?  n=5  a sample is not a number: cannot judge",
	    "could not judge: 1 gated metric had a sample that is not a number" }, { NULL }, { NULL } },
	{ "alpha 0 would never fail",
	  { "-alpha", "0", "base.txt", "pr.txt" }, 2,
	  { NULL }, { "gate:" }, { "bstat: -gate needs -alpha between 0 and 1" } },
	{ "rules are spelled as benchstat spells units; unknown ones are warned about",
	  { "-rule", "MB/s=5%", "-rule", "allocs=5%", "base.txt", "same.txt" }, 0,
	  { "gate: PASS" }, { NULL },
	  { "warning: no input has the metric B/s", "warning: no input has the metric allocs" } },
	{ "a -gate-filter mistake is reported before any table",
	  { "-gate-filter", "(", "base.txt", "pr.txt" }, 2,
	  { NULL }, { "Greet" }, { "bstat: parsing -gate-filter: syntax error" } },
	{ "-gate-filter reads standard input like any other input",
	  { "-gate-filter", ".name:Greet", "base.txt", "-", "<pr.txt" }, 1,
	  { "gate: Greet-2  allocs/op  1.000 → 2.000", "gate: FAIL: 2 of 2 gated metrics regressed" },
	  { "gate: Checksum" }, { NULL } },
	{ "markdown for the step summary",
	  { "-format", "markdown", "base.txt", "pr.txt" }, 1,
	  { "### Gate: FAIL", "| Greet-2 | allocs/op | 1.000 | 2.000 | +100.00% | p=0.008 n=5 | **more than 10% worse at p <= 0.05** |",
	    "| Gone-2 |  | | | | | missing from pr.txt |", "**FAIL: 4 of 6 gated metrics regressed, 1 missing from the new results**" },
	  { NULL }, { NULL } },
	{ "csv keeps stdout machine-readable",
	  { "-format", "csv", "base.txt", "pr.txt" }, 1,
	  { "Greet-2" }, { "gate:" }, { "gate: FAIL" } },
	{ "a bad rule is a usage error",
	  { "-rule", "B/op=ten", "base.txt", "pr.txt" }, 2,
	  { NULL }, { "gate:" }, { "bstat: -rule: bad rule 'B/op=ten'" } },
	{ "a threshold needs a percent sign",
	  { "-threshold", "10", "base.txt", "pr.txt" }, 2,
	  { NULL }, { NULL }, { "bstat: -threshold: bad threshold '10'" } },
	{ "a missing file cannot pass",
	  { "base.txt", "no-such-file.txt" }, 2,
	  { NULL }, { "PASS" }, { "no-such-file.txt" } },
};

static char *run(const struct gate_case *c, int *status, char **err_text)
{
	char *argv[MAXARGS + 2] = { "bstat", "-gate" };
	int argc = 2;
	char *out_text = NULL;
	size_t out_len = 0, err_len = 0;

	for (int i = 0; c->args[i]; i++)
		if (c->args[i][0] == '<')
			assert_non_null(freopen(c->args[i] + 1, "r", stdin));
		else
			argv[argc++] = (char *)c->args[i];
	FILE *out = open_memstream(&out_text, &out_len);
	FILE *err = open_memstream(err_text, &err_len);
	assert_non_null(out);
	assert_non_null(err);
	*status = bs_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return out_text;
}

static void check_all(const char *what, const char *stream, const char *text,
                      const char *const *has, const char *const *lacks)
{
	for (int i = 0; i < MAXWANT && has && has[i]; i++)
		if (!strstr(text, has[i]))
			fail_msg("%s: %s lacks \"%s\":\n%s", what, stream, has[i], text);
	for (int i = 0; i < MAXWANT && lacks && lacks[i]; i++)
		if (strstr(text, lacks[i]))
			fail_msg("%s: %s has \"%s\":\n%s", what, stream, lacks[i], text);
}

static void test_gate_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct gate_case *c = &cases[i];
		char *err_text = NULL;
		int status;
		char *out_text = run(c, &status, &err_text);

		if (status != c->status)
			fail_msg("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", c->what, status,
			         c->status, out_text, err_text);
		check_all(c->what, "stdout", out_text, c->out_has, c->out_lacks);
		check_all(c->what, "stderr", err_text, c->err_has, NULL);
		free(out_text);
		free(err_text);
	}
}

/*
 * The gate and its table cannot disagree: for every row of every table
 * built from these pairs, a metric the gate calls regressed or improved
 * shows a delta in the table (not "~"), one it calls underpowered shows
 * "~", and the centers it reports are the table's (unless an exact unit's
 * runs differ, where it says so).
 */
static void test_gate_agrees_with_table(void **state)
{
	(void)state;
	static const struct { const char *base, *now, *alpha; } pairs[] = {
		{ "base.txt", "pr.txt", "0.05" },         { "three-base.txt", "three-new.txt", "0.05" },
		{ "three-base.txt", "three-new.txt", "0.1" }, { "exact-base.txt", "exact-new.txt", "0.05" },
		{ "exact-base.txt", "exact-varies.txt", "0.05" },
		{ "exact-broken-base.txt", "exact-broken-new.txt", "0.05" },
		{ "amortized-base.txt", "amortized-regressed.txt", "0.05" },
		{ "one-base.txt", "one-new.txt", "0.05" },
	};
	size_t checked = 0, broken = 0;
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		char *argv[] = { "bstat", "-gate", "-alpha", (char *)pairs[i].alpha, (char *)pairs[i].base,
		                 (char *)pairs[i].now };
		bs_options o;
		bs_options_default(&o);
		assert_int_equal(bs_parse_flags(6, argv, &o, stderr), 0);
		gate_config cfg;
		gate_config_default(&cfg);
		cfg.alpha = o.alpha;
		cfg.rules[cfg.nrules++] = (gate_rule){ .unit = "sec/op", .threshold = 0.1 };
		bs_arena *a = bs_arena_new();
		bs_tables *ts;
		bs_build_info info;
		assert_int_equal(bs_build_tables(&o, a, &ts, NULL, &info, stderr), 0);
		for (size_t t = 0; t < ts->n; t++) {
			const bs_table *tb = &ts->tables[t];
			for (size_t r = 0; r < tb->nrows && tb->ncols == 2; r++) {
				const bs_cell *b = bs_table_cell(tb, r, 0), *n = bs_table_cell(tb, r, 1);
				if (!b || !n)
					continue;
				char delta[64];
				bs_fmt_delta(&n->cmp, b->summary.center, n->summary.center, delta, sizeof delta);
				gate_finding f = gate_judge(&cfg, tb->unit, b, n);
				int shown = strcmp(delta, "~") != 0;
				if (f.exact_broken) {
					/* Judged as a sample, and the report says so; but a
					 * change the table shows beyond the rule never passes. */
					const gate_rule *rule = gate_rule_for(&cfg, tb->unit);
					double worse = n->summary.center - b->summary.center;
					if (rule && shown && worse > rule->threshold * b->summary.center &&
					    worse >= rule->min_change &&
					    (f.verdict == GATE_PASS || f.verdict == GATE_IMPROVED))
						fail_msg("%s vs %s, %s %s: gate %s, table shows %s", pairs[i].base,
						         pairs[i].now, tb->row_labels[r], tb->unit,
						         gate_verdict_name(f.verdict), delta);
					broken++;
					continue;
				}
				if ((f.verdict == GATE_REGRESSED || f.verdict == GATE_IMPROVED) && !shown)
					fail_msg("%s vs %s, %s %s: gate %s, table ~", pairs[i].base, pairs[i].now,
					         tb->row_labels[r], tb->unit, gate_verdict_name(f.verdict));
				if (f.verdict == GATE_UNDERPOWERED && shown)
					fail_msg("%s vs %s, %s %s: gate cannot judge, table shows %s", pairs[i].base,
					         pairs[i].now, tb->row_labels[r], tb->unit, delta);
				assert_true(f.base_center == b->summary.center && f.new_center == n->summary.center);
				checked++;
			}
		}
		bs_arena_free(a);
	}
	assert_true(checked >= 20);
	assert_true(broken >= 4);
}

static int enter_data_dir(void **state)
{
	(void)state;
	/* make test runs from the top of the checkout; a second test is
	 * already there. */
	return access("base.txt", R_OK) == 0 ? 0 : chdir("tests/data/gate");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_gate_cases, enter_data_dir),
		cmocka_unit_test_setup(test_gate_agrees_with_table, enter_data_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
