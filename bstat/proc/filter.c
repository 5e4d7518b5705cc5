/*
 * filter.c — evaluating filter expressions on results. A term on .unit
 * answers per value (a mask), any other term answers for the whole result;
 * AND/OR/NOT combine the two kinds as upstream benchproc does, and a
 * result keeps only the values its mask selects.
 */
#include "proc/proc_internal.h"

#include <string.h>

/* Checks every key and compiles its extractor, once per filter. */
static int compile_keys(bs_qnode *q, const char *query, bs_buf *err)
{
	if (q->op != BS_Q_MATCH) {
		for (size_t i = 0; i < q->nsubs; i++)
			if (compile_keys(q->subs[i], query, err) < 0)
				return -1;
		return 0;
	}
	const char *msg;
	if (strcmp(q->key, ".config") == 0) {
		bs_query_error(err, query, q->off, ".config is only allowed in projections");
		return -1;
	}
	q->is_unit = strcmp(q->key, ".unit") == 0;
	if (!q->is_unit && bs_extractor_for(q->key, &q->ext, &msg) < 0) {
		bs_query_error(err, query, q->off, msg);
		return -1;
	}
	return 0;
}

static size_t tree_depth(const bs_qnode *q)
{
	size_t d = 0;
	for (size_t i = 0; i < q->nsubs; i++) {
		size_t s = tree_depth(q->subs[i]);
		if (s > d)
			d = s;
	}
	return d + 1;
}

/* Whether q answers the same for every result ("*", "-*", ...), and how:
 * eval's rules applied to operands that are all constant. */
static int constant(const bs_qnode *q, int *value)
{
	int v;
	switch (q->op) {
	case BS_Q_MATCH:
		return 0;
	case BS_Q_NOT:
		if (!constant(q->subs[0], &v))
			return 0;
		*value = !v;
		return 1;
	case BS_Q_AND:
	case BS_Q_OR: {
		int is_and = q->op == BS_Q_AND, decided = 0;
		for (size_t i = 0; i < q->nsubs; i++) {
			if (!constant(q->subs[i], &v))
				return 0;
			decided |= v != is_and;
		}
		*value = decided ? !is_and : is_and;
		return 1;
	}
	}
	return 0;
}

bs_filter *bs_filter_new(bs_proc *p, const char *query, bs_buf *err)
{
	bs_qnode *root;
	if (bs_parse_filter(p->arena, &p->regexes, query, &root, err) < 0)
		return NULL;
	/* Keys are checked now so errors point into the query. */
	if (compile_keys(root, query, err) < 0)
		return NULL;
	bs_filter *f = bs_alloc(p->arena, sizeof *f);
	f->proc = p;
	f->root = root;
	f->depth = tree_depth(root);
	f->is_constant = constant(root, &f->constant_value);
	bs_grow(&p->filters, &p->filters_cap, p->nfilters + 1, sizeof *p->filters);
	p->filters[p->nfilters++] = f;
	return f;
}

static int match_value(const bs_qnode *q, const char *v)
{
	if (q->re)
		return regexec(q->re, v, 0, NULL, 0) == 0;
	return strcmp(q->lit, v) == 0;
}

/*
 * Evaluates q on r. Returns 1 when the answer is per value (mask[0..n)
 * filled), 0 when it is one answer for the whole result (*x). Masks are
 * carved from scratch at depth*n so nested operators do not collide.
 */
static int eval(bs_filter *f, const bs_qnode *q, const bs_result *r, unsigned char *mask,
                int *x, size_t depth)
{
	size_t n = r->nvalues;
	bs_proc *p = f->proc;
	switch (q->op) {
	case BS_Q_MATCH:
		if (q->is_unit) {
			for (size_t i = 0; i < n; i++)
				mask[i] = match_value(q, r->values[i].unit) ||
				          (r->values[i].orig_unit && match_value(q, r->values[i].orig_unit));
			return 1;
		}
		*x = match_value(q, bs_extract(p, &q->ext, r));
		return 0;
	case BS_Q_NOT: {
		int has = eval(f, q->subs[0], r, mask, x, depth);
		if (!has) {
			*x = !*x;
			return 0;
		}
		for (size_t i = 0; i < n; i++)
			mask[i] = !mask[i];
		return 1;
	}
	case BS_Q_AND:
	case BS_Q_OR: {
		int is_and = q->op == BS_Q_AND, have = 0;
		unsigned char *sub = mask + n;
		for (size_t i = 0; i < q->nsubs; i++) {
			int sx;
			if (!eval(f, q->subs[i], r, sub, &sx, depth + 1)) {
				if (is_and ? !sx : sx) {
					*x = !is_and;
					return 0;
				}
			} else if (!have) {
				memcpy(mask, sub, n);
				have = 1;
			} else {
				for (size_t j = 0; j < n; j++)
					mask[j] = is_and ? (mask[j] & sub[j]) : (mask[j] | sub[j]);
			}
		}
		*x = is_and;
		return have;
	}
	}
	return 0;
}

/* bs_filter_apply unless the query is "*" alone: fixed-order filters first,
 * then the query. */
__attribute__((noinline)) static int apply(bs_filter *f, bs_result *r)
{
	for (size_t i = 0; i < f->nfixed; i++) {
		const char *v = bs_extract(f->proc, &f->fixed[i].ext, r);
		if (f->fixed[i].ext.kind == BS_EXT_FULL)
			v = r->name;
		if (!bs_map_find(f->fixed[i].allowed, v, strlen(v)))
			return 0;
	}
	if (f->is_constant) {
		if (!f->constant_value)
			r->nvalues = 0;
		return f->constant_value;
	}
	size_t n = r->nvalues, need = (f->depth + 1) * (n ? n : 1);
	bs_grow(&f->mask, &f->mask_cap, need, 1);
	int x;
	if (!eval(f, f->root, r, f->mask, &x, 0)) {
		if (!x)
			r->nvalues = 0;
		return x;
	}
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (f->mask[i])
			r->values[j++] = r->values[i];
	r->nvalues = j;
	return j > 0;
}

/* The default "*" is decided once, not walked for every result (and the
 * rest is not inlined, so this costs a few loads). */
int bs_filter_apply(bs_filter *f, bs_result *r)
{
	if (f->is_constant && f->constant_value && f->nfixed == 0)
		return 1;
	return apply(f, r);
}
