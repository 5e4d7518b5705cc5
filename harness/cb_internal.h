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
/* n bytes, which may include NUL (data stays NUL-terminated after them). */
void cb_sb_append(struct cb_strbuf *sb, const void *data, size_t n);
void cb_sb_free(struct cb_strbuf *sb);
const char *cb_sb_str(const struct cb_strbuf *sb);

/* ---- registry (cb_registry.c) ---- */
struct cb_entry {
	const char *name; /* "BenchmarkX" */
	cbench_fn *fn;
	unsigned flags;
	const char *file; /* __FILE__ of the BENCH, NULL when unknown */
	const char *pkg;  /* CBENCH_PKG where the BENCH was compiled, or NULL */
	char *owned;      /* name when the registry rewrote it (freed by reset) */
};
size_t cb_registry_count(void);
const struct cb_entry *cb_registry_get(size_t i);
void cb_registry_reset(void); /* tests: forget every registration */
/* Go's rules for the registered names (see cb_registry.c): the number of
 * problems, each a line appended to msg; 0 when every name may run. */
int cb_registry_check(struct cb_strbuf *msg);
/* A name as Go's testing writes it: white space becomes '_', other
 * unprintable bytes \xNN (cb_runner.c). */
void cb_name_rewrite(struct cb_strbuf *sb, const char *name);
/* The default pkg: value (see cb_registry.c), into sb. */
void cb_registry_pkg(struct cb_strbuf *sb);
/* The pkg derived from one BENCH's __FILE__ (tests). */
void cb_pkg_from_file(struct cb_strbuf *sb, const char *file);

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
	bool json, verbose, benchmem, help, version;
	bool isolate;           /* run each benchmark in a child process (cb_isolate.c) */
	const char *run;        /* -run regex: checked, then ignored (no tests here) */
	const char *pkg;
	const char *memprofile; /* -memprofile file; NULL: no profile */
	int64_t memprofilerate;  /* bytes per sample on average; 1: every allocation */
	bool retained;           /* measure retained-B/op (cb_retained.c) */
	int instructions;        /* enum cb_instr_mode: -instructions (cb_counters.c) */
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

/* ---- instructions per op (cb_counters.c, cb_callgrind.c) ---- */
/* -instructions: off, "true" (hardware counters, else callgrind), or one
 * way forced. */
enum cb_instr_mode { CB_INSTR_OFF, CB_INSTR_AUTO, CB_INSTR_PERF, CB_INSTR_CALLGRIND };
enum { CB_CNT_INSTRUCTIONS, CB_CNT_CYCLES, CB_CNT_BRANCH_MISSES, CB_NCOUNTERS };
struct cb_counts {
	uint64_t value[CB_NCOUNTERS];
	/* perf readings: the times the event was enabled and counting (they
	 * differ when the kernel multiplexed it) */
	uint64_t enabled[CB_NCOUNTERS], running[CB_NCOUNTERS];
	unsigned valid;  /* bit i set: value[i] was counted */
	unsigned scaled; /* bit i set: value[i] is scaled up from part of the time */
};

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
	struct cb_metric metrics[CB_MAX_METRICS]; /* reported, then retained-B/op */
	int nmetrics;
};
/* What a result shows, decided once for the text line and the JSON object
 * alike: reported metrics override measured figures, a figure that is 0
 * (ns/op, MB/s) is left out, extra units come sorted. Pointers borrow from
 * the result. */
