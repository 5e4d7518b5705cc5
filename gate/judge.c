/*
 * judge.c — applies the gate's rules to one metric of one benchmark: the
 * zero-baseline rule first, then the threshold-and-significance rule.
 */
#include "gate.h"
#include "stats.h"

#include <math.h>
#include <string.h>

int gate_higher_is_better(const char *unit)
{
	size_t len = strlen(unit);
	return len >= 2 && strcmp(unit + len - 2, "/s") == 0;
}

/* Ties only raise the smallest p, so when this is not below alpha no data
 * can make rule 2 fire: f.underpowered. */
double gate_smallest_p(size_t nbase, size_t nnew)
{
	double ways = 1;

	for (size_t i = 1; i <= nbase; i++)
		ways = ways * (double)(nnew + i) / (double)i;
	return fmin(1, 2 / ways);
}

static int all_zero(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] != 0)
			return 0;
	return 1;
}

static int all_finite(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return 0;
	return 1;
}

gate_finding gate_judge(const gate_config *cfg, const char *unit,
                        const double *base, size_t nbase,
                        const double *new, size_t nnew)
{
	const gate_rule *rule = gate_rule_for(cfg, unit);
	gate_finding f = { .verdict = GATE_UNGATED, .p = NAN };

	f.base_median = st_median_summary(base, nbase, 0.95).center;
	f.new_median = st_median_summary(new, nnew, 0.95).center;
	f.new_max = new[nnew - 1];
	if (f.base_median == f.new_median)
		f.delta = 0;
	else if (f.base_median == 0)
		f.delta = f.new_median > 0 ? INFINITY : -INFINITY;
	else
		f.delta = (f.new_median - f.base_median) / fabs(f.base_median);
	f.min_p = gate_smallest_p(nbase, nnew);
	f.underpowered = !(f.min_p < cfg->alpha);
	if (!rule)
		return f;
	f.threshold = rule->threshold;

	if (!all_finite(base, nbase) || !all_finite(new, nnew)) {
		f.verdict = GATE_INVALID;
		return f;
	}
	int higher_better = gate_higher_is_better(unit);
	if (!higher_better && all_zero(base, nbase) && !all_zero(new, nnew)) {
		f.verdict = GATE_ZERO_BASELINE;
		return f;
	}

	st_comparison c = st_mann_whitney(base, nbase, new, nnew, cfg->alpha);
	f.p = c.p;
	f.verdict = GATE_PASS;
	if (!(c.p < cfg->alpha))
		return f;
	/* Compared as a difference against threshold x |base|, not through delta,
	 * so that 100 -> 110 is exactly "10% worse" and passes a 10% rule, and
	 * so that negative metrics get worse in the same direction. */
	double b = f.base_median, n = f.new_median;
	double worse_by = higher_better ? b - n : n - b;
	int regressed = worse_by > rule->threshold * fabs(b) && worse_by >= rule->min_change;
	int improved = worse_by < 0;
	if (regressed)
		f.verdict = GATE_REGRESSED;
	else if (improved)
		f.verdict = GATE_IMPROVED;
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
	}
	return "?";
}
