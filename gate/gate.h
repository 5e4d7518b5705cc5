/*
 * gate.h — the regression gate: rules that turn a baseline sample and a new
 * sample of one metric into a verdict. No I/O; bstat -gate walks its table,
 * asks gate_judge about every (benchmark, metric) pair and reports.
 *
 * The rules, in the order they are tried:
 *   1. zero baseline: every baseline sample is 0 and some new sample is not.
 *      Fires even with one sample a side, where no test can reach alpha.
 *   2. threshold: the new median is worse than the baseline median by more
 *      than the metric's threshold (a fraction of |baseline median|) and by
 *      at least the rule's min_change, and the Mann-Whitney p < alpha.
 *      min_change keeps amortized one-time costs from failing: a benchmark
 *      that allocates once per run reports 1/N allocs/op, which doubles when
 *      a slower build runs half as many iterations.
 * A sample that is NaN or infinite cannot be judged (GATE_INVALID).
 * A metric with no rule (or a rule "off") is not judged. Which direction is
 * worse follows the unit: rates ("/s", e.g. B/s) are better when higher,
 * everything else (sec/op, B/op, allocs/op, custom units) when lower.
 * Benchmarks missing on one side are the caller's to report: gate_judge
 * sees only pairs of samples.
 *
 * A gate_config is a plain value owned by the caller; nothing here allocates.
 * The module prefix is gate_.
 */
#ifndef CBENCH_GATE_H
#define CBENCH_GATE_H

#include <stddef.h>

#define GATE_MAX_RULES 32
#define GATE_UNIT_MAX 64

/* One metric's rule: fail when it gets worse by more than threshold. */
typedef struct gate_rule {
	char unit[GATE_UNIT_MAX];   /* as bstat names units: sec/op, B/op, allocs/op, ... */
	double threshold;           /* 0.10 for 10%; ignored when off */
	double min_change;          /* a smaller change per op never fails rule 2 */
	int off;                    /* 1: the metric is not gated */
} gate_rule;

typedef struct gate_config {
	double alpha;               /* p must be below this for rule 2 (default 0.05) */
	int allow_missing;          /* 1: a benchmark absent from new does not fail */
	int nrules;
	gate_rule rules[GATE_MAX_RULES];
} gate_config;

enum gate_verdict {
	GATE_UNGATED,               /* no rule for this metric */
	GATE_PASS,                  /* within the rules (including "no significant change") */
	GATE_IMPROVED,              /* better at p < alpha; never fails */
	GATE_REGRESSED,             /* rule 2 fired */
	GATE_ZERO_BASELINE,         /* rule 1 fired */
	GATE_INVALID                /* a sample is NaN or infinite: cannot judge */
};

typedef struct gate_finding {
	enum gate_verdict verdict;
	double base_median, new_median;
	double delta;               /* new/base - 1; +INFINITY when base is 0 and new is not */
	double p;                   /* two-sided Mann-Whitney p; NaN when not computed */
	double threshold;           /* the rule's threshold */
	double new_max;             /* the largest new sample (what rule 1 saw rise) */
	double min_p;               /* the smallest p these sample sizes allow */
	int underpowered;           /* 1: min_p >= alpha, so rule 2 cannot fire */
} gate_finding;

/* The defaults: alpha 0.05; B/op at 10% with min_change 1 byte, allocs/op at
 * 10% with min_change 0.01, instructions/op at 2% with min_change 1;
 * nothing else gated. */
void gate_config_default(gate_config *cfg);

/*
 * Applies one rule spelled UNIT=N% (e.g. "allocs/op=5%", "sec/op=20%") or
 * UNIT=off, replacing any rule for the same unit. "ns/op" means sec/op, as
 * bstat converts it. Returns 0, or -1 with a message in err.
 */
int gate_config_set_rule(gate_config *cfg, const char *spec, char *err, size_t errlen);

/* Sets the threshold of every rule that is on. Same return convention. */
int gate_config_set_threshold(gate_config *cfg, const char *percent, char *err, size_t errlen);

/* The rule for unit, or NULL when the unit is not gated. */
const gate_rule *gate_rule_for(const gate_config *cfg, const char *unit);

/*
 * The smallest two-sided p the U test can give for samples of these sizes
 * (both fully separated): 2 / C(nbase + nnew, nbase), at most 1.
 */
double gate_smallest_p(size_t nbase, size_t nnew);

/* 1 when a higher value of unit is better (rates, "/s"). */
int gate_higher_is_better(const char *unit);

/*
 * Judges one metric of one benchmark. base and new hold the samples sorted
 * ascending (as bstat keeps them); both must be non-empty.
 */
gate_finding gate_judge(const gate_config *cfg, const char *unit,
                        const double *base, size_t nbase,
                        const double *new, size_t nnew);

/* A word for the verdict, for reports: "pass", "regressed", ... */
const char *gate_verdict_name(enum gate_verdict v);

#endif
