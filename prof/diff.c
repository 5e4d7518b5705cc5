/* diff.c: per-benchmark totals and the per-site diff of two profiles.
 * Sites are keyed by (function, file, line) as strings, so two builds of
 * the same code (different addresses, string tables, ids) line up. Per op
 * divides by the iterations of the benchmark's measured runs, summed over
 * its distinct repetitions (every sample of a run carries the same count). */
#include "prof_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *str_or(const pf_profile *p, long i, const char *none)
{
	return i >= 0 ? p->strings[i] : none;
}

static bool wanted(const struct pf_sample *s, const char *bench)
{
	return bench == NULL || strcmp(s->bench, bench) == 0;
}

/* Sum of iterations over the distinct runs (benchmark, repetition) of
 * bench; runs are few (-count x -cpu), so the seen list stays short. */
static int64_t iterations(const pf_profile *p, const char *bench, int *runs)
{
	struct run {
		const char *bench, *repetition;
	} *seen = NULL;
	size_t nseen = 0, cap = 0;
	int64_t total = 0;
	for (size_t i = 0; i < p->nsamples; i++) {
		const struct pf_sample *s = &p->samples[i];
		if (!wanted(s, bench))
			continue;
		size_t k = 0;
		while (k < nseen && (strcmp(seen[k].bench, s->bench) != 0 ||
				     strcmp(seen[k].repetition, s->repetition) != 0))
			k++;
		if (k < nseen)
			continue;
		if (nseen == cap && pf_grow_((void **)&seen, &cap, sizeof *seen)) {
			total = 0; /* out of memory: no per-op figures */
			break;
		}
		seen[nseen++] = (struct run){s->bench, s->repetition};
		total += s->iterations;
	}
	free(seen);
	*runs = (int)nseen;
	return total;
}

static int64_t value(const struct pf_sample *s, int index)
{
	return index >= 0 ? s->v[index] : 0;
}

pf_totals pf_benchmark_totals(const pf_profile *p, const char *bench)
{
	pf_totals t = {0};
	for (size_t i = 0; i < p->nsamples; i++) {
		const struct pf_sample *s = &p->samples[i];
		if (!wanted(s, bench))
			continue;
		t.alloc_objects += value(s, p->alloc_objects);
		t.alloc_space += value(s, p->alloc_space);
		t.inuse_objects += value(s, p->inuse_objects);
		t.inuse_space += value(s, p->inuse_space);
	}
	t.iterations = iterations(p, bench, &t.runs);
	return t;
}

static bool same_site(const pf_change *c, const char *fn, const char *file, int64_t line)
{
	return strcmp(c->function, fn) == 0 && line == c->line &&
	       (c->file == file || (c->file && file && strcmp(c->file, file) == 0));
}

/* Adds one profile's samples of bench into the change list (side 0 base,
 * 1 head), totals for now; divided per op later. */
static int accumulate(pf_diff *d, size_t *cap, const pf_profile *p, const char *bench, int side)
{
	for (size_t i = 0; i < p->nsamples; i++) {
		const struct pf_sample *s = &p->samples[i];
		if (strcmp(s->bench, bench) != 0)
			continue;
		const char *fn = str_or(p, s->site_fn, "?");
		const char *file = str_or(p, s->site_file, NULL);
		size_t k = 0;
		while (k < d->n && !same_site(&d->changes[k], fn, file, s->site_line))
			k++;
		if (k == d->n) {
			if (d->n == *cap && pf_grow_((void **)&d->changes, cap, sizeof *d->changes))
				return -1;
			d->changes[d->n++] = (pf_change){.function = fn, .file = file, .line = s->site_line};
		}
		double objs = (double)value(s, p->alloc_objects), bytes = (double)value(s, p->alloc_space);
		if (side == 0) {
			d->changes[k].base_allocs += objs;
			d->changes[k].base_bytes += bytes;
		} else {
			d->changes[k].head_allocs += objs;
			d->changes[k].head_bytes += bytes;
		}
	}
	return 0;
}

static int by_size(const void *a, const void *b)
{
	const pf_change *x = a, *y = b;
	double dx = fabs(x->head_bytes - x->base_bytes), dy = fabs(y->head_bytes - y->base_bytes);
	if (dx != dy)
		return dx < dy ? 1 : -1;
	dx = fabs(x->head_allocs - x->base_allocs);
	dy = fabs(y->head_allocs - y->base_allocs);
	if (dx != dy)
		return dx < dy ? 1 : -1;
	return strcmp(x->function, y->function);
}

/* An edit above a site moves its line: a site only in base and one only in
 * head, in the same function and file with the same figures per op, are the
 * same site (kept with head's line), not a change. */
static void pair_moved(pf_diff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		pf_change *b = &d->changes[i];
		if (b->head_allocs != 0 || b->head_bytes != 0 || b->base_allocs == 0)
			continue;
		for (size_t j = 0; j < d->n; j++) {
			pf_change *h = &d->changes[j];
			if (h->base_allocs != 0 || h->base_bytes != 0 || strcmp(h->function, b->function) != 0 ||
			    !(h->file == b->file || (h->file && b->file && strcmp(h->file, b->file) == 0)) ||
			    fabs(h->head_allocs - b->base_allocs) > 1e-9 || fabs(h->head_bytes - b->base_bytes) > 1e-9)
				continue;
			h->base_allocs = b->base_allocs;
			h->base_bytes = b->base_bytes;
			b->base_allocs = b->base_bytes = 0; /* now unchanged: dropped below */
			break;
		}
	}
}

/* The gate's smallest changes that count: 0.01 allocs/op, 1 B/op. */
static bool changed(const pf_change *c)
{
	return fabs(c->head_allocs - c->base_allocs) >= 0.01 - 1e-12 ||
	       fabs(c->head_bytes - c->base_bytes) >= 1 - 1e-9;
}

int pf_diff_benchmark(const pf_profile *base, const pf_profile *head, const char *bench,
		      pf_diff *out, char *err, size_t errlen)
{
	*out = (pf_diff){0};
	int runs_base, runs_head;
	out->base_iterations = iterations(base, bench, &runs_base);
	out->head_iterations = iterations(head, bench, &runs_head);
	if (runs_base == 0 && runs_head == 0) {
		snprintf(err, errlen, "%s: in neither profile", bench);
		return -1;
	}
	size_t cap = 0;
	if (accumulate(out, &cap, base, bench, 0) || accumulate(out, &cap, head, bench, 1)) {
		pf_diff_free(out);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* A side without the benchmark has nothing to divide. */
	out->per_op = (out->base_iterations > 0 || runs_base == 0) &&
		      (out->head_iterations > 0 || runs_head == 0);
	size_t kept = 0;
	for (size_t i = 0; i < out->n; i++) {
		pf_change c = out->changes[i];
		if (out->per_op && out->base_iterations > 0) {
			c.base_allocs /= (double)out->base_iterations;
			c.base_bytes /= (double)out->base_iterations;
		}
		if (out->per_op && out->head_iterations > 0) {
			c.head_allocs /= (double)out->head_iterations;
			c.head_bytes /= (double)out->head_iterations;
		}
		out->changes[i] = c;
	}
	pair_moved(out);
	for (size_t i = 0; i < out->n; i++) {
		if (changed(&out->changes[i]))
			out->changes[kept++] = out->changes[i];
	}
	out->n = kept;
	if (out->n)
		qsort(out->changes, out->n, sizeof *out->changes, by_size);
	return 0;
}

void pf_diff_free(pf_diff *d)
{
	free(d->changes);
	*d = (pf_diff){0};
}