struct cb_mem_figure {
	bool measured;   /* from the counts (exact); false: reported */
	double per_op;
	uint64_t total;  /* the counted total when measured */
};
struct cb_figures {
	bool has_ns, has_mbs, has_mem;
	double ns_per_op, mb_per_s;
	struct cb_mem_figure bytes, allocs;
	const struct cb_metric *extra[CB_MAX_METRICS];
	int nextra;
};
void cb_result_figures(const struct cb_result *r, struct cb_figures *f);
/* Go's prettyPrint: "%10.0f ns/op" ... "%18.7f x" by magnitude. */
void cb_format_pretty(struct cb_strbuf *sb, double x, const char *unit);
/* Exact quotient total/n as described in cbench.h. */
void cb_format_exact(char *buf, size_t len, uint64_t total, int64_t n);
/* The shortest fixed-point decimal that reads back as x. */
void cb_format_double(char *buf, size_t len, double x);
/* The whole result line, without the newline, name padded to max_len. */
void cb_format_line(struct cb_strbuf *sb, int max_len, const struct cb_result *r);
const struct cb_metric *cb_result_metric(const struct cb_result *r, const char *unit);
/* Appends "Name", or "Name-P" when procs != 1. */
void cb_bench_name(struct cb_strbuf *sb, const char *name, int procs);

/* ---- machine description for the header lines (cb_sysinfo.c) ---- */
struct cb_sysinfo {
	const char *goos, *goarch;
	char cpu[256]; /* empty when unknown */
};
void cb_sysinfo_get(struct cb_sysinfo *si);
int cb_sysinfo_nprocs(void);

/* ---- the record every printed line comes from (cb_report.c) ---- */
enum cb_record_kind {
	CB_REC_RESULT, /* a result line; then a FAIL or BENCH block with output */
	CB_REC_FAIL,   /* "--- FAIL:" block, no result line */
	CB_REC_SKIP,   /* "--- SKIP:" block */
	CB_REC_LOG,    /* "--- BENCH:" block of a parent of sub-benchmarks (-v) */
	CB_REC_NAME,   /* -v: the name of a benchmark about to run */
};
struct cb_record {
	enum cb_record_kind kind;
	bool failed;        /* CB_REC_RESULT: the benchmark failed after measuring */
	int width;          /* the name column's width when it was produced */
	struct cb_result res; /* res.name is the name printed; measurements for RESULT */
	const char *output; /* the benchmark's log, "" when none */
};

/* JSON object of one record (cb_json.c), one line. */
void cb_json_record(FILE *out, const struct cb_sysinfo *si, const char *pkg,
		    const struct cb_record *rec);

/* The one writer of the harness's output. Results, blocks, the header and
 * the closing PASS/FAIL go to out; progress (a terminal only) and what
 * child processes write to their stderr go to err. It keeps the counters
 * the exit status comes from. */
struct cb_reporter {
	FILE *out, *err;
	bool json;
	bool progress;       /* err is a terminal: show what runs */
	const struct cb_sysinfo *sys;
	const char *pkg;
	bool exact_counts;   /* B/op and allocs/op are counted: say they are exact */
	bool header_done;
	int ran, failed, skipped;
	int write_errno;     /* the first failed write to out (errno), 0: none */
	/* progress line state */
	bool shown;          /* the progress line is on the terminal now */
	bool err_midline;    /* relayed stderr ended without a newline */
	int done, total;     /* top-level benchmarks finished / selected */
	char *current;       /* what runs now */
	const char *instructions; /* "instructions:" header value, NULL: none */
	bool instructions_exact;  /* header declares instructions/op assume=exact */
	char *drawn;         /* the progress line last drawn */
	int64_t since_ns;
};
void cb_report_header(struct cb_reporter *rp);
/* Prints rec and counts it: RESULT ok -> ran, RESULT failed and FAIL ->
 * failed, SKIP -> skipped. */
void cb_report_record(struct cb_reporter *rp, const struct cb_record *rec);
/* "PASS" or "FAIL" (text only). */
void cb_report_end(struct cb_reporter *rp, bool ok);
void cb_report_list(struct cb_reporter *rp, const char *name);
/* Progress: name starts running; a top-level benchmark is finished; a
 * periodic redraw (elapsed time); bytes a child wrote to its stderr. */
