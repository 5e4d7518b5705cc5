/*
 * tab.h — bstat's third stage (x/perf's benchtab and texttab): the
 * comparison tables as plain data, what the renderers print and what the
 * regression gate walks; the builder that groups results into them
 * (benchtab.c); and the text-table layout the text renderer draws with
 * (texttab.c).
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
#ifndef BSTAT_TAB_H
#define BSTAT_TAB_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"
#include "proc/proc.h"

typedef struct bs_cell {
	double *values;             /* sorted ascending */
	size_t n;
	st_summary summary;         /* st_summarize: the median, or the mode for assume=exact */
	const struct bs_cell *base; /* same row, column 0; NULL in column 0 or when absent */
	st_comparison cmp;          /* with a base: base vs this cell (x = base, y = this) */
	const char *varies_in;      /* residue fields its results differ in (the note
	                             * "benchmarks vary in ..."), or NULL */
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
	enum st_assumption assumption; /* ST_ASSUME_EXACT from Unit metadata assume=exact */
	size_t nconfig;             /* the table's key apart from .unit, e.g. goos: linux */
	const char **config_names, **config_values;
	size_t nrows, ncols;
	const char **row_labels;    /* e.g. "Encode/format=json-48" */
	size_t ncol_fields;         /* column key fields (e.g. .file) */
	const char **col_field_names;
	const char ***col_values;   /* col_values[c][f] */
	const char **col_labels;    /* col_labels[c]: its non-empty values joined by
	                             * spaces (bs_key_label), e.g. "new.txt" */
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

/*
 * ---- building (benchtab.c) ----
 * Groups results into bs_tables: tables by the -table projection plus unit, rows by -row, columns by -col, then
 * summarizes every cell, compares it with the base column and adds the
 * geomean row, as benchstat's benchtab does.
 *
 * Ownership: the builder borrows the projections (and their bs_proc) and
 * allocates the finished tables in the arena given to bs_builder_new.
 */
typedef struct bs_builder bs_builder;

bs_builder *bs_builder_new(bs_arena *a, bs_projection *table_by, bs_projection *row_by,
                           bs_projection *col_by, bs_projection *residue);
void bs_builder_free(bs_builder *b);
/* Adds the (already filtered) values of res. */
void bs_builder_add(bs_builder *b, const bs_result *res);
/* Builds the tables; units supplies assume=exact metadata. */
bs_tables *bs_builder_finish(bs_builder *b, double confidence, double alpha,
                             const bs_unit_meta *units);
/* The same one table at a time, for a caller that prints each and frees it
 * before the next is built (peak memory: one table, not all). Each table,
 * in bs_builder_finish's order, is built in an arena of its own and passed
 * to each as ts->tables[i]; for the second and later tables,
 * ts->tables[i - 1] is the previous one with only its header left
 * (nconfig, config_names, config_values: what bs_table_headers reads).
 * The table is freed when each returns. Stops at the first nonzero return
 * and returns it, else 0. Use either this or bs_builder_finish, once:
 * finishing frees the builder's samples. */
int bs_builder_each(bs_builder *b, double confidence, double alpha, const bs_unit_meta *units,
                    int (*each)(const bs_tables *ts, size_t i, void *ctx), void *ctx);

/*
 * ---- layout (texttab.c) ----
 * A text table laid out like benchstat's texttab: cells placed by row and column, spans over several columns, per-cell left margins
 * (" │ " draws the box lines), left/center/right alignment, and "shrink"
 * columns that give no width to spanning cells. Widths count runes.
 *
 * Cells are only ever added left to right, top to bottom (rows and columns
 * never move back), so they are laid out in the order added, without a
 * sort. Every cell text goes into one buffer, texts, back to back (numbers
 * are formatted straight into it); a cell is 28 bytes, and each column's
 * widest text and margin are kept as cells are added. A caller that knows
 * its table's size reserves both arrays once (bs_tt_reserve), so they are
 * not regrown cell by cell.
 *
 * Ownership: cell texts are copied (a value must not point into the
 * table's own texts); margins are kept as given (pass literals: each
 * distinct pointer is measured once and kept in a short list, so a table
 * should use a handful); bs_tt_free releases everything.
 */
