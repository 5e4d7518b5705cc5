/*
 * judge.c — where the gate decides: the rules of gate.h applied to one row
 * of one table, from the cells the table built. Centers, p and the
 * significance rule are the table's; the only statistics computed here are
 * for an exact unit whose runs disagree, and they too come from stats/.
 */
#include "gate.h"

#include <math.h>
#include <string.h>

int gate_higher_is_better(const char *unit)
{
	size_t len = strlen(unit);
	return len >= 2 && strcmp(unit + len - 2, "/s") == 0;
}

static int all_zero(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] != 0)
			return 0;
	return 1;
}

/* 1 when every sample is finite; else 0 with the first other in *bad. */
static int all_finite(const double *v, size_t n, double *bad)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i])) {
			*bad = v[i];
			return 0;
		}
	return 1;
}

static double relative_change(double base, double now)
{
	if (base == now)
		return 0;
	if (base == 0)
		return now > 0 ? INFINITY : -INFINITY;
	return (now - base) / fabs(base);
}

/* Rule 3 on a significant comparison. Compared as a difference against
 * threshold x |base|, not through delta, so that 100 -> 110 is exactly "10%
 * worse" and passes a 10% rule, and so that negative metrics get worse in the
 * same direction. */
static int worse_beyond(const gate_rule *rule, int higher_better, double base, double now)
{
	double worse_by = higher_better ? base - now : now - base;
	return worse_by > rule->threshold * fabs(base) && worse_by >= rule->min_change;
}

static enum gate_verdict threshold_rule(const gate_rule *rule, int higher_better,
                                        double base, double now)
{
	if (worse_beyond(rule, higher_better, base, now))
		return GATE_REGRESSED;
	return (higher_better ? base - now : now - base) < 0 ? GATE_IMPROVED : GATE_PASS;
}

/* A broken exact claim whose test is not significant still decides nothing
 * when a center moved the wrong way past the rule: the gate's medians, or
 * the modes the table prints (so the table never shows a change beyond
 * the rule next to a gate that passed). Changes under min_change, such as
 * amortized one-time allocations, do not count. */
static int broken_claim_hides(const gate_rule *rule, int higher_better, const gate_finding *f,
                              const bs_cell *base, const bs_cell *now)
{
	return worse_beyond(rule, higher_better, f->base_center, f->new_center) ||
	       worse_beyond(rule, higher_better, base->summary.center, now->summary.center);
}

gate_finding gate_judge(const gate_config *cfg, const char *unit,
                        const bs_cell *base, const bs_cell *now)
{
	static const double absent = 0;
	const double *bv = base ? base->values : &absent;
	size_t nb = base ? base->n : 1;
	const gate_rule *rule = gate_rule_for(cfg, unit);
	gate_finding f = { .verdict = GATE_UNGATED, .p = NAN, .alpha = cfg->alpha,
	                   .min_p = NAN, .nbase = base ? base->n : 0, .nnew = now->n };

	f.base_center = base ? base->summary.center : 0;
	f.new_center = now->summary.center;
	f.new_max = now->values[now->n - 1];
	f.new_min = now->values[0];
	f.base_min = bv[0];
	f.base_max = bv[nb - 1];
	f.delta = relative_change(f.base_center, f.new_center);
	if (!rule)
		return f;
	f.threshold = rule->threshold;
	if ((base && base->varies_in) || now->varies_in) {
		/* -row, -col or -ignore pooled different benchmarks into one
		 * sample: its median and p describe none of them. */
		f.varies_in = base && base->varies_in ? base->varies_in : now->varies_in;
		f.verdict = GATE_MIXED;
		return f;
	}
	if (!all_finite(bv, nb, &f.bad_sample) || !all_finite(now->values, now->n, &f.bad_sample)) {
		f.verdict = GATE_INVALID;
		return f;
	}
	int higher_better = gate_higher_is_better(unit);
	/* Decided without statistics: a zero baseline that rose, or stayed. */
	if (!higher_better && all_zero(bv, nb)) {
		f.verdict = all_zero(now->values, now->n) ? GATE_PASS : GATE_ZERO_BASELINE;
		return f;
	}
	if (!base) {
		/* An appearing rate: nothing it could have fallen from. */
		f.verdict = GATE_PASS;
		return f;
	}
	st_comparison cmp = now->cmp;
	if (cmp.assumption == ST_ASSUME_EXACT && cmp.varies) {
		/* Declared exact, yet the runs differ: the mode could hide a
		 * regression in some runs, so judge the samples as samples. */
		f.exact_broken = 1;
		cmp = st_compare(ST_ASSUME_NOTHING, base->values, base->n, now->values, now->n,
		                 cfg->alpha);
		for (int i = 0; i < cmp.nwarnings; i++)
			if (cmp.warnings[i].kind == ST_WARN_NO_MEMORY) {
				/* stats' sticky error: this p is not the one asked for. */
				f.verdict = GATE_NO_MEMORY;
				return f;
			}
		f.base_center = st_summarize(ST_ASSUME_NOTHING, base->values, base->n, 0.95).center;
		f.new_center = st_summarize(ST_ASSUME_NOTHING, now->values, now->n, 0.95).center;
		f.delta = relative_change(f.base_center, f.new_center);
	}
	f.exact = cmp.assumption == ST_ASSUME_EXACT;
	f.alpha = cmp.alpha;
	if (!f.exact) {
		f.p = cmp.p;
		f.min_p = st_smallest_p(base->n, now->n);
	}
	if (!st_significant(&cmp)) {
		if (f.min_p > cmp.alpha) {
			f.verdict = GATE_UNDERPOWERED;
			f.need = st_samples_needed(cmp.alpha);
		} else if (f.exact_broken && broken_claim_hides(rule, higher_better, &f, base, now)) {
			f.verdict = GATE_EXACT_VARIES;
		} else {
			f.verdict = GATE_PASS;
		}
		return f;
	}
	f.verdict = threshold_rule(rule, higher_better, f.base_center, f.new_center);
	return f;
}

const char *gate_verdict_name(enum gate_verdict v)
{
	switch (v) {
	case GATE_UNGATED: return "not gated";
	case GATE_PASS: return "pass";
	case GATE_IMPROVED: return "improved";
	case GATE_REGRESSED: return "regressed";
	case GATE_ZERO_BASELINE: return "rose from zero";
	case GATE_INVALID: return "not a number";
	case GATE_UNDERPOWERED: return "too few samples";
	case GATE_NO_MEMORY: return "out of memory";
	case GATE_EXACT_VARIES: return "exact runs differ";
	case GATE_MIXED: return "mixes benchmarks";
	}
	return "?";
}
