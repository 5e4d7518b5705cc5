/*
 * gate_report.h — bstat -gate: walks the comparison tables, asks the gate's
 * rules (gate/gate.h) about every benchmark and metric, and keeps what it
 * found as data; the renderers below turn that into the lines printed after
 * the table and the exit status comes from bs_gate_status.
 *
 * Ownership: everything in a bs_gate_report lives in the arena it was built
 * in and points into the bs_tables it was built from.
 */
#ifndef BSTAT_GATE_REPORT_H
#define BSTAT_GATE_REPORT_H

#include <stddef.h>

#include "gate.h"
#include "tab/tab.h"
#include "util/util.h"

enum bs_gate_kind {
	BS_GATE_RULE,       /* a rule fired (finding.verdict says which) */
	BS_GATE_MISSING,    /* in the baseline, absent from the new column */
	BS_GATE_ADDED,      /* in the new column only: reported, never failed */
	BS_GATE_IMPROVED    /* better at p < alpha */
};

typedef struct bs_gate_item {
	enum bs_gate_kind kind;
	const char *benchmark;      /* the row label */
	const char *unit;           /* NULL for a benchmark missing altogether */
	const char *column;         /* the new column's label */
	int appeared;               /* the metric is absent from the baseline */
	gate_finding finding;       /* for BS_GATE_RULE and BS_GATE_IMPROVED */
	size_t nbase, nnew;
} bs_gate_item;

typedef struct bs_gate_report {
	bs_gate_item *items;
	size_t nitems, cap;
	size_t ncolumns;            /* inputs (columns) seen, the baseline first */
	size_t gated;               /* (benchmark, metric) pairs a rule judged */
	size_t common;              /* (benchmark, metric) pairs present on both sides */
	size_t violations;          /* gated pairs where a rule fired */
	size_t missing;             /* benchmarks or metrics in the baseline, absent from new */
	size_t invalid;             /* gated pairs with a NaN or infinite sample */
	size_t improved;
	size_t underpowered;        /* gated pairs too small for p < alpha */
	size_t weak_nbase, weak_nnew; /* the sizes of one such pair */
	int allow_missing;
	double alpha;
} bs_gate_report;

/* Builds the report for every non-base column against the base column. */
void bs_gate_check(const bs_tables *ts, const gate_config *cfg, bs_arena *a,
                   bs_gate_report *out);

/* 0 pass; 1 regression; 2 could not judge: no benchmark on both sides, none
 * of the metrics on both sides has a rule, or a gated sample is not a number
 * (and nothing failed). */
int bs_gate_status(const bs_gate_report *r);

/* The violations, notes and verdict as lines of text, or as markdown. */
void bs_render_gate_text(const bs_gate_report *r, bs_buf *out);
void bs_render_gate_markdown(const bs_gate_report *r, bs_buf *out);

#endif
