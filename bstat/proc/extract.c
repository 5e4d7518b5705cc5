/*
 * extract.c — pulling key values out of results: .name (the base name),
 * .fullname (minus the keys projected on their own, so -col /size does
 * not split rows by size), /key sub-benchmark values, /gomaxprocs (also
 * the -N suffix) and configuration values; plus bs_proc's lifetime.
 */
#include "proc/proc_internal.h"

#include <stdlib.h>
#include <string.h>

static void release_proc(void *p)
{
	bs_proc_free(p);
}

bs_proc *bs_proc_new(bs_arena *a, bs_map *interns)
{
	bs_proc *p = bs_alloc(a, sizeof *p);
	p->arena = a;
	p->interns = interns;
	bs_map_init(&p->config_keys, a);
	/* Compiled regexps hold memory regfree must release, out of memory
	 * or not. */
	bs_cleanup_push(release_proc, p);
	return p;
}

void bs_proc_free(bs_proc *p)
{
	if (!p)
		return;
	bs_cleanup_forget(release_proc, p);
	bs_regex_list_free(&p->regexes);
	bs_buf_free(&p->scratch);
	for (size_t i = 0; i < p->nfilters; i++)
		bs_free(p->filters[i]->mask);
	bs_free(p->filters);
}

int bs_extractor_for(const char *key, bs_extractor *e, const char **err)
{
	if (!*key) {
		*err = "key must not be empty";
		return -1;
	}
	memset(e, 0, sizeof *e);
	if (strcmp(key, ".name") == 0)
		e->kind = BS_EXT_NAME;
	else if (strcmp(key, ".fullname") == 0)
		e->kind = BS_EXT_FULL;
	else if (key[0] == '/') {
		e->kind = BS_EXT_PART;
		e->arg = key;
		e->gomaxprocs = strcmp(key, "/gomaxprocs") == 0;
	} else {
		e->kind = BS_EXT_CONFIG;
		e->arg = key;
	}
	return 0;
}

/* A name split into parts; parts is stack unless the name has more. */
typedef struct name_parts {
	bs_name_part base, stack[64], *parts;
	size_t n;
} name_parts;

static void split_name(const bs_result *r, name_parts *np)
{
	np->parts = np->stack;
	np->n = bs_name_parts(r->name, r->name_len, &np->base, np->stack, 64);
	if (np->n > 64) {
		np->parts = bs_xrealloc(NULL, np->n * sizeof *np->parts);
		bs_name_parts(r->name, r->name_len, &np->base, np->parts, np->n);
	}
}

static void free_name(name_parts *np)
{
	if (np->parts != np->stack)
		bs_free(np->parts);
}

static int part_has_prefix(bs_name_part part, const char *key)
{
	size_t k = strlen(key);
	return part.len > k && memcmp(part.s, key, k) == 0 && part.s[k] == '=';
}

/* The full name with the excluded keys removed (".name" turns the base
 * into "*"), as upstream's extractFullExcluded. */
static const char *full_excluded(bs_proc *p, const bs_result *r, size_t *len)
{
	int found = p->full_exc_name;
	for (size_t i = 0; !found && i < p->nfull_delete; i++) {
		size_t k = strlen(p->full_delete[i]);
		for (size_t j = 0; j + k < r->name_len + 1 && !found; j++)
			if (memcmp(r->name + j, p->full_delete[i], k) == 0 && j + k <= r->name_len &&
			    r->name[j + k] == '=')
				found = 1;
	}
	if (!found && p->full_exc_procs && bs_name_procs_at(r->name, r->name_len) < r->name_len)
		found = 1;
	if (!found) {
		*len = r->name_len;
		return r->name;
	}
	name_parts np;
	split_name(r, &np);
	bs_name_part base = np.base, *parts = np.parts;
	size_t n = np.n;
	bs_buf *b = &p->scratch;
	bs_buf_clear(b);
	if (p->full_exc_name)
		bs_buf_putc(b, '*');
	else
		bs_buf_add(b, base.s, base.len);
	for (size_t i = 0; i < n; i++) {
		int skip = p->full_exc_procs && parts[i].s[0] == '-';
		for (size_t j = 0; !skip && j < p->nfull_delete; j++)
			skip = part_has_prefix((bs_name_part){ parts[i].s + 1, parts[i].len - 1 },
			                       p->full_delete[j] + 1) && parts[i].s[0] == '/';
		if (!skip)
			bs_buf_add(b, parts[i].s, parts[i].len);
	}
	free_name(&np);
	*len = b->len;
	return b->s ? b->s : "";
}

/* The value of e in r as an interned string ("" when absent). */
const char *bs_extract(bs_proc *p, const bs_extractor *e, const bs_result *r)
{
	switch (e->kind) {
	case BS_EXT_NAME:
		return bs_intern(p->interns, r->name, bs_name_base_len(r->name, r->name_len));
	case BS_EXT_FULL:
		return r->name;
	case BS_EXT_CONFIG: {
		const char *v = bs_result_get_config(r, e->arg);
		return v ? v : "";
	}
	case BS_EXT_PART: {
		name_parts np;
		split_name(r, &np);
		const bs_name_part *parts = np.parts;
		size_t n = np.n;
		const char *out = "";
		if (e->gomaxprocs && n > 0 && parts[n - 1].s[0] == '-')
			out = bs_intern(p->interns, parts[n - 1].s + 1, parts[n - 1].len - 1);
		else
			for (size_t i = 0; i < n; i++)
				if (parts[i].s[0] == '/' &&
				    part_has_prefix((bs_name_part){ parts[i].s + 1, parts[i].len - 1 }, e->arg + 1)) {
					size_t k = strlen(e->arg) + 1;
					out = bs_intern(p->interns, parts[i].s + k, parts[i].len - k);
					break;
				}
		free_name(&np);
		return out;
	}
	}
	return "";
}

static void build_full(bs_proc *p)
{
	if (p->full_built)
		return;
	p->full_built = 1;
	p->full_delete = bs_alloc(p->arena, (p->nfullname_keys + 1) * sizeof *p->full_delete);
	for (size_t i = 0; i < p->nfullname_keys; i++) {
		const char *k = p->fullname_keys[i];
		if (strcmp(k, ".name") == 0)
			p->full_exc_name = 1;
		if (k[0] != '/')
			continue;
		p->full_delete[p->nfull_delete++] = k;
		if (strcmp(k, "/gomaxprocs") == 0)
			p->full_exc_procs = 1;
	}
}

const char *bs_extract_fullname(bs_proc *p, const bs_result *r)
{
	build_full(p);
	if (!p->nfull_delete && !p->full_exc_name && !p->full_exc_procs)
		return r->name;
	size_t len;
	const char *s = full_excluded(p, r, &len);
	return bs_intern(p->interns, s, len);
}
