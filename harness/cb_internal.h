/* cb_internal.h: what the harness's files share with each other (and with
 * the tests): configuration, results, the runner state, and the small
 * services each file provides. Nothing here is public API. */
#ifndef CB_INTERNAL_H
#define CB_INTERNAL_H

#include "cbench.h"

#include <pthread.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cb_hooks.h"

/* ---- growable string with a sticky error (cb_strbuf.c) ---- */
struct cb_strbuf {
	char *data; /* always NUL-terminated when len > 0 or cap > 0 */
	size_t len, cap;
	bool failed; /* an allocation failed; content is truncated */
};
void cb_sb_printf(struct cb_strbuf *sb, const char *fmt, ...) CBENCH_PRINTF_(2, 3);
void cb_sb_vprintf(struct cb_strbuf *sb, const char *fmt, va_list ap);
void cb_sb_puts(struct cb_strbuf *sb, const char *s);
void cb_sb_free(struct cb_strbuf *sb);
const char *cb_sb_str(const struct cb_strbuf *sb);

/* ---- registry (cb_registry.c) ---- */
struct cb_entry {
	const char *name; /* "BenchmarkX" */
	cbench_fn *fn;
	unsigned flags;
};
size_t cb_registry_count(void);
const struct cb_entry *cb_registry_get(size_t i);
void cb_registry_reset(void); /* tests: forget every registration */

/* ---- selection by regex, one pattern per '/' level (cb_match.c) ---- */
struct cb_matcher {
	regex_t *levels;
	size_t nlevels; /* 0: everything matches */
};
/* Returns 0, or -1 with a message in err (size errlen). */
int cb_matcher_init(struct cb_matcher *m, const char *pattern, char *err, size_t errlen);
void cb_matcher_free(struct cb_matcher *m);
/* name is "BenchmarkX/sub/..." ; *partial is set when the pattern has more
 * levels than the name (the name's sub-benchmarks may still match). */
bool cb_matcher_match(const struct cb_matcher *m, const char *name, bool *partial);

/* ---- flags (cb_flags.c) ---- */
#define CB_MAX_CPUS 64
struct cb_config {
	const char *bench;  /* -bench regex; NULL: all */
	const char *list;   /* -list regex; NULL: not listing */
	int64_t benchtime_ns;
	int64_t benchtime_n; /* > 0 for "Nx" */
	int64_t count;
	int cpus[CB_MAX_CPUS];
	int ncpus;
	int64_t timeout_ns; /* 0: no timeout */
	bool json, verbose, benchmem, help;
	const char *pkg;
	const char *memprofile; /* -memprofile file; NULL: no profile */
	int64_t memprofilerate;  /* bytes per sample on average; 1: every allocation */
	bool retained;           /* measure retained-B/op (cb_retained.c) */
};
/* Go's default MemProfileRate: one sample per 512 KiB allocated. */
#define CB_DEFAULT_MEMPROFILERATE (512 * 1024)
/* Fills cfg from argv (defaults first). Returns 0, or -1 with a one-line
 * message in err. default_procs: the -cpu value when none is given. */
int cb_flags_parse(int argc, char **argv, int default_procs, struct cb_config *cfg,
		   char *err, size_t errlen);
void cb_flags_usage(FILE *out, const char *prog);
/* Go duration syntax ("1.5s", "300ms", "1h2m"); returns 0 or -1. */
int cb_parse_duration(const char *s, int64_t *ns);
void cb_format_duration(int64_t ns, char *buf, size_t len);

/* ---- one benchmark result and Go's line format (cb_format.c) ---- */
#define CB_MAX_METRICS 32
#define CB_UNIT_MAX 64
struct cb_metric {
	char unit[CB_UNIT_MAX];
	double value;
};
struct cb_result {
	const char *name; /* with -P suffix */
	int64_t n;
	int64_t ns;         /* total timed nanoseconds */
	int64_t bytes;      /* cbench_set_bytes */
	uint64_t allocs;    /* counted allocations in the reported run */
	uint64_t alloc_bytes;
	bool mem_valid;     /* hooks active: print B/op and allocs/op */
	struct cb_metric metrics[CB_MAX_METRICS];
	int nmetrics;
};
/* Go's prettyPrint: "%10.0f ns/op" ... "%18.7f x" by magnitude. */
void cb_format_pretty(struct cb_strbuf *sb, double x, const char *unit);
/* Exact quotient total/n as described in cbench.h. */
void cb_format_exact(char *buf, size_t len, uint64_t total, int64_t n);
/* The shortest fixed-point decimal that reads back as x. */
void cb_format_double(char *buf, size_t len, double x);
/* The whole result line, without the newline, name padded to max_len. */
void cb_format_line(struct cb_strbuf *sb, int max_len, const struct cb_result *r);
const struct cb_metric *cb_result_metric(const struct cb_result *r, const char *unit);
double cb_result_allocs_per_op(const struct cb_result *r);
/* "Name" or "Name-P" when procs != 1. */
void cb_bench_name(char *buf, size_t len, const char *name, int procs);

