/*
 * markdown.c — -format markdown, for pull-request comments and
 * GitHub step summaries: per table, the changed configuration as a line
 * of `key: value`, then a pipe table with one column per input plus a
 * "vs base" column after each non-base input, the same cell texts as the
 * text table, and numbered footnotes below. '|' inside cells is escaped.
 */
#include "render/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format.h"

void bs_md_cell(bs_buf *out, const char *s)
{
	bs_buf_putc(out, ' ');
	for (; *s; s++) {
		if (*s == '|')
			bs_buf_putc(out, '\\');
		bs_buf_putc(out, *s);
	}
	bs_buf_puts(out, " |");
}

static void render_table(const bs_table *t, bs_buf *out, bs_arena *a)
{
	bs_footnotes fn;
	bs_footnotes_init(&fn, a);
	bs_buf b = { 0 };
	char buf[BS_NUM_TEXT];
	enum bs_unit_class cls = bs_unit_class_of(t->unit);

	bs_buf_puts(out, "|");
	bs_md_cell(out, t->unit);
	for (size_t c = 0; c < t->ncols; c++) {
		bs_md_cell(out, t->col_labels[c]);
		if (c > 0)
			bs_md_cell(out, "vs base");
	}
	bs_buf_puts(out, "\n|:--|");
	for (size_t c = 0; c < t->ncols; c++)
		bs_buf_puts(out, c > 0 ? "--:|--:|" : "--:|");
	bs_buf_putc(out, '\n');

	double *centers = bs_xrealloc(NULL, (t->ncols + 1) * sizeof *centers);
	for (size_t r = 0; r < t->nrows; r++) {
		size_t nc = 0;
		for (size_t c = 0; c < t->ncols; c++)
			if (bs_table_cell(t, r, c))
				centers[nc++] = bs_table_cell(t, r, c)->summary.center;
		bs_scaler sc = bs_common_scale(centers, nc, cls);
		bs_buf_puts(out, "|");
		bs_md_cell(out, t->row_labels[r]);
		for (size_t c = 0; c < t->ncols; c++) {
			const bs_cell *cell = bs_table_cell(t, r, c);
			bs_buf_clear(&b);
			bs_buf_add(&b, "", 0);
			if (cell) {
				bs_scaler_format(sc, cell->summary.center, buf, sizeof buf);
				bs_buf_puts(&b, buf);
				bs_fmt_range(&cell->summary, buf, sizeof buf);
				bs_buf_printf(&b, " ± %s", buf);
				bs_footnote_marks(&fn, cell->notes, cell->nnotes, 1, &b);
			}
			bs_md_cell(out, b.s);
			if (c == 0)
				continue;
			bs_buf_clear(&b);
			bs_buf_add(&b, "", 0);
			if (cell && cell->base) {
				char test[200];
				bs_fmt_delta(&cell->cmp, cell->base->summary.center, cell->summary.center, buf, sizeof buf);
				bs_fmt_test(&cell->cmp, test, sizeof test);
				bs_buf_printf(&b, "%s (%s)", buf, test);
				bs_footnote_marks(&fn, cell->cmp_notes, cell->ncmp_notes, 1, &b);
			}
			bs_md_cell(out, b.s);
		}
		bs_buf_putc(out, '\n');
	}
	bs_free(centers);
	if (t->nrows > 1) {
		bs_buf_puts(out, "|");
		bs_md_cell(out, t->summary_label);
		for (size_t c = 0; c < t->ncols; c++) {
			const bs_colsum *s = &t->summary[c];
			bs_buf_clear(&b);
			bs_buf_add(&b, "", 0);
			if (s->has_summary) {
				bs_scale(s->summary, cls, buf, sizeof buf);
				bs_buf_puts(&b, buf);
			}
			if (c == 0)
				bs_footnote_marks(&fn, s->notes, s->nnotes, 1, &b);
			bs_md_cell(out, b.s);
			if (c == 0)
				continue;
			bs_buf_clear(&b);
			bs_buf_add(&b, "", 0);
			if (s->has_ratio)
				bs_fmt_ratio(s->ratio, buf, sizeof buf), bs_buf_puts(&b, buf);
			else
				bs_buf_puts(&b, "?");
			bs_footnote_marks(&fn, s->notes, s->nnotes, 1, &b);
			bs_md_cell(out, b.s);
		}
		bs_buf_putc(out, '\n');
	}
	if (fn.n)
		bs_buf_putc(out, '\n');
	for (size_t i = 0; i < fn.n; i++) {
		bs_superscript(i + 1, out);
		bs_buf_printf(out, " %s%s\n", fn.list[i], i + 1 < fn.n ? "<br>" : "");
	}
	bs_buf_free(&b);
}

static void md_hdr(void *ctx, const char *line)
{
	bs_buf *out = ctx;
	if (*line)
		bs_buf_printf(out, "`%s`<br>\n", line);
	else
		bs_buf_putc(out, '\n');
}

void bs_render_markdown(const bs_tables *ts, bs_buf *out)
{
	bs_arena *a = bs_arena_new();
	bs_buf_add(out, "", 0);
	for (size_t i = 0; i < ts->n; i++) {
		size_t before = out->len;
		bs_table_headers(ts, i, md_hdr, out);
		/* A blank line must separate the header lines from the table. */
		if (out->len > before + (i > 0))
			bs_buf_putc(out, '\n');
		render_table(&ts->tables[i], out, a);
	}
	bs_arena_free(a);
}
