/*
 * gate.h — the regression gate behind bstat -gate: rules (config.c), the
 * judgement of one table row (judge.c), the walk over bstat's comparison
 * tables with its exit status (check.c), and the report printed after the
 * table (report.c). The gate computes no statistic of its own: it judges the
 * cells bstat's table built (tab/tab.h), reading their summaries and their
 * st_comparison, and calls a difference significant exactly when the table
 * prints one (st_significant). So the gate cannot contradict its table.
 *
 * The rules, in the order they are tried for a gated metric:
 *   0. a cell pooling results whose residue keys differ (the table's
 *      "benchmarks vary in .fullname", after -row, -col or -ignore merged
 *      sub-benchmarks or configurations) cannot be judged (GATE_MIXED);
 *   1. a sample that is NaN or infinite cannot be judged (GATE_INVALID);
 *   2. zero baseline: every baseline sample is 0 and some new sample is not
 *      (for units where lower is better). Fires at any n, even 1 + 1;
 *      0 -> 0 passes at any n;
 *   3. threshold: the new center is worse than the baseline center by more
 *      than the metric's threshold (a fraction of |baseline center|) and by
 *      at least the rule's min_change, and the comparison is significant
 *      (p <= alpha, or an exact unit). min_change keeps amortized one-time
 *      costs from failing: a benchmark that allocates once per run reports
 *      1/N allocs/op, which doubles when a slower build runs half as many
 *      iterations;
 *   4. underpowered: a comparison that is not significant while its sample
 *      sizes cannot reach p <= alpha at all (st_smallest_p > alpha) decides
 *      nothing: GATE_UNDERPOWERED, and the gate exits 2, never 0.
 * Exact units (benchfmt's `Unit U assume=exact`) are compared without
 * statistics at any n. When such a unit's runs do not all agree, the exact
 * claim is broken: the gate then judges it as an ordinary sample (median and
 * U test, so too few runs cannot pass), never by the mode alone. When that
 * test is not significant but the medians, or the modes the table prints,
 * moved the wrong way by more than the threshold and min_change, the gate
 * cannot judge (GATE_EXACT_VARIES, exit 2): the remedy is more runs or a
 * fixed iteration count (-benchtime Nx). Smaller changes (amortized noise)
 * pass as before.
 * Which direction is worse follows the unit: rates ("/s") are better when
 * higher, everything else (sec/op, B/op, allocs/op, custom units) lower.
 *
 * Ownership: a gate_config is a plain value owned by the caller. A
 * gate_report lives in the arena it was built in and points into the
 * bs_tables it was built from. Nothing here prints; the prefix is gate_.
 */
#ifndef CBENCH_GATE_H
#define CBENCH_GATE_H

#include <stddef.h>

#include "stats.h"
#include "tab/tab.h"
#include "util/util.h"

#define GATE_MAX_RULES 32
#define GATE_UNIT_MAX 64

/* ---- rules (config.c) ---- */

/* One metric's rule: fail when it gets worse by more than threshold. */
typedef struct gate_rule {
	char unit[GATE_UNIT_MAX];   /* tidied as bstat's tables name units: sec/op, B/s, ... */
	double threshold;           /* 0.10 for 10%; ignored when off */
	double min_change;          /* a smaller change per op never fails rule 3 */
	int off;                    /* 1: the metric is not gated */
} gate_rule;

typedef struct gate_config {
	double alpha;               /* the table's -alpha (default 0.05) */
	int allow_missing;          /* 1: a benchmark absent from new does not fail */
	int nrules;
	gate_rule rules[GATE_MAX_RULES];
} gate_config;

/* The defaults: alpha 0.05; B/op at 10% with min_change 1 byte, allocs/op at
 * 10% with min_change 0.01, retained-B/op (leaks) at 10% with min_change 1
 * byte, instructions/op at 2% with min_change 1; nothing else gated. */
void gate_config_default(gate_config *cfg);

/*
 * Applies one rule spelled UNIT=N% (e.g. "allocs/op=5%", "sec/op=20%") or
 * UNIT=off, replacing any rule for the same unit. UNIT is tidied as bstat
 * tidies units (ns/op is sec/op, MB/s is B/s). Returns 0, or -1 with a
 * message in err.
 */
int gate_config_set_rule(gate_config *cfg, const char *spec, char *err, size_t errlen);

/* Sets the threshold of every rule that is on. Same return convention. */
int gate_config_set_threshold(gate_config *cfg, const char *percent, char *err, size_t errlen);

/* The rule for a tidied unit, or NULL when the unit is not gated. */
const gate_rule *gate_rule_for(const gate_config *cfg, const char *unit);

/* 1 when a higher value of unit is better (rates, "/s"). */
int gate_higher_is_better(const char *unit);

/* ---- judging one row (judge.c) ---- */

enum gate_verdict {
	GATE_UNGATED,               /* no rule for this metric */
	GATE_PASS,                  /* within the rules (including "no significant change") */
	GATE_IMPROVED,              /* better, significantly; never fails */
	GATE_REGRESSED,             /* rule 3 fired */
	GATE_ZERO_BASELINE,         /* rule 2 fired */
	GATE_INVALID,               /* a sample is NaN or infinite: cannot judge */
	GATE_UNDERPOWERED,          /* too few samples for p <= alpha: cannot judge */
	GATE_NO_MEMORY,             /* the statistics ran out of memory: cannot judge */
	GATE_EXACT_VARIES,          /* declared exact, runs differ, a change beyond the
	                             * rule that is not significant: cannot judge */
	GATE_MIXED                  /* a cell pools different benchmarks: cannot judge */
};