enum bs_tt_align { BS_TT_LEFT, BS_TT_CENTER, BS_TT_RIGHT };

typedef struct bs_tt_cell {
	uint32_t text, len;         /* the value: texts[text .. text + len) */
	int row, col, span;
	int width;                  /* of the value, in runes */
	unsigned margin : 30;       /* index in margins */
	unsigned align : 2;         /* enum bs_tt_align */
} bs_tt_cell;

typedef struct bs_tt_margin {
	const char *text;
	int len, width;             /* in bytes, in runes */
	int blank;                  /* only white space: blank cells with it print nothing */
	char bytes[16];             /* text, when it fits, for fixed-size copies */
} bs_tt_margin;

typedef struct bs_tt {
	bs_tt_cell *cells;
	size_t ncells, cap;
	size_t *spans;              /* the cells with a span other than 1 */
	size_t nspans, spans_cap;
	int *col_text;              /* per column: its widest one-column text + 1 (0: none) */
	int *col_margin;            /* per column: its widest margin */
	size_t cols_cap;
	char *texts;                /* every cell's value, no separators */
	size_t ntexts, texts_cap;
	size_t room;                /* given by bs_tt_text_room, for bs_tt_cell_put */
	bs_tt_margin *margins;      /* distinct margin pointers, in first use order */
	size_t nmargins, margins_cap;
	unsigned last_margin;       /* index of the margin used last */
	int ncols, cur_row, cur_col;
	unsigned char *shrink;
	size_t shrink_cap;
} bs_tt;

/* Makes room for ncells cells holding text_bytes bytes of text in all (a
 * hint: more still fit, growing as needed). */
void bs_tt_reserve(bs_tt *t, size_t ncells, size_t text_bytes);
/* Starts the next row (the first when nothing was added yet). */
static inline void bs_tt_row(bs_tt *t)
{
	if (t->ncells > 0)
		t->cur_row++;
	t->cur_col = 0;
}
/* Moves to column col of the row, never left: cells stay in position order. */
static inline void bs_tt_col(bs_tt *t, int col)
{
	if (col > t->cur_col)
		t->cur_col = col;
}
/* Adds a cell spanning `span` (>= 0) columns at the current column and
 * moves past it. margin NULL means the default: " " unless first column or
 * empty. The _n forms take the value's length in bytes (it need not be
 * NUL-terminated). */
void bs_tt_span(bs_tt *t, int span, const char *value, enum bs_tt_align align,
                const char *margin);
void bs_tt_span_n(bs_tt *t, int span, const char *value, size_t len, enum bs_tt_align align,
                  const char *margin);
void bs_tt_cell_add(bs_tt *t, const char *value, enum bs_tt_align align, const char *margin);
void bs_tt_cell_n(bs_tt *t, const char *value, size_t len, enum bs_tt_align align,
                  const char *margin);
/* A cell formatted in place: bs_tt_text_room returns room for up to max
 * bytes at the end of the text buffer, and bs_tt_cell_put adds the
 * one-column cell whose text is the first len of them (nothing else may
 * be added in between). Numbers are written there, not copied; the room
 * check is inline, as it runs for every number of a table. */
enum { BS_TT_SLACK = 16 };      /* kept past the last text (texttab.c) */
void bs_tt_grow_texts(bs_tt *t, size_t max);
static inline char *bs_tt_text_room(bs_tt *t, size_t max)
{
	if (t->texts_cap - t->ntexts < max + BS_TT_SLACK || max > UINT32_MAX - t->ntexts)
		bs_tt_grow_texts(t, max);
	t->room = max;
	return t->texts + t->ntexts;
}
void bs_tt_cell_put(bs_tt *t, size_t len, enum bs_tt_align align, const char *margin);
void bs_tt_set_shrink(bs_tt *t, int col);
void bs_tt_format(bs_tt *t, bs_buf *out);
void bs_tt_free(bs_tt *t);

#endif
