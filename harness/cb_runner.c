/* cb_runner.c: runs the selected benchmarks the way Go's testing package
 * does (B.Run, run1, processBench): warm-up, calibration, one line per -cpu
 * value and -count repetition, sub-benchmarks and their names. What a run
 * produced becomes a record (struct cb_record) handed to cb_emit: the
 * reporter prints it (cb_report.c), or, in a child process, the parent
 * does (cb_isolate.c). The caller (cb_main.c) decides the exit status from
 * the reporter's counters. A failure of the harness itself (out of memory)
 * fails the benchmark with a message rather than dropping it. */
#include "cb_internal.h"
#include "cb_firstalloc.h"
#include "cb_profwin.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char oom_msg[] = "    cbench: out of memory in the harness\n";

static pthread_mutex_t name_lock = PTHREAD_MUTEX_INITIALIZER;
static char *current_name;

static void set_current(const char *name)
{
	char *copy = strdup(name);
	pthread_mutex_lock(&name_lock);
	free(current_name);
	current_name = copy;
	pthread_mutex_unlock(&name_lock);
}

char *cb_current_name(void)
{
	pthread_mutex_lock(&name_lock);
	char *copy = current_name ? strdup(current_name) : NULL;
	pthread_mutex_unlock(&name_lock);
	return copy;
}

void cb_emit(struct cb_suite *s, const struct cb_record *rec)
{
	if (s->wire_fd < 0) {
		cb_report_record(&s->rep, rec);
		return;
	}
	/* What the benchmark printed to stdout comes before its result. */
	fflush(stdout);
	if (!s->wire_failed && !cb_wire_send_record(s->wire_fd, rec))
		s->wire_failed = true;
}

void cb_emit_start(struct cb_suite *s, const char *name)
{
	set_current(name);
	if (s->wire_fd < 0)
		cb_report_start(&s->rep, name);
	else if (!s->wire_failed && !cb_wire_send_start(s->wire_fd, s->max_len, name))
		s->wire_failed = true;
}

