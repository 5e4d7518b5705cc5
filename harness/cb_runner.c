/* cb_runner.c: runs the selected benchmarks the way Go's testing package
 * does (B.Run, run1, processBench): warm-up, calibration, one line per -cpu
 * value and -count repetition, sub-benchmarks and their names. Printing is
 * in cb_report.c; the caller (cb_main.c) decides the exit status from the
 * suite's counters. */
#include "cb_internal.h"
#include "cb_profwin.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t name_lock = PTHREAD_MUTEX_INITIALIZER;
static char current_name[600];

static void set_current(const char *name)
{
	pthread_mutex_lock(&name_lock);
	snprintf(current_name, sizeof current_name, "%s", name);
	pthread_mutex_unlock(&name_lock);
}

void cb_current_name(char *buf, size_t len)
{
	pthread_mutex_lock(&name_lock);
	snprintf(buf, len, "%s", current_name);
	pthread_mutex_unlock(&name_lock);
}

static struct cb_run *new_run(struct cb_suite *s, char *name, int level, cbench_fn *top,
			      cbench_sub_fn *sub, void *ctx, bool zero_alloc, int procs)
{
	struct cb_run *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	*r = (struct cb_run){
		.suite = s, .name = name, .level = level, .top_fn = top, .sub_fn = sub,
		.ctx = ctx, .zero_alloc = zero_alloc, .procs = procs, .parallelism = 1,
	};
	r->bh.run_ = r;
	return r;
}

static void free_run(struct cb_run *r)
{
	cb_sb_free(&r->output);
	free(r);
}

/* Go's run1: the warm-up. False when the benchmark must not be measured
 * (it failed, skipped, or only runs sub-benchmarks). */
static bool run1(struct cb_run *r)
{
	struct cb_suite *s = r->suite;
	int n = (int)strlen(r->name) + s->ext_len + 1;
	if (n > s->max_len)
		s->max_len = n + 8;
	set_current(r->name);
	cb_run_n(r, 1);
	if (r->failed) {
		cb_print_block(r, "FAIL", r->name);
		s->failed++;
		return false;
	}
	if (r->skipped) {
		cb_print_block(r, "SKIP", r->name);
		s->skipped++;
		return false;
	}
	if (r->has_sub) {
		if (s->cfg->verbose && r->output.len > 0 && !s->cfg->json)
			fprintf(s->out, "--- BENCH: %s\n%s", r->name, cb_sb_str(&r->output));
		return false;
	}
	return true;
}

/* Go's processBench: one measured line per -cpu value and repetition. */
static void process(struct cb_run *first)
{
	struct cb_suite *s = first->suite;
	const struct cb_config *cfg = s->cfg;
	cb_print_header(s);
	for (int i = 0; i < cfg->ncpus; i++) {
		for (int64_t j = 0; j < cfg->count; j++) {
			struct cb_run *r = first;
			char name[600];
			cb_bench_name(name, sizeof name, first->name, cfg->cpus[i]);
			if (i > 0 || j > 0) {
				r = new_run(s, first->name, first->level, first->top_fn, first->sub_fn,
					    first->ctx, first->zero_alloc, cfg->cpus[i]);
				if (!r)
					return;
				if (!run1(r)) {
					free_run(r);
					continue;
				}
			}
			set_current(name);
			cb_calibrate(r);
			if (!r->failed && !r->skipped)
				cb_profwin_keep(name, r->bh.n); /* the profile: measured runs only */
			cb_measure_retained(r);
			if (r->skipped) {
				cb_print_block(r, "SKIP", name);
				s->skipped++;
			} else if (r->failed) {
				cb_print_block(r, "FAIL", name);
				s->failed++;
			} else {
				cb_report(r, name);
			}
			if (r != first)
				free_run(r);
		}
	}
}

/* Go's rewrite: white space becomes '_', other unprintable bytes \xNN. */
static void append_rewritten(struct cb_strbuf *sb, const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (isspace(*p))
			cb_sb_puts(sb, "_");
		else if (*p < 0x20 || *p == 0x7f)
			cb_sb_printf(sb, "\\x%02x", *p);
		else
			cb_sb_printf(sb, "%c", *p);
	}
}

