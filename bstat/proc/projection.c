/*
 * projection.c — projecting results onto keys and ordering keys.
 *
 * A projection is a list of fields; projecting a result fills one value
 * per field and interns the tuple as a key (trailing empty values
 * trimmed, so a field added later does not split earlier keys). The
 * .config group grows a field each time a new configuration key is seen.
 * Order: "first" fields sort by the order their values were first seen,
 * fixed fields by their list, alpha by bytes, num numerically (with k, M,
 * Ki ... prefixes); ties fall back to byte order. As upstream, first-seen
 * ranks are kept only for top-level fields, so .config members sort by
 * bytes.
 */
#include "proc/proc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum op_kind { OP_CONFIG, OP_FULLNAME, OP_EXTRACT };

typedef struct proj_op {
	enum op_kind kind;
	bs_field *field;           /* the field, or the .config group */
	bs_extractor ext;
	bs_map seen;               /* CONFIG: config key -> field pointer index */
	bs_field **seen_fields;
	size_t nseen, seen_cap;
	/* CONFIG: the fields and values the configuration of generation gen
	 * (bs_result.config_gen) gave, replayed while it repeats: looking up
	 * every configuration key of every result was a hash probe per key. */
	unsigned long gen;
	int *gen_idx;
	const char **gen_val;
	size_t ngen, gen_cap;
} proj_op;

/* A key made for a benchmark name under one configuration generation. */
typedef struct name_memo {
	unsigned long gen;
	int key;                   /* key + 1; 0: none */
} name_memo;

typedef struct keyrec {
	const char **vals;
	size_t n;
} keyrec;

struct bs_projection {
	bs_proc *proc;
	bs_field root;
	int nfields;
	bs_field *unit_field;
	proj_op *ops;
	size_t nops, ops_cap;
	const char **row;
	size_t row_cap;
	keyrec *keys;
	size_t nkeys, keys_cap;
	bs_map keymap;             /* bytes of the value pointers -> key */
	/* The key (+ 1) of the last row looked up: `go test -count` writes
	 * the runs of a benchmark one after another, so rows repeat. */
	int last_key;
	/* Without a field read from the benchmark name, keys depend only on
	 * the configuration (and .unit), which consecutive results nearly
	 * always share: the last configuration seen and the keys it gave,
	 * per value unit, are kept and reused while they repeat. */
	int reads_name;
	int reads_config;          /* a field read from the configuration */
	int memo_valid, memo_with_units;
	bs_config *memo_config;
	size_t memo_nconfig, memo_config_cap;
	unsigned long memo_gen;    /* the memoized result's config_gen */
	/* memo_gen when the memo holds bs_project's one key, or
	 * bs_project_values's keys per unit; else 0 (never a generation). */
	unsigned long memo_gen_one, memo_gen_units;
	const char **memo_units;   /* with_units: the unit of each value */
	int *memo_keys;            /* one per value, or one */
	size_t memo_nkeys, memo_units_cap, memo_keys_cap;
	bs_field **flat;
	size_t nflat, flat_cap;
	int flat_valid;
	/* A key made from the name and the configuration (bs_project) is
	 * kept per name id with the configuration's generation, and reused
	 * while that repeats: results list benchmarks round-robin, so probing
	 * the key map for each was a cache miss per result, a fifth of the
	 * time at 100k lines. A key read from the name alone is reused under
	 * any configuration (each file starts a new one). */
	name_memo *name_keys;       /* by name id */
	size_t name_cap;
};

/* ---- fields and orders ---- */

static bs_field *add_field(bs_projection *pr, bs_field *group, const char *name)
{
	bs_proc *p = pr->proc;
	bs_field *f = bs_alloc(p->arena, sizeof *f);
	f->name = name;
	f->idx = pr->nfields++;
	bs_map_init(&f->rank, p->arena);
	bs_agrow(p->arena, &group->sub, &group->sub_cap, group->nsub + 1, sizeof *group->sub);
	group->sub[group->nsub++] = f;
	bs_agrow(p->arena, &pr->row, &pr->row_cap, (size_t)pr->nfields, sizeof *pr->row);
	pr->flat_valid = 0;
	return f;
}

