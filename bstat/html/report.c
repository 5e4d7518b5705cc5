/*
 * report.c — -format html: the comparison as a page. Per table (the same
 * tables, in the same order, as the text format), its configuration, then
 * one card per benchmark: a strip plot of every input's samples on one
 * scale, and the row of the text table beside it (median ± range, delta,
 * test) with the same footnote numbers; then the geomean and the footnotes.
 * With -gate, the verdict and the gate's report open the page and the rows
 * the gate failed are highlighted.
 *
 * What must stay true: every text is the one the text table prints
 * (render.h's bs_fmt_*), and a delta is coloured only when st_significant
 * says so, the same rule that makes bs_fmt_delta print "~".
 */
#include "html/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "render/render.h"

/* Footnote numbers in first-use order, as the text table numbers them. */
typedef struct notes {
	bs_map index;
	const char **list;
	size_t n, cap;
	bs_arena *a;
} notes;

static void marks(bs_buf *out, notes *fn, const char **texts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int created;
		bs_map_ent *e = bs_map_put(&fn->index, texts[i], strlen(texts[i]), (long)fn->n, &created);
		if (created) {
			bs_agrow(fn->a, &fn->list, &fn->cap, fn->n + 1, sizeof *fn->list);
			fn->list[fn->n++] = e->key;
		}
		bs_buf_puts(out, "<sup>");
		bs_superscript((size_t)e->value + 1, out);
		bs_buf_puts(out, "</sup>");
	}
}

/* "fail" for a row the gate failed, "unjudged" for one it could not judge. */
static const char *gate_mark(const bs_html_gate *g, const char *unit, const char *bench,
                             const char *column)
{
	if (!g || !g->report)
		return "";
	const char *mark = "";
	for (size_t i = 0; i < g->report->nitems; i++) {
		const gate_item *it = &g->report->items[i];
		if (strcmp(it->benchmark, bench) != 0 || (column && strcmp(it->column, column) != 0))
			continue;
		if (it->unit && strcmp(it->unit, unit) != 0)
			continue;
		if (it->kind == GATE_ITEM_MISSING && !g->report->allow_missing)
			return "fail";
		if (it->kind != GATE_ITEM_RULE)
			continue;
		enum gate_verdict v = it->finding.verdict;
		if (v == GATE_REGRESSED || v == GATE_ZERO_BASELINE)
			return "fail";
		if (v == GATE_INVALID || v == GATE_UNDERPOWERED)
			mark = "unjudged";
	}
	return mark;
}

/* "worse", "better" or "nosig": the colour of a delta. */
static const char *delta_class(const bs_table *t, const bs_cell *c)
{
	if (!st_significant(&c->cmp) || c->summary.center == c->base->summary.center)
		return "nosig";
	int up = c->summary.center > c->base->summary.center;
	return up == gate_higher_is_better(t->unit) ? "better" : "worse";
}

static void cells_row(bs_buf *out, const bs_table *t, size_t r, size_t c, bs_scaler sc,
                      notes *fn, const char *mark)
{
	const bs_cell *cell = bs_table_cell(t, r, c);
	char buf[256];
	bs_buf_printf(out, "<tr%s%s%s><td>", *mark ? " class=\"" : "", mark, *mark ? "\"" : "");
	bs_html_escape(out, t->col_labels[c]);
	bs_buf_puts(out, "</td><td class=\"num\">");
	if (cell) {
		bs_scaler_format(sc, cell->summary.center, buf, sizeof buf);
		bs_html_escape(out, buf);
		bs_fmt_range(&cell->summary, buf, sizeof buf);
		bs_buf_puts(out, " ± ");
		bs_html_escape(out, buf);
		marks(out, fn, cell->notes, cell->nnotes);
	}
	bs_buf_puts(out, "</td>");
	if (cell && cell->base) {
		bs_fmt_delta(&cell->cmp, cell->base->summary.center, cell->summary.center, buf, sizeof buf);
		bs_buf_printf(out, "<td class=\"num delta %s\">", delta_class(t, cell));
		bs_html_escape(out, buf);
		bs_fmt_test(&cell->cmp, buf, sizeof buf);
		bs_buf_puts(out, "</td><td class=\"test\">(");
		bs_html_escape(out, buf);
		bs_buf_puts(out, ")");
		marks(out, fn, cell->cmp_notes, cell->ncmp_notes);
		bs_buf_puts(out, "</td>");
	} else if (t->ncols > 1) {
		bs_buf_puts(out, "<td></td><td></td>");
	}
	bs_buf_puts(out, "</tr>\n");
}