static bool seen(struct cb_suite *s, const char *name)
{
	for (size_t i = 0; i < s->nnames; i++)
		if (strcmp(s->names[i], name) == 0)
			return true;
	return false;
}

/* Records the name; a repeated sub-benchmark name gets "#01", "#02"... */
static char *unique_name(struct cb_suite *s, const char *parent, const char *name)
{
	struct cb_strbuf sb = {0};
	cb_sb_printf(&sb, "%s/", parent);
	append_rewritten(&sb, name);
	char *base = sb.failed ? NULL : strdup(cb_sb_str(&sb));
	cb_sb_free(&sb);
	if (!base)
		return NULL;
	char *full = base;
	for (int k = 1; seen(s, full); k++) {
		if (full != base)
			free(full);
		if (asprintf(&full, "%s#%02d", base, k) < 0) {
			free(base);
			return NULL;
		}
	}
	if (full != base)
		free(base);
	if (s->nnames == s->capnames) {
		size_t cap = s->capnames ? 2 * s->capnames : 16;
		char **p = realloc(s->names, cap * sizeof *p);
		if (!p) {
			free(full);
			return NULL;
		}
		s->names = p;
		s->capnames = cap;
	}
	s->names[s->nnames++] = full;
	return strdup(full);
}

/* Go's B.Run: select, warm up, and measure one benchmark. */
static bool run_bench(struct cb_suite *s, char *name, int level, cbench_fn *top,
		      cbench_sub_fn *sub, void *ctx, bool zero_alloc)
{
	bool partial = false;
	if (!cb_matcher_match(&s->match, name, &partial)) {
		free(name);
		return true;
	}
	struct cb_run *r = new_run(s, name, level, top, sub, ctx, zero_alloc, s->cfg->cpus[0]);
	if (!r) {
		free(name);
		return false;
	}
	r->has_sub = partial;
	if (s->cfg->verbose && !s->cfg->json) {
		cb_print_header(s);
		fprintf(s->out, "%s\n", name);
	}
	if (run1(r))
		process(r);
	bool ok = !r->failed;
	free(r->name);
	free_run(r);
	return ok;
}

bool cbench_run(cbench_b *b, const char *name, cbench_sub_fn *fn, void *ctx)
{
	struct cb_run *parent = b->run_;
	/* The parent is not measured once it has sub-benchmarks; stop its
	 * timer so that counting is off while the sub-benchmark is set up. */
	cbench_stop_timer(b);
	parent->has_sub = true;
	char *full = unique_name(parent->suite, parent->name, name ? name : "");
	if (!full)
		return false;
	return run_bench(parent->suite, full, parent->level + 1, NULL, fn, ctx, parent->zero_alloc);
}

void cb_suite_init(struct cb_suite *s, const struct cb_config *cfg, FILE *out)
{
	*s = (struct cb_suite){.cfg = cfg, .out = out, .pkg = cfg->pkg};
	cb_sysinfo_get(&s->sys);
	s->hooks_active = true;
}

void cb_suite_run(struct cb_suite *s)
{
	int maxprocs = 1;
	for (int i = 0; i < s->cfg->ncpus; i++)
		if (s->cfg->cpus[i] > maxprocs)
			maxprocs = s->cfg->cpus[i];
	char buf[600];
	cb_bench_name(buf, sizeof buf, "", maxprocs);
	s->ext_len = (int)strlen(buf);
	for (size_t i = 0; i < cb_registry_count(); i++) {
		const struct cb_entry *e = cb_registry_get(i);
		if (!cb_matcher_match(&s->match, e->name, NULL))
			continue;
		cb_bench_name(buf, sizeof buf, e->name, maxprocs);
		int l = (int)strlen(buf) + s->ext_len + 1;
		if (l > s->max_len)
			s->max_len = l;
	}
	for (size_t i = 0; i < cb_registry_count(); i++) {
		const struct cb_entry *e = cb_registry_get(i);
		char *name = strdup(e->name);
		if (name)
			run_bench(s, name, 0, e->fn, NULL, NULL, e->flags & CBENCH_ZERO_ALLOC);
	}
}

void cb_suite_free(struct cb_suite *s)
{
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	cb_matcher_free(&s->match);
}
