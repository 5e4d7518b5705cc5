/* cb_isolate.c: crash isolation. Each selected top-level benchmark (its
 * sub-benchmarks, -cpu values and -count repetitions included) runs in a
 * child process forked after the harness is set up, so that a benchmark
 * that dies by a signal, abort(), exit() or _exit(), or outlives -timeout,
 * costs only itself: what it measured before dying is printed, it is
 * reported as Go reports a failure ("--- FAIL: BenchmarkX-2" with the
 * signal or exit status and the last lines it wrote to stderr), and the
 * next benchmark runs.
 *
 * The child runs the benchmark exactly as the in-process runner does and
 * sends each record (cb_wire.c) instead of printing it; the parent prints
 * them (cb_report.c), so output order and figures are the same either way.
 * Hooks count per process: the child counts its own allocations, and its
 * records carry the counts. With -memprofile the child starts from an
 * empty profile and sends the samples of each measured run, with their
 * labels, as soon as the runner keeps it, before the run's record: a crash
 * later in the same child costs the profile nothing that was printed. The
 * parent keeps them as its own; when a child dies, the profile is marked
 * incomplete (it lacks the run that died). The child's
 * stderr goes through a pipe: the parent passes it on to its stderr as it
 * arrives and keeps the last lines for a FAIL block.
 *
 * -timeout applies to each child: one that hangs is killed (SIGKILL) and
 * the suite goes on. Each child leads a process group of its own, and the
 * parent kills that group on a timeout and again when the child has ended,
 * before reaping it (so the group's id cannot have been reused): processes
 * a benchmark started and left behind die with it, instead of holding the
 * output pipe open (`./bench | cat` would never end). One that left the
 * group (setsid) is beyond reach. What the parent waits on: the two pipes and a pidfd
 * for the child's exit (a child may close its pipes, or leave a process
 * holding them, and still run or exit), with a 200 ms tick for the
 * progress line. */
#include "cb_internal.h"
#include "cb_profile.h"
#include "cb_profwin.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { TAIL_BYTES = 4096, TAIL_LINES = 10, TICK_MS = 200 };

struct child {
	pid_t pid;
	int fds[3];          /* results pipe, stderr pipe, pidfd (or -1) */
	struct cb_wire_in in;
	char *running;       /* the last START: where a crash happened */
	bool running_reported; /* a record for it arrived */
	bool done, lossy, corrupt, timed_out, status_unknown;
	int status;          /* from waitpid */
	char tail[TAIL_BYTES]; /* the last bytes of its stderr */
	size_t tail_len;
};

/* ---- the child ---- */

/* One sample the child kept for the profile (cb_profwin.c) and its labels:
 * struct cb_site, i64 repetition, i64 iterations, the benchmark's name. */
static void send_sample(int fd, size_t i)
{
	const char *bench;
	int64_t rep, n;
	const struct cb_site *site = cb_profwin_sample(i, &bench, &rep, &n);
	size_t len = sizeof *site + 2 * sizeof(int64_t) + strlen(bench);
	unsigned char *msg = malloc(len);
	if (!msg) {
		cb_profwin_mark_lossy(); /* the parent's profile misses it; DONE says so */
		return;
	}
	memcpy(msg, site, sizeof *site);
	memcpy(msg + sizeof *site, &rep, sizeof rep);
	memcpy(msg + sizeof *site + sizeof rep, &n, sizeof n);
	memcpy(msg + sizeof *site + 2 * sizeof rep, bench, strlen(bench));
	if (!cb_wire_send(fd, CB_MSG_SITE, msg, len))
		cb_profwin_mark_lossy();
	free(msg);
}

void cb_isolate_send_kept(struct cb_suite *s)
{
	static size_t sent; /* per child: the parent never sends */
	if (s->wire_fd < 0 || !s->cfg->memprofile)
		return;
	cb_hooks_suppress_begin(); /* the harness's allocations, not the benchmark's */
	for (; sent < cb_profwin_nsamples(); sent++)
		send_sample(s->wire_fd, sent);
	cb_hooks_suppress_end();
}

