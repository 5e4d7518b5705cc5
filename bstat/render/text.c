/*
 * text.c — benchstat's text tables. Per table: a block of header
 * rows (one per column key level, each key spanning its columns, boxed by
 * " │ "), a unit row ("sec/op" over center, "±", notes; "vs base" over
 * delta, test, notes), one row per benchmark with every value of the row
 * scaled to a common prefix, the geomean row when there is more than one
 * benchmark, and numbered footnotes. Between tables, the configuration
 * keys that changed ("goos: linux").
 */
#include "render/render.h"

#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "tab/tab.h"

enum { LABEL_COLS = 1, CENTER_COLS = 3, DELTA_COLS = 3 };

static int start_col(size_t exp)
{
	if (exp == 0)
		return LABEL_COLS;
	return LABEL_COLS + CENTER_COLS + (int)(exp - 1) * (CENTER_COLS + DELTA_COLS);
}

/* Adds one cell holding the marks of all notes. */
static void warn_cell(bs_tt *o, bs_footnotes *fn, const char **notes, size_t n)
{
	if (n == 0) {
		/* Nearly every cell. An empty cell with no margin widens no
		 * column (a notes column's margin is one of its own cells') and
		 * prints nothing, so only the position moves: a third fewer
		 * cells to hold and lay out. */
		bs_tt_col(o, o->cur_col + 1);
		return;
	}
	char *p = bs_tt_text_room(o, n * BS_MARK_TEXT);
	bs_tt_cell_put(o, bs_footnote_marks_into(fn, notes, n, p), BS_TT_LEFT, NULL);
}

typedef struct hnode {
	size_t start, len;
	const char *value;
} hnode;

/* Column header rows: at each key level, runs of equal values under the
 * same parent become one spanning cell. */
static void render_header(bs_tt *o, const bs_table *t, int redge)
{
	/* Nodes of one level, in order; children are computed per node. */
	hnode *cur = bs_xrealloc(NULL, (t->ncols + 1) * sizeof *cur), *next;
	size_t ncur = 0;
	if (t->ncols > 0 && t->ncol_fields > 0)
		cur[ncur++] = (hnode){ 0, t->ncols, NULL };
	for (size_t level = 0; level < t->ncol_fields && ncur > 0; level++) {
		next = bs_xrealloc(NULL, (t->ncols + 1) * sizeof *next);
		size_t nnext = 0;
		for (size_t k = 0; k < ncur; k++)
			for (size_t i = cur[k].start; i < cur[k].start + cur[k].len;) {
				size_t j = i + 1;
				while (j < cur[k].start + cur[k].len &&
				       strcmp(t->col_values[j][level], t->col_values[i][level]) == 0)
					j++;
				next[nnext++] = (hnode){ i, j - i, t->col_values[i][level] };
				i = j;
			}
		bs_tt_row(o);
		for (size_t k = 0; k < nnext; k++) {
			int l = start_col(next[k].start), r = start_col(next[k].start + next[k].len);
			bs_tt_col(o, l);
			bs_tt_span(o, r - l, next[k].value, BS_TT_CENTER, " │ ");
		}
		bs_tt_col(o, redge);
		bs_tt_cell_add(o, "", BS_TT_LEFT, " │");
		bs_free(cur);
		cur = next;
		ncur = nnext;
	}
	bs_free(cur);
}

/* The cells render_table adds, counted by the same rules, and a guess at
 * their text, so the layout's arrays are made once per table. A count
 * that is off only costs regrowth or a little memory. */
static void reserve(bs_tt *o, const bs_table *t)
{
	/* Header rows, the unit row, the geomean row: about 16 bytes each. */
	size_t cells = t->ncol_fields * (t->ncols + 1) + 2 * t->ncols + 1;
	if (t->nrows > 1)
		cells += 1 + 3 * t->ncols;
	size_t text = 16 * cells;
	for (size_t r = 0; r < t->nrows; r++) {
		cells++;
		text += strlen(t->row_labels[r]);
		for (size_t c = 0; c < t->ncols; c++) {
			const bs_cell *cell = bs_table_cell(t, r, c);
			if (!cell)
				continue;
			/* "1.234µ" "2%", "+1.23%" "(p=0.123 n=10)", and the marks */
			cells += 2 + (cell->nnotes > 0);
			text += 10 + 4 * cell->nnotes;
			if (c > 0 && cell->base) {
				cells += 2 + (cell->ncmp_notes > 0);
				text += 20 + 4 * cell->ncmp_notes;
			}
		}
	}
	/* and the room bs_tt_text_room asks for past the last number */
	bs_tt_reserve(o, cells, text + BS_NUM_TEXT);
}

