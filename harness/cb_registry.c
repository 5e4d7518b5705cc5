/* cb_registry.c: the list BENCH() fills before main runs, in registration
 * order (source order within a file, link order across files). */
#include "cb_internal.h"

#include <stdlib.h>

static struct cb_entry *entries;
static size_t nentries, capentries;

void cbench_register(const char *name, cbench_fn *fn, unsigned flags)
{
	if (nentries == capentries) {
		size_t cap = capentries ? 2 * capentries : 64;
		struct cb_entry *p = realloc(entries, cap * sizeof *p);
		if (!p)
			return; /* reported as missing from -list; cannot do better before main */
		entries = p;
		capentries = cap;
	}
	entries[nentries++] = (struct cb_entry){name, fn, flags};
}

size_t cb_registry_count(void)
{
	return nentries;
}

const struct cb_entry *cb_registry_get(size_t i)
{
	return i < nentries ? &entries[i] : NULL;
}

void cb_registry_reset(void)
{
	free(entries);
	entries = NULL;
	nentries = capentries = 0;
}