CBENCH_NORETURN_ static void child_main(struct cb_suite *s, const struct cb_entry *e,
					int res_fd, int err_fd, uint64_t salt, pid_t parent)
{
	/* A parent killed (a cancelled CI job) takes a hanging child with it.
	 * Its own process group: what it starts can be killed with it (the
	 * parent makes the same call, so the group exists whoever runs first). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
	setpgid(0, 0);
	if (dup2(err_fd, STDERR_FILENO) < 0)
		_exit(127);
	close(err_fd);
	s->wire_fd = res_fd;
	if (s->cfg->memprofile)
		cb_profile_fork_child(salt);
	cb_run_entry(s, e);
	cb_isolate_send_kept(s); /* nothing is left unsent; this keeps it so */
	struct {
		int32_t width;
		int32_t lossy;
	} done = {s->max_len, s->cfg->memprofile && cb_profile_lossy()};
	fflush(stdout);
	fflush(stderr);
	cb_wire_send(res_fd, CB_MSG_DONE, &done, sizeof done);
	_exit(0);
}

/* ---- the parent ---- */

static void on_message(struct cb_suite *s, struct child *c, enum cb_msg_type type,
		       const unsigned char *p, size_t len)
{
	struct cb_record rec;
	switch (type) {
	case CB_MSG_START: {
		int32_t width;
		if (len < sizeof width) {
			c->corrupt = true;
			break;
		}
		memcpy(&width, p, sizeof width);
		if (width > s->max_len)
			s->max_len = width;
		free(c->running);
		c->running = strndup((const char *)p + sizeof width, len - sizeof width);
		c->running_reported = false;
		if (c->running)
			cb_report_start(&s->rep, c->running);
		break;
	}
	case CB_MSG_RECORD:
		if (!cb_wire_decode_record(p, len, &rec)) {
			c->corrupt = true;
			break;
		}
		if (rec.width > s->max_len)
			s->max_len = rec.width;
		if (c->running && strcmp(rec.res.name, c->running) == 0)
			c->running_reported = true;
		cb_report_record(&s->rep, &rec);
		break;
	case CB_MSG_SITE: {
		struct cb_site site;
		int64_t rep, n;
		size_t head = sizeof site + 2 * sizeof rep;
		if (len < head) {
			cb_profwin_mark_lossy();
			break;
		}
		memcpy(&site, p, sizeof site);
		memcpy(&rep, p + sizeof site, sizeof rep);
		memcpy(&n, p + sizeof site + sizeof rep, sizeof n);
		if (!cb_profwin_import(&site, (const char *)p + head, len - head, rep, n))
			cb_profwin_mark_lossy();
		break;
	}
	case CB_MSG_DONE: {
		int32_t done[2];
		if (len != sizeof done) {
			c->corrupt = true;
			break;
		}
		memcpy(done, p, sizeof done);
		if (done[0] > s->max_len)
			s->max_len = done[0];
		c->lossy = done[1] != 0;
		c->done = true;
		break;
	}
	default:
		c->corrupt = true;
	}
}

static void keep_tail(struct child *c, const char *data, size_t n)
{
	if (n >= TAIL_BYTES) {
		memcpy(c->tail, data + n - TAIL_BYTES, TAIL_BYTES);
		c->tail_len = TAIL_BYTES;
		return;
	}
	if (c->tail_len + n > TAIL_BYTES) {
		size_t drop = c->tail_len + n - TAIL_BYTES;
		memmove(c->tail, c->tail + drop, c->tail_len - drop);
		c->tail_len -= drop;
	}
	memcpy(c->tail + c->tail_len, data, n);
	c->tail_len += n;
}

/* Reads what fd i has; closes it at end of file. */
static void drain(struct cb_suite *s, struct child *c, int i)
{
	char buf[65536];
	ssize_t n = read(c->fds[i], buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(c->fds[i]);
		c->fds[i] = -1;
		return;
	}
	if (i == 1) {
		keep_tail(c, buf, (size_t)n);
		cb_report_stderr(&s->rep, buf, (size_t)n);
		return;
	}
	if (!cb_wire_feed(&c->in, buf, (size_t)n))
		c->corrupt = true;
	enum cb_msg_type type;
	const unsigned char *p;
	size_t len;
	while (cb_wire_next(&c->in, &type, &p, &len))
		on_message(s, c, type, p, len);
	if (c->in.failed)
		c->corrupt = true;
}

/* Kills the child's process group: the child (when it is still running)
 * and whatever it left behind in it. */
static void kill_group(const struct child *c)
{
	kill(-c->pid, SIGKILL);
	kill(c->pid, SIGKILL); /* in case the group could not be made */
}

/* Whether the child has ended, and then its group is killed and the child
 * reaped. It is seen ended without being reaped (WNOWAIT): until it is,
 * its pid, the group's id, cannot name another process. A program that
 * ignores SIGCHLD has its children reaped by the kernel: then there is no
 * status to read (ECHILD), only the end, and a group of leftovers (whose
 * id is still theirs while they live) is killed. */
