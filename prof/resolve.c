/* resolve.c: turns a decoded profile's indices into meaning: sample types by
 * name, the labels cbench writes (benchmark, repetition, iterations), and
 * each sample's site, the innermost frame in the main executable. Every
 * index read from the file is checked; one out of range is an error. */
#include "prof_internal.h"

#include <stdlib.h>
#include <string.h>

static int by_location_id(const void *a, const void *b)
{
	uint64_t x = ((const struct pf_location *)a)->id, y = ((const struct pf_location *)b)->id;
	return x < y ? -1 : x > y;
}

static int by_function_id(const void *a, const void *b)
{
	uint64_t x = ((const struct pf_function *)a)->id, y = ((const struct pf_function *)b)->id;
	return x < y ? -1 : x > y;
}

static const struct pf_location *location(const pf_profile *p, uint64_t id)
{
	if (p->nlocs == 0)
		return NULL;
	struct pf_location key = {.id = id};
	return bsearch(&key, p->locs, p->nlocs, sizeof key, by_location_id);
}

static const struct pf_function *function(const pf_profile *p, uint64_t id)
{
	if (p->nfuncs == 0)
		return NULL;
	struct pf_function key = {.id = id};
	return bsearch(&key, p->funcs, p->nfuncs, sizeof key, by_function_id);
}

static bool valid(const pf_profile *p, int64_t i)
{
	return i >= 0 && (uint64_t)i < p->nstrings;
}

static int type_index(const pf_profile *p, const char *name)
{
	for (size_t i = 0; i < p->ntypes && i < PF_MAX_VALUES; i++)
		if (strcmp(p->strings[p->types[i]], name) == 0)
			return (int)i;
	return -1;
}

static int check_indices(const pf_profile *p)
{
	for (size_t i = 0; i < p->ntypes && i < PF_MAX_VALUES; i++)
		if (!valid(p, p->types[i]))
			return -1;
	for (size_t i = 0; i < p->nfuncs; i++)
		if (!valid(p, p->funcs[i].name) || !valid(p, p->funcs[i].file))
			return -1;
	for (size_t i = 0; i < p->nsamples; i++)
		for (int k = 0; k < p->samples[i].nlabels; k++)
			if (!valid(p, p->samples[i].labels[k].key) || !valid(p, p->samples[i].labels[k].str))
				return -1;
	return 0;
}

static void resolve_labels(const pf_profile *p, struct pf_sample *s)
{
	s->bench = s->repetition = "";
	for (int k = 0; k < s->nlabels; k++) {
		const char *key = p->strings[s->labels[k].key];
		const char *str = p->strings[s->labels[k].str];
		if (strcmp(key, "benchmark") == 0)
			s->bench = str;
		else if (strcmp(key, "repetition") == 0)
			s->repetition = str;
		else if (strcmp(key, "iterations") == 0)
			s->iterations = s->labels[k].num;
	}
}

/* The innermost frame the program's own code owns: the first location in
 * the main mapping (strdup's malloc is charged to strdup's caller), or the
 * leaf when no location is in it. */
static void resolve_site(const pf_profile *p, struct pf_sample *s)
{
	const struct pf_location *pick = NULL;
	for (size_t i = 0; i < s->nloc && !pick; i++) {
		const struct pf_location *l = location(p, s->loc[i]);
		if (l && l->nlines > 0 && (p->main_mapping == 0 || l->mapping == p->main_mapping))
			pick = l;
	}
	if (!pick && s->nloc > 0)
		pick = location(p, s->loc[0]);
	const struct pf_function *fn = pick && pick->nlines ? function(p, pick->function) : NULL;
	s->site_fn = fn && fn->name > 0 ? (long)fn->name : -1;
	s->site_file = fn && fn->file > 0 ? (long)fn->file : -1;
	s->site_line = pick ? pick->line : 0;
}

static int add_bench(pf_profile *p, const char *bench)
{
	for (size_t i = 0; i < p->nbenches; i++)
		if (strcmp(p->benches[i], bench) == 0)
			return 0;
	const char **q = realloc(p->benches, (p->nbenches + 1) * sizeof *q);
	if (!q)
		return -1;
	p->benches = q;
	p->benches[p->nbenches++] = bench;
	return 0;
}

int pf_resolve_(pf_profile *p, const char *name, char *err, size_t errlen)
{
	if (p->nstrings == 0 || p->strings[0][0] != 0 || check_indices(p)) {
		snprintf(err, errlen, "%s: bad string table (an index out of range, or entry 0 not empty)", name);
		return -1;
	}
	p->alloc_objects = type_index(p, "alloc_objects");
	p->alloc_space = type_index(p, "alloc_space");
	p->inuse_objects = type_index(p, "inuse_objects");
	p->inuse_space = type_index(p, "inuse_space");
	if (p->alloc_objects < 0 || p->alloc_space < 0) {
		snprintf(err, errlen, "%s: not a heap profile (no alloc_objects and alloc_space sample types)", name);
		return -1;
	}
	if (p->period == 0)
		p->period = 1;
	if (p->nlocs) /* qsort and bsearch want a non-NULL array */
		qsort(p->locs, p->nlocs, sizeof *p->locs, by_location_id);
	if (p->nfuncs)
		qsort(p->funcs, p->nfuncs, sizeof *p->funcs, by_function_id);
	for (size_t i = 0; i < p->nsamples; i++) {
		resolve_labels(p, &p->samples[i]);
		resolve_site(p, &p->samples[i]);
		if (add_bench(p, p->samples[i].bench)) {
			snprintf(err, errlen, "%s: out of memory", name);
			return -1;
		}
	}
	return 0;
}

int64_t pf_period(const pf_profile *p)
{
	return p->period;
}

const char *const *pf_benchmarks(const pf_profile *p, size_t *n)
{
	*n = p->nbenches;
	return p->benches;
}

/* Two checkouts of one repository (bench-compare builds base and head in
 * their own worktrees) name the same source file by different absolute
 * paths; without their prefixes the sites line up. */
void pf_trim_paths(pf_profile *p, const char *prefix)
{
	size_t len = strlen(prefix);
	for (size_t i = 0; i < p->nfuncs; i++) {
		char *file = p->strings[p->funcs[i].file];
		if (p->funcs[i].file > 0 && len > 0 && strncmp(file, prefix, len) == 0)
			memmove(file, file + len, strlen(file + len) + 1);
	}
}
