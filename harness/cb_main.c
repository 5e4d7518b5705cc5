/* cb_main.c: the command-line layer: flags, -list, -version, the default
 * pkg:, the -timeout watchdog of a run without isolation, and the exit
 * status. Its error messages and warnings are the only text the harness
 * writes to stderr besides the progress line; everything on stdout goes
 * through the reporter (cb_report.c). */
#include "cb_internal.h"
#include "cb_profile.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct watchdog {
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	int64_t timeout_ns;
	FILE *out;
	int err_fd;
};

static void *watch(void *arg)
{
	struct watchdog *w = arg;
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)(w->timeout_ns / 1000000000);
	deadline.tv_nsec += (long)(w->timeout_ns % 1000000000);
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&w->lock);
	int rc = 0;
	while (!w->stop && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&w->cond, &w->lock, &deadline);
	bool fire = !w->stop;
	pthread_mutex_unlock(&w->lock);
	if (!fire)
		return NULL;
	char *name = cb_current_name(), dur[64], msg[256];
	cb_format_duration(w->timeout_ns, dur, sizeof dur);
	int n = snprintf(msg, sizeof msg, "cbench: test timed out after %s\n\trunning: ", dur);
	fflush(w->out);
	/* write(2): the runner's thread may hold stdio's lock. */
	const char *shown = name ? name : "(none)";
	if (write(w->err_fd, msg, (size_t)n) < 0 || write(w->err_fd, shown, strlen(shown)) < 0 ||
	    write(w->err_fd, "\n", 1) < 0) {
		/* nothing left to report to */
	}
	_exit(1);
}

static bool watchdog_start(struct watchdog *w)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);
	return pthread_create(&w->tid, NULL, watch, w) == 0;
}

static void watchdog_stop(struct watchdog *w)
{
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->tid, NULL);
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path ? path : "cbench";
}

static int list_benchmarks(const char *pattern, FILE *out, FILE *err)
{
	struct cb_matcher m;
	char msg[512];
	if (cb_matcher_init(&m, pattern, msg, sizeof msg)) {
		fprintf(err, "cbench: -list: %s\n", msg);
		return 2;
	}
	struct cb_reporter rp = {.out = out, .err = err};
	for (size_t i = 0; i < cb_registry_count(); i++) {
		const struct cb_entry *e = cb_registry_get(i);
		if (cb_matcher_match(&m, e->name, NULL))
			cb_report_list(&rp, e->name);
	}
	cb_matcher_free(&m);
	return 0;
}

/* -memprofile: the file is created before anything runs, so that a bad
 * path costs no benchmark time (Go finds out only at the end); like Go,
 * failing to write it exits 2. */
static bool memprofile_begin(const struct cb_config *cfg, FILE *err)
{
	FILE *f = fopen(cfg->memprofile, "wb");
	if (!f) {
		fprintf(err, "cbench: -memprofile: %s: %s\n", cfg->memprofile, strerror(errno));
		return false;
	}
	fclose(f);
	char msg[512];
	uint64_t seed = cb_profile_seed ? cb_profile_seed : (uint64_t)cb_monotonic_ns();
	if (cb_profile_start(cfg->memprofilerate, seed, msg, sizeof msg)) {
		fprintf(err, "cbench: -memprofile: %s\n", msg);
		return false;
	}
	return true;
}

static bool memprofile_end(const struct cb_config *cfg, bool cut, FILE *err)
{
	cb_profile_stop();
	char msg[1024];
	bool ok = cb_pprof_write(cfg->memprofile, msg, sizeof msg) == 0;
	if (!ok)
		fprintf(err, "cbench: -memprofile: %s\n", msg);
	else if (cb_profile_lossy())
		fprintf(err, "cbench: warning: -memprofile: out of memory while profiling; "
			     "some samples are missing\n");
	if (ok && cut)
		fprintf(err, "cbench: warning: -memprofile: the profile is incomplete: a benchmark's "
			     "process died, and the run it died in is missing\n");
	cb_profile_reset();
	return ok;
}