static bool reaped(struct child *c)
{
	siginfo_t info = {0};
	if (waitid(P_PID, (id_t)c->pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD) {
		kill(-c->pid, SIGKILL);
		c->status = 0;
		c->status_unknown = true;
		return true;
	}
	if (info.si_pid != c->pid)
		return false;
	kill_group(c);
	while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
		;
	return true;
}

static int wait_ms(const struct child *c, int64_t deadline)
{
	int ms = TICK_MS;
	if (c->fds[0] < 0 && c->fds[1] < 0 && c->fds[2] < 0)
		ms = 1; /* no pidfd: poll for the exit that closing the pipes announced */
	if (deadline > 0) {
		int64_t left = (deadline - cb_monotonic_ns()) / 1000000 + 1;
		if (left < ms)
			ms = left > 0 ? (int)left : 0;
	}
	return ms;
}

static void watch(struct cb_suite *s, struct child *c)
{
	int64_t timeout = s->cfg->timeout_ns;
	int64_t deadline = timeout > 0 ? cb_monotonic_ns() + timeout : 0;
	for (;;) {
		struct pollfd pf[3];
		for (int i = 0; i < 3; i++)
			pf[i] = (struct pollfd){.fd = c->fds[i], .events = POLLIN};
		int n = poll(pf, 3, wait_ms(c, deadline));
		for (int i = 0; n > 0 && i < 2; i++)
			if (c->fds[i] >= 0 && pf[i].revents)
				drain(s, c, i);
		if (reaped(c))
			break;
		if (deadline > 0 && cb_monotonic_ns() >= deadline) {
			kill_group(c);
			while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
				;
			c->timed_out = true;
			break;
		}
		cb_report_tick(&s->rep);
	}
	/* The child is gone; take what is left in the pipes without waiting
	 * for an end of file that a process it started may hold back. */
	for (int i = 0; i < 2; i++) {
		if (c->fds[i] < 0)
			continue;
		fcntl(c->fds[i], F_SETFL, O_NONBLOCK);
		while (c->fds[i] >= 0) {
			struct pollfd pf = {.fd = c->fds[i], .events = POLLIN};
			if (poll(&pf, 1, 0) <= 0)
				break;
			drain(s, c, i);
		}
	}
}

/* "signal: segmentation fault (SIGSEGV)", "exit status 3", as Go's
 * os/exec says it, or why a normal exit is still a failure. */
static void describe_end(struct cb_strbuf *sb, const struct child *c, const struct cb_config *cfg)
{
	if (c->timed_out) {
		char d[64];
		cb_format_duration(cfg->timeout_ns, d, sizeof d);
		cb_sb_printf(sb, "    test timed out after %s; killed\n", d);
	} else if (WIFSIGNALED(c->status)) {
		int sig = WTERMSIG(c->status);
		const char *what = strsignal(sig), *abbrev = sigabbrev_np(sig);
		cb_sb_puts(sb, "    signal: ");
		for (const char *p = what ? what : "unknown"; *p; p++) {
			char ch[2] = {(char)tolower((unsigned char)*p), 0};
			cb_sb_puts(sb, ch);
		}
		if (abbrev)
			cb_sb_printf(sb, " (SIG%s)", abbrev);
		cb_sb_puts(sb, "\n");
	} else if (WEXITSTATUS(c->status) != 0) {
		cb_sb_printf(sb, "    exit status %d\n", WEXITSTATUS(c->status));
	} else if (!c->done && c->status_unknown) {
		cb_sb_puts(sb, "    the benchmark's process ended before finishing (exit status unknown: "
			       "SIGCHLD is ignored)\n");
	} else if (!c->done) {
		cb_sb_puts(sb, "    exit status 0: the benchmark ended its process before finishing\n");
	}
	if (c->corrupt)
		cb_sb_puts(sb, "    cbench: malformed results from the benchmark's process\n");
}

/* One line of the child's stderr as the FAIL block shows it: printable
 * bytes and tabs as they are, others (NUL, escapes, a lone \r) as \xNN,
 * so that the block is text the reporter can print whole and a byte from
 * the child cannot end it, redraw the terminal or glue the next line on. */
static void append_escaped(struct cb_strbuf *sb, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == '\t' || (ch >= 0x20 && ch < 0x7f))
			cb_sb_append(sb, p + i, 1);
		else
			cb_sb_printf(sb, "\\x%02x", ch);
	}
}

