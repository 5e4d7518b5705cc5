/*
 * benchtab.c — building bs_tables from results.
 *
 * Results are bucketed as they arrive: table key (configuration + unit)
 * -> cell (row key, column key) -> sample values, plus the set of residue
 * keys seen in the cell (the parts of the result no projection shows; when
 * they differ, unlike benchmarks were pooled and the cell says "benchmarks
 * vary in ..."). Each table appends its samples to one log, each tagged
 * with its cell, and finishing gathers them per cell: inputs list
 * benchmarks round-robin, so an array per cell would be grown in a
 * different corner of memory for every value read. Tables can be finished
 * all at once or one at a time, so that a caller printing each can free it
 * before building the next. Finishing sorts tables, rows and
 * columns by their projections' orders, summarizes each cell, compares it
 * with column 0 of its row, and computes the geomean row the way
 * benchstat does: a geomean of centers per column and, for other columns,
 * a geomean of ratios to the base (equal centers count as ratio 1, a zero
 * base makes it unknown).
 */
#include "tab/tab.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bcell {
	size_t n;                   /* samples */
	int *residue;               /* distinct residue keys, in the arena, once
	                             * there are two; the first is first_residue */
	size_t nres, res_cap;
	int first_residue;
	int last_residue;           /* the latest residue key seen */
	int row, col;
	int next_in_row;            /* index + 1 of the row's next cell; 0 ends */
} bcell;

/* Row and column keys are small dense integers (indexes into their
 * projections' key lists), so cells are found through arrays indexed by
 * key rather than a hash map: each row key leads to a short chain of
 * cells, one per column the row has. */
typedef struct btable {
	int key;
	int *rows, *cols;           /* keys in first-seen order */
	size_t nrows, ncols, rows_cap, cols_cap;
	int *row_first;             /* row key -> index + 1 of its first cell */
	size_t row_first_cap;
	unsigned char *col_seen;    /* col key -> 1 once seen */
	size_t col_seen_cap;
	bcell *cells;
	size_t ncells, cells_cap;
	int *sample_cell;           /* samples in input order: the cell of each, */
	double *sample_value;       /* and its value (apart: 12 bytes a sample, not 16) */
	size_t nsamples, samples_cap;
	bs_map residues;            /* (cell, residue key) pairs seen, for cells
	                             * with more than RESIDUE_SCAN residue keys */
} btable;

struct bs_builder {
	bs_arena *arena;
	bs_projection *table_by, *row_by, *col_by, *residue;
	btable *tables;
	size_t ntables, tables_cap;
	int *table_of_key;          /* table key -> index + 1 */
	size_t tok_cap;
	int *tkeys;
	size_t tkeys_cap;
	int *order;                 /* tables[order[i]] is the i-th in key order */
	bs_map note_texts;          /* one copy of each footnote text */
	st_warning last_warning;    /* the warning formatted last, and its text: */
	const char *last_warning_text; /* a column of equal samples repeats one */
};

bs_builder *bs_builder_new(bs_arena *a, bs_projection *table_by, bs_projection *row_by,
                           bs_projection *col_by, bs_projection *residue)
{
	bs_builder *b = bs_alloc(a, sizeof *b);
	*b = (bs_builder){ .arena = a, .table_by = table_by, .row_by = row_by,
	                   .col_by = col_by, .residue = residue };
	bs_map_init(&b->note_texts, a);
	return b;
}

void bs_builder_free(bs_builder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->ntables; i++) {
		btable *t = &b->tables[i];
		bs_free(t->cells);
		bs_free(t->sample_cell);
		bs_free(t->sample_value);
		bs_free(t->rows);
		bs_free(t->cols);
		bs_free(t->row_first);
		bs_free(t->col_seen);
	}
	bs_free(b->tables);
	bs_free(b->table_of_key);
	bs_free(b->tkeys);
	bs_free(b->order);
}

