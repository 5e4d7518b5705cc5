/*
 * proc.h — bstat's second stage (x/perf's benchproc): projections (how results are grouped into tables, rows and
 * columns, and how those groups sort) and filters (which results and which
 * of their values are used), with benchstat's key language: .name,
 * .fullname, .file, .config, .unit, /key sub-benchmark keys, configuration
 * keys, key@alpha, key@num, key@(fixed order), -ignore.
 *
 * Ownership: one bs_proc per run owns every projection, filter, field and
 * key made through it (in the arena and intern map it is given); nothing is
 * freed separately. bs_proc_free releases what is not in the arena.
 * Keys are small integers, valid for the projection that made them.
 */
#ifndef BSTAT_PROC_H
#define BSTAT_PROC_H

#include "format/format.h"

enum bs_order { BS_ORDER_FIRST, BS_ORDER_FIXED, BS_ORDER_ALPHA, BS_ORDER_NUM };

typedef struct bs_field {
	const char *name;
	int is_tuple;              /* .config: a group whose fields appear as keys are seen */
	struct bs_field **sub;
	size_t nsub, sub_cap;
	int idx;                   /* position in a key's values; -1 for groups */
	enum bs_order order;
	int ranked;                /* first-seen ranks kept in rank (top-level FIRST fields) */
	bs_map rank;               /* value -> first-seen rank, or fixed position */
} bs_field;

typedef struct bs_projection bs_projection;
typedef struct bs_filter bs_filter;
typedef struct bs_proc bs_proc;

bs_proc *bs_proc_new(bs_arena *a, bs_map *interns);
void bs_proc_free(bs_proc *p);

/*
 * Parses a filter query ("*" matches everything). Returns NULL and writes
 * the syntax error into err on failure.
 */
bs_filter *bs_filter_new(bs_proc *p, const char *query, bs_buf *err);
/*
 * Applies the filter to res: drops the values a .unit term excludes and
 * returns 1 when anything is left, 0 when the result is filtered out.
 */
int bs_filter_apply(bs_filter *f, bs_result *res);

/*
 * Parses a projection; with_unit appends the .unit field (tables). Fixed
 * orders (key@(a b)) also narrow filter. All projections of one run must be
 * parsed through one bs_proc before any is used, because a key named in one
 * (say -col /size) is left out of .fullname and .config in all of them.
 */
bs_projection *bs_projection_parse(bs_proc *p, const char *q, bs_filter *filter,
                                   int with_unit, bs_buf *err);
/* The fields not projected anywhere (.config, .fullname): their variation
 * within a cell is reported as "benchmarks vary in ...". */
bs_projection *bs_projection_residue(bs_proc *p);

/* The key of res under projection pr. */
int bs_project(bs_projection *pr, const bs_result *res);
/* One key per value of res (differing only in .unit); out has nvalues slots. */
void bs_project_values(bs_projection *pr, const bs_result *res, int *out);

/* Fields in key order (groups expanded); valid until the next projection. */
bs_field **bs_projection_fields(bs_projection *pr, size_t *n);
bs_field *bs_projection_unit_field(bs_projection *pr);
/* The value of field f in key ("" when unset). */
const char *bs_key_get(const bs_projection *pr, int key, const bs_field *f);
/* The non-empty values of key joined by spaces, as row labels show them. */
void bs_key_label(bs_projection *pr, int key, bs_buf *out);
/* Sorts keys by the projection's orders. */
void bs_sort_keys(bs_projection *pr, int *keys, size_t n);
/* Fields whose value differs among keys[0..n) (buf gets their names
 * joined by ", "); returns how many. */
size_t bs_nonsingular_fields(bs_projection *pr, const int *keys, size_t n, bs_buf *names);

#endif