/* The one place order names are read: "first", "fixed" (key@(a b)),
 * "alpha", "num". Returns -1 for any other. */
static int order_named(const char *name, enum bs_order *out)
{
	static const struct { const char *name; enum bs_order order; } orders[] = {
		{ "first", BS_ORDER_FIRST }, { "fixed", BS_ORDER_FIXED },
		{ "alpha", BS_ORDER_ALPHA }, { "num", BS_ORDER_NUM },
	};
	for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++)
		if (strcmp(name, orders[i].name) == 0) {
			*out = orders[i].order;
			return 0;
		}
	return -1;
}

static void init_order(bs_field *f, enum bs_order order, const bs_qfield *q)
{
	f->order = order;
	if (order == BS_ORDER_FIXED) {
		for (size_t i = 0; i < q->nfixed; i++) {
			int created;
			bs_map_ent *e = bs_map_put(&f->rank, q->fixed[i], strlen(q->fixed[i]), (long)i, &created);
			if (!created)
				e->value = (long)i; /* upstream's map keeps the last position */
		}
	} else if (order == BS_ORDER_FIRST) {
		f->ranked = 1;
	}
}

/* Go's parseNum: a float, or digits with an SI/IEC prefix ("2k", "1Mi"). */
static int parse_num(const char *s, double *v)
{
	const char *err;
	if (bs_parse_float(s, strlen(s), v, &err) == 0)
		return 0;
	/* The first run matching [0-9.]+([kKMGTPEZY]i?)?[bB]? anywhere. */
	for (const char *q = s; *q; q++) {
		if (!((*q >= '0' && *q <= '9') || *q == '.'))
			continue;
		const char *e = q;
		while ((*e >= '0' && *e <= '9') || *e == '.')
			e++;
		double m;
		if (bs_parse_float(q, (size_t)(e - q), &m, &err) != 0)
			return -1;
		static const char prefixes[] = "KMGTPEZY";
		int exp = 0, iec = 0;
		if (*e == 'k' || (*e && strchr(prefixes, *e))) {
			exp = 1 + (int)(strchr(prefixes, *e == 'k' ? 'K' : *e) - prefixes);
			iec = e[1] == 'i';
		}
		*v = m * pow(iec ? 1024 : 1000, exp);
		return 0;
	}
	return -1;
}

/* ---- parsing projections ---- */

static bs_projection *new_projection(bs_proc *p)
{
	bs_projection *pr = bs_alloc(p->arena, sizeof *pr);
	pr->proc = p;
	pr->root.idx = -1;
	pr->root.is_tuple = 1;
	bs_map_init(&pr->keymap, p->arena);
	return pr;
}

