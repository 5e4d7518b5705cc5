/*
 * test_gate_rules.c — the gate's rules, one table row per situation the gate
 * must judge, and the parsing of its options. Cells are made as bstat's
 * table makes them (st_summarize, st_compare), since the gate judges those.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gate.h"

#define MAXN 16

struct judge_case {
	const char *what;
	const char *rules[3];       /* applied in order; NULL ends */
	const char *unit;
	size_t nbase, nnew;
	double base[MAXN], new[MAXN];  /* sorted ascending */
	enum gate_verdict want;
	int exact;                  /* the unit is declared assume=exact */
	double alpha;               /* 0: the default */
};

/* A column-0 and a column-1 cell of one row, as benchtab builds them. */
static void make_cells(enum st_assumption a, const double *base, size_t nbase,
                       const double *now, size_t nnow, double alpha, bs_cell *b, bs_cell *n)
{
	memset(b, 0, sizeof *b);
	memset(n, 0, sizeof *n);
	b->values = (double *)base;
	b->n = nbase;
	b->summary = st_summarize(a, base, nbase, 0.95);
	n->values = (double *)now;
	n->n = nnow;
	n->summary = st_summarize(a, now, nnow, 0.95);
	n->base = b;
	n->cmp = st_compare(a, base, nbase, now, nnow, alpha);
}

static gate_finding judge(const gate_config *cfg, const char *unit, int exact,
                          const double *base, size_t nbase, const double *now, size_t nnow)
{
	bs_cell b, n;
	make_cells(exact ? ST_ASSUME_EXACT : ST_ASSUME_NOTHING, base, nbase, now, nnow, cfg->alpha,
	           &b, &n);
	return gate_judge(cfg, unit, &b, &n);
}

/* Ten equal samples: the U test's p is then 2 / C(20, 10) = 1.08e-5. */
#define TEN(v) { v, v, v, v, v, v, v, v, v, v }