static void bench_card(bs_buf *out, const bs_table *t, size_t r, const bs_html_gate *g,
                       notes *fn, bs_svg_lane *lanes, double *centers)
{
	const char *label = t->row_labels[r];
	size_t nc = 0;
	int failed = 0;
	for (size_t c = 0; c < t->ncols; c++) {
		const bs_cell *cell = bs_table_cell(t, r, c);
		if (cell)
			centers[nc++] = cell->summary.center;
		const char *mark = c > 0 ? gate_mark(g, t->unit, label, t->col_labels[c]) : "";
		failed |= strcmp(mark, "fail") == 0;
		lanes[c] = (bs_svg_lane){ t->col_labels[c], cell, c == 0, mark };
	}
	bs_scaler sc = bs_common_scale(centers, nc, bs_unit_class_of(t->unit));
	bs_buf_printf(out, "<div class=\"bench%s\" data-unit=\"", failed ? " fail" : "");
	bs_html_escape(out, t->unit);
	bs_buf_puts(out, "\" data-bench=\"");
	bs_html_escape(out, label);
	bs_buf_puts(out, "\">\n<h3>");
	bs_html_escape(out, label);
	bs_buf_puts(out, "</h3>\n<div class=\"fig\">\n");
	bs_buf title = { 0 };
	bs_buf_printf(&title, "%s, %s, samples of each input", label, t->unit);
	bs_svg_strip(out, lanes, t->ncols, t->unit, title.s);
	bs_buf_free(&title);
	bs_buf_puts(out, "</div>\n<div class=\"wrap\"><table class=\"cells\">\n<tr><th></th><th>");
	bs_html_escape(out, t->unit);
	bs_buf_puts(out, t->ncols > 1 ? "</th><th>vs base</th><th></th></tr>\n" : "</th></tr>\n");
	for (size_t c = 0; c < t->ncols; c++)
		cells_row(out, t, r, c, sc, fn, lanes[c].mark);
	bs_buf_puts(out, "</table></div>\n</div>\n");
}

static void geomean(bs_buf *out, const bs_table *t, notes *fn)
{
	char buf[64];
	enum bs_unit_class cls = bs_unit_class_of(t->unit);
	bs_buf_puts(out, "<p class=\"geomean\"><b>");
	bs_html_escape(out, t->summary_label);
	bs_buf_puts(out, "</b> ");
	for (size_t c = 0; c < t->ncols; c++) {
		const bs_colsum *s = &t->summary[c];
		bs_buf_puts(out, "<span>");
		bs_html_escape(out, t->col_labels[c]);
		bs_buf_puts(out, ": ");
		if (s->has_summary) {
			bs_scale(s->summary, cls, buf, sizeof buf);
			bs_html_escape(out, buf);
		}
		if (c > 0) {
			if (s->has_ratio)
				bs_fmt_ratio(s->ratio, buf, sizeof buf);
			else
				snprintf(buf, sizeof buf, "?");
			bs_buf_puts(out, " <b>");
			bs_html_escape(out, buf);
			bs_buf_puts(out, "</b>");
		}
		marks(out, fn, s->notes, s->nnotes);
		bs_buf_puts(out, "</span>");
	}
	bs_buf_puts(out, "</p>\n");
}

