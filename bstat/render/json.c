/*
 * json.c — -format json: the tables for machines. Every number is
 * written as the shortest text that reads back as the exact double bstat
 * computed, so nothing is rounded for display; texts
 * that the text table shows (range, delta) are included beside them.
 * Non-finite numbers (an infinite CI bound) become null.
 *
 * The layout is cJSON_Print's, which bstat used before it wrote JSON
 * itself (so that the command links no JSON library and can be a static
 * program: README, "bstat's speed"): an object opens with "{\n", each
 * member sits on its own line indented by one tab per level of nesting
 * (arrays count as a level too) as "key":<tab>value, and the closing brace
 * is indented one tab less; arrays stay on one line, elements separated
 * by ", "; empty ones are "[]" and "{\n<indent>}". Strings escape '"', '\\',
 * \b \f \n \r \t and other bytes below 0x20 as \u00xx, nothing else.
 */
#include "render/render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The writer: depth counts open objects and arrays; first says whether the
 * current container has no member yet. */
typedef struct jw {
	bs_buf *out;
	int depth;
	int first[64];
	int in_object[64];
} jw;

static void tabs(jw *w, int n)
{
	for (int i = 0; i < n; i++)
		bs_buf_putc(w->out, '\t');
}

static void string(jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	bs_buf_putc(w->out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const unsigned char *run = p;
		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		bs_buf_add(w->out, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		char esc[7] = { '\\', 0 };
		switch (*p) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
		}
		bs_buf_puts(w->out, esc);
	}
	bs_buf_putc(w->out, '"');
}

/* Starts a member (key non-NULL, in an object) or an element. */
static void member(jw *w, const char *key)
{
	int d = w->depth;
	if (w->in_object[d]) {
		bs_buf_puts(w->out, w->first[d] ? "" : ",\n");
		tabs(w, d);
		string(w, key);
		bs_buf_puts(w->out, ":\t");
	} else if (!w->first[d]) {
		bs_buf_puts(w->out, ", ");
	}
	w->first[d] = 0;
}

static void jw_open(jw *w, const char *key, int object)
{
	member(w, key);
	bs_buf_puts(w->out, object ? "{\n" : "[");
	w->depth++;
	w->first[w->depth] = 1;
	w->in_object[w->depth] = object;
}

static void jw_close(jw *w)
{
	int d = w->depth--;
	if (w->in_object[d]) {
		bs_buf_puts(w->out, w->first[d] ? "" : "\n");
		tabs(w, d - 1);
		bs_buf_putc(w->out, '}');
	} else {
		bs_buf_putc(w->out, ']');
	}
}

static void raw(jw *w, const char *key, const char *text)
{
	member(w, key);
	bs_buf_puts(w->out, text);
}

/* cJSON's own printing checks its 15-digit form with a tolerance, which
 * can drop the last bit; the shortest round-trip text (Go's %v) is exact. */
static void num(jw *w, const char *key, double x)
{
	char buf[40];
	if (isfinite(x))
		st_format_go_float(x, buf, sizeof buf);
	raw(w, key, isfinite(x) ? buf : "null");
}

/* A count, as cJSON printed the integers it was given. */
static void count(jw *w, const char *key, size_t n)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%zu", n);
	raw(w, key, buf);
}

static void str(jw *w, const char *key, const char *s)
{
	member(w, key);
	string(w, s);
}

static void boolean(jw *w, const char *key, int b)
{
	raw(w, key, b ? "true" : "false");
}

static void strings(jw *w, const char *key, const char **s, size_t n)
{
	jw_open(w, key, 0);
	for (size_t i = 0; i < n; i++)
		str(w, NULL, s[i]);
	jw_close(w);
}

static void cell_json(jw *w, const bs_cell *c)
{
	char buf[BS_NUM_TEXT];
	jw_open(w, NULL, 1);
	count(w, "n", c->n);
	jw_open(w, "values", 0);
	for (size_t i = 0; i < c->n; i++)
		num(w, NULL, c->values[i]);
	jw_close(w);
	num(w, "center", c->summary.center);
	num(w, "lo", c->summary.lo);
	num(w, "hi", c->summary.hi);
	num(w, "confidence", c->summary.confidence);
	bs_fmt_range(&c->summary, buf, sizeof buf);
	str(w, "range", buf);
	strings(w, "notes", c->notes, c->nnotes);
	if (c->base) {
		double old = c->base->summary.center, now = c->summary.center;
		jw_open(w, "comparison", 1);
		num(w, "p", c->cmp.p);
		num(w, "u", c->cmp.u);
		count(w, "n_base", (size_t)c->cmp.nx);
		count(w, "n", (size_t)c->cmp.ny);
		num(w, "alpha", c->cmp.alpha);
		boolean(w, "exact_test", c->cmp.exact);
		boolean(w, "significant", st_significant(&c->cmp));
		if (old != 0)
			num(w, "ratio", now / old);
		else
			raw(w, "ratio", "null");
		if (old != 0)
			num(w, "delta_percent", (now / old - 1) * 100);
		else
			raw(w, "delta_percent", "null");
		bs_fmt_delta(&c->cmp, old, now, buf, sizeof buf);
		str(w, "delta", buf);
		strings(w, "notes", c->cmp_notes, c->ncmp_notes);
		jw_close(w);
	}
	jw_close(w);
}

static void table_json(jw *w, const bs_table *t)
{
	jw_open(w, NULL, 1);
	jw_open(w, "config", 1);
	for (size_t i = 0; i < t->nconfig; i++)
		str(w, t->config_names[i], t->config_values[i]);
	jw_close(w);
	str(w, "unit", t->unit);
	boolean(w, "assume_exact", t->assumption == ST_ASSUME_EXACT);
	jw_open(w, "columns", 0);
	for (size_t c = 0; c < t->ncols; c++) {
		const bs_colsum *s = &t->summary[c];
		jw_open(w, NULL, 1);
		jw_open(w, "key", 1);
		for (size_t f = 0; f < t->ncol_fields; f++)
			str(w, t->col_field_names[f], t->col_values[c][f]);
		jw_close(w);
		if (s->has_summary)
			num(w, "geomean", s->summary);
		else
			raw(w, "geomean", "null");
		if (c > 0 && s->has_ratio)
			num(w, "geomean_ratio", s->ratio);
		else if (c > 0)
			raw(w, "geomean_ratio", "null");
		strings(w, "notes", s->notes, s->nnotes);
		jw_close(w);
	}
	jw_close(w);
	jw_open(w, "rows", 0);
	for (size_t r = 0; r < t->nrows; r++) {
		jw_open(w, NULL, 1);
		str(w, "name", t->row_labels[r]);
		jw_open(w, "cells", 0);
		for (size_t c = 0; c < t->ncols; c++) {
			const bs_cell *cell = bs_table_cell(t, r, c);
			if (cell)
				cell_json(w, cell);
			else
				raw(w, NULL, "null");
		}
		jw_close(w);
		jw_close(w);
	}
	jw_close(w);
	jw_close(w);
}

int bs_render_json(const bs_tables *ts, bs_buf *out)
{
	jw w = { .out = out };
	w.first[0] = 1;
	bs_buf_add(out, "", 0);
	jw_open(&w, NULL, 1);
	num(&w, "alpha", ts->alpha);
	num(&w, "confidence", ts->confidence);
	jw_open(&w, "tables", 0);
	for (size_t i = 0; i < ts->n; i++)
		table_json(&w, &ts->tables[i]);
	jw_close(&w);
	jw_close(&w);
	bs_buf_putc(out, '\n');
	return 0;
}