static btable *table_for(bs_builder *b, int key)
{
	if ((size_t)key >= b->tok_cap) {
		size_t old = b->tok_cap;
		bs_grow(&b->table_of_key, &b->tok_cap, (size_t)key + 1, sizeof *b->table_of_key);
		memset(b->table_of_key + old, 0, (b->tok_cap - old) * sizeof *b->table_of_key);
	}
	if (!b->table_of_key[key]) {
		bs_grow(&b->tables, &b->tables_cap, b->ntables + 1, sizeof *b->tables);
		btable *t = &b->tables[b->ntables++];
		memset(t, 0, sizeof *t);
		t->key = key;
		bs_map_init(&t->residues, b->arena);
		b->table_of_key[key] = (int)b->ntables;
	}
	return &b->tables[b->table_of_key[key] - 1];
}

static void grow_zeroed_slow(void *arrp, size_t *cap, int key, size_t elem)
{
	void **arr = arrp;
	size_t old = *cap;
	bs_grow(arrp, cap, (size_t)key + 1, elem);
	memset((char *)*arr + old * elem, 0, (*cap - old) * elem);
}

/* Grows a zero-filled array indexed by key so that key fits; the check is
 * inline, as it runs for every value added. */
static inline void grow_zeroed(void *arrp, size_t *cap, int key, size_t elem)
{
	if ((size_t)key >= *cap)
		grow_zeroed_slow(arrp, cap, key, elem);
}

static bcell *cell_for(btable *t, int row, int col)
{
	grow_zeroed(&t->row_first, &t->row_first_cap, row, sizeof *t->row_first);
	int last = 0; /* index + 1 of the row's last cell */
	for (int i = t->row_first[row]; i; i = t->cells[i - 1].next_in_row) {
		if (t->cells[i - 1].col == col)
			return &t->cells[i - 1];
		last = i;
	}
	if (!last) {
		bs_grow(&t->rows, &t->rows_cap, t->nrows + 1, sizeof *t->rows);
		t->rows[t->nrows++] = row;
	}
	grow_zeroed(&t->col_seen, &t->col_seen_cap, col, 1);
	if (!t->col_seen[col]) {
		t->col_seen[col] = 1;
		bs_grow(&t->cols, &t->cols_cap, t->ncols + 1, sizeof *t->cols);
		t->cols[t->ncols++] = col;
	}
	bs_grow(&t->cells, &t->cells_cap, t->ncells + 1, sizeof *t->cells);
	bcell *c = &t->cells[t->ncells++];
	memset(c, 0, sizeof *c);
	c->row = row;
	c->col = col;
	if (last)
		t->cells[last - 1].next_in_row = (int)t->ncells;
	else
		t->row_first[row] = (int)t->ncells;
	return c;
}

/* Up to this many distinct residue keys, a cell's list is scanned; beyond,
 * a set of (cell, residue key) pairs answers, so a cell pooling thousands
 * of configurations does not scan its list for each value. Nearly every
 * cell has one residue key, and a set entry for each cost a tenth of the
 * memory at a million lines. */
enum { RESIDUE_SCAN = 8 };

static int residue_pair_new(btable *t, const bcell *c, int resid)
{
	int pair[2] = { (int)(c - t->cells), resid }, created;
	bs_map_put(&t->residues, (const char *)pair, sizeof pair, 0, &created);
	return created;
}

static void note_residue(bs_builder *b, btable *t, bcell *c, int resid)
{
	if (c->nres == 0) {
		c->first_residue = resid;
		c->nres = 1;
		return;
	}
	if (c->nres < RESIDUE_SCAN) {
		if (c->first_residue == resid)
			return;
		for (size_t i = 1; i < c->nres; i++)
			if (c->residue[i] == resid)
				return;
	} else if (!residue_pair_new(t, c, resid)) {
		return;
	}
	bs_agrow(b->arena, &c->residue, &c->res_cap, c->nres + 1, sizeof *c->residue);
	c->residue[0] = c->first_residue;
	c->residue[c->nres++] = resid;
	if (c->nres == RESIDUE_SCAN)
		for (size_t i = 0; i < c->nres; i++)
			residue_pair_new(t, c, c->residue[i]);
}

