/* cb_counters.c: -instructions, the instructions a benchmark's timed loop
 * executes per iteration, counted in one of two ways chosen before anything
 * runs (cb_counters_begin):
 *
 *  - perf: the kernel's hardware counters (perf_event_open), user space only
 *    (exclude_kernel, exclude_hv), read when the timer starts and stops.
 *    Instructions must be granted; cycles and branch misses are added when
 *    they are too. The events are opened in the process that measures (the
 *    benchmark's child under isolation, after the fork) with inherit set, so
 *    the threads of a parallel benchmark, created and joined while the timer
 *    runs, are counted; a counter the kernel multiplexed is scaled by the
 *    time it ran (an estimate, which the benchmark's log then says).
 *  - callgrind: the program runs again under valgrind (cb_callgrind.c) and
 *    instrumentation is switched on only while a timer runs.
 *
 * Counting follows the timer exactly as time and allocations do: reset
 * zeroes it, stop pauses it, and only the reported run's counts (taken right
 * after calibration, before retained-B/op's extra run) are divided by n.
 * Setup before cbench_reset_timer, the warm-up and calibration runs are
 * never in the figure. */
#include "cb_internal.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const units[CB_NCOUNTERS] = {
	[CB_CNT_INSTRUCTIONS] = "instructions/op",
	[CB_CNT_CYCLES] = "cycles/op",
	[CB_CNT_BRANCH_MISSES] = "branch-misses/op",
};

