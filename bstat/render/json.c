/*
 * json.c — -format json: the tables for machines. Every number is
 * written as the shortest text that reads back as the exact double bstat
 * computed, so nothing is rounded for display; texts
 * that the text table shows (range, delta) are included beside them.
 * Non-finite numbers (an infinite CI bound) become null.
 */
#include "render/render.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* cJSON's own printing checks its 15-digit form with a tolerance, which
 * can drop the last bit; the shortest round-trip text (Go's %v) is exact. */
static cJSON *num(double x)
{
	char buf[40];
	if (!isfinite(x))
		return cJSON_CreateNull();
	st_format_go_float(x, buf, sizeof buf);
	return cJSON_CreateRaw(buf);
}

static cJSON *strings(const char **s, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(s[i]));
	return arr;
}

static cJSON *cell_json(const bs_cell *c)
{
	char buf[BS_NUM_TEXT];
	cJSON *o = cJSON_CreateObject();
	cJSON *vals = cJSON_CreateArray();
	for (size_t i = 0; vals && i < c->n; i++)
		cJSON_AddItemToArray(vals, num(c->values[i]));
	cJSON_AddItemToObject(o, "n", cJSON_CreateNumber((double)c->n));
	cJSON_AddItemToObject(o, "values", vals);
	cJSON_AddItemToObject(o, "center", num(c->summary.center));
	cJSON_AddItemToObject(o, "lo", num(c->summary.lo));
	cJSON_AddItemToObject(o, "hi", num(c->summary.hi));
	cJSON_AddItemToObject(o, "confidence", num(c->summary.confidence));
	bs_fmt_range(&c->summary, buf, sizeof buf);
	cJSON_AddItemToObject(o, "range", cJSON_CreateString(buf));
	cJSON_AddItemToObject(o, "notes", strings(c->notes, c->nnotes));
	if (c->base) {
		cJSON *cmp = cJSON_CreateObject();
		double old = c->base->summary.center, now = c->summary.center;
		cJSON_AddItemToObject(cmp, "p", num(c->cmp.p));
		cJSON_AddItemToObject(cmp, "u", num(c->cmp.u));
		cJSON_AddItemToObject(cmp, "n_base", cJSON_CreateNumber(c->cmp.nx));
		cJSON_AddItemToObject(cmp, "n", cJSON_CreateNumber(c->cmp.ny));
		cJSON_AddItemToObject(cmp, "alpha", num(c->cmp.alpha));
		cJSON_AddItemToObject(cmp, "exact_test", cJSON_CreateBool(c->cmp.exact));
		cJSON_AddItemToObject(cmp, "significant", cJSON_CreateBool(st_significant(&c->cmp)));
		cJSON_AddItemToObject(cmp, "ratio", old != 0 ? num(now / old) : cJSON_CreateNull());
		cJSON_AddItemToObject(cmp, "delta_percent",
		                      old != 0 ? num((now / old - 1) * 100) : cJSON_CreateNull());
		bs_fmt_delta(&c->cmp, old, now, buf, sizeof buf);
		cJSON_AddItemToObject(cmp, "delta", cJSON_CreateString(buf));
		cJSON_AddItemToObject(cmp, "notes", strings(c->cmp_notes, c->ncmp_notes));
		cJSON_AddItemToObject(o, "comparison", cmp);
	}
	return o;
}

static cJSON *table_json(const bs_table *t)
{
	cJSON *o = cJSON_CreateObject(), *cfg = cJSON_CreateObject();
	for (size_t i = 0; i < t->nconfig; i++)
		cJSON_AddItemToObject(cfg, t->config_names[i], cJSON_CreateString(t->config_values[i]));
	cJSON_AddItemToObject(o, "config", cfg);
	cJSON_AddItemToObject(o, "unit", cJSON_CreateString(t->unit));
	cJSON_AddItemToObject(o, "assume_exact", cJSON_CreateBool(t->assumption == ST_ASSUME_EXACT));
	cJSON *cols = cJSON_CreateArray();
	for (size_t c = 0; c < t->ncols; c++) {
		cJSON *col = cJSON_CreateObject(), *key = cJSON_CreateObject();
		for (size_t f = 0; f < t->ncol_fields; f++)
			cJSON_AddItemToObject(key, t->col_field_names[f], cJSON_CreateString(t->col_values[c][f]));
		cJSON_AddItemToObject(col, "key", key);
		const bs_colsum *s = &t->summary[c];
		cJSON_AddItemToObject(col, "geomean", s->has_summary ? num(s->summary) : cJSON_CreateNull());
		if (c > 0)
			cJSON_AddItemToObject(col, "geomean_ratio", s->has_ratio ? num(s->ratio) : cJSON_CreateNull());
		cJSON_AddItemToObject(col, "notes", strings(s->notes, s->nnotes));
		cJSON_AddItemToArray(cols, col);
	}
	cJSON_AddItemToObject(o, "columns", cols);
	cJSON *rows = cJSON_CreateArray();
	for (size_t r = 0; r < t->nrows; r++) {
		cJSON *row = cJSON_CreateObject(), *cells = cJSON_CreateArray();
		cJSON_AddItemToObject(row, "name", cJSON_CreateString(t->row_labels[r]));
		for (size_t c = 0; c < t->ncols; c++) {
			const bs_cell *cell = bs_table_cell(t, r, c);
			cJSON_AddItemToArray(cells, cell ? cell_json(cell) : cJSON_CreateNull());
		}
		cJSON_AddItemToObject(row, "cells", cells);
		cJSON_AddItemToArray(rows, row);
	}
	cJSON_AddItemToObject(o, "rows", rows);
	return o;
}

/* cJSON allocates through bstat's list and its out-of-memory policy: its
 * API leaks on a failed allocation (an item whose parent could not be made
 * is never freed), so it is never given NULL; running out frees its blocks
 * with the rest. */
static void *json_alloc(size_t n)
{
	return bs_xrealloc(NULL, n);
}

int bs_render_json(const bs_tables *ts, bs_buf *out)
{
	cJSON_InitHooks(&(cJSON_Hooks){ .malloc_fn = json_alloc, .free_fn = bs_free });
	cJSON *root = cJSON_CreateObject(), *tables = cJSON_CreateArray();
	cJSON_AddItemToObject(root, "alpha", num(ts->alpha));
	cJSON_AddItemToObject(root, "confidence", num(ts->confidence));
	for (size_t i = 0; i < ts->n; i++)
		cJSON_AddItemToArray(tables, table_json(&ts->tables[i]));
	cJSON_AddItemToObject(root, "tables", tables);
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return -1;
	bs_buf_puts(out, text);
	bs_buf_putc(out, '\n');
	cJSON_free(text);
	return 0;
}
