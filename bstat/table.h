/*
 * table.h — bstat's comparison tables as plain data: what the renderers
 * print and what the regression gate walks.
 *
 *   bs_tables ─ tables[i]: one per distinct configuration and unit
 *     bs_table ─ rows (benchmarks) × cols (inputs, the first being "base")
 *       cells[r * ncols + c]: NULL when that benchmark is absent there
 *         bs_cell: sorted samples, st_summary (median + CI),
 *                  for c > 0 with a base cell: st_comparison vs the base
 *       summary[c]: the geomean row
 *
 * Every caveat is data: st_summary / st_comparison carry structured
 * warnings, and each cell also carries the footnote texts exactly as the
 * text table prints them, in print order.
 *
 * Ownership: bs_tables_build allocates everything in the arena it is given;
 * the tables live until that arena is freed. Nothing here is modified after
 * building, so a gate can keep pointers into it.
 *
 * A gate walks it like this:
 *   for each table t (t->unit is the metric):
 *     for each row r: base = bs_table_cell(t, r, 0), new = bs_table_cell(t, r, c)
 *       base->values / base->n, base->summary.center, new->cmp.p, ...
 */
#ifndef BSTAT_TABLE_H
#define BSTAT_TABLE_H

#include <stddef.h>

#include "stats.h"

typedef struct bs_cell {
	double *values;             /* sorted ascending */
	size_t n;
	st_summary summary;         /* center is the median (the mode for assume=exact) */
	const struct bs_cell *base; /* same row, column 0; NULL in column 0 or when absent */
	int has_cmp;                /* base != NULL */
	st_comparison cmp;          /* base vs this cell (x = base, y = this) */
	const char **notes;         /* footnotes on the value: sample, then summary */
	size_t nnotes;
	const char **cmp_notes;     /* footnotes on the comparison */
	size_t ncmp_notes;
} bs_cell;

typedef struct bs_colsum {
	int has_summary;            /* geomean of this column's centers */
	double summary;
	int has_ratio;              /* geomean of center / base center over the rows */
	double ratio;
	const char **notes;
	size_t nnotes;
} bs_colsum;

typedef struct bs_table {
	const char *unit;           /* tidied unit: "sec/op", "B/op", "B/s", ... */
	int assume_exact;           /* Unit metadata assume=exact: no test is run, cmp.p == 0 */
	size_t nconfig;             /* the table's key apart from .unit, e.g. goos: linux */
	const char **config_names, **config_values;
	size_t nrows, ncols;
	const char **row_labels;    /* e.g. "Encode/format=json-48" */
	size_t ncol_fields;         /* column key fields (e.g. .file) */
	const char **col_field_names;
	const char ***col_values;   /* col_values[c][f] */
	bs_cell **cells;            /* cells[r * ncols + c] */
	bs_colsum *summary;         /* summary[c]; meaningful when nrows > 1 */
	const char *summary_label;  /* "geomean" */
} bs_table;

typedef struct bs_tables {
	bs_table *tables;
	size_t n;
	double confidence, alpha;
} bs_tables;

static inline const bs_cell *bs_table_cell(const bs_table *t, size_t row, size_t col)
{
	return t->cells[row * t->ncols + col];
}

#endif
