/* prof_internal.h: the decoded profile, shared by the files of prof/. */
#ifndef CBENCH_PROF_INTERNAL_H
#define CBENCH_PROF_INTERNAL_H

#include "prof.h"

#include <stdbool.h>

enum { PF_MAX_VALUES = 8, PF_MAX_LABELS = 8 };

struct pf_label {
	int64_t key, str, num; /* string indices; num when numeric */
};

struct pf_sample {
	uint64_t *loc; /* location ids, leaf first */
	size_t nloc;
	int64_t v[PF_MAX_VALUES];
	size_t nv;
	struct pf_label labels[PF_MAX_LABELS];
	int nlabels;
	/* resolved by pf_resolve_: */
	const char *bench; /* "" when unlabelled */
	const char *repetition;
	int64_t iterations;
	long site_fn, site_file; /* string indices of the site, -1: unknown */
	int64_t site_line;
};

struct pf_location {
	uint64_t id, mapping, function; /* function: innermost line's */
	int64_t line;
	int nlines;
};

struct pf_function {
	uint64_t id;
	int64_t name, file;
};

struct pf_profile {
	char **strings;
	size_t nstrings, capstrings;
	int64_t types[PF_MAX_VALUES];
	size_t ntypes;
	struct pf_sample *samples;
	size_t nsamples, capsamples;
	struct pf_location *locs;
	size_t nlocs, caplocs;
	struct pf_function *funcs;
	size_t nfuncs, capfuncs;
	uint64_t main_mapping;
	int64_t period;
	/* value indices of the sample types, -1 when absent */
	int alloc_objects, alloc_space, inuse_objects, inuse_space;
	const char **benches;
	size_t nbenches;
};

int pf_grow_(void **arr, size_t *cap, size_t size);
/* After decoding: checks string indices, finds the sample types, resolves
 * labels and each sample's site. 0, or -1 with a message. */
int pf_resolve_(pf_profile *p, const char *name, char *err, size_t errlen);

#endif