void cb_report_start(struct cb_reporter *rp, const char *name);
void cb_report_finished(struct cb_reporter *rp);
void cb_report_tick(struct cb_reporter *rp);
void cb_report_stderr(struct cb_reporter *rp, const char *data, size_t len);
/* Erases the progress line and frees its state. */
void cb_report_close(struct cb_reporter *rp);

/* ---- the runner (cb_runner.c) ---- */
struct cb_name_set {
	char **slots; /* open addressing; NULL: empty */
	size_t nslots, count;
};

struct cb_suite {
	const struct cb_config *cfg;
	struct cb_matcher match;
	struct cb_sysinfo sys;
	struct cb_reporter rep;
	bool hooks_active;
	int max_len, ext_len;
	int wire_fd;       /* >= 0 in a child: records go to the parent (cb_wire.c) */
	bool wire_failed;  /* the parent stopped reading */
	bool profile_cut;  /* -memprofile: a benchmark's process died; its last run is missing */
	/* sub-benchmark names seen, for Go's "#01" de-duplication */
	struct cb_name_set names;
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
	/* -instructions: readings when the timer started, what was counted
	 * while it ran in this run, and the reported run's (cb_counters.c) */
	struct cb_counts cnt_start, cnt_run, cnt_reported;
	int64_t bytes;
	struct cb_metric metrics[CB_MAX_METRICS];
	int nmetrics;
	int64_t prev_n, prev_ns;
	/* state */
	bool failed, skipped, finished, has_sub;
	struct cb_strbuf output;
	jmp_buf *jump;    /* where cbench_fatal and cbench_skip return to */
	pthread_t owner;  /* the thread that runs the benchmark function */
	cbench_b bh;      /* the handle the benchmark sees */
};

/* Appends a line to the benchmark's output (cb_log.c). */
void cb_run_note(struct cb_run *r, const char *fmt, ...) CBENCH_PRINTF_(2, 3);
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

/* Runs every registered benchmark matching suite->match, each in a child
 * process unless cfg->isolate is false. */
void cb_suite_init(struct cb_suite *s, const struct cb_config *cfg, FILE *out, FILE *err);
void cb_suite_run(struct cb_suite *s);
void cb_suite_free(struct cb_suite *s);
/* One registered benchmark with its sub-benchmarks, -cpu values and
 * repetitions, in this process (cb_runner.c). */
void cb_run_entry(struct cb_suite *s, const struct cb_entry *e);
/* Where the runner's records and start events go: the reporter, or the
 * parent process when this is a child. */
void cb_emit(struct cb_suite *s, const struct cb_record *rec);
void cb_emit_start(struct cb_suite *s, const char *name);
/* A FAIL record with msg as output, for failures of the harness itself
 * (out of memory) that must still fail the benchmark. */
void cb_emit_failure(struct cb_suite *s, const char *name, const char *msg);

/* ---- crash isolation (cb_isolate.c) ---- */
/* Runs e in a child process and reports what it sent; a child that dies,
 * exits early or outlives -timeout is reported as a FAIL block. */
void cb_isolate_entry(struct cb_suite *s, const struct cb_entry *e);
/* In a child with -memprofile: sends the profile samples kept since the
 * last call to the parent (nothing otherwise). */
void cb_isolate_send_kept(struct cb_suite *s);

/* ---- the child -> parent protocol (cb_wire.c) ---- */
enum cb_msg_type { CB_MSG_START = 1, CB_MSG_RECORD, CB_MSG_SITE, CB_MSG_DONE };
/* Sending: false when the pipe broke (the parent is gone). */
bool cb_wire_send(int fd, enum cb_msg_type type, const void *payload, size_t len);
bool cb_wire_send_record(int fd, const struct cb_record *rec);
bool cb_wire_send_start(int fd, int width, const char *name);
/* A record decoded from a payload; strings point into the payload, which
 * must outlive it. False when the payload is malformed. */