void bs_builder_add(bs_builder *b, const bs_result *res)
{
	if (res->nvalues == 0)
		return;
	bs_grow(&b->tkeys, &b->tkeys_cap, res->nvalues, sizeof *b->tkeys);
	bs_project_values(b->table_by, res, b->tkeys);
	int row = bs_project(b->row_by, res);
	int col = bs_project(b->col_by, res);
	int resid = bs_project(b->residue, res);
	for (size_t i = 0; i < res->nvalues; i++) {
		btable *t = table_for(b, b->tkeys[i]);
		bcell *c = cell_for(t, row, col);
		if (t->nsamples == t->samples_cap) {
			size_t cap = t->samples_cap;
			bs_grow(&t->sample_cell, &cap, t->nsamples + 1, sizeof *t->sample_cell);
			bs_grow(&t->sample_value, &t->samples_cap, t->nsamples + 1, sizeof *t->sample_value);
		}
		t->sample_cell[t->nsamples] = (int)(c - t->cells);
		t->sample_value[t->nsamples++] = res->values[i].value;
		c->n++;
		if (c->nres > 0 && c->last_residue == resid)
			continue;
		c->last_residue = resid;
		note_residue(b, t, c, resid);
	}
}

/* ---- finishing ---- */

typedef struct notes {
	const char **items;
	size_t n, cap;
} notes;

/* Notes repeat ("all samples are equal" in every cell of a constant
 * metric), so each text is kept once, in the builder's arena; the lists
 * are the table's, in its arena a. */
static void note(bs_builder *b, bs_arena *a, notes *ns, const char *text)
{
	bs_agrow(a, &ns->items, &ns->cap, ns->n + 1, sizeof *ns->items);
	ns->items[ns->n++] = bs_intern(&b->note_texts, text, strlen(text));
}

/* Whether a and b read the same: the fields their kind's text shows,
 * compared bit for bit. */
static int same_warning(const st_warning *a, const st_warning *b)
{
	if (a->kind != b->kind || a->at_least != b->at_least || a->n != b->n)
		return 0;
	if (a->kind == ST_WARN_NOT_EXACT)
		return memcmp(&a->lo, &b->lo, sizeof a->lo) == 0 &&
		       memcmp(&a->hi, &b->hi, sizeof a->hi) == 0;
	return memcmp(&a->level, &b->level, sizeof a->level) == 0;
}

/* Sized by st_warning_format's snprintf-style length, so never cut. */
static void note_warning(bs_builder *b, bs_arena *a, notes *ns, const st_warning *w)
{
	if (b->last_warning_text && same_warning(w, &b->last_warning)) {
		bs_agrow(a, &ns->items, &ns->cap, ns->n + 1, sizeof *ns->items);
		ns->items[ns->n++] = b->last_warning_text;
		return;
	}
	char stack[256];
	int n = st_warning_format(w, stack, sizeof stack);
	size_t len = (size_t)(n > 0 ? n : 0);
	if (len < sizeof stack) {
		note(b, a, ns, stack);
	} else {
		char *text = bs_xrealloc(NULL, len + 1);
		st_warning_format(w, text, len + 1);
		note(b, a, ns, text);
		bs_free(text);
	}
	b->last_warning = *w;
	b->last_warning_text = ns->items[ns->n - 1];
}

/* key -> its index in keys[0..n), for the keys that occur. */
static size_t *key_positions(const int *keys, size_t n)
{
	int max = 0;
	for (size_t i = 0; i < n; i++)
		if (keys[i] > max)
			max = keys[i];
	size_t *pos = bs_xrealloc(NULL, ((size_t)max + 1) * sizeof *pos);
	for (size_t i = 0; i < n; i++)
		pos[keys[i]] = i;
	return pos;
}

