/*
 * csv.c — benchstat's -format csv: per table, one row per column
 * key field, a unit row ("sec/op,CI,sec/op,CI,vs base,P"), a row per
 * benchmark with unrounded centers (Go's %v) and the same CI / delta / test
 * texts as the text table, and a geomean row. The column-key header rows and
 * the geomean row are padded to the table's full width (upstream since
 * golang/go#67760); benchmark rows are not. Footnotes cannot live in
 * CSV, so they go to the warnings buffer as "<column><row>: message" with
 * upstream's spreadsheet column letters (which are off by one: column 1
 * is "B"). Quoting follows Go's encoding/csv.
 */
#include "render/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LABEL_COLS = 1, CENTER_COLS = 2, DELTA_COLS = 2 };

static size_t start_col(size_t exp)
{
	if (exp == 0)
		return LABEL_COLS;
	return LABEL_COLS + CENTER_COLS + (exp - 1) * (CENTER_COLS + DELTA_COLS);
}

typedef struct csvrow {
	char **fields;
	size_t n, cap;
} csvrow;

static void push(csvrow *r, const char *s)
{
	size_t len = strlen(s) + 1;
	bs_grow(&r->fields, &r->cap, r->n + 1, sizeof *r->fields);
	r->fields[r->n++] = memcpy(bs_xrealloc(NULL, len), s, len);
}

static void clear_to(csvrow *r, size_t col)
{
	while (r->n < col)
		push(r, "");
}

static int needs_quotes(const char *f)
{
	if (!*f)
		return 0;
	if (strcmp(f, "\\.") == 0 || strpbrk(f, "\n\r\",") != NULL)
		return 1;
	uint32_t r;
	bs_utf8_decode((const unsigned char *)f, strlen(f), &r);
	return bs_is_space_rune(r);
}

static void emit(csvrow *r, bs_buf *out, size_t *count)
{
	for (size_t i = 0; i < r->n; i++) {
		const char *f = r->fields[i];
		if (i)
			bs_buf_putc(out, ',');
		if (!needs_quotes(f)) {
			bs_buf_puts(out, f);
		} else {
			bs_buf_putc(out, '"');
			for (; *f; f++) {
				if (*f == '"')
					bs_buf_putc(out, '"');
				bs_buf_putc(out, *f);
			}
			bs_buf_putc(out, '"');
		}
		bs_free(r->fields[i]);
	}
	bs_buf_putc(out, '\n');
	r->n = 0;
	(*count)++;
}

static void warn(const csvrow *r, size_t row, const char **msgs, size_t n, bs_buf *w)
{
	char name[16];
	size_t pos = sizeof name - 1, x = r->n;
	name[pos] = 0;
	while (x > 0 && pos > 0) {
		name[--pos] = (char)('A' + x % 26);
		x /= 26;
	}
	if (pos == sizeof name - 1)
		name[--pos] = 'A';
	for (size_t i = 0; i < n; i++)
		bs_buf_printf(w, "%s%zu: %s\n", name + pos, row, msgs[i]);
}

static size_t render_table(const bs_table *t, size_t start_row, bs_buf *out, bs_buf *w)
{
	csvrow r = { 0 };
	size_t count = 0;
	char buf[BS_NUM_TEXT];
	for (size_t f = 0; f < t->ncol_fields; f++) {
		for (size_t c = 0; c < t->ncols; c++) {
			clear_to(&r, start_col(c));
			push(&r, t->col_values[c][f]);
		}
		clear_to(&r, start_col(t->ncols));
		emit(&r, out, &count);
	}
	for (size_t c = 0; c < t->ncols; c++) {
		clear_to(&r, start_col(c));
		push(&r, t->unit);
		push(&r, "CI");
		if (c > 0) {
			push(&r, "vs base");
			push(&r, "P");
		}
	}
	emit(&r, out, &count);
	for (size_t row = 0; row < t->nrows; row++) {
		push(&r, t->row_labels[row]);
		for (size_t c = 0; c < t->ncols; c++) {
			const bs_cell *cell = bs_table_cell(t, row, c);
			if (!cell)
				continue;
			clear_to(&r, start_col(c));
			warn(&r, start_row + count, cell->notes, cell->nnotes, w);
			st_format_go_float(cell->summary.center, buf, sizeof buf);
			push(&r, buf);
			bs_fmt_range(&cell->summary, buf, sizeof buf);
			push(&r, buf);
			if (c > 0 && cell->base) {
				warn(&r, start_row + count, cell->cmp_notes, cell->ncmp_notes, w);
				bs_fmt_delta(&cell->cmp, cell->base->summary.center, cell->summary.center, buf, sizeof buf);
				push(&r, buf);
				bs_fmt_test(&cell->cmp, buf, sizeof buf);
				push(&r, buf);
			}
		}
		emit(&r, out, &count);
	}
	push(&r, t->summary_label);
	for (size_t c = 0; c < t->ncols; c++) {
		const bs_colsum *s = &t->summary[c];
		clear_to(&r, start_col(c));
		warn(&r, start_row + count, s->notes, s->nnotes, w);
		if (s->has_summary) {
			st_format_go_float(s->summary, buf, sizeof buf);
			push(&r, buf);
		}
		if (c > 0) {
			clear_to(&r, start_col(c) + CENTER_COLS);
			if (s->has_ratio) {
				bs_fmt_ratio(s->ratio, buf, sizeof buf);
				push(&r, buf);
			} else {
				push(&r, "?");
			}
		}
	}
	clear_to(&r, start_col(t->ncols));
	emit(&r, out, &count);
	bs_free(r.fields);
	return count;
}

typedef struct hdr_ctx {
	bs_buf *out;
	size_t *row;
} hdr_ctx;

static void csv_hdr(void *p, const char *line)
{
	hdr_ctx *h = p;
	csvrow r = { 0 };
	size_t dummy = 0;
	push(&r, line);
	emit(&r, h->out, &dummy);
	bs_free(r.fields);
	(*h->row)++;
}

void bs_render_csv(const bs_tables *ts, bs_buf *out, bs_buf *warnings)
{
	size_t row = 1;
	hdr_ctx h = { out, &row };
	bs_buf_add(out, "", 0);
	bs_buf_add(warnings, "", 0);
	for (size_t i = 0; i < ts->n; i++) {
		bs_table_headers(ts, i, csv_hdr, &h);
		row += render_table(&ts->tables[i], row, out, warnings);
	}
}