typedef struct gate_finding {
	enum gate_verdict verdict;
	double base_center, new_center; /* the table's centers (the fallback's medians
	                             * when an exact unit's runs differ) */
	double delta;               /* new/base - 1; +INFINITY when base is 0 and new is not */
	double p;                   /* the comparison's p; NaN when none was used */
	double alpha;               /* the level p was judged against */
	int exact;                  /* compared exactly (assume=exact, runs agree) */
	int exact_broken;           /* declared exact, but the runs differ */
	double threshold;           /* the rule's threshold */
	double new_max;             /* the largest new sample (what rule 2 saw rise) */
	double new_min, base_min, base_max; /* the sample ranges (GATE_EXACT_VARIES) */
	const char *varies_in;      /* GATE_MIXED: the fields the pooled results differ in */
	double bad_sample;          /* GATE_INVALID: the first NaN or infinite sample */
	double min_p;               /* the smallest p these sample sizes allow */
	size_t need;                /* GATE_UNDERPOWERED: runs a side that could reach alpha */
	size_t nbase, nnew;
} gate_finding;

/*
 * Judges one row of a table of `unit`: base is the baseline's cell (NULL when
 * the baseline never printed this metric for a benchmark it ran: judged as
 * one sample of 0), now the new column's cell, whose cmp the table computed
 * against base.
 */
gate_finding gate_judge(const gate_config *cfg, const char *unit,
                        const bs_cell *base, const bs_cell *now);

/* A word for the verdict, for reports: "pass", "regressed", ... */
const char *gate_verdict_name(enum gate_verdict v);

/* ---- the walk over the tables and the exit status (check.c) ---- */

enum gate_item_kind {
	GATE_ITEM_RULE,             /* a rule fired or could not judge (finding.verdict) */
	GATE_ITEM_MISSING,          /* in the baseline, absent from the new column */
	GATE_ITEM_ADDED,            /* in the new column only: reported, never failed */
	GATE_ITEM_IMPROVED          /* significantly better */
};

typedef struct gate_item {
	enum gate_item_kind kind;
	const char *benchmark;      /* the row label */
	const char *unit;           /* NULL for a benchmark missing altogether */
	const char *column;         /* the new column's label */
	int appeared;               /* the metric is absent from the baseline */
	gate_finding finding;       /* for GATE_ITEM_RULE and GATE_ITEM_IMPROVED */
} gate_item;

/* What the walk cannot know from the tables, for the "could not judge" words. */
typedef struct gate_context {
	int ninputs;                /* input files given */
	const char *col;            /* -col */
	const char *table;          /* -table, or NULL */
	const char *gate_filter;    /* -gate-filter, or NULL */
	size_t gate_filtered;       /* results -gate-filter kept */
	const char *baseline;       /* the baseline column's label: the first column
	                             * in the table builder's global order (the first
	                             * input for -col .file); NULL: the first label
	                             * the tables show */
} gate_context;

typedef struct gate_report {
	gate_item *items;
	size_t nitems, cap;
	size_t ncolumns;            /* inputs (columns) seen, the baseline first */
	const char **columns;       /* their labels */
	size_t gated;               /* (benchmark, metric) pairs a rule judged */
	size_t common;              /* (benchmark, metric) pairs present on both sides */
	size_t violations;          /* gated pairs where a rule fired */
	size_t missing;             /* benchmarks or metrics in the baseline, absent from new */
	size_t invalid;             /* gated pairs with a NaN or infinite sample */
	size_t improved;
	size_t underpowered;        /* gated pairs too small for p <= alpha */
	size_t no_memory;           /* gated pairs whose statistics ran out of memory */
	size_t exact_varies;        /* gated pairs GATE_EXACT_VARIES */
	size_t mixed;               /* gated pairs GATE_MIXED */
	const gate_item *first_mixed;
	const gate_item *first_invalid;
	const gate_item *first_underpowered;
	const gate_item *first_exact_varies;
	bs_buf config_diff;         /* common == 0: "pkg: a vs b" for each differing key */
	bs_buf config_keys;         /* their names, joined by ',' (for -ignore) */
	bs_buf table_keys;          /* those -table names (-ignore cannot undo them) */
	int allow_missing;
	double alpha;
	gate_context ctx;
} gate_report;

/* Builds the report for every non-base column against the base column. */
void gate_check(const bs_tables *ts, const gate_config *cfg, const gate_context *ctx,
                bs_arena *a, gate_report *out);
/* Frees what the report keeps outside the arena. */
void gate_report_free(gate_report *r);

/*
 * 0 pass; 1 regression (a rule fired, or a benchmark is missing and that is
 * not allowed); 2 could not judge: fewer than two columns, no benchmark on
 * both sides, nothing gated, a gated sample that is not a number, or a
 * gated metric with too few samples, whose statistics ran out of memory, or
 * whose exact claim broke (GATE_EXACT_VARIES), or that pools different
 * benchmarks (GATE_MIXED), and nothing failed.
 */
int gate_status(const gate_report *r);

/* ---- the report (report.c) ---- */

/* The findings, notes and verdict as lines of text, or as markdown. */
void gate_render_text(const gate_report *r, bs_buf *out);
void gate_render_markdown(const gate_report *r, bs_buf *out);

#endif