/* Each cell's samples in input order, in arrays from a. */
static double **gather_samples(bs_arena *a, const btable *bt)
{
	double **values = bs_xrealloc(NULL, (bt->ncells + 1) * sizeof *values);
	size_t *fill = bs_xrealloc(NULL, (bt->ncells + 1) * sizeof *fill);
	for (size_t i = 0; i < bt->ncells; i++) {
		/* A cell exists because a value landed in it: n >= 1. */
		values[i] = bs_alloc(a, bt->cells[i].n * sizeof **values);
		fill[i] = 0;
	}
	for (size_t i = 0; i < bt->nsamples; i++) {
		int c = bt->sample_cell[i];
		values[c][fill[c]++] = bt->sample_value[i];
	}
	bs_free(fill);
	return values;
}

static void summarize_cell(bs_builder *b, bs_arena *a, bs_table *t, bcell *bc, double *values,
                           bs_cell *c, double confidence)
{
	notes ns = { 0 };
	c->n = bc->n;
	c->values = values;
	st_sort(c->values, c->n);
	if (bc->nres > 1) {
		bs_buf names = { 0 }, msg = { 0 };
		if (bs_nonsingular_fields(b->residue, bc->residue, bc->nres, &names) > 0) {
			bs_buf_printf(&msg, "benchmarks vary in %s", names.s);
			note(b, a, &ns, msg.s);
			c->varies_in = bs_strdup(a, names.s);
		}
		bs_buf_free(&names);
		bs_buf_free(&msg);
	}
	c->summary = st_summarize(t->assumption, c->values, c->n, confidence);
	for (int i = 0; i < c->summary.nwarnings; i++)
		note_warning(b, a, &ns, &c->summary.warnings[i]);
	c->notes = ns.items;
	c->nnotes = ns.n;
}

static void compare_cell(bs_builder *b, bs_arena *a, const bs_table *t, bs_cell *c, double alpha)
{
	notes ns = { 0 };
	c->cmp = st_compare(t->assumption, c->base->values, c->base->n, c->values, c->n, alpha);
	/* Upstream stops at "all samples are equal" and gives no other reason. */
	int all_equal = 0;
	for (int i = 0; i < c->cmp.nwarnings; i++)
		all_equal |= c->cmp.warnings[i].kind == ST_WARN_ALL_EQUAL;
	for (int i = 0; i < c->cmp.nwarnings; i++)
		if (!all_equal || c->cmp.warnings[i].kind == ST_WARN_ALL_EQUAL)
			note_warning(b, a, &ns, &c->cmp.warnings[i]);
	c->cmp_notes = ns.items;
	c->ncmp_notes = ns.n;
}

static void summarize_col(bs_builder *b, bs_arena *a, bs_table *t, size_t col, size_t nbase)
{
	bs_colsum *s = &t->summary[col];
	notes ns = { 0 };
	double *centers = bs_xrealloc(NULL, (t->nrows + 1) * sizeof *centers);
	double *ratios = bs_xrealloc(NULL, (t->nrows + 1) * sizeof *ratios);
	size_t nc = 0, nr = 0;
	int bad_ratio = 0, is_base = col == 0;
	for (size_t r = 0; r < t->nrows; r++) {
		const bs_cell *c = bs_table_cell(t, r, col);
		if (!c)
			continue;
		centers[nc++] = c->summary.center;
		if (!c->base)
			continue;
		double x = c->summary.center, y = c->base->summary.center;
		if (x == y) {
			ratios[nr++] = 1;
		} else if (y == 0) {
			bad_ratio = 1;
			ratios[nr++] = 0;
		} else {
			ratios[nr++] = x / y;
		}
	}
	if (!is_base && nbase != nr)
		note(b, a, &ns, "benchmark set differs from baseline; geomeans may not be comparable");
	double gm = st_geomean(centers, nc);
	if (isnan(gm))
		note(b, a, &ns, "summaries must be >0 to compute geomean");
	else
		s->has_summary = 1, s->summary = gm;
	if (!is_base && !bad_ratio) {
		gm = st_geomean(ratios, nr);
		if (isnan(gm))
			note(b, a, &ns, "ratios must be >0 to compute geomean");
		else
			s->has_ratio = 1, s->ratio = gm;
	}
	s->notes = ns.items;
	s->nnotes = ns.n;
	bs_free(centers);
	bs_free(ratios);
}