struct cb_perf_event cb_perf_events[CB_NCOUNTERS] = {
	[CB_CNT_INSTRUCTIONS] = {PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
	[CB_CNT_CYCLES] = {PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
	[CB_CNT_BRANCH_MISSES] = {PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
};

static enum cb_instr_mode active; /* CB_INSTR_OFF, _PERF or _CALLGRIND */
static int perf_fd[CB_NCOUNTERS] = {-1, -1, -1};
static pid_t perf_pid; /* the process perf_fd count; 0: none open */

/* ---- perf events ---- */

static int perf_open(const struct cb_perf_event *e)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = e->type;
	a.config = e->config;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	a.inherit = 1;
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static void perf_close(void)
{
	for (int i = 0; i < CB_NCOUNTERS; i++) {
		if (perf_fd[i] >= 0)
			close(perf_fd[i]);
		perf_fd[i] = -1;
	}
	perf_pid = 0;
}

/* Descriptors inherited over fork count the parent: each process opens its
 * own. */
static void perf_ensure_open(void)
{
	pid_t self = getpid();
	if (perf_pid == self)
		return;
	perf_close();
	for (int i = 0; i < CB_NCOUNTERS; i++)
		perf_fd[i] = perf_open(&cb_perf_events[i]);
	perf_pid = self;
}

static void perf_read(struct cb_counts *c)
{
	perf_ensure_open();
	c->valid = 0;
	for (int i = 0; i < CB_NCOUNTERS; i++) {
		uint64_t v[3]; /* value, time enabled, time running */
		if (perf_fd[i] < 0 || read(perf_fd[i], v, sizeof v) != (ssize_t)sizeof v)
			continue;
		c->value[i] = v[0];
		c->enabled[i] = v[1];
		c->running[i] = v[2];
		c->valid |= 1u << i;
	}
}

/* What counter i counted from start to now. A counter the kernel
 * multiplexed ran only part of the interval: its count is scaled to the
 * whole interval, and one that never ran cannot be estimated (false). */
bool cb_perf_delta(const struct cb_counts *start, const struct cb_counts *now, int i,
		   uint64_t *delta, bool *scaled)
{
	uint64_t value = now->value[i] - start->value[i];
	uint64_t enabled = now->enabled[i] - start->enabled[i];
	uint64_t running = now->running[i] - start->running[i];
	*scaled = running < enabled;
	if (!*scaled) {
		*delta = value;
		return true;
	}
	if (running == 0)
		return false;
	*delta = (uint64_t)((double)value * (double)enabled / (double)running);
	return true;
}

/* The probe: can this process count its own user-space instructions? */
static bool perf_available(char *why, size_t len)
{
	int fd = perf_open(&cb_perf_events[CB_CNT_INSTRUCTIONS]);
	if (fd < 0) {
		int e = errno;
		FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
		int paranoid = 0;
		bool known = f && fscanf(f, "%d", &paranoid) == 1;
		if (f)
			fclose(f);
		/* ENOENT, EOPNOTSUPP: no such counter (a VM or container without
		 * a virtual PMU); EACCES, EPERM: not allowed at this paranoia. */
		const char *hint = e == ENOENT || e == EOPNOTSUPP ? ": no instructions counter here"
				   : "";
		if (known)
			snprintf(why, len, "perf_event_open: %s%s (kernel.perf_event_paranoid is %d)",
				 strerror(e), hint, paranoid);
		else
			snprintf(why, len, "perf_event_open: %s%s", strerror(e), hint);
		return false;
	}
	close(fd);
	return true;
}

/* ---- the choice ---- */

static bool have_valgrind(char *why, size_t len)
{
	if (!cb_callgrind_built()) {
		snprintf(why, len, "this cbench was built without valgrind/callgrind.h (install the "
				   "Debian package valgrind and rebuild cbench)");
		return false;
	}
	const char *path = getenv("PATH");
	for (const char *p = path ? path : ""; *p;) {
		size_t n = strcspn(p, ":");
		char file[4096];
		if (n > 0 && snprintf(file, sizeof file, "%.*s/valgrind", (int)n, p) < (int)sizeof file &&
		    access(file, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	snprintf(why, len, "valgrind is not installed (no valgrind in PATH; Debian package valgrind)");
	return false;
}

int cb_counters_begin(const struct cb_config *cfg, int argc, char **argv, FILE *out, FILE *err,
		      int *status, char *msg, size_t msglen)
{
	active = CB_INSTR_OFF;
	perf_close(); /* a run starts with the events as they are now */
	if (cfg->instructions == CB_INSTR_OFF)
		return 0;
	/* The child cb_callgrind_exec started: it counts with callgrind. */
	if (getenv("CBENCH_CALLGRIND_DIR")) {
		if (!cb_callgrind_running()) {
			snprintf(msg, msglen, "cbench: -instructions: CBENCH_CALLGRIND_DIR is set, "
					      "but the program is not running under valgrind");
			return -1;
		}
		active = CB_INSTR_CALLGRIND;
		return 0;
	}
	if (cb_callgrind_running()) {
		snprintf(msg, msglen, "cbench: -instructions: the program already runs under valgrind; "
				      "run it directly (cbench starts callgrind itself when it needs it)");
		return -1;
	}
	char no_perf[256] = "", no_valgrind[256] = "";
	if (cfg->instructions != CB_INSTR_CALLGRIND && perf_available(no_perf, sizeof no_perf)) {
		active = CB_INSTR_PERF;
		return 0;
	}
	if (cfg->instructions == CB_INSTR_PERF) {
		snprintf(msg, msglen, "cbench: -instructions=perf: the kernel refuses hardware "
				      "counters: %s", no_perf);
		return -1;
	}
	if (!have_valgrind(no_valgrind, sizeof no_valgrind)) {
		if (cfg->instructions == CB_INSTR_CALLGRIND)
			snprintf(msg, msglen, "cbench: -instructions=callgrind: %s", no_valgrind);
		else
			snprintf(msg, msglen, "cbench: -instructions: nothing here can count instructions: "
					      "the kernel refuses hardware counters (%s), and %s",
				 no_perf, no_valgrind);
		return -1;
	}
	*status = cb_callgrind_exec(argc, argv, out, err, msg, msglen);
	return *status < 0 ? -1 : 1;
}

const char *cb_counters_path(void)
{
	return active == CB_INSTR_PERF ? "perf" : active == CB_INSTR_CALLGRIND ? "callgrind" : NULL;
}

/* With a duration, n follows the (valgrind-slowed) clock and the loop's
 * fixed cost is divided by a different n in every run. */
bool cb_counters_exact(const struct cb_config *cfg)
{
	return active == CB_INSTR_CALLGRIND && cfg->benchtime_n > 0;
}

/* ---- following the timer ---- */

void cb_counters_start(struct cb_run *r)
{
	if (active == CB_INSTR_PERF)
		perf_read(&r->cnt_start);
	else if (active == CB_INSTR_CALLGRIND)
		cb_callgrind_start();
}

void cb_counters_stop(struct cb_run *r)
{
	if (active == CB_INSTR_CALLGRIND) {
		cb_callgrind_stop();
		return;
	}
	if (active != CB_INSTR_PERF)
		return;
	struct cb_counts now;
	perf_read(&now);
	unsigned both = now.valid & r->cnt_start.valid;
	for (int i = 0; i < CB_NCOUNTERS; i++) {
		uint64_t delta;
		bool scaled;
		if (!(both & (1u << i)) || !cb_perf_delta(&r->cnt_start, &now, i, &delta, &scaled)) {
			both &= ~(1u << i);
			continue;
		}
		r->cnt_run.value[i] += delta;
		if (scaled)
			r->cnt_run.scaled |= 1u << i;
	}
	/* A counter missing from any reading of the run is not reported. */
	r->cnt_run.valid &= both;
}

void cb_counters_reset(struct cb_run *r)
{
	if (active == CB_INSTR_OFF)
		return;
	r->cnt_run = (struct cb_counts){.valid = (1u << CB_NCOUNTERS) - 1};
	if (active == CB_INSTR_CALLGRIND)
		cb_callgrind_zero();
	else if (r->timer_on)
		perf_read(&r->cnt_start);
}

void cb_counters_take(struct cb_run *r)
{
	r->cnt_reported = (struct cb_counts){0};
	if (active == CB_INSTR_OFF || r->failed || r->skipped)
		return;
	if (active == CB_INSTR_PERF) {
		r->cnt_reported = r->cnt_run;
		if (r->cnt_run.scaled & r->cnt_run.valid & (1u << CB_CNT_INSTRUCTIONS))
			cb_run_note(r, "cbench: -instructions: the kernel shared the counter with other "
				       "events; instructions/op is scaled from part of the time");
	} else {
		char msg[512];
		uint64_t n;
		if (cb_callgrind_take(&n, msg, sizeof msg) == 0)
			r->cnt_reported = (struct cb_counts){.value = {[CB_CNT_INSTRUCTIONS] = n},
							     .valid = 1u << CB_CNT_INSTRUCTIONS};
		else
			cb_run_note(r, "cbench: -instructions: %s", msg);
	}
	if (!(r->cnt_reported.valid & (1u << CB_CNT_INSTRUCTIONS))) {
		if (active == CB_INSTR_PERF)
			cb_run_note(r, "cbench: -instructions: the instructions counter could not be read");
		r->failed = true;
	}
}

void cb_counters_report(const struct cb_run *r, struct cb_result *res)
{
	if (active == CB_INSTR_OFF || res->n <= 0)
		return;
	if (active == CB_INSTR_CALLGRIND)
		res->ns = 0;
	for (int i = 0; i < CB_NCOUNTERS; i++) {
		if (!(r->cnt_reported.valid & (1u << i)) || res->nmetrics >= CB_MAX_METRICS ||
		    cb_result_metric(res, units[i]))
			continue;
		struct cb_metric *m = &res->metrics[res->nmetrics++];
		snprintf(m->unit, sizeof m->unit, "%s", units[i]);
		m->value = (double)r->cnt_reported.value[i] / (double)res->n;
	}
}
