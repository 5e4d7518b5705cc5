/*
 * check.c — the gate's walk over bstat's comparison tables and its exit
 * status: every (benchmark, metric) row of the baseline column and a later
 * column goes through gate_judge; what is on one side only becomes an item
 * of its own.
 *
 * A table holds only the columns whose inputs reported its unit, so its
 * column 0 is not always the baseline: a head whose B/op vanished (hooks
 * inactive) gives a B/op table with the baseline alone, and a metric that
 * appears only in the head (retained-B/op is printed only when nonzero)
 * gives a table whose only column is the head. Columns are therefore
 * matched by label across all tables; each table maps its columns to those
 * global ones once. The baseline is the first input's column (the CLI names
 * it, from the builder's column order), never column 0 of the first table:
 * a table without it holds only new benchmarks.
 */
#include "gate.h"

#include <string.h>

typedef struct walk {
	gate_report *r;
	bs_arena *a;
	const gate_config *cfg;
	bs_map columns;             /* label -> global column index, in order seen */
	bs_map *in_column;          /* per global column: benchmarks with any value,
	                             * keyed by bench_key; [0] is the baseline */
	const char **config;        /* per table: its configuration, as one string */
	bs_buf key;
	bs_map reported;            /* "column\nbenchmark" already listed whole */
	size_t columns_cap;
} walk;

