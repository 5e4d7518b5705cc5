/*
 * proc_internal.h — what the files of bstat/proc share and nobody else
 * sees: the syntax trees of filter and projection queries (query.c holds
 * the grammar), how a key's value is pulled out of a result (extractors,
 * extract.c), and the run state behind bs_proc and bs_filter.
 *
 * Query trees live in the arena passed to the parser; compiled regexps are
 * handed to the caller's list so it can regfree them.
 */
#ifndef BSTAT_PROC_INTERNAL_H
#define BSTAT_PROC_INTERNAL_H

#include <regex.h>

#include "proc.h"

/* ---- query syntax (query.c) ---- */

#include <regex.h>

enum bs_ext_kind { BS_EXT_NAME, BS_EXT_FULL, BS_EXT_PART, BS_EXT_CONFIG };

typedef struct bs_extractor {
	enum bs_ext_kind kind;
	const char *arg;           /* PART: the "/key"; CONFIG: the key */
	int gomaxprocs;            /* PART for /gomaxprocs: also the -N suffix */
} bs_extractor;

enum bs_qop { BS_Q_AND, BS_Q_OR, BS_Q_NOT, BS_Q_MATCH };

typedef struct bs_qnode {
	enum bs_qop op;
	struct bs_qnode **subs;     /* AND/OR operands, NOT's one operand */
	size_t nsubs;
	const char *key;            /* MATCH: the key; lit or re is the value */
	const char *lit;
	regex_t *re;
	int off;                    /* byte offset of the key in the query */
	int is_unit;                /* MATCH on .unit: answers per value */
	bs_extractor ext;           /* MATCH on anything else: compiled once
	                             * by bs_filter_new */
} bs_qnode;

typedef struct bs_qfield {
	const char *key;
	const char *order;          /* "first", "fixed", or a named order */
	const char **fixed;         /* for "fixed": the listed values */
	size_t nfixed;
	int key_off, order_off;
} bs_qfield;

/* Compiled regexps the caller must regfree and free. */
typedef struct bs_regex_list {
	regex_t **items;
	size_t n, cap;
} bs_regex_list;
void bs_regex_list_free(bs_regex_list *l);

/*
 * On error both return -1 and write into err the message upstream gives,
 * "syntax error: MSG\n\tQUERY\n\t   ^" (caret under the offending byte).
 */
int bs_parse_filter(bs_arena *a, bs_regex_list *res, const char *q, bs_qnode **out, bs_buf *err);
int bs_parse_projection(bs_arena *a, const char *q, bs_qfield **out, size_t *n, bs_buf *err);
/* Formats a syntax error at byte offset off of q, as above. */
void bs_query_error(bs_buf *err, const char *q, int off, const char *msg);

/* ---- extraction and run state ---- */


struct bs_proc {
	bs_arena *arena;
	bs_map *interns;
	bs_regex_list regexes;
	bs_map config_keys;        /* configuration keys projected on their own */
	const char **fullname_keys;/* .name and /keys projected on their own */
	size_t nfullname_keys, fullname_cap;
	int have_config, have_fullname;
	int full_built;            /* the .fullname extractor is fixed at first use */
	const char **full_delete;  /* "/key" parts left out of .fullname */
	size_t nfull_delete;
	int full_exc_name, full_exc_procs;
	bs_buf scratch;
	bs_filter **filters;
	size_t nfilters, filters_cap;
};

/* A fixed-order projection (key@(a b)) also drops results whose value is
 * not listed. */
typedef struct bs_fixed_filter {
	bs_extractor ext;
	bs_map *allowed;
} bs_fixed_filter;

struct bs_filter {
	bs_proc *proc;
	bs_qnode *root;
	size_t depth;              /* of the tree at root */
	int is_constant;           /* root answers constant_value for every result */
	int constant_value;
	bs_fixed_filter *fixed;
	size_t nfixed, fixed_cap;
	unsigned char *mask;       /* scratch for per-value answers */
	size_t mask_cap;
};

/* The extractor for a key; -1 with *err set when the key is empty. */
int bs_extractor_for(const char *key, bs_extractor *e, const char **err);
/* The value of e in r, interned ("" when absent). */
const char *bs_extract(bs_proc *p, const bs_extractor *e, const bs_result *r);
/* .fullname without the parts projected elsewhere, interned. */
const char *bs_extract_fullname(bs_proc *p, const bs_result *r);

#endif
