/*
 * gate_check.c — bstat -gate's walk over the comparison tables: every
 * (benchmark, metric) pair of the baseline column and a later column goes
 * through gate_judge; what is on one side only becomes an item of its own.
 *
 * A table holds only the columns whose inputs reported its unit, so its
 * column 0 is not always the baseline: a head whose B/op vanished (hooks
 * inactive) gives a B/op table with the baseline alone, and a metric that
 * appears only in the head (retained-B/op is printed only when nonzero)
 * gives a table whose only column is the head. Columns are therefore
 * matched by label across all tables, the baseline being the first label.
 */
#include "cli/gate_report.h"

#include <string.h>

#include "render/render.h"

typedef struct walk {
	bs_gate_report *r;
	bs_arena *a;
	const gate_config *cfg;
	bs_map columns;             /* label -> global column index, in order seen */
	const char **labels;
	size_t ncolumns, cap;
	bs_map *in_column;          /* per global column: benchmarks with any value;
	                             * [0] is the baseline */
	bs_map reported;            /* "column\nbenchmark" already listed whole */
} walk;

static bs_gate_item *add_item(walk *w, enum bs_gate_kind kind, const char *benchmark,
                              const char *unit, const char *column)
{
	bs_gate_report *r = w->r;
	bs_agrow(w->a, &r->items, &r->cap, r->nitems + 1, sizeof *r->items);
	bs_gate_item *it = &r->items[r->nitems++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->benchmark = benchmark;
	it->unit = unit;
	it->column = column;
	return it;
}

/* Global index of table column c. */
static size_t global_column(walk *w, const bs_table *t, size_t c)
{
	bs_buf b = { 0 };
	int created;
	bs_col_label(t, c, &b);
	bs_map_ent *e = bs_map_put(&w->columns, b.s, b.len, (long)w->ncolumns, &created);
	if (created) {
		bs_agrow(w->a, &w->labels, &w->cap, w->ncolumns + 1, sizeof *w->labels);
		w->labels[w->ncolumns++] = e->key;
	}
	bs_buf_free(&b);
	return (size_t)e->value;
}

static int seen(const bs_map *m, const char *key)
{
	return bs_map_find(m, key, strlen(key)) != NULL;
}

/* Lists a whole benchmark once per column, however many units it had. */
static int first_report(walk *w, const char *column, const char *benchmark)
{
	bs_buf key = { 0 };
	int created;
	bs_buf_printf(&key, "%s\n%s", column, benchmark);
	bs_map_put(&w->reported, key.s, key.len, 0, &created);
	bs_buf_free(&key);
	return created;
}

static void judge(walk *w, const bs_table *t, const char *benchmark, const char *column,
                  const double *base, size_t nbase, const bs_cell *now, int appeared)
{
	bs_gate_report *r = w->r;
	if (!gate_rule_for(w->cfg, t->unit))
		return;
	gate_finding f = gate_judge(w->cfg, t->unit, base, nbase, now->values, now->n);
	r->gated++;
	if (f.underpowered && !appeared && r->underpowered++ == 0) {
		r->weak_nbase = nbase;
		r->weak_nnew = now->n;
	}
	enum bs_gate_kind kind = BS_GATE_RULE;
	switch (f.verdict) {
	case GATE_REGRESSED:
	case GATE_ZERO_BASELINE:
		r->violations++;
		break;
	case GATE_INVALID:
		r->invalid++;
		break;
	case GATE_IMPROVED:
		kind = BS_GATE_IMPROVED;
		r->improved++;
		break;
	default:
		return;
	}
	bs_gate_item *it = add_item(w, kind, benchmark, t->unit, column);
	it->finding = f;
	it->appeared = appeared;
	it->nbase = appeared ? 0 : nbase;
	it->nnew = now->n;
}

/* One row of table t against global column g. */
static void check_row(walk *w, const bs_table *t, size_t row, const bs_cell *base,
                      const bs_cell *now, size_t g)
{
	static const double absent = 0;
	const char *benchmark = t->row_labels[row];
	const char *column = w->labels[g];

	if (base && now) {
		w->r->common++;
		judge(w, t, benchmark, column, base->values, base->n, now, 0);
	} else if (base) {
		/* The benchmark ran but lost a metric: a failure only when the
		 * metric is gated (an MB/s column may go with cbench_set_bytes). */
		if (seen(&w->in_column[g], benchmark)) {
			if (gate_rule_for(w->cfg, t->unit)) {
				add_item(w, BS_GATE_MISSING, benchmark, t->unit, column);
				w->r->missing++;
			}
		} else if (first_report(w, column, benchmark)) {
			add_item(w, BS_GATE_MISSING, benchmark, NULL, column);
			w->r->missing++;
		}
	} else if (now) {
		/* A metric the baseline never printed for this benchmark is judged
		 * as if it had been 0 there, so a retained-B/op that appears fails
		 * its rule like one that rose from 0. */
		if (seen(&w->in_column[0], benchmark))
			judge(w, t, benchmark, column, &absent, 1, now, 1);
		else if (first_report(w, column, benchmark))
			add_item(w, BS_GATE_ADDED, benchmark, NULL, column);
	}
}

/* Local index of global column g in t, or -1. */
static long local_column(walk *w, const bs_table *t, size_t g)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (global_column(w, t, c) == g)
			return (long)c;
	return -1;
}

static const bs_cell *cell_or_null(const bs_table *t, size_t row, long c)
{
	return c < 0 ? NULL : bs_table_cell(t, row, (size_t)c);
}

void bs_gate_check(const bs_tables *ts, const gate_config *cfg, bs_arena *a,
                   bs_gate_report *out)
{
	walk w = { .r = out, .a = a, .cfg = cfg };

	memset(out, 0, sizeof *out);
	out->allow_missing = cfg->allow_missing;
	out->alpha = cfg->alpha;
	bs_map_init(&w.columns, a);
	bs_map_init(&w.reported, a);
	for (size_t i = 0; i < ts->n; i++)
		for (size_t c = 0; c < ts->tables[i].ncols; c++)
			global_column(&w, &ts->tables[i], c);
	w.in_column = bs_alloc(a, (w.ncolumns + 1) * sizeof *w.in_column);
	for (size_t g = 0; g < w.ncolumns; g++)
		bs_map_init(&w.in_column[g], a);
	for (size_t i = 0; i < ts->n; i++) {
		const bs_table *t = &ts->tables[i];
		for (size_t c = 0; c < t->ncols; c++) {
			bs_map *m = &w.in_column[global_column(&w, t, c)];
			for (size_t row = 0; row < t->nrows; row++)
				if (bs_table_cell(t, row, c))
					bs_map_put(m, t->row_labels[row], strlen(t->row_labels[row]), 0, NULL);
		}
	}
	for (size_t i = 0; i < ts->n; i++) {
		const bs_table *t = &ts->tables[i];
		long base_col = local_column(&w, t, 0);
		for (size_t g = 1; g < w.ncolumns; g++) {
			long new_col = local_column(&w, t, g);
			for (size_t row = 0; row < t->nrows; row++)
				check_row(&w, t, row, cell_or_null(t, row, base_col),
				          cell_or_null(t, row, new_col), g);
		}
	}
	out->ncolumns = w.ncolumns;
}

int bs_gate_status(const bs_gate_report *r)
{
	if (r->common == 0)
		return 2;
	if (r->violations > 0 || (r->missing > 0 && !r->allow_missing))
		return 1;
	/* Nothing gated means nothing was checked: a run whose memory columns
	 * vanished must not pass. */
	return r->gated == 0 || r->invalid > 0 ? 2 : 0;
}