static gate_item *add_item(walk *w, enum gate_item_kind kind, const char *benchmark,
                           const char *unit, const char *column)
{
	gate_report *r = w->r;
	bs_agrow(w->a, &r->items, &r->cap, r->nitems + 1, sizeof *r->items);
	gate_item *it = &r->items[r->nitems++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->benchmark = benchmark;
	it->unit = unit;
	it->column = column;
	return it;
}

static size_t global_label(walk *w, const char *label)
{
	int created;
	bs_map_ent *e = bs_map_put(&w->columns, label, strlen(label), (long)w->r->ncolumns, &created);
	if (created) {
		bs_agrow(w->a, &w->r->columns, &w->columns_cap, w->r->ncolumns + 1, sizeof *w->r->columns);
		w->r->columns[w->r->ncolumns++] = e->key;
	}
	return (size_t)e->value;
}

static size_t global_column(walk *w, const bs_table *t, size_t c)
{
	return global_label(w, t->col_labels[c]);
}

/* A benchmark is its row label within its configuration: the same name
 * under another pkg: is another benchmark, so a table of unit U lacking it
 * does not mean it lost U. */
static const char *bench_key(walk *w, size_t table, const char *benchmark)
{
	bs_buf_clear(&w->key);
	bs_buf_printf(&w->key, "%s\n%s", w->config[table], benchmark);
	return w->key.s;
}

static int seen(walk *w, const bs_map *m, size_t table, const char *benchmark)
{
	const char *k = bench_key(w, table, benchmark);
	return bs_map_find(m, k, strlen(k)) != NULL;
}

/* The table's configuration (its key apart from .unit) as one string. */
static const char *config_string(walk *w, const bs_table *t)
{
	bs_buf b = { 0 };
	bs_buf_add(&b, "", 0);
	for (size_t f = 0; f < t->nconfig; f++)
		bs_buf_printf(&b, "%s\x1f%s\x1e", t->config_names[f], t->config_values[f]);
	const char *s = bs_strdup(w->a, b.s);
	bs_buf_free(&b);
	return s;
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
                  const bs_cell *base, const bs_cell *now)
{
	gate_report *r = w->r;
	gate_finding f = gate_judge(w->cfg, t->unit, base, now);
	if (f.verdict == GATE_UNGATED)
		return;
	r->gated++;
	enum gate_item_kind kind = GATE_ITEM_RULE;
	switch (f.verdict) {
	case GATE_REGRESSED:
	case GATE_ZERO_BASELINE:
		r->violations++;
		break;
	case GATE_INVALID:
		r->invalid++;
		break;
	case GATE_NO_MEMORY:
		r->no_memory++;
		break;
	case GATE_UNDERPOWERED:
		r->underpowered++;
		break;
	case GATE_EXACT_VARIES:
		r->exact_varies++;
		break;
	case GATE_MIXED:
		r->mixed++;
		break;
	case GATE_IMPROVED:
		kind = GATE_ITEM_IMPROVED;
		r->improved++;
		break;
	default:
		return;
	}
	gate_item *it = add_item(w, kind, benchmark, t->unit, column);
	it->finding = f;
	it->appeared = base == NULL;
	if (f.verdict == GATE_UNDERPOWERED && !r->first_underpowered)
		r->first_underpowered = it;
	if (f.verdict == GATE_INVALID && !r->first_invalid)
		r->first_invalid = it;
	if (f.verdict == GATE_MIXED && !r->first_mixed)
		r->first_mixed = it;
	if (f.verdict == GATE_EXACT_VARIES && !r->first_exact_varies)
		r->first_exact_varies = it;
}

/* One row of table t against global column g. */
static void check_row(walk *w, size_t ti, const bs_table *t, size_t row, const bs_cell *base,
                      const bs_cell *now, size_t g)
{
	const char *benchmark = t->row_labels[row];
	const char *column = w->r->columns[g];

	if (base && now) {
		w->r->common++;
		judge(w, t, benchmark, column, base, now);
	} else if (base) {
		/* The benchmark ran but lost a metric: a failure only when the
		 * metric is gated (an MB/s column may go with cbench_set_bytes). */
		if (seen(w, &w->in_column[g], ti, benchmark)) {
			if (gate_rule_for(w->cfg, t->unit)) {
				add_item(w, GATE_ITEM_MISSING, benchmark, t->unit, column);
				w->r->missing++;
			}
		} else if (first_report(w, column, benchmark)) {
			add_item(w, GATE_ITEM_MISSING, benchmark, NULL, column);
			w->r->missing++;
		}
	} else if (now) {
		/* A metric the baseline never printed for this benchmark is judged
		 * as if it had been 0 there, so a retained-B/op that appears fails
		 * its rule like one that rose from 0. */
		if (seen(w, &w->in_column[0], ti, benchmark))
			judge(w, t, benchmark, column, NULL, now);
		else if (first_report(w, column, benchmark))
			add_item(w, GATE_ITEM_ADDED, benchmark, NULL, column);
	}
}

/* Table column of each global column (-1: absent), in one pass. */
static long *local_columns(walk *w, const bs_table *t)
{
	long *local = bs_alloc(w->a, (w->r->ncolumns + 1) * sizeof *local);
	for (size_t g = 0; g < w->r->ncolumns; g++)
		local[g] = -1;
	for (size_t c = 0; c < t->ncols; c++)
		local[global_column(w, t, c)] = (long)c;
	return local;
}

static const bs_cell *cell_or_null(const bs_table *t, size_t row, long c)
{
	return c < 0 ? NULL : bs_table_cell(t, row, (size_t)c);
}

/* Whether key is one of the fields the projection expr names (fields are
 * separated by commas or spaces; "key@order" names key). -ignore does not
 * undo a key that -table names: the remedy is to drop it from -table. */
static int named_in(const char *expr, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = expr ? expr : ""; *p;) {
		p += strspn(p, ", ");
		size_t n = strcspn(p, ",@ ");
		if (n == klen && strncmp(p, key, n) == 0)
			return 1;
		p += n;
		if (*p != '@')
			continue;
		p++;
		/* Skip the order, a parenthesized one whole. */
		if (*p == '(') {
			p += strcspn(p, ")");
			p += *p == ')';
		} else {
			p += strcspn(p, ", ");
		}
	}
	return 0;
}

/*
 * When no benchmark is on both sides, the usual cause is a configuration
 * line that differs (pkg:, cpu:), which puts each input in its own table.
 * Collects, per key, the first value the baseline and the first other
 * column had, and keeps the keys where they differ.
 */