bool cb_wire_decode_record(const unsigned char *p, size_t len, struct cb_record *rec);
/* Receiving: bytes accumulate in a buffer; cb_wire_next hands out whole
 * messages (payload borrowed until the next call). */
struct cb_wire_in {
	struct cb_strbuf buf; /* bytes received, the first `used` handed out */
	size_t used;
	bool failed; /* out of memory, or a frame too large */
};
bool cb_wire_feed(struct cb_wire_in *in, const void *data, size_t len);
bool cb_wire_next(struct cb_wire_in *in, enum cb_msg_type *type, const unsigned char **payload,
		  size_t *len);
void cb_wire_free(struct cb_wire_in *in);

/* ---- -instructions: how it counts (cb_counters.c, cb_callgrind.c) ---- */
/* Chooses how to count, before anything runs. Returns 0 to run the
 * benchmarks in this process (counting set up, or -instructions off); 1 when
 * the whole run happened in a child process under valgrind (*status is its
 * exit status; what valgrind itself logged was written to err); -1 when
 * nothing can count here, with a message in msg (exit status 2). */
int cb_counters_begin(const struct cb_config *cfg, int argc, char **argv, FILE *out, FILE *err,
		      int *status, char *msg, size_t msglen);
/* The "instructions:" header value of this process, NULL when off. */
const char *cb_counters_path(void);
/* True when instructions/op repeat exactly from run to run (callgrind with
 * a fixed iteration count), so the header may declare it assume=exact. */
bool cb_counters_exact(const struct cb_config *cfg);
/* The timer's calls (cb_timer.c): counting follows the timer exactly. */
void cb_counters_start(struct cb_run *r);
void cb_counters_stop(struct cb_run *r);
void cb_counters_reset(struct cb_run *r);
/* After the reported run, before anything else runs: keep its counts. A
 * count that cannot be read fails the benchmark with a note. */
void cb_counters_take(struct cb_run *r);
/* Adds instructions/op (cycles/op, branch-misses/op) to res, unless the
 * benchmark reported the unit itself; under callgrind drops the time,
 * which valgrind slowed down (ns/op and MB/s are then not printed). */
void cb_counters_report(const struct cb_run *r, struct cb_result *res);

/* The perf events counted (type and config of perf_event_attr); tests
 * replace the hardware events by software ones, which any kernel grants. */
struct cb_perf_event {
	uint32_t type;
	uint64_t config;
};
extern struct cb_perf_event cb_perf_events[CB_NCOUNTERS];
/* Counter i's count between two readings, scaled to the whole interval when
 * the kernel multiplexed it (*scaled); false when it never ran in it. */
bool cb_perf_delta(const struct cb_counts *start, const struct cb_counts *now, int i,
		   uint64_t *delta, bool *scaled);

/* Callgrind's side (cb_callgrind.c). */
bool cb_callgrind_built(void);   /* the client requests were compiled in */
bool cb_callgrind_running(void); /* this process runs under valgrind */
void cb_callgrind_start(void);
void cb_callgrind_stop(void);
void cb_callgrind_zero(void);
/* Dumps callgrind's counts and reads back the instructions in them.
 * Returns 0, or -1 with a message. */
int cb_callgrind_take(uint64_t *instructions, char *msg, size_t msglen);
/* The instructions in a callgrind dump whose trigger is tag; -1 with a
 * message when text is not such a dump. */
int cb_callgrind_parse(const char *text, const char *tag, uint64_t *instructions, char *msg,
		       size_t msglen);
/* Runs argv again under valgrind --tool=callgrind with its stdout and
 * stderr on out and err. Returns its exit status, or -1 with a message
 * when it could not be started. */
int cb_callgrind_exec(int argc, char **argv, FILE *out, FILE *err, char *msg, size_t msglen);

/* The benchmark now running, for the -timeout message: a copy the caller
 * frees, NULL when none (or out of memory). */
char *cb_current_name(void);

#endif