static const struct judge_case judge_cases[] = {
	{ "allocs doubled, ten runs a side", { NULL }, "allocs/op",
	  10, 10, TEN(1), TEN(2), GATE_REGRESSED, 0, 0 },
	{ "zero baseline, one sample a side", { NULL }, "allocs/op",
	  1, 1, { 0 }, { 1 }, GATE_ZERO_BASELINE, 0, 0 },
	{ "zero baseline in B/op, a tiny rise still fails", { NULL }, "B/op",
	  3, 3, { 0, 0, 0 }, { 0, 0, 8 }, GATE_ZERO_BASELINE, 0, 0 },
	{ "zero stays zero", { NULL }, "allocs/op",
	  3, 3, { 0, 0, 0 }, { 0, 0, 0 }, GATE_PASS, 0, 0 },
	{ "doubled, but 3 runs a side cannot reach p <= 0.05: no verdict", { NULL }, "B/op",
	  3, 3, { 10, 10, 10 }, { 20, 20, 20 }, GATE_UNDERPOWERED, 0, 0 },
	{ "at alpha 0.1 they can: p == alpha is significant", { NULL }, "B/op",
	  3, 3, { 10, 10, 10 }, { 20, 20, 20 }, GATE_REGRESSED, 0, 0.1 },
	{ "6 + 1 runs cannot either, however large the rise", { NULL }, "allocs/op",
	  6, 1, { 2, 2, 2, 2, 2, 2 }, { 200 }, GATE_UNDERPOWERED, 0, 0 },
	{ "an exact unit needs one run a side", { NULL }, "allocs/op",
	  1, 1, { 1 }, { 2 }, GATE_REGRESSED, 1, 0 },
	{ "1, 1, 1 -> 2, 2, 2 declared exact", { NULL }, "allocs/op",
	  3, 3, { 1, 1, 1 }, { 2, 2, 2 }, GATE_REGRESSED, 1, 0 },
	{ "an unchanged exact unit passes", { NULL }, "allocs/op",
	  1, 1, { 1 }, { 1 }, GATE_PASS, 1, 0 },
	{ "an exact unit whose runs differ is a sample again: 3 runs, no verdict", { NULL }, "allocs/op",
	  3, 3, { 1, 1, 1 }, { 1, 1, 2 }, GATE_UNDERPOWERED, 1, 0 },
	{ "... and with 10 runs one odd run is not a regression", { NULL }, "allocs/op",
	  10, 10, TEN(1), { 1, 1, 1, 1, 1, 1, 1, 1, 1, 2 }, GATE_PASS, 1, 0 },
	{ "... but every run higher is", { NULL }, "allocs/op",
	  10, 10, TEN(1), { 2, 2, 2, 2, 2, 2, 2, 2, 2, 3 }, GATE_REGRESSED, 1, 0 },
	{ "four runs a side can", { NULL }, "B/op",
	  4, 4, { 10, 10, 10, 10 }, { 20, 20, 20, 20 }, GATE_REGRESSED, 0, 0 },
	{ "halved allocations improve, never fail", { NULL }, "allocs/op",
	  10, 10, TEN(10), TEN(5), GATE_IMPROVED, 0, 0 },
	{ "5% more bytes is under the 10% threshold", { NULL }, "B/op",
	  10, 10, TEN(100), TEN(105), GATE_PASS, 0, 0 },
	{ "exactly 10% more is not more than 10%", { NULL }, "B/op",
	  10, 10, TEN(100), TEN(110), GATE_PASS, 0, 0 },
	{ "10.5% more is", { NULL }, "B/op",
	  10, 10, TEN(100), TEN(110.5), GATE_REGRESSED, 0, 0 },
	{ "a big rise that is not significant passes", { NULL }, "allocs/op",
	  5, 5, { 1, 2, 3, 4, 50 }, { 1, 2, 3, 4, 60 }, GATE_PASS, 0, 0 },
	{ "time is not gated by default", { NULL }, "sec/op",
	  10, 10, TEN(1e-9), TEN(9e-9), GATE_UNGATED, 0, 0 },
	{ "time opted in at 20%", { "sec/op=20%", NULL }, "sec/op",
	  10, 10, TEN(1e-9), TEN(1.3e-9), GATE_REGRESSED, 0, 0 },
	{ "ns/op names sec/op", { "ns/op=20%", NULL }, "sec/op",
	  10, 10, TEN(1e-9), TEN(1.3e-9), GATE_REGRESSED, 0, 0 },
	{ "B/op switched off", { "B/op=off", NULL }, "B/op",
	  10, 10, TEN(1), TEN(100), GATE_UNGATED, 0, 0 },
	{ "a tighter allocs rule", { "allocs/op=1%", NULL }, "allocs/op",
	  10, 10, TEN(100), TEN(102), GATE_REGRESSED, 0, 0 },
	{ "a custom metric from ReportMetric", { "retained-B/op=0%", NULL }, "retained-B/op",
	  10, 10, TEN(100), TEN(101), GATE_REGRESSED, 0, 0 },
	{ "a rate falls: higher is better for B/s", { "B/s=10%", NULL }, "B/s",
	  10, 10, TEN(1000), TEN(500), GATE_REGRESSED, 0, 0 },
	{ "a rate rises", { "B/s=10%", NULL }, "B/s",
	  10, 10, TEN(500), TEN(1000), GATE_IMPROVED, 0, 0 },
	{ "a zero rate is not a zero-alloc baseline", { "B/s=10%", NULL }, "B/s",
	  1, 1, { 0 }, { 5 }, GATE_UNDERPOWERED, 0, 0 },
	{ "a one-time allocation amortized over half the iterations", { NULL }, "allocs/op",
	  10, 10, TEN(5e-8), TEN(1e-7), GATE_PASS, 0, 0 },
	{ "likewise for its bytes", { NULL }, "B/op",
	  10, 10, TEN(0.0002048), TEN(0.0004096), GATE_PASS, 0, 0 },
	{ "0.02 more allocs/op is a real change", { NULL }, "allocs/op",
	  10, 10, TEN(0.1), TEN(0.12), GATE_REGRESSED, 0, 0 },
	{ "a custom rule has no floor", { "x/op=10%", NULL }, "x/op",
	  10, 10, TEN(1e-9), TEN(2e-9), GATE_REGRESSED, 0, 0 },
	{ "a negative metric falling is an improvement", { "delta/op=10%", NULL }, "delta/op",
	  10, 10, TEN(-100), TEN(-105), GATE_IMPROVED, 0, 0 },
	{ "a negative metric rising by more than 10% of |base|", { "delta/op=10%", NULL }, "delta/op",
	  10, 10, TEN(-100), TEN(-80), GATE_REGRESSED, 0, 0 },
	{ "NaN cannot be judged", { NULL }, "allocs/op",
	  3, 3, { 1, 1, 1 }, { 1, 1, NAN }, GATE_INVALID, 0, 0 },
	{ "nor can infinity in the baseline", { NULL }, "B/op",
	  3, 3, { 1, 1, INFINITY }, { 1, 1, 1 }, GATE_INVALID, 0, 0 },
	{ "40% more passes a looser 50% rule", { "B/op=50%", NULL }, "B/op",
	  10, 10, TEN(100), TEN(140), GATE_PASS, 0, 0 },
};