static void render_table(const bs_table *t, bs_buf *out, bs_arena *a)
{
	bs_tt o = { 0 };
	bs_footnotes fn;
	bs_footnotes_init(&fn, a);
	int redge = start_col(t->ncols + 1);
	char buf[BS_NUM_TEXT], *p;
	size_t n;

	reserve(&o, t);
	render_header(&o, t, redge);
	bs_tt_row(&o);
	for (size_t i = 0; i < t->ncols; i++) {
		int l = start_col(i);
		bs_tt_col(&o, l);
		bs_tt_span(&o, CENTER_COLS, t->unit, BS_TT_CENTER, " │ ");
		if (i > 0)
			bs_tt_span(&o, DELTA_COLS, "vs base", BS_TT_LEFT, "  ");
		for (int j = l + 1; j < o.cur_col; j++)
			bs_tt_set_shrink(&o, j);
	}
	bs_tt_col(&o, redge);
	bs_tt_cell_add(&o, "", BS_TT_LEFT, " │");

	enum bs_unit_class cls = bs_unit_class_of(t->unit);
	double *centers = bs_xrealloc(NULL, (t->ncols + 1) * sizeof *centers);
	for (size_t r = 0; r < t->nrows; r++) {
		bs_tt_row(&o);
		bs_tt_cell_add(&o, t->row_labels[r], BS_TT_LEFT, NULL);
		size_t nc = 0;
		for (size_t c = 0; c < t->ncols; c++)
			if (bs_table_cell(t, r, c))
				centers[nc++] = bs_table_cell(t, r, c)->summary.center;
		bs_scaler sc = bs_common_scale(centers, nc, cls);
		for (size_t c = 0; c < t->ncols; c++) {
			const bs_cell *cell = bs_table_cell(t, r, c);
			if (!cell)
				continue;
			bs_tt_col(&o, start_col(c));
			p = bs_tt_text_room(&o, BS_NUM_TEXT);
			n = (size_t)bs_scaler_format(sc, cell->summary.center, p, BS_NUM_TEXT);
			bs_tt_cell_put(&o, n, BS_TT_RIGHT, NULL);
			p = bs_tt_text_room(&o, BS_NUM_TEXT);
			n = bs_fmt_range(&cell->summary, p, BS_NUM_TEXT);
			bs_tt_cell_put(&o, n, BS_TT_RIGHT, " ± ");
			warn_cell(&o, &fn, cell->notes, cell->nnotes);
			if (c > 0 && cell->base) {
				p = bs_tt_text_room(&o, BS_NUM_TEXT);
				n = bs_fmt_delta(&cell->cmp, cell->base->summary.center, cell->summary.center,
				                 p, BS_NUM_TEXT);
				bs_tt_cell_put(&o, n, BS_TT_RIGHT, NULL);
				p = bs_tt_text_room(&o, BS_NUM_TEXT);
				p[0] = '(';
				n = 1 + bs_fmt_test(&cell->cmp, p + 1, BS_NUM_TEXT - 2);
				p[n++] = ')';
				bs_tt_cell_put(&o, n, BS_TT_LEFT, NULL);
				warn_cell(&o, &fn, cell->cmp_notes, cell->ncmp_notes);
			}
		}
	}
	bs_free(centers);

	if (t->nrows > 1) {
		bs_tt_row(&o);
		bs_tt_cell_add(&o, t->summary_label, BS_TT_LEFT, NULL);
		for (size_t c = 0; c < t->ncols; c++) {
			const bs_colsum *s = &t->summary[c];
			if (s->has_summary) {
				bs_tt_col(&o, start_col(c));
				n = (size_t)bs_scale(s->summary, cls, buf, sizeof buf);
				bs_tt_cell_n(&o, buf, n, BS_TT_RIGHT, NULL);
			}
			if (c > 0) {
				bs_tt_col(&o, start_col(c) + CENTER_COLS);
				if (s->has_ratio) {
					n = bs_fmt_ratio(s->ratio, buf, sizeof buf);
					bs_tt_cell_n(&o, buf, n, BS_TT_RIGHT, NULL);
				} else {
					bs_tt_cell_add(&o, "?", BS_TT_LEFT, NULL);
				}
			}
			bs_tt_col(&o, start_col(c + 1) - 1);
			warn_cell(&o, &fn, s->notes, s->nnotes);
		}
	}

	bs_tt_format(&o, out);
	bs_tt_free(&o);
	for (size_t i = 0; i < fn.n; i++) {
		bs_superscript(i + 1, out);
		bs_buf_add(out, " ", 1);
		bs_buf_puts(out, fn.list[i]);
		bs_buf_add(out, "\n", 1);
	}
}

static void text_hdr(void *ctx, const char *line)
{
	bs_buf_puts(ctx, line);
	bs_buf_add(ctx, "\n", 1);
}

void bs_render_text_table(const bs_tables *ts, size_t i, bs_buf *out)
{
	bs_arena *a = bs_arena_new();
	bs_buf_add(out, "", 0);
	bs_table_headers(ts, i, text_hdr, out);
	render_table(&ts->tables[i], out, a);
	bs_arena_free(a);
}

void bs_render_text(const bs_tables *ts, bs_buf *out)
{
	bs_buf_add(out, "", 0);
	for (size_t i = 0; i < ts->n; i++)
		bs_render_text_table(ts, i, out);
}
