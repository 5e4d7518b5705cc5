/*
 * gate_check.c — bstat -gate's walk over the comparison tables: every
 * (benchmark, metric) cell pair of the base column and a later column goes
 * through gate_judge; benchmarks on one side only become items of their own.
 */
#include "gate_report.h"

#include <string.h>

static bs_gate_item *add_item(bs_gate_report *r, bs_arena *a, enum bs_gate_kind kind,
                              const char *benchmark, const char *unit, const char *column)
{
	bs_agrow(a, &r->items, &r->cap, r->nitems + 1, sizeof *r->items);
	bs_gate_item *it = &r->items[r->nitems++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->benchmark = benchmark;
	it->unit = unit;
	it->column = column;
	return it;
}

/* The column's label as the table header shows it, e.g. "new.txt". */
static const char *column_label(const bs_table *t, size_t c, bs_arena *a)
{
	bs_buf b = { 0 };
	bs_buf_add(&b, "", 0);
	for (size_t f = 0; f < t->ncol_fields; f++) {
		if (!*t->col_values[c][f])
			continue;
		if (b.len)
			bs_buf_putc(&b, ' ');
		bs_buf_puts(&b, t->col_values[c][f]);
	}
	const char *label = bs_strdup(a, b.s);
	bs_buf_free(&b);
	return label;
}

static void judge_pair(bs_gate_report *r, bs_arena *a, const gate_config *cfg,
                       const bs_table *t, size_t row, const char *column,
                       const bs_cell *base, const bs_cell *now)
{
	r->common++;
	if (!gate_rule_for(cfg, t->unit))
		return;
	gate_finding f = gate_judge(cfg, t->unit, base->values, base->n, now->values, now->n);
	r->gated++;
	if (f.underpowered && r->underpowered++ == 0) {
		r->weak_nbase = base->n;
		r->weak_nnew = now->n;
	}
	enum bs_gate_kind kind;
	switch (f.verdict) {
	case GATE_REGRESSED:
	case GATE_ZERO_BASELINE:
		kind = BS_GATE_RULE;
		r->violations++;
		break;
	case GATE_IMPROVED:
		kind = BS_GATE_IMPROVED;
		r->improved++;
		break;
	default:
		return;
	}
	bs_gate_item *it = add_item(r, a, kind, t->row_labels[row], t->unit, column);
	it->finding = f;
	it->nbase = base->n;
	it->nnew = now->n;
}

void bs_gate_check(const bs_tables *ts, const gate_config *cfg, bs_arena *a,
                   bs_gate_report *out)
{
	bs_map added;   /* "column\nbenchmark" of new benchmarks already listed */

	memset(out, 0, sizeof *out);
	out->allow_missing = cfg->allow_missing;
	out->alpha = cfg->alpha;
	bs_map_init(&added, a);
	for (size_t i = 0; i < ts->n; i++) {
		const bs_table *t = &ts->tables[i];
		for (size_t c = 1; c < t->ncols; c++) {
			const char *column = column_label(t, c, a);
			for (size_t row = 0; row < t->nrows; row++) {
				const bs_cell *base = bs_table_cell(t, row, 0);
				const bs_cell *now = bs_table_cell(t, row, c);
				if (base && now) {
					judge_pair(out, a, cfg, t, row, column, base, now);
				} else if (base) {
					add_item(out, a, BS_GATE_MISSING, t->row_labels[row], t->unit, column);
					out->missing++;
				} else if (now) {
					bs_buf key = { 0 };
					int created;
					bs_buf_printf(&key, "%s\n%s", column, t->row_labels[row]);
					bs_map_put(&added, key.s, key.len, 0, &created);
					bs_buf_free(&key);
					if (created)
						add_item(out, a, BS_GATE_ADDED, t->row_labels[row], t->unit, column);
				}
			}
		}
	}
	bs_map_free(&added);
}

int bs_gate_status(const bs_gate_report *r)
{
	if (r->common == 0)
		return 2;
	if (r->violations > 0 || (r->missing > 0 && !r->allow_missing))
		return 1;
	/* Nothing gated means nothing was checked: a run whose memory columns
	 * vanished must not pass. */
	return r->gated == 0 ? 2 : 0;
}
