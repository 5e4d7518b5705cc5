/* cb_profwin.c: what the memory profile holds: the sites sampled during the
 * measured runs, the ones whose result lines are printed, each labelled with
 * its benchmark and repetition. Warm-up, calibration, retained-B/op and
 * zero-allocation re-runs are sampled too (the profiler cannot know in
 * advance which run calibration will keep) but every run begins by
 * forgetting the samples before it, so what is here when the runner calls
 * cb_profwin_keep is exactly the run it is about to print. In-use is then
 * what that run allocated and had not freed when its timer stopped.
 *
 * Runs between benchmarks, with the timer stopped; its own allocations are
 * suppressed so that they are neither counted nor profiled. */
#include "cb_profwin.h"
#include "cb_hooks.h"
#include "cb_profile.h"

#include <stdlib.h>
#include <string.h>

struct kept {
	struct cb_site site;
	size_t label; /* index into labels */
};

struct label {
	char *bench;
	int64_t repetition;
	int64_t n; /* the run's iterations */
};

static struct kept *kept;
static size_t nkept, capkept;
static struct label *labels;
static size_t nlabels, caplabels;
static bool lossy;

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? 2 * *cap : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

/* Repetitions of one name are few (-count); benchmarks are many but each
 * keep scans only back to the last label of the same name. */
static int64_t next_repetition(const char *bench)
{
	for (size_t i = nlabels; i > 0; i--)
		if (strcmp(labels[i - 1].bench, bench) == 0)
			return labels[i - 1].repetition + 1;
	return 1;
}

static bool add_label(const char *bench, int64_t n)
{
	if (!grow((void **)&labels, &caplabels, nlabels + 1, sizeof *labels))
		return false;
	char *copy = strdup(bench);
	if (!copy)
		return false;
	labels[nlabels] = (struct label){copy, next_repetition(bench), n};
	nlabels++;
	return true;
}

static void keep_sites(void)
{
	size_t label = nlabels - 1;
	for (size_t i = 0; i < cb_profile_nsites(); i++) {
		const struct cb_site *s = cb_profile_site(i);
		if (s->allocs == 0)
			continue;
		if (!grow((void **)&kept, &capkept, nkept + 1, sizeof *kept)) {
			lossy = true;
			return;
		}
		kept[nkept].site = *s;
		kept[nkept].label = label;
		nkept++;
	}
}

void cb_profwin_keep(const char *bench, int64_t n)
{
	if (cb_profile_nsites() == 0)
		return;
	cb_hooks_suppress_begin();
	if (add_label(bench, n))
		keep_sites();
	else
		lossy = true;
	cb_hooks_suppress_end();
}

size_t cb_profwin_nsamples(void)
{
	return nkept;
}

const struct cb_site *cb_profwin_sample(size_t i, const char **bench, int64_t *repetition,
				       int64_t *n)
{
	if (i >= nkept)
		return NULL;
	*bench = labels[kept[i].label].bench;
	*repetition = labels[kept[i].label].repetition;
	*n = labels[kept[i].label].n;
	return &kept[i].site;
}

bool cb_profwin_lossy(void)
{
	return lossy;
}

void cb_profwin_reset(void)
{
	for (size_t i = 0; i < nlabels; i++)
		free(labels[i].bench);
	free(labels);
	free(kept);
	labels = NULL;
	kept = NULL;
	nlabels = caplabels = nkept = capkept = 0;
	lossy = false;
}

/* Crash isolation (cb_isolate.c): a child measures and keeps its runs'
 * samples, then sends each with its labels; the parent keeps them here as
 * they came. A child runs all repetitions of its benchmark, so its
 * repetition numbers are already the suite's. Consecutive samples of one
 * run share a label. */
bool cb_profwin_import(const struct cb_site *site, const char *bench, size_t len,
		       int64_t repetition, int64_t n)
{
	if (site->depth < 0 || site->depth > CB_STACK_DEPTH)
		return false;
	struct label *last = nlabels ? &labels[nlabels - 1] : NULL;
	if (!last || last->repetition != repetition || last->n != n ||
	    strlen(last->bench) != len || memcmp(last->bench, bench, len) != 0) {
		if (!grow((void **)&labels, &caplabels, nlabels + 1, sizeof *labels))
			return false;
		char *copy = strndup(bench, len);
		if (!copy)
			return false;
		labels[nlabels++] = (struct label){copy, repetition, n};
	}
	if (!grow((void **)&kept, &capkept, nkept + 1, sizeof *kept))
		return false;
	kept[nkept++] = (struct kept){*site, nlabels - 1};
	return true;
}

void cb_profwin_mark_lossy(void)
{
	lossy = true;
}