static void test_judge_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof judge_cases / sizeof judge_cases[0]; i++) {
		const struct judge_case *c = &judge_cases[i];
		gate_config cfg;
		char err[200];

		gate_config_default(&cfg);
		if (c->alpha)
			cfg.alpha = c->alpha;
		for (int r = 0; c->rules[r]; r++)
			assert_int_equal(gate_config_set_rule(&cfg, c->rules[r], err, sizeof err), 0);
		gate_finding f = judge(&cfg, c->unit, c->exact, c->base, c->nbase, c->new, c->nnew);
		if (f.verdict != c->want)
			fail_msg("%s: verdict %s (want %s), p=%g", c->what, gate_verdict_name(f.verdict),
			         gate_verdict_name(c->want), f.p);
	}
}

/* The smallest p the gate reports must be the U test's: checked against
 * 2 / C(n1+n2, n1) computed by hand for a few sizes. */
static void test_smallest_p(void **state)
{
	static const struct { size_t nb, nn; double want; } cases[] = {
		{ 1, 1, 1.0 },                 /* 2/2 */
		{ 3, 3, 0.1 },                 /* 2/20 */
		{ 4, 4, 2.0 / 70 },
		{ 3, 5, 2.0 / 56 },
		{ 10, 10, 2.0 / 184756 },
	};
	gate_config cfg;

	(void)state;
	gate_config_default(&cfg);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* Distinct values, so the U test runs and min_p is reported. */
		double x[MAXN], y[MAXN];
		for (size_t k = 0; k < MAXN; k++)
			x[k] = (double)k + 1, y[k] = (double)k + 100;
		gate_finding f = judge(&cfg, "B/op", 0, x, cases[i].nb, y, cases[i].nn);
		assert_float_equal(f.min_p, cases[i].want, 1e-15);
		assert_float_equal(st_smallest_p(cases[i].nb, cases[i].nn), cases[i].want, 1e-15);
		assert_int_equal(f.verdict == GATE_UNDERPOWERED, !(cases[i].want <= 0.05));
	}
}

static void test_medians_and_delta(void **state)
{
	const double base[] = { 1, 2, 3 }, new[] = { 2, 4, 100 };
	const double zero[] = { 0, 0 }, some[] = { 0, 3 };
	gate_config cfg;

	(void)state;
	gate_config_default(&cfg);
	gate_finding f = judge(&cfg, "B/op", 0, base, 3, new, 3);
	assert_float_equal(f.base_center, 2, 0);
	assert_float_equal(f.new_center, 4, 0);
	assert_float_equal(f.delta, 1.0, 1e-15);

	const double neg_base[] = { -200 }, neg_new[] = { -150 };
	f = judge(&cfg, "B/op", 0, neg_base, 1, neg_new, 1);
	assert_float_equal(f.delta, 0.25, 1e-15);   /* 50 more, against |-200| */

	f = judge(&cfg, "B/op", 0, zero, 2, some, 2);
	assert_true(isinf(f.delta) && f.delta > 0);
	assert_float_equal(f.new_max, 3, 0);
	assert_int_equal(f.verdict, GATE_ZERO_BASELINE);
}