static void render_table(bs_buf *out, const bs_table *t, const bs_html_gate *g, bs_arena *a)
{
	notes fn = { .a = a };
	bs_map_init(&fn.index, a);
	bs_buf_puts(out, "<section class=\"table\" data-unit=\"");
	bs_html_escape(out, t->unit);
	bs_buf_puts(out, "\">\n<h2>");
	bs_html_escape(out, t->unit);
	bs_buf_puts(out, "</h2>\n");
	if (t->nconfig) {
		bs_buf_puts(out, "<p class=\"config\">");
		for (size_t f = 0; f < t->nconfig; f++) {
			bs_buf_puts(out, "<span>");
			bs_html_escape(out, t->config_names[f]);
			bs_buf_puts(out, ": ");
			bs_html_escape(out, t->config_values[f]);
			bs_buf_puts(out, "</span>");
		}
		bs_buf_puts(out, "</p>\n");
	}
	bs_svg_lane *lanes = bs_xrealloc(NULL, (t->ncols + 1) * sizeof *lanes);
	double *centers = bs_xrealloc(NULL, (t->ncols + 1) * sizeof *centers);
	for (size_t r = 0; r < t->nrows; r++)
		bench_card(out, t, r, g, &fn, lanes, centers);
	bs_free(lanes);
	bs_free(centers);
	if (t->nrows > 1)
		geomean(out, t, &fn);
	if (fn.n) {
		bs_buf_puts(out, "<ol class=\"notes\">\n");
		for (size_t i = 0; i < fn.n; i++) {
			bs_buf_puts(out, "<li>");
			bs_html_escape(out, fn.list[i]);
			bs_buf_puts(out, "</li>\n");
		}
		bs_buf_puts(out, "</ol>\n");
	}
	bs_buf_puts(out, "</section>\n");
}

static void verdict(bs_buf *out, const bs_html_gate *g)
{
	static const char *cls[] = { "pass", "fail", "unknown" };
	static const char *words[] = { "Gate: pass", "Gate: regression", "Gate: could not judge" };
	int s = g->status >= 0 && g->status <= 2 ? g->status : 2;
	bs_buf_printf(out, "<div class=\"verdict %s\" id=\"verdict\"><strong>%s</strong>"
	              " <span class=\"legend\">(exit status %d)</span>\n<pre>", cls[s], words[s], g->status);
	bs_html_escape(out, g->text ? g->text : "");
	bs_buf_puts(out, "</pre></div>\n");
}

void bs_html_report(const bs_tables *ts, const bs_html_gate *gate, const char *input_notes,
                    const char *title, bs_buf *out)
{
	bs_arena *a = bs_arena_new();
	bs_html_begin(out, title);
	bs_buf_puts(out, "<h1>");
	bs_html_escape(out, title);
	bs_buf_puts(out, "</h1>\n");
	if (gate)
		verdict(out, gate);
	if (input_notes && *input_notes) {
		bs_buf_puts(out, "<div class=\"warnings\"><b>Input warnings</b>\n<pre>");
		bs_html_escape(out, input_notes);
		bs_buf_puts(out, "</pre></div>\n");
	}
	bs_buf_printf(out, "<p class=\"legend\">Each dot is one run; the tick is the median, the bar "
	              "its %g%% confidence interval.<i class=\"kb\"></i>baseline"
	              "<i class=\"kn\"></i>compared with it. A delta is coloured "
	              "when p &lt;= %g, as the text table prints it; <code>~</code> means no "
	              "significant change.</p>\n", ts->confidence * 100, ts->alpha);
	for (size_t i = 0; i < ts->n; i++)
		render_table(out, &ts->tables[i], gate, a);
	if (ts->n == 0)
		bs_buf_puts(out, "<p>No benchmark results.</p>\n");
	bs_html_end(out);
	bs_arena_free(a);
}