static proj_op *add_op(bs_projection *pr, enum op_kind kind, bs_field *f)
{
	bs_agrow(pr->proc->arena, &pr->ops, &pr->ops_cap, pr->nops + 1, sizeof *pr->ops);
	proj_op *op = &pr->ops[pr->nops++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->field = f;
	bs_map_init(&op->seen, pr->proc->arena);
	return op;
}

static void add_fixed_filter(bs_filter *flt, const bs_extractor *e, bs_field *f)
{
	bs_proc *p = flt->proc;
	bs_agrow(p->arena, &flt->fixed, &flt->fixed_cap, flt->nfixed + 1, sizeof *flt->fixed);
	flt->fixed[flt->nfixed++] = (bs_fixed_filter){ *e, &f->rank };
}

static int make_field(bs_projection *pr, const char *q, const bs_qfield *qf,
                      bs_filter *filter, bs_buf *err)
{
	bs_proc *p = pr->proc;
	enum bs_order order;
	if (order_named(qf->order, &order) < 0) {
		bs_buf m = { 0 };
		bs_buf_printf(&m, "unknown order \"%s\"", qf->order);
		bs_query_error(err, q, qf->order_off, m.s);
		bs_buf_free(&m);
		return -1;
	}
	int fixed = order == BS_ORDER_FIXED;
	if (strcmp(qf->key, ".config") == 0) {
		if (fixed) {
			bs_query_error(err, q, qf->order_off, "fixed order not allowed for .config");
			return -1;
		}
		p->have_config = 1;
		bs_field *group = bs_alloc(p->arena, sizeof *group);
		group->name = ".config";
		group->is_tuple = 1;
		group->idx = -1;
		bs_map_init(&group->rank, p->arena);
		init_order(group, order, qf);
		group->ranked = 0;
		bs_agrow(p->arena, &pr->root.sub, &pr->root.sub_cap, pr->root.nsub + 1, sizeof *pr->root.sub);
		pr->root.sub[pr->root.nsub++] = group;
		add_op(pr, OP_CONFIG, group);
		pr->reads_config = 1;
		return 0;
	}
	if (strcmp(qf->key, ".fullname") == 0) {
		p->have_fullname = 1;
		bs_field *f = add_field(pr, &pr->root, ".fullname");
		init_order(f, order, qf);
		add_op(pr, OP_FULLNAME, f);
		pr->reads_name = 1;
		if (fixed && filter)
			add_fixed_filter(filter, &(bs_extractor){ BS_EXT_FULL, NULL, 0 }, f);
		return 0;
	}
	if (strcmp(qf->key, ".unit") == 0) {
		bs_query_error(err, q, qf->key_off, ".unit is only allowed in filters");
		return -1;
	}
	bs_extractor e;
	const char *msg;
	if (bs_extractor_for(qf->key, &e, &msg) < 0) {
		bs_query_error(err, q, qf->key_off, msg);
		return -1;
	}
	if (strcmp(qf->key, ".name") == 0 || qf->key[0] == '/') {
		bs_agrow(p->arena, &p->fullname_keys, &p->fullname_cap, p->nfullname_keys + 1,
		         sizeof *p->fullname_keys);
		p->fullname_keys[p->nfullname_keys++] = qf->key;
	} else {
		bs_map_put(&p->config_keys, qf->key, strlen(qf->key), 1, NULL);
	}
	bs_field *f = add_field(pr, &pr->root, qf->key);
	init_order(f, order, qf);
	proj_op *op = add_op(pr, OP_EXTRACT, f);
	op->ext = e;
	pr->reads_name |= e.kind != BS_EXT_CONFIG;
	pr->reads_config |= e.kind == BS_EXT_CONFIG;
	if (fixed && filter)
		add_fixed_filter(filter, &e, f);
	return 0;
}

bs_projection *bs_projection_parse(bs_proc *p, const char *q, bs_filter *filter,
                                   int with_unit, bs_buf *err)
{
	bs_qfield *fields;
	size_t n;
	if (bs_parse_projection(p->arena, q, &fields, &n, err) < 0)
		return NULL;
	bs_projection *pr = new_projection(p);
	for (size_t i = 0; i < n; i++)
		if (make_field(pr, q, &fields[i], filter, err) < 0)
			return NULL;
	if (with_unit) {
		pr->unit_field = add_field(pr, &pr->root, ".unit");
		pr->unit_field->ranked = 1;
	}
	return pr;
}

bs_projection *bs_projection_residue(bs_proc *p)
{
	bs_projection *pr = new_projection(p);
	bs_buf err = { 0 };
	if (!p->have_config)
		make_field(pr, "", &(bs_qfield){ ".config", "first", NULL, 0, 0, 0 }, NULL, &err);
	if (!p->have_fullname)
		make_field(pr, "", &(bs_qfield){ ".fullname", "first", NULL, 0, 0, 0 }, NULL, &err);
	bs_buf_free(&err);
	return pr;
}

/* ---- projecting ---- */

static void keep_config_value(bs_arena *a, proj_op *op, int idx, const char *value)
{
	if (op->ngen == op->gen_cap) {
		size_t cap = op->gen_cap;
		bs_agrow(a, &op->gen_idx, &cap, op->ngen + 1, sizeof *op->gen_idx);
		cap = op->gen_cap;
		bs_agrow(a, &op->gen_val, &cap, op->ngen + 1, sizeof *op->gen_val);
		op->gen_cap = cap;
	}
	op->gen_idx[op->ngen] = idx;
	op->gen_val[op->ngen++] = value;
}

static void populate(bs_projection *pr, const bs_result *r)
{
	bs_proc *p = pr->proc;
	for (int i = 0; i < pr->nfields; i++)
		pr->row[i] = "";
	for (size_t i = 0; i < pr->nops; i++) {
		proj_op *op = &pr->ops[i];
		switch (op->kind) {
		case OP_FULLNAME:
			pr->row[op->field->idx] = bs_extract_fullname(p, r);
			break;
		case OP_EXTRACT:
			pr->row[op->field->idx] = bs_extract(p, &op->ext, r);
			break;
		case OP_CONFIG:
			if (r->config_gen && r->config_gen == op->gen) {
				for (size_t k = 0; k < op->ngen; k++)
					pr->row[op->gen_idx[k]] = op->gen_val[k];
				break;
			}
			op->gen = 0;
			op->ngen = 0;
			for (size_t c = 0; c < r->nconfig; c++) {
				const bs_config *cfg = &r->config[c];
				if (!cfg->file)
					continue;
				size_t klen = strlen(cfg->key);
				bs_map_ent *e = bs_map_find(&op->seen, cfg->key, klen);
				bs_field *f;
				if (e) {
					f = op->seen_fields[e->value];
				} else {
					if (bs_map_find(&p->config_keys, cfg->key, klen))
						continue;
					f = add_field(pr, op->field, cfg->key);
					f->order = op->field->order;
					bs_map_put(&op->seen, cfg->key, klen, (long)op->nseen, NULL);
					bs_agrow(p->arena, &op->seen_fields, &op->seen_cap, op->nseen + 1,
					         sizeof *op->seen_fields);
					op->seen_fields[op->nseen++] = f;
					pr->row[f->idx] = "";
				}
				pr->row[f->idx] = cfg->value;
				keep_config_value(p->arena, op, f->idx, cfg->value);
			}
			op->gen = r->config_gen;
			break;
		}
	}
}

/* Rows are short, so a loop beats calling memcmp. It runs backwards
 * because .unit, when projected, is last and differs most often. */
static int same_values(const keyrec *k, const char **row, size_t n)
{
	if (k->n != n)
		return 0;
	for (size_t i = n; i-- > 0;)
		if (k->vals[i] != row[i])
			return 0;
	return 1;
}

static int intern_row(bs_projection *pr)
{
	size_t n = (size_t)pr->nfields;
	while (n > 0 && pr->row[n - 1][0] == 0)
		n--;
	if (pr->last_key && same_values(&pr->keys[pr->last_key - 1], pr->row, n))
		return pr->last_key - 1;
	int created;
	bs_map_ent *e = bs_map_put(&pr->keymap, n ? (const char *)pr->row : "", n * sizeof *pr->row,
	                           (long)pr->nkeys, &created);
	pr->last_key = (int)e->value + 1;
	if (!created)
		return (int)e->value;
	for (size_t i = 0; i < pr->root.nsub; i++) {
		bs_field *f = pr->root.sub[i];
		if (!f->ranked)
			continue;
		const char *v = (size_t)f->idx < n ? pr->row[f->idx] : "";
		bs_map_put(&f->rank, v, strlen(v), (long)f->rank.n, NULL);
	}
	bs_agrow(pr->proc->arena, &pr->keys, &pr->keys_cap, pr->nkeys + 1, sizeof *pr->keys);
	keyrec *k = &pr->keys[pr->nkeys];
	k->n = n;
	k->vals = bs_alloc(pr->proc->arena, (n + 1) * sizeof *k->vals);
	if (n)
		memcpy(k->vals, pr->row, n * sizeof *k->vals);
	return (int)pr->nkeys++;
}

/* Whether the memoized keys were made from r's configuration (and, with
 * units, from the units of r's nkeys values). */
static int memo_matches(const bs_projection *pr, const bs_result *r, int with_units, size_t nkeys)
{
	if (!pr->memo_valid || pr->memo_with_units != with_units || pr->memo_nkeys != nkeys ||
	    pr->memo_nconfig != r->nconfig)
		return 0;
	for (size_t i = 0; !(r->config_gen && r->config_gen == pr->memo_gen) && i < r->nconfig; i++) {
		const bs_config *a = &r->config[i], *b = &pr->memo_config[i];
		if (a->key != b->key || a->value != b->value || a->file != b->file)
			return 0;
	}
	for (size_t i = 0; with_units && i < nkeys; i++)
		if (pr->memo_units[i] != r->values[i].unit)
			return 0;
	return 1;
}

static void memo_keep(bs_projection *pr, const bs_result *r, int with_units, const int *keys,
                      size_t nkeys)
{
	bs_arena *a = pr->proc->arena;
	if (pr->reads_name)
		return;
	bs_agrow(a, &pr->memo_config, &pr->memo_config_cap, r->nconfig + 1, sizeof *pr->memo_config);
	memcpy(pr->memo_config, r->config, r->nconfig * sizeof *r->config);
	pr->memo_nconfig = r->nconfig;
	pr->memo_gen = r->config_gen;
	bs_agrow(a, &pr->memo_keys, &pr->memo_keys_cap, nkeys + 1, sizeof *pr->memo_keys);
	memcpy(pr->memo_keys, keys, nkeys * sizeof *keys);
	pr->memo_nkeys = nkeys;
	pr->memo_with_units = with_units;
	if (with_units) {
		bs_agrow(a, &pr->memo_units, &pr->memo_units_cap, nkeys + 1, sizeof *pr->memo_units);
		for (size_t i = 0; i < nkeys; i++)
			pr->memo_units[i] = r->values[i].unit;
	}
	pr->memo_valid = 1;
	pr->memo_gen_one = !with_units && nkeys == 1 ? r->config_gen : 0;
	pr->memo_gen_units = with_units ? r->config_gen : 0;
}

/* bs_project past its memos. Not inlined, so that bs_project's memo hits
 * need not save the registers this path uses. */
__attribute__((noinline)) static int project(bs_projection *pr, const bs_result *r)
{
	if (memo_matches(pr, r, 0, 1))
		return pr->memo_keys[0];
	size_t id = r->name_id;
	int by_name = pr->reads_name && id > 0 && (r->config_gen != 0 || !pr->reads_config);
	populate(pr, r);
	int k = intern_row(pr);
	memo_keep(pr, r, 0, &k, 1);
	if (by_name) {
		bs_agrow(pr->proc->arena, &pr->name_keys, &pr->name_cap, id + 1, sizeof *pr->name_keys);
		pr->name_keys[id] = (name_memo){ r->config_gen, k + 1 };
	}
	return k;
}

/*
 * The memos are checked here and everything else is left to project(), so
 * that the three calls per result (row, column, residue) that hit a memo
 * cost a few loads: an equal nonzero configuration generation stands for
 * an equal configuration.
 */
int bs_project(bs_projection *pr, const bs_result *r)
{
	unsigned long gen = r->config_gen;
	size_t id = r->name_id;
	if (gen && gen == pr->memo_gen_one)
		return pr->memo_keys[0];
	/* Keys read from the name alone hold for every configuration. */
	if (id < pr->name_cap && pr->name_keys[id].key &&
	    ((gen && pr->name_keys[id].gen == gen) || !pr->reads_config))
		return pr->name_keys[id].key - 1;
	return project(pr, r);
}

__attribute__((noinline)) static void project_values(bs_projection *pr, const bs_result *r, int *out)
{
	if (memo_matches(pr, r, 1, r->nvalues)) {
		memcpy(out, pr->memo_keys, r->nvalues * sizeof *out);
		return;
	}
	populate(pr, r);
	for (size_t i = 0; i < r->nvalues; i++) {
		pr->row[pr->unit_field->idx] = r->values[i].unit;
		out[i] = intern_row(pr);
	}
	memo_keep(pr, r, 1, out, r->nvalues);
}

void bs_project_values(bs_projection *pr, const bs_result *r, int *out)
{
	size_t n = r->nvalues;
	if (!pr->unit_field) {
		int k = bs_project(pr, r);
		for (size_t i = 0; i < n; i++)
			out[i] = k;
		return;
	}
	/* The memo's units are compared as its keys are copied out. */
	if (r->config_gen && r->config_gen == pr->memo_gen_units && pr->memo_nkeys == n) {
		const char *const *units = pr->memo_units;
		const int *keys = pr->memo_keys;
		const bs_value *v = r->values;
		size_t i = 0;
		for (; i < n && units[i] == v[i].unit; i++)
			out[i] = keys[i];
		if (i == n)
			return;
	}
	project_values(pr, r, out);
}

/* ---- keys ---- */

static void flatten(bs_projection *pr, bs_field *f)
{
	if (f->idx != -1) {
		bs_agrow(pr->proc->arena, &pr->flat, &pr->flat_cap, pr->nflat + 1, sizeof *pr->flat);
		pr->flat[pr->nflat++] = f;
		return;
	}
	for (size_t i = 0; i < f->nsub; i++)
		flatten(pr, f->sub[i]);
}

bs_field **bs_projection_fields(bs_projection *pr, size_t *n)
{
	if (!pr->flat_valid) {
		pr->nflat = 0;
		flatten(pr, &pr->root);
		pr->flat_valid = 1;
	}
	*n = pr->nflat;
	return pr->flat;
}

bs_field *bs_projection_unit_field(bs_projection *pr)
{
	return pr->unit_field;
}

const char *bs_key_get(const bs_projection *pr, int key, const bs_field *f)
{
	const keyrec *k = &pr->keys[key];
	return (size_t)f->idx < k->n ? k->vals[f->idx] : "";
}

void bs_key_label(bs_projection *pr, int key, bs_buf *out)
{
	size_t n;
	bs_field **flat = bs_projection_fields(pr, &n);
	bs_buf_clear(out);
	bs_buf_add(out, "", 0);
	for (size_t i = 0; i < n; i++) {
		const char *v = bs_key_get(pr, key, flat[i]);
		if (!*v)
			continue;
		if (out->len)
			bs_buf_putc(out, ' ');
		bs_buf_puts(out, v);
	}
}

/*
 * Sorting keys. Each key's position under each field (its first-seen or
 * fixed rank, its number) is looked up once, before sorting, into a table
 * of n x fields values; the comparison then reads that table. Looking the
 * ranks up inside the comparison cost two hash probes per field per
 * comparison, n log n of them, each a cache miss once there are 100k rows.
 */
typedef struct sort_key {
	const char **vals;  /* the key's value under each flat field */
	const double *pos;  /* its rank or number under each flat field */
	const signed char *has_pos;
	int key;
} sort_key;

typedef struct sort_ctx {
	bs_field **flat;
	size_t nf;
} sort_ctx;

static int decorated_cmp(const bs_field *f, const sort_key *a, const sort_key *b, size_t i)
{
	switch (f->order) {
	case BS_ORDER_ALPHA:
		return strcmp(a->vals[i], b->vals[i]);
	case BS_ORDER_NUM:
		if (a->has_pos[i] && b->has_pos[i]) {
			double x = a->pos[i], y = b->pos[i];
			if (x < y || (!isnan(x) && isnan(y)))
				return -1;
			if (x > y || (isnan(x) && !isnan(y)))
				return 1;
			return 0;
		}
		if (!a->has_pos[i] && !b->has_pos[i])
			return 0;
		return a->has_pos[i] ? -1 : 1;
	case BS_ORDER_FIRST:
	case BS_ORDER_FIXED:
		return a->pos[i] < b->pos[i] ? -1 : a->pos[i] > b->pos[i];
	}
	return 0;
}

static int key_less(const sort_ctx *c, const sort_key *a, const sort_key *b)
{
	for (size_t i = 0; i < c->nf; i++) {
		const char *x = a->vals[i], *y = b->vals[i];
		/* One string has one rank, so different ranks decide at once,
		 * as the string comparison below would have led to. */
		enum bs_order o = c->flat[i]->order;
		if ((o == BS_ORDER_FIRST || o == BS_ORDER_FIXED) && a->pos[i] != b->pos[i])
			return a->pos[i] < b->pos[i];
		if (x == y || strcmp(x, y) == 0)
			continue;
		int d = decorated_cmp(c->flat[i], a, b, i);
		if (d != 0)
			return d < 0;
		return strcmp(x, y) < 0;
	}
	return 0;
}

/* A merge sort, because qsort cannot pass the context to the comparison
 * without a global. Keys are distinct, so stability is moot. Keys mostly
 * arrive in order (first-seen), so halves already in order are not
 * merged: sorting sorted keys takes n comparisons, not n log n. */
static void merge_sort(const sort_ctx *c, sort_key *keys, sort_key *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2, i = 0, j = h, k = 0;
	merge_sort(c, keys, tmp, h);
	merge_sort(c, keys + h, tmp, n - h);
	if (!key_less(c, &keys[h], &keys[h - 1]))
		return;
	while (i < h && j < n)
		tmp[k++] = key_less(c, &keys[j], &keys[i]) ? keys[j++] : keys[i++];
	while (i < h)
		tmp[k++] = keys[i++];
	while (j < n)
		tmp[k++] = keys[j++];
	memcpy(keys, tmp, n * sizeof *keys);
}

static void decorate(bs_projection *pr, const sort_ctx *c, int key, const char **vals,
                     double *pos, signed char *has_pos)
{
	for (size_t i = 0; i < c->nf; i++) {
		const bs_field *f = c->flat[i];
		vals[i] = bs_key_get(pr, key, f);
		pos[i] = 0;
		has_pos[i] = 0;
		if (f->order == BS_ORDER_NUM) {
			has_pos[i] = parse_num(vals[i], &pos[i]) == 0;
		} else if (f->order == BS_ORDER_FIRST || f->order == BS_ORDER_FIXED) {
			bs_map_ent *e = bs_map_find(&f->rank, vals[i], strlen(vals[i]));
			pos[i] = e ? (double)e->value : 0;
		}
	}
}

void bs_sort_keys(bs_projection *pr, int *keys, size_t n)
{
	sort_ctx c;
	c.flat = bs_projection_fields(pr, &c.nf);
	size_t cells = n * c.nf + 1;
	sort_key *items = bs_xrealloc(NULL, (2 * n + 1) * sizeof *items);
	const char **vals = bs_xrealloc(NULL, cells * sizeof *vals);
	double *pos = bs_xrealloc(NULL, cells * sizeof *pos);
	signed char *has_pos = bs_xrealloc(NULL, cells);
	for (size_t k = 0; k < n; k++) {
		size_t at = k * c.nf;
		decorate(pr, &c, keys[k], vals + at, pos + at, has_pos + at);
		items[k] = (sort_key){ vals + at, pos + at, has_pos + at, keys[k] };
	}
	merge_sort(&c, items, items + n, n);
	for (size_t k = 0; k < n; k++)
		keys[k] = items[k].key;
	bs_free(items);
	bs_free(vals);
	bs_free(pos);
	bs_free(has_pos);
}

size_t bs_nonsingular_fields(bs_projection *pr, const int *keys, size_t n, bs_buf *names)
{
	size_t nf, count = 0;
	bs_field **flat = bs_projection_fields(pr, &nf);
	bs_buf_clear(names);
	if (n <= 1)
		return 0;
	for (size_t i = 0; i < nf; i++) {
		const char *base = bs_key_get(pr, keys[0], flat[i]);
		for (size_t j = 1; j < n; j++)
			if (strcmp(bs_key_get(pr, keys[j], flat[i]), base) != 0) {
				if (count++)
					bs_buf_puts(names, ", ");
				bs_buf_puts(names, flat[i]->name);
				break;
			}
	}
	return count;
}