static int run_suite(const struct cb_config *cfg, FILE *out, FILE *err)
{
	struct cb_suite s;
	cb_suite_init(&s, cfg, out, err);
	s.rep.progress = isatty(fileno(err)) == 1;
	s.rep.instructions = cb_counters_path();
	s.rep.instructions_exact = cb_counters_exact(cfg);
	char msg[512];
	if (cb_matcher_init(&s.match, cfg->bench, msg, sizeof msg)) {
		fprintf(err, "cbench: -bench: %s\n", msg);
		cb_suite_free(&s);
		return 2;
	}
	const char *why = NULL;
	s.hooks_active = cb_hooks_exact(&why);
	s.rep.exact_counts = s.hooks_active;
	if (!s.hooks_active)
		fprintf(err, "cbench: warning: allocations cannot be counted exactly (%s): "
			     "B/op and allocs/op are not reported\n", why);
	/* After the hooks check, whose own strdup is not a benchmark's. */
	if (cfg->memprofile && !memprofile_begin(cfg, err)) {
		cb_suite_free(&s);
		return 2;
	}
	/* With isolation each child has its own -timeout (cb_isolate.c). */
	struct watchdog w = {.timeout_ns = cfg->timeout_ns, .out = out, .err_fd = fileno(err)};
	bool watching = !cfg->isolate && cfg->timeout_ns > 0 && watchdog_start(&w);
	cb_suite_run(&s);
	if (watching)
		watchdog_stop(&w);
	const struct cb_reporter *rp = &s.rep;
	int status = rp->failed || rp->skipped ? 1 : 0;
	if (cfg->memprofile && !memprofile_end(cfg, s.profile_cut, err))
		status = 2;
	cb_report_close(&s.rep);
	if (rp->ran + rp->failed + rp->skipped == 0) {
		fprintf(err, "cbench: no benchmark matches -bench \"%s\"\n", cfg->bench ? cfg->bench : "");
		if (status == 0)
			status = 1;
	}
	cb_report_end(&s.rep, status == 0);
	if (rp->write_errno) {
		fprintf(err, "cbench: writing the results: %s\n", strerror(rp->write_errno));
		clearerr(out); /* reported: cb_main_io need not again */
		status = 2;
	}
	cb_suite_free(&s);
	return status;
}

/* -run selects tests, and a cbench program has none: the pattern is only
 * checked, as go test would, so that "-run '^$' -bench ." works. */
static int check_run(const struct cb_config *cfg, FILE *err)
{
	struct cb_matcher m;
	char msg[512];
	if (!cfg->run)
		return 0;
	if (cb_matcher_init(&m, cfg->run, msg, sizeof msg)) {
		fprintf(err, "cbench: -run: %s\n", msg);
		return 2;
	}
	cb_matcher_free(&m);
	return 0;
}

/* A name Go would refuse stops the program before anything runs. */
static bool names_ok(FILE *err)
{
	struct cb_strbuf msg = {0};
	int problems = cb_registry_check(&msg);
	if (problems > 0)
		fputs(msg.failed ? "cbench: invalid benchmark names (out of memory describing them)\n"
				 : cb_sb_str(&msg), err);
	cb_sb_free(&msg);
	return problems == 0;
}

static int main_io(int argc, char **argv, FILE *out, FILE *err);

/* Whatever was asked for (results, -list, -h, -version), output that could
 * not be written is an error: exit 2, never a pass. */
int cb_main_io(int argc, char **argv, FILE *out, FILE *err)
{
	int status = main_io(argc, argv, out, err);
	int failed = fflush(out) != 0 ? errno : 0;
	if (failed || ferror(out)) {
		fprintf(err, "cbench: writing the results: %s\n", strerror(failed ? failed : EIO));
		status = 2;
	}
	return status;
}

static int main_io(int argc, char **argv, FILE *out, FILE *err)
{
	const char *prog = base_name(argc > 0 ? argv[0] : NULL);
	struct cb_config cfg;
	char msg[512];
	if (cb_flags_parse(argc, argv, cb_sysinfo_nprocs(), &cfg, msg, sizeof msg)) {
		fprintf(err, "%s\n", msg);
		cb_flags_usage(err, prog);
		return 2;
	}
	if (cfg.help) {
		cb_flags_usage(out, prog);
		return 0;
	}
	if (cfg.version) {
		fprintf(out, "cbench %s\n", CBENCH_VERSION);
		return 0;
	}
	if (check_run(&cfg, err) || !names_ok(err))
		return 2;
	if (cfg.list)
		return list_benchmarks(cfg.list, out, err);
	int status;
	switch (cb_counters_begin(&cfg, argc, argv, out, err, &status, msg, sizeof msg)) {
	case -1:
		fprintf(err, "%s\n", msg);
		return 2;
	case 1:
		return status; /* the run happened under valgrind */
	}
	struct cb_strbuf pkg = {0};
	if (!cfg.pkg) {
		cb_registry_pkg(&pkg);
		cfg.pkg = pkg.failed ? "" : cb_sb_str(&pkg);
	}
	status = run_suite(&cfg, out, err);
	cb_sb_free(&pkg);
	return status;
}

int cbench_main(int argc, char **argv)
{
	return cb_main_io(argc, argv, stdout, stderr);
}
