/*
 * benchproc_internal.h — what projection.c, extract.c and filter.c share:
 * how a key's value is pulled out of a result (extractors), and the run
 * state behind bs_proc and bs_filter. Private to bstat's benchproc files.
 */
#ifndef BSTAT_BENCHPROC_INTERNAL_H
#define BSTAT_BENCHPROC_INTERNAL_H

#include "benchproc.h"

enum bs_ext_kind { BS_EXT_NAME, BS_EXT_FULL, BS_EXT_PART, BS_EXT_CONFIG };

typedef struct bs_extractor {
	enum bs_ext_kind kind;
	const char *arg;           /* PART: the "/key"; CONFIG: the key */
	int gomaxprocs;            /* PART for /gomaxprocs: also the -N suffix */
} bs_extractor;

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