static void config_difference(walk *w, const bs_tables *ts)
{
	gate_report *r = w->r;
	bs_map names;               /* key -> index into keys, vals[0], vals[1] */
	const char **keys = NULL, **vals[2] = { NULL, NULL };
	size_t nkeys = 0, cap = 0;
	bs_map_init(&names, w->a);
	for (size_t i = 0; i < ts->n; i++) {
		const bs_table *t = &ts->tables[i];
		for (size_t c = 0; c < t->ncols; c++) {
			size_t g = global_column(w, t, c);
			for (size_t f = 0; g <= 1 && f < t->nconfig; f++) {
				const char *k = t->config_names[f];
				int created;
				bs_map_ent *e = bs_map_put(&names, k, strlen(k), (long)nkeys, &created);
				if (created) {
					size_t c0 = cap, c1 = cap;
					bs_agrow(w->a, &keys, &cap, nkeys + 1, sizeof *keys);
					bs_agrow(w->a, &vals[0], &c0, nkeys + 1, sizeof *vals[0]);
					bs_agrow(w->a, &vals[1], &c1, nkeys + 1, sizeof *vals[1]);
					keys[nkeys] = k;
					vals[0][nkeys] = vals[1][nkeys] = NULL;
					nkeys++;
				}
				if (!vals[g][e->value])
					vals[g][e->value] = t->config_values[f];
			}
		}
	}
	for (size_t i = 0; i < nkeys; i++) {
		const char *bv = vals[0][i] ? vals[0][i] : "", *nv = vals[1][i] ? vals[1][i] : "";
		if (strcmp(bv, nv) == 0)
			continue;
		bs_buf_printf(&r->config_diff, "%s%s: %s in %s, %s in %s", r->config_diff.len ? "; " : "",
		              keys[i], *bv ? bv : "(unset)", r->columns[0], *nv ? nv : "(unset)",
		              r->columns[1]);
		bs_buf *to = named_in(r->ctx.table, keys[i]) ? &r->table_keys : &r->config_keys;
		bs_buf_printf(to, "%s%s", to->len ? "," : "", keys[i]);
	}
}

void gate_check(const bs_tables *ts, const gate_config *cfg, const gate_context *ctx,
                bs_arena *a, gate_report *out)
{
	walk w = { .r = out, .a = a, .cfg = cfg };

	memset(out, 0, sizeof *out);
	out->allow_missing = cfg->allow_missing;
	out->alpha = cfg->alpha;
	if (ctx)
		out->ctx = *ctx;
	bs_map_init(&w.columns, a);
	bs_map_init(&w.reported, a);
	if (out->ctx.baseline)
		global_label(&w, out->ctx.baseline);
	for (size_t i = 0; i < ts->n; i++)
		for (size_t c = 0; c < ts->tables[i].ncols; c++)
			global_column(&w, &ts->tables[i], c);
	w.in_column = bs_alloc(a, (out->ncolumns + 1) * sizeof *w.in_column);
	for (size_t g = 0; g < out->ncolumns; g++)
		bs_map_init(&w.in_column[g], a);
	long **local = bs_alloc(a, (ts->n + 1) * sizeof *local);
	w.config = bs_alloc(a, (ts->n + 1) * sizeof *w.config);
	for (size_t i = 0; i < ts->n; i++) {
		const bs_table *t = &ts->tables[i];
		local[i] = local_columns(&w, t);
		w.config[i] = config_string(&w, t);
		for (size_t c = 0; c < t->ncols; c++) {
			bs_map *m = &w.in_column[global_column(&w, t, c)];
			for (size_t row = 0; row < t->nrows; row++)
				if (bs_table_cell(t, row, c)) {
					const char *k = bench_key(&w, i, t->row_labels[row]);
					bs_map_put(m, k, strlen(k), 0, NULL);
				}
		}
	}
	for (size_t i = 0; i < ts->n; i++) {
		const bs_table *t = &ts->tables[i];
		for (size_t g = 1; g < out->ncolumns; g++)
			for (size_t row = 0; row < t->nrows; row++)
				check_row(&w, i, t, row, cell_or_null(t, row, local[i][0]),
				          cell_or_null(t, row, local[i][g]), g);
	}
	if (out->common == 0 && out->ncolumns > 1)
		config_difference(&w, ts);
	bs_buf_free(&w.key);
}

void gate_report_free(gate_report *r)
{
	bs_buf_free(&r->config_diff);
	bs_buf_free(&r->config_keys);
	bs_buf_free(&r->table_keys);
}

int gate_status(const gate_report *r)
{
	if (r->ncolumns < 2 || r->common == 0)
		return 2;
	if (r->violations > 0 || (r->missing > 0 && !r->allow_missing))
		return 1;
	/* Nothing gated means nothing was checked: a run whose memory columns
	 * vanished must not pass; nor may a metric too small to judge. */
	return r->gated == 0 || r->invalid > 0 || r->underpowered > 0 || r->no_memory > 0 ||
	       r->exact_varies > 0 || r->mixed > 0 ? 2 : 0;
}