static const char **key_strings(bs_arena *a, bs_projection *pr, int key, bs_field **fields, size_t n)
{
	const char **out = bs_alloc(a, (n + 1) * sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = bs_key_get(pr, key, fields[i]);
	return out;
}

static void finish_table(bs_builder *b, btable *bt, bs_arena *a, bs_table *t, double confidence,
                         double alpha, const bs_unit_meta *units)
{
	*t = (bs_table){ 0 };
	bs_field *uf = bs_projection_unit_field(b->table_by);
	t->unit = bs_key_get(b->table_by, bt->key, uf);
	const char *assume = units ? bs_unit_meta_get(units, t->unit, "assume") : NULL;
	t->assumption = assume && strcmp(assume, "exact") == 0 ? ST_ASSUME_EXACT : ST_ASSUME_NOTHING;
	t->summary_label = "geomean";

	size_t nf;
	bs_field **tf = bs_projection_fields(b->table_by, &nf);
	/* In the builder's arena, with the strings they point to: a table's
	 * header is printed as it differs from the previous table's, which a
	 * caller finishing tables one at a time may have freed by then. */
	t->config_names = bs_alloc(b->arena, (nf + 1) * sizeof *t->config_names);
	t->config_values = bs_alloc(b->arena, (nf + 1) * sizeof *t->config_values);
	for (size_t i = 0; i < nf; i++) {
		if (tf[i] == uf)
			continue;
		t->config_names[t->nconfig] = tf[i]->name;
		t->config_values[t->nconfig++] = bs_key_get(b->table_by, bt->key, tf[i]);
	}

	bs_sort_keys(b->row_by, bt->rows, bt->nrows);
	bs_sort_keys(b->col_by, bt->cols, bt->ncols);
	t->nrows = bt->nrows;
	t->ncols = bt->ncols;
	bs_buf label = { 0 };
	t->row_labels = bs_alloc(a, (t->nrows + 1) * sizeof *t->row_labels);
	for (size_t r = 0; r < t->nrows; r++) {
		bs_key_label(b->row_by, bt->rows[r], &label);
		t->row_labels[r] = bs_strdup(a, label.s);
	}
	bs_field **cf = bs_projection_fields(b->col_by, &t->ncol_fields);
	t->col_field_names = bs_alloc(a, (t->ncol_fields + 1) * sizeof *t->col_field_names);
	for (size_t i = 0; i < t->ncol_fields; i++)
		t->col_field_names[i] = cf[i]->name;
	t->col_values = bs_alloc(a, (t->ncols + 1) * sizeof *t->col_values);
	t->col_labels = bs_alloc(a, (t->ncols + 1) * sizeof *t->col_labels);
	for (size_t c = 0; c < t->ncols; c++) {
		t->col_values[c] = key_strings(a, b->col_by, bt->cols[c], cf, t->ncol_fields);
		bs_key_label(b->col_by, bt->cols[c], &label);
		t->col_labels[c] = bs_strdup(a, label.s);
	}
	bs_buf_free(&label);

	/* Positions of row and column keys, for placing cells: keys are dense
	 * indexes into their projections, so arrays indexed by key serve (a
	 * hash map here cost a cache miss per cell at 100k rows). */
	size_t *rpos = key_positions(bt->rows, bt->nrows);
	size_t *cpos = key_positions(bt->cols, bt->ncols);
	t->cells = bs_alloc(a, (t->nrows * t->ncols + 1) * sizeof *t->cells);
	double **values = gather_samples(a, bt);
	/* The builder's copy is no longer needed: freeing it table by table
	 * keeps the peak near one copy of the samples, not two. */
	bs_free(bt->sample_cell);
	bs_free(bt->sample_value);
	bt->sample_cell = NULL;
	bt->sample_value = NULL;
	bt->nsamples = bt->samples_cap = 0;
	for (size_t i = 0; i < bt->ncells; i++) {
		bcell *bc = &bt->cells[i];
		size_t r = rpos[bc->row], c = cpos[bc->col];
		bs_cell *cell = bs_alloc(a, sizeof *cell);
		summarize_cell(b, a, t, bc, values[i], cell, confidence);
		t->cells[r * t->ncols + c] = cell;
	}
	bs_free(values);
	bs_free(rpos);
	bs_free(cpos);
	/* Nothing reads the builder's cells once the table has its own. */
	bs_free(bt->cells);
	bt->cells = NULL;
	bt->ncells = bt->cells_cap = 0;
	bs_free(bt->row_first);
	bt->row_first = NULL;
	bt->row_first_cap = 0;
	size_t nbase = 0;
	for (size_t r = 0; r < t->nrows; r++) {
		bs_cell *base = t->cells[r * t->ncols];
		nbase += base != NULL;
		for (size_t c = 1; c < t->ncols && base; c++) {
			bs_cell *cell = t->cells[r * t->ncols + c];
			if (!cell)
				continue;
			cell->base = base;
			compare_cell(b, a, t, cell, alpha);
		}
	}
	t->summary = bs_alloc(a, (t->ncols + 1) * sizeof *t->summary);
	for (size_t c = 0; c < t->ncols; c++)
		summarize_col(b, a, t, c, nbase);
}

/* The tables' order: b->tables[b->order[i]] is the i-th by key. */
static void order_tables(bs_builder *b)
{
	if (b->order || b->ntables == 0)
		return;
	int *keys = bs_xrealloc(NULL, b->ntables * sizeof *keys);
	for (size_t i = 0; i < b->ntables; i++)
		keys[i] = b->tables[i].key;
	bs_sort_keys(b->table_by, keys, b->ntables);
	for (size_t i = 0; i < b->ntables; i++)
		keys[i] = b->table_of_key[keys[i]] - 1;
	b->order = keys;
}

int bs_builder_each(bs_builder *b, double confidence, double alpha, const bs_unit_meta *units,
                    int (*each)(const bs_tables *ts, size_t i, void *ctx), void *ctx)
{
	order_tables(b);
	bs_table pair[2] = { { 0 } }; /* the previous table's header, this table */
	int rc = 0;
	for (size_t i = 0; i < b->ntables && rc == 0; i++) {
		bs_arena *a = bs_arena_new();
		finish_table(b, &b->tables[b->order[i]], a, &pair[1], confidence, alpha, units);
		bs_tables view = { .tables = i > 0 ? pair : pair + 1, .n = i > 0 ? 2 : 1,
		                   .confidence = confidence, .alpha = alpha };
		rc = each(&view, view.n - 1, ctx);
		/* The header's arrays are in the builder's arena (finish_table). */
		pair[0] = (bs_table){ .nconfig = pair[1].nconfig, .config_names = pair[1].config_names,
		                      .config_values = pair[1].config_values };
		bs_arena_free(a);
	}
	return rc;
}

bs_tables *bs_builder_finish(bs_builder *b, double confidence, double alpha,
                             const bs_unit_meta *units)
{
	order_tables(b);
	bs_tables *ts = bs_alloc(b->arena, sizeof *ts);
	ts->confidence = confidence;
	ts->alpha = alpha;
	ts->n = b->ntables;
	ts->tables = bs_alloc(b->arena, (ts->n + 1) * sizeof *ts->tables);
	for (size_t i = 0; i < ts->n; i++)
		finish_table(b, &b->tables[b->order[i]], b->arena, &ts->tables[i], confidence, alpha, units);
	return ts;
}