/* The last TAIL_LINES lines of stderr, indented under the failure, each
 * ending with a newline (the last one too, whatever the child wrote). */
static void describe_tail(struct cb_strbuf *sb, const struct child *c)
{
	size_t end = c->tail_len;
	while (end > 0 && c->tail[end - 1] == '\n')
		end--;
	if (end == 0)
		return;
	size_t start = end;
	for (int lines = 0; start > 0; start--)
		if (c->tail[start - 1] == '\n' && ++lines == TAIL_LINES)
			break;
	cb_sb_puts(sb, "    last lines on stderr:\n");
	for (size_t i = start; i < end;) {
		size_t j = i;
		while (j < end && c->tail[j] != '\n')
			j++;
		cb_sb_puts(sb, "        ");
		append_escaped(sb, c->tail + i, j - i);
		cb_sb_puts(sb, "\n");
		i = j + 1;
	}
}

/* A crash in a sub-benchmark costs its parent the rest of its run: later
 * sub-benchmarks, repetitions and -cpu values. Their names exist only in
 * the code that was to call cbench_run, so the block names whose they
 * were. */
static void describe_unreached(struct cb_strbuf *sb, const struct child *c,
			       const struct cb_entry *e)
{
	size_t len = strlen(e->name);
	if (!c->running || strncmp(c->running, e->name, len) != 0 || c->running[len] != '/')
		return;
	cb_sb_printf(sb, "    not run: what %s had left to run after %s (later sub-benchmarks, "
			 "repetitions, -cpu values)\n", e->name, c->running);
}

static bool ended_well(const struct child *c)
{
	return c->done && !c->corrupt && !c->timed_out && WIFEXITED(c->status) &&
	       WEXITSTATUS(c->status) == 0;
}

static void report_end(struct cb_suite *s, const struct cb_entry *e, struct child *c)
{
	if (c->lossy)
		cb_profile_mark_lossy();
	if (ended_well(c))
		return;
	if (s->cfg->memprofile)
		s->profile_cut = true;
	struct cb_strbuf name = {0}, msg = {0};
	if (c->running && !c->running_reported)
		cb_sb_puts(&name, c->running);
	else
		cb_bench_name(&name, e->name, s->cfg->cpus[0]);
	describe_end(&msg, c, s->cfg);
	describe_tail(&msg, c);
	describe_unreached(&msg, c, e);
	cb_emit_failure(s, name.failed ? e->name : cb_sb_str(&name),
			msg.failed ? "    cbench: the benchmark's process failed\n" : cb_sb_str(&msg));
	cb_sb_free(&name);
	cb_sb_free(&msg);
}

static void fail_to_start(struct cb_suite *s, const struct cb_entry *e, const char *what)
{
	struct cb_strbuf msg = {0};
	cb_sb_printf(&msg, "    cbench: %s: %s (-isolate=false runs benchmarks in this process)\n",
		     what, strerror(errno));
	cb_emit_failure(s, e->name, msg.failed ? "    cbench: cannot start a process\n" : cb_sb_str(&msg));
	cb_sb_free(&msg);
}

void cb_isolate_entry(struct cb_suite *s, const struct cb_entry *e)
{
	static uint64_t children;
	int res[2], err[2];
	if (pipe2(res, O_CLOEXEC) != 0) {
		fail_to_start(s, e, "pipe");
		return;
	}
	if (pipe2(err, O_CLOEXEC) != 0) {
		fail_to_start(s, e, "pipe");
		close(res[0]);
		close(res[1]);
		return;
	}
	/* Nothing buffered may be written twice, once by each process. */
	fflush(s->rep.out);
	fflush(s->rep.err);
	fflush(stdout);
	fflush(stderr);
	uint64_t salt = ++children;
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		close(res[0]);
		close(err[0]);
		child_main(s, e, res[1], err[1], salt, parent);
	}
	if (pid > 0)
		setpgid(pid, pid);
	close(res[1]);
	close(err[1]);
	if (pid < 0) {
		fail_to_start(s, e, "fork");
		close(res[0]);
		close(err[0]);
		return;
	}
	struct child c = {.pid = pid, .fds = {res[0], err[0], (int)syscall(SYS_pidfd_open, pid, 0)}};
	watch(s, &c);
	report_end(s, e, &c);
	for (int i = 0; i < 3; i++)
		if (c.fds[i] >= 0)
			close(c.fds[i]);
	free(c.running);
	cb_wire_free(&c.in);
}