struct option_case {
	const char *spec;
	int ok;
	const char *unit;      /* the rule it makes, when ok */
	double threshold;
	int off;
};

static const struct option_case rule_cases[] = {
	{ "allocs/op=10%", 1, "allocs/op", 0.10, 0 },
	{ "B/op=5%", 1, "B/op", 0.05, 0 },
	{ "B/op=0%", 1, "B/op", 0, 0 },
	{ "B/op=off", 1, "B/op", 0, 1 },
	{ "ns/op=20%", 1, "sec/op", 0.20, 0 },
	{ "sec/op=2.5%", 1, "sec/op", 0.025, 0 },
	{ "my-metric/op=10%", 1, "my-metric/op", 0.10, 0 },
	{ "allocs/op", 0, NULL, 0, 0 },
	{ "=10%", 0, NULL, 0, 0 },
	{ "B/op=", 0, NULL, 0, 0 },
	{ "B/op=10", 0, NULL, 0, 0 },
	{ "B/op=-5%", 0, NULL, 0, 0 },
	{ "B/op=ten%", 0, NULL, 0, 0 },
	{ "B/op=nan%", 0, NULL, 0, 0 },
	{ "B/op=inf%", 0, NULL, 0, 0 },
	{ "B/op=10%%", 0, NULL, 0, 0 },
	{ "B/op=on", 0, NULL, 0, 0 },
};

static void test_rule_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rule_cases / sizeof rule_cases[0]; i++) {
		const struct option_case *c = &rule_cases[i];
		gate_config cfg;
		char err[200] = "";

		gate_config_default(&cfg);
		int rc = gate_config_set_rule(&cfg, c->spec, err, sizeof err);
		if ((rc == 0) != c->ok)
			fail_msg("%s: rc %d, want ok=%d (%s)", c->spec, rc, c->ok, err);
		if (!c->ok) {
			assert_non_null(strstr(err, c->spec));
			continue;
		}
		const gate_rule *r = gate_rule_for(&cfg, c->unit);
		if (c->off) {
			assert_null(r);
			continue;
		}
		assert_non_null(r);
		assert_float_equal(r->threshold, c->threshold, 1e-15);
	}
}

static void test_threshold(void **state)
{
	gate_config cfg;
	char err[200];

	(void)state;
	gate_config_default(&cfg);
	assert_int_equal(gate_config_set_threshold(&cfg, "25%", err, sizeof err), 0);
	assert_float_equal(gate_rule_for(&cfg, "B/op")->threshold, 0.25, 1e-15);
	assert_float_equal(gate_rule_for(&cfg, "allocs/op")->threshold, 0.25, 1e-15);
	assert_null(gate_rule_for(&cfg, "sec/op"));
	assert_int_equal(gate_config_set_threshold(&cfg, "25", err, sizeof err), -1);
}

static void test_rule_table_is_bounded(void **state)
{
	gate_config cfg;
	char err[200], spec[64];
	int rc = 0;

	(void)state;
	gate_config_default(&cfg);
	for (int i = 0; i < GATE_MAX_RULES + 1 && rc == 0; i++) {
		snprintf(spec, sizeof spec, "unit%d/op=1%%", i);
		rc = gate_config_set_rule(&cfg, spec, err, sizeof err);
	}
	assert_int_equal(rc, -1);
	assert_int_equal(cfg.nrules, GATE_MAX_RULES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge_table),
		cmocka_unit_test(test_smallest_p),
		cmocka_unit_test(test_medians_and_delta),
		cmocka_unit_test(test_rule_options),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_rule_table_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