void cb_emit_failure(struct cb_suite *s, const char *name, const char *msg)
{
	struct cb_record rec = {.kind = CB_REC_FAIL, .width = s->max_len, .output = msg};
	rec.res.name = name;
	cb_emit(s, &rec);
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

static void emit_block(struct cb_run *r, enum cb_record_kind kind, const char *name)
{
	struct cb_record rec = {.kind = kind, .width = r->suite->max_len,
				.output = cb_sb_str(&r->output)};
	rec.res.name = name;
	cb_emit(r->suite, &rec);
}

/* The reported run as a record; the zero-allocation contract turns it into
 * a failure. retained-B/op joins the extra metrics (sorted by unit) unless
 * the benchmark reported that unit itself. */
static void emit_result(struct cb_run *r, const char *name)
{
	struct cb_suite *s = r->suite;
	if (r->zero_alloc && s->hooks_active && r->net_allocs > 0) {
		char allocs[128], bytes[128];
		cb_format_exact(allocs, sizeof allocs, r->net_allocs, r->bh.n);
		cb_format_exact(bytes, sizeof bytes, r->net_bytes, r->bh.n);
		cb_run_note(r, "zero-allocation contract broken: %s allocs/op (%s B/op), want 0",
			    allocs, bytes);
		cb_firstalloc_explain(r); /* which call allocated */
		r->failed = true;
	}
	struct cb_record rec = {
		.kind = CB_REC_RESULT, .failed = r->failed, .width = s->max_len,
		.output = cb_sb_str(&r->output),
		.res = {.name = name, .n = r->bh.n, .ns = r->duration_ns, .bytes = r->bytes,
			.allocs = r->net_allocs, .alloc_bytes = r->net_bytes,
			.mem_valid = s->hooks_active, .nmetrics = r->nmetrics},
	};
	memcpy(rec.res.metrics, r->metrics, sizeof r->metrics);
	if (r->retained_bytes > 0 && rec.res.nmetrics < CB_MAX_METRICS &&
	    !cb_result_metric(&rec.res, "retained-B/op")) {
		struct cb_metric *m = &rec.res.metrics[rec.res.nmetrics++];
		snprintf(m->unit, sizeof m->unit, "retained-B/op");
		m->value = (double)r->retained_bytes / (double)r->bh.n;
	}
	cb_counters_report(r, &rec.res);
	cb_emit(s, &rec);
}

/* Go's run1: the warm-up. False when the benchmark must not be measured
 * (it failed, skipped, or only runs sub-benchmarks). */
static bool run1(struct cb_run *r, const char *shown)
{
	struct cb_suite *s = r->suite;
	int n = (int)strlen(r->name) + s->ext_len + 1;
	if (n > s->max_len)
		s->max_len = n + 8;
	cb_emit_start(s, shown);
	cb_run_n(r, 1);
	if (r->failed) {
		emit_block(r, CB_REC_FAIL, r->name);
		return false;
	}
	if (r->skipped) {
		emit_block(r, CB_REC_SKIP, r->name);
		return false;
	}
	if (r->has_sub) {
		if (s->cfg->verbose && r->output.len > 0)
			emit_block(r, CB_REC_LOG, r->name);
		return false;
	}
	return true;
}

/* One measured line: calibrate, retained bytes, report. */
static void measure(struct cb_run *r, const char *name)
{
	cb_emit_start(r->suite, name);
	cb_calibrate(r);
	if (!r->failed && !r->skipped) {
		cb_profwin_keep(name, r->bh.n); /* the profile: measured runs only */
		cb_isolate_send_kept(r->suite); /* before a later crash can lose them */
	}
	cb_counters_take(r);
	cb_measure_retained(r);
	if (r->skipped)
		emit_block(r, CB_REC_SKIP, name);
	else if (r->failed)
		emit_block(r, CB_REC_FAIL, name);
	else
		emit_result(r, name);
}

/* Go's processBench: one measured line per -cpu value and repetition. An
 * allocation failure fails that repetition and the others still run. */
static void process(struct cb_run *first)
{
	struct cb_suite *s = first->suite;
	const struct cb_config *cfg = s->cfg;
	for (int i = 0; i < cfg->ncpus; i++) {
		for (int64_t j = 0; j < cfg->count; j++) {
			struct cb_strbuf name = {0};
			cb_bench_name(&name, first->name, cfg->cpus[i]);
			struct cb_run *r = first;
			if ((i > 0 || j > 0) && !name.failed)
				r = new_run(s, first->name, first->level, first->top_fn, first->sub_fn,
					    first->ctx, first->zero_alloc, cfg->cpus[i]);
			if (name.failed || !r) {
				cb_emit_failure(s, name.failed ? first->name : cb_sb_str(&name), oom_msg);
				cb_sb_free(&name);
				continue;
			}
			if (r == first || run1(r, cb_sb_str(&name)))
				measure(r, cb_sb_str(&name));
			if (r != first)
				free_run(r);
			cb_sb_free(&name);
		}
	}
}

/* Go's rewrite: white space becomes '_', other unprintable bytes \xNN. */
void cb_name_rewrite(struct cb_strbuf *sb, const char *name)
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

/* ---- the set of sub-benchmark names: FNV-1a, open addressing, at most
 * half full, so that looking a name up stays O(1) however many there are */

static uint64_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static char **name_slot(const struct cb_name_set *set, const char *name)
{
	size_t mask = set->nslots - 1, i = (size_t)hash_name(name) & mask;
	while (set->slots[i] && strcmp(set->slots[i], name) != 0)
		i = (i + 1) & mask;
	return &set->slots[i];
}

static bool name_seen(const struct cb_name_set *set, const char *name)
{
	return set->nslots > 0 && *name_slot(set, name) != NULL;
}

/* Takes ownership of name; false (name freed) when out of memory. */
static bool name_add(struct cb_name_set *set, char *name)
{
	if (2 * (set->count + 1) > set->nslots) {
		struct cb_name_set bigger = {.nslots = set->nslots ? 2 * set->nslots : 64};
		bigger.slots = calloc(bigger.nslots, sizeof *bigger.slots);
		if (!bigger.slots) {
			free(name);
			return false;
		}
		for (size_t i = 0; i < set->nslots; i++)
			if (set->slots[i])
				*name_slot(&bigger, set->slots[i]) = set->slots[i];
		bigger.count = set->count;
		free(set->slots);
		*set = bigger;
	}
	*name_slot(set, name) = name;
	set->count++;
	return true;
}

static void names_free(struct cb_name_set *set)
{
	for (size_t i = 0; i < set->nslots; i++)
		free(set->slots[i]);
	free(set->slots);
	*set = (struct cb_name_set){0};
}

/* Records the name; a repeated sub-benchmark name gets "#01", "#02"...
 * Returns a copy the caller owns, NULL when out of memory. */
static char *unique_name(struct cb_suite *s, const char *parent, const char *name)
{
	struct cb_strbuf base = {0}, full = {0};
	cb_sb_printf(&base, "%s/", parent);
	cb_name_rewrite(&base, name);
	cb_sb_puts(&full, cb_sb_str(&base));
	for (int k = 1; !full.failed && name_seen(&s->names, cb_sb_str(&full)); k++) {
		cb_sb_free(&full);
		cb_sb_printf(&full, "%s#%02d", cb_sb_str(&base), k);
	}
	bool failed = base.failed || full.failed;
	cb_sb_free(&base);
	char *copy = failed ? NULL : strdup(cb_sb_str(&full));
	if (!copy) {
		cb_sb_free(&full);
		return NULL;
	}
	if (!name_add(&s->names, full.data)) { /* it freed full.data */
		free(copy);
		return NULL;
	}
	return copy;
}

/* Go's B.Run: select, warm up, and measure one benchmark. Takes name. */
static bool run_bench(struct cb_suite *s, char *name, int level, cbench_fn *top,
		      cbench_sub_fn *sub, void *ctx, bool zero_alloc)
{
	bool partial = false;
	if (!cb_matcher_match(&s->match, name, &partial)) {
		free(name);
		return true;
	}
	struct cb_run *r = new_run(s, name, level, top, sub, ctx, zero_alloc, s->cfg->cpus[0]);
	struct cb_strbuf shown = {0};
	cb_bench_name(&shown, name, s->cfg->cpus[0]);
	if (!r || shown.failed) {
		cb_emit_failure(s, name, oom_msg);
		free(r);
		free(name);
		cb_sb_free(&shown);
		return false;
	}
	r->has_sub = partial;
	if (s->cfg->verbose) {
		struct cb_record rec = {.kind = CB_REC_NAME, .width = s->max_len};
		rec.res.name = name;
		cb_emit(s, &rec);
	}
	if (run1(r, cb_sb_str(&shown)))
		process(r);
	bool ok = !r->failed;
	cb_sb_free(&shown);
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
	if (!full) {
		cb_run_note(parent, "cbench_run: out of memory naming sub-benchmark \"%s\"",
			    name ? name : "");
		parent->failed = true;
		return false;
	}
	return run_bench(parent->suite, full, parent->level + 1, NULL, fn, ctx, parent->zero_alloc);
}

void cb_run_entry(struct cb_suite *s, const struct cb_entry *e)
{
	char *name = strdup(e->name);
	if (!name) {
		cb_emit_failure(s, e->name, oom_msg);
		return;
	}
	run_bench(s, name, 0, e->fn, NULL, NULL, e->flags & CBENCH_ZERO_ALLOC);
}

void cb_suite_init(struct cb_suite *s, const struct cb_config *cfg, FILE *out, FILE *err)
{
	*s = (struct cb_suite){.cfg = cfg, .hooks_active = true, .wire_fd = -1};
	cb_sysinfo_get(&s->sys);
	s->rep = (struct cb_reporter){.out = out, .err = err, .json = cfg->json,
				      .sys = &s->sys, .pkg = cfg->pkg};
}

/* The name column: as wide as the longest selected top-level name with the
 * largest -P suffix, plus that suffix's room again (Go's rule). */
static void size_columns(struct cb_suite *s, int maxprocs)
{
	struct cb_strbuf sb = {0};
	cb_bench_name(&sb, "", maxprocs);
	s->ext_len = (int)sb.len;
	for (size_t i = 0; i < cb_registry_count(); i++) {
		const struct cb_entry *e = cb_registry_get(i);
		if (!cb_matcher_match(&s->match, e->name, NULL))
			continue;
		s->rep.total++;
		int l = (int)strlen(e->name) + 2 * s->ext_len + 1;
		if (l > s->max_len)
			s->max_len = l;
	}
	cb_sb_free(&sb);
}

/* -isolate=false: a benchmark that calls exit() while it runs ends the
 * whole run, and Go's testing calls that a failure (an unexpected os.Exit
 * during a test), whatever the status. Without a child process to watch,
 * an exit handler says so: the FAIL block, the closing FAIL, status 1.
 * Only in the process that runs the suite (a process the benchmark forked
 * inherits the handler) and only while a benchmark runs. */
static struct cb_suite *running_suite;
static const struct cb_entry *running_entry;
static pid_t running_pid;

static void exit_while_running(int status, void *arg)
{
	(void)arg;
	struct cb_suite *s = running_suite;
	if (!s || getpid() != running_pid)
		return;
	running_suite = NULL;
	char *name = cb_current_name(), msg[96];
	snprintf(msg, sizeof msg, "    cbench: the benchmark called exit(%d) while running\n", status);
	cb_emit_failure(s, name ? name : running_entry->name, msg);
	free(name);
	cb_report_end(&s->rep, false);
	fflush(NULL);
	_exit(1); /* the status a failed run has; an exit handler cannot set it otherwise */
}

static void run_in_process(struct cb_suite *s, const struct cb_entry *e)
{
	static bool installed;
	if (!installed)
		installed = on_exit(exit_while_running, NULL) == 0;
	running_pid = getpid();
	running_entry = e;
	running_suite = s;
	cb_run_entry(s, e);
	running_suite = NULL;
}

void cb_suite_run(struct cb_suite *s)
{
	int maxprocs = 1;
	for (int i = 0; i < s->cfg->ncpus; i++)
		if (s->cfg->cpus[i] > maxprocs)
			maxprocs = s->cfg->cpus[i];
	size_columns(s, maxprocs);
	for (size_t i = 0; i < cb_registry_count(); i++) {
		const struct cb_entry *e = cb_registry_get(i);
		/* Not selected, not even partially: no child, no progress step. */
		if (!cb_matcher_match(&s->match, e->name, NULL))
			continue;
		if (s->cfg->isolate)
			cb_isolate_entry(s, e);
		else
			run_in_process(s, e);
		cb_report_finished(&s->rep);
		if (s->rep.write_errno)
			break; /* results nobody can read: the run has failed (exit 2) */
	}
}

void cb_suite_free(struct cb_suite *s)
{
	names_free(&s->names);
	cb_matcher_free(&s->match);
	cb_report_close(&s->rep);
}