/* ---- machine description for the header lines (cb_sysinfo.c) ---- */
struct cb_sysinfo {
	const char *goos, *goarch;
	char cpu[256]; /* empty when unknown */
};
void cb_sysinfo_get(struct cb_sysinfo *si);
int cb_sysinfo_nprocs(void);

/* ---- JSON results (cb_json.c) ---- */
/* One line per record; status is "ok", "fail" or "skip"; output may be "". */
void cb_json_record(FILE *out, const struct cb_sysinfo *si, const char *pkg,
		    const struct cb_result *r, const char *status, const char *output);

/* ---- the runner (cb_runner.c) ---- */
struct cb_suite {
	const struct cb_config *cfg;
	struct cb_matcher match;
	FILE *out;
	struct cb_sysinfo sys;
	const char *pkg;
	bool header_done;
	bool hooks_active;
	int max_len, ext_len;
	int ran, failed, skipped;
	/* sub-benchmark names seen, for Go's "#01" de-duplication */
	char **names;
	size_t nnames, capnames;
};

struct cb_run {
	struct cb_suite *suite;
	char *name;        /* full name, no -P suffix */
	int level;
	cbench_fn *top_fn; /* exactly one of top_fn, sub_fn is set */
	cbench_sub_fn *sub_fn;
	void *ctx;
	int procs, parallelism;
	bool zero_alloc;
	/* timer */
	bool timer_on;
	int64_t start_ns, duration_ns;
	struct cb_alloc_totals start_tot;
	uint64_t net_allocs, net_bytes, net_frees;
	uint64_t retained_bytes; /* cb_measure_retained; 0: none or not measured */
	int64_t bytes;
	struct cb_metric metrics[CB_MAX_METRICS];
	int nmetrics;
	int64_t prev_n, prev_ns;
	/* state */
	bool failed, skipped, finished, has_sub, chatty_printed;
	struct cb_strbuf output;
	jmp_buf *jump;    /* where cbench_fatal and cbench_skip return to */
	pthread_t owner;  /* the thread that runs the benchmark function */
	cbench_b bh;      /* the handle the benchmark sees */
};

/* Appends a line to the benchmark's output (cb_log.c). */
void cb_run_note(struct cb_run *r, const char *fmt, ...) CBENCH_PRINTF_(2, 3);
/* Printing (cb_report.c): header once; a block for a benchmark without a
 * result line ("FAIL" or "SKIP"); a result line, with the zero-allocation
 * contract applied. */
void cb_print_header(struct cb_suite *s);
void cb_print_block(struct cb_run *r, const char *tag, const char *name);
void cb_report(struct cb_run *r, const char *name);
/* Runs the benchmark function once with n iterations, timer running. */
void cb_run_n(struct cb_run *r, int64_t n);
/* After the reported run: when it allocated more blocks than it freed,
 * repeats it with pointer tracking to find retained bytes (cb_retained.c). */
void cb_measure_retained(struct cb_run *r);
/* After the warm-up run: Go's launch, the runs that reach -benchtime. */
void cb_calibrate(struct cb_run *r);
/* cbench_main with its streams given, for tests. */
int cb_main_io(int argc, char **argv, FILE *out, FILE *err);

/* The clock the runner reads, in nanoseconds; tests replace it. */
extern int64_t (*cb_clock_ns)(void);
int64_t cb_monotonic_ns(void);
/* Go's predictN: next iteration count from the last run. */
int64_t cb_predict_n(int64_t goal_ns, int64_t prev_iters, int64_t prev_ns, int64_t last);

/* Runs every registered benchmark matching suite->match. */
void cb_suite_init(struct cb_suite *s, const struct cb_config *cfg, FILE *out);
void cb_suite_run(struct cb_suite *s);
void cb_suite_free(struct cb_suite *s);

/* The benchmark now running, for the -timeout message (may be stale). */
void cb_current_name(char *buf, size_t len);

#endif
