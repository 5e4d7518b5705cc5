/* cb_callgrind.c: -instructions where the kernel grants no hardware
 * counters. The program runs itself again under
 *
 *   valgrind -q --tool=callgrind --instr-atstart=no
 *            --callgrind-out-file=DIR/cb.%p --log-file=DIR/valgrind.%p
 *
 * with CBENCH_CALLGRIND_DIR=DIR in its environment and the same arguments;
 * that run prints everything, the first process only waits for it and
 * passes its exit status on. Inside it, instrumentation is switched on when
 * a timer starts and off when it stops (CALLGRIND_START/STOP_INSTRUMENTATION
 * are global, so the threads of a parallel benchmark count too, whereas
 * CALLGRIND_TOGGLE_COLLECT would only switch the calling thread), a timer
 * reset zeroes the counts, and after the reported run CALLGRIND_DUMP_STATS_AT
 * writes DIR/cb.<pid>.<part> with a trigger naming this dump; that file's
 * "totals:" line is the instructions (callgrind's Ir) of the reported run.
 * Files are named by pid, so the benchmark's child process (isolation;
 * valgrind follows fork in the same tool) finds its own; each is removed once
 * read, and DIR with the rest when the run ends.
 *
 * Callgrind replaces no allocator (only memcheck-like tools do), so the
 * harness's malloc hooks keep counting exactly. The client requests are
 * header-only macros from valgrind/callgrind.h: without that header the
 * harness builds, and this path reports what is missing. */
#include "cb_internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define CB_HAVE_CALLGRIND 1
#endif
#endif

#ifdef CB_HAVE_CALLGRIND
bool cb_callgrind_built(void) { return true; }
bool cb_callgrind_running(void) { return RUNNING_ON_VALGRIND != 0; }
void cb_callgrind_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void cb_callgrind_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
void cb_callgrind_zero(void) { CALLGRIND_ZERO_STATS; }
static void dump(const char *tag) { CALLGRIND_DUMP_STATS_AT(tag); }
#else
bool cb_callgrind_built(void) { return false; }
bool cb_callgrind_running(void) { return false; }
void cb_callgrind_start(void) {}
void cb_callgrind_stop(void) {}
void cb_callgrind_zero(void) {}
static void dump(const char *tag) { (void)tag; }
#endif

/* ---- reading a dump ---- */

static bool starts(const char *line, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);
	if (strncmp(line, prefix, n) != 0)
		return false;
	*rest = line + n;
	return true;
}

/* The dump format: "key: value" header lines, cost lines, and at the end
 * "totals: <one number per event>"; "events:" names the events in order. */
int cb_callgrind_parse(const char *text, const char *tag, uint64_t *instructions, char *msg,
		       size_t msglen)
{
	bool tagged = false, ir_first = false, have_totals = false;
	uint64_t totals = 0;
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		char buf[512];
		const char *rest;
		snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
		if (starts(buf, "desc: Trigger: Client Request: ", &rest))
			tagged = strcmp(rest, tag) == 0;
		else if (starts(buf, "events: ", &rest))
			ir_first = strncmp(rest, "Ir", 2) == 0 && (rest[2] == 0 || rest[2] == ' ');
		else if (starts(buf, "totals: ", &rest)) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(rest, &end, 10);
			have_totals = errno == 0 && end != rest && (*end == 0 || *end == ' ') &&
				      rest[0] >= '0' && rest[0] <= '9';
			totals = v;
		}
		line += len + (line[len] == '\n');
	}
	const char *wrong = !tagged ? "it is not the dump asked for (trigger differs)"
			    : !ir_first ? "its first event is not Ir (instructions)"
			    : !have_totals ? "it has no totals: line"
					   : NULL;
	if (wrong) {
		snprintf(msg, msglen, "callgrind's dump: %s", wrong);
		return -1;
	}
	*instructions = totals;
	return 0;
}

static int read_file(const char *path, struct cb_strbuf *sb)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		cb_sb_append(sb, buf, n);
	bool bad = ferror(f) || sb->failed;
	fclose(f);
	return bad ? -1 : 0;
}

int cb_callgrind_take(uint64_t *instructions, char *msg, size_t msglen)
{
	static unsigned long dumps;
	const char *dir = getenv("CBENCH_CALLGRIND_DIR");
	char tag[64], prefix[64];
	snprintf(tag, sizeof tag, "cbench %ld %lu", (long)getpid(), ++dumps);
	snprintf(prefix, sizeof prefix, "cb.%ld.", (long)getpid());
	dump(tag);
	DIR *d = dir ? opendir(dir) : NULL;
	if (!d) {
		snprintf(msg, msglen, "cannot read callgrind's dumps in %s: %s", dir ? dir : "(unset)",
			 strerror(errno));
		return -1;
	}
	int found = -1;
	snprintf(msg, msglen, "callgrind wrote no dump for this process in %s", dir);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		struct cb_strbuf path = {0}, text = {0};
		cb_sb_printf(&path, "%s/%s", dir, e->d_name);
		if (path.failed || read_file(cb_sb_str(&path), &text))
			snprintf(msg, msglen, "cannot read %s: %s", cb_sb_str(&path), strerror(errno));
		else if (found < 0 && text.len > 0)
			found = cb_callgrind_parse(cb_sb_str(&text), tag, instructions, msg, msglen);
		unlink(cb_sb_str(&path));
		cb_sb_free(&path);
		cb_sb_free(&text);
	}
	closedir(d);
	return found;
}

/* ---- running the program again under valgrind ---- */

/* pidfd_open, which isolation uses only to hear of a child's exit sooner,
 * is unknown to valgrind 3.19; the harness falls back to its pipes, so that
 * warning (a line and four lines of advice) says nothing to the user. */
static bool is_pidfd_warning(const char *line, bool *in_block)
{
	static const char *advice[] = {
		"You may be able to write your own handler.",
		"Read the file README_MISSING_SYSCALL_OR_IOCTL.",
		"Nevertheless we consider this a bug.",
		"it at http://valgrind.org/support/bug_reports.html.",
	};
	if (strstr(line, "WARNING: unhandled") && strstr(line, "syscall: 434")) {
		*in_block = true;
		return true;
	}
	for (size_t i = 0; *in_block && i < sizeof advice / sizeof advice[0]; i++)
		if (strstr(line, advice[i]))
			return true;
	*in_block = false;
	return false;
}

/* What valgrind logged (errors, a crash's trace), after the run, to err. */
static void relay_logs(const char *dir, FILE *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "valgrind.", 9) != 0)
			continue;
		struct cb_strbuf path = {0}, text = {0};
		cb_sb_printf(&path, "%s/%s", dir, e->d_name);
		bool in_block = false;
		if (!path.failed && read_file(cb_sb_str(&path), &text) == 0 && text.len > 0) {
			for (char *line = text.data; *line;) {
				size_t len = strcspn(line, "\n");
				char end = line[len];
				line[len] = 0;
				if (!is_pidfd_warning(line, &in_block))
					fprintf(err, "%s\n", line);
				line += len + (end != 0);
			}
		}
		cb_sb_free(&path);
		cb_sb_free(&text);
	}
	if (d)
		closedir(d);
	fflush(err);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct cb_strbuf path = {0};
		cb_sb_printf(&path, "%s/%s", dir, e->d_name);
		if (!path.failed)
			unlink(cb_sb_str(&path));
		cb_sb_free(&path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

CBENCH_NORETURN_ static void exec_valgrind(char **args, const char *dir, int out_fd, int err_fd,
					   pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
	if ((out_fd != STDOUT_FILENO && dup2(out_fd, STDOUT_FILENO) < 0) ||
	    (err_fd != STDERR_FILENO && dup2(err_fd, STDERR_FILENO) < 0) ||
	    setenv("CBENCH_CALLGRIND_DIR", dir, 1) != 0)
		_exit(127);
	execvp("valgrind", args);
	_exit(127);
}

static int wait_child(pid_t pid, int *status)
{
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old_int, old_quit;
	sigemptyset(&ignore.sa_mask);
	/* As system(3): ^C reaches valgrind's run, and this process outlives
	 * it to clean up and report. */
	sigaction(SIGINT, &ignore, &old_int);
	sigaction(SIGQUIT, &ignore, &old_quit);
	pid_t got;
	while ((got = waitpid(pid, status, 0)) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return got == pid ? 0 : -1;
}

int cb_callgrind_exec(int argc, char **argv, FILE *out, FILE *err, char *msg, size_t msglen)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	int out_fd = fileno(out), err_fd = fileno(err);
	if (len <= 0 || out_fd < 0 || err_fd < 0) {
		snprintf(msg, msglen, "cbench: -instructions: cannot run this program again under "
				      "valgrind (%s)", len <= 0 ? "no /proc/self/exe" : "output is not a file");
		return -1;
	}
	exe[len] = 0;
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/cbench-callgrind-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(msg, msglen, "cbench: -instructions: mkdtemp %s: %s", dir, strerror(errno));
		return -1;
	}
	char out_opt[PATH_MAX + 32], log_opt[PATH_MAX + 32];
	snprintf(out_opt, sizeof out_opt, "--callgrind-out-file=%s/cb.%%p", dir);
	snprintf(log_opt, sizeof log_opt, "--log-file=%s/valgrind.%%p", dir);
	const char *fixed[] = {"valgrind", "-q", "--tool=callgrind", "--instr-atstart=no", out_opt, log_opt, exe};
	enum { NFIXED = sizeof fixed / sizeof fixed[0] };
	char **args = calloc((size_t)argc + NFIXED + 1, sizeof *args);
	if (!args) {
		remove_dir(dir);
		snprintf(msg, msglen, "cbench: -instructions: out of memory");
		return -1;
	}
	memcpy(args, fixed, sizeof fixed);
	for (int i = 1; i < argc; i++)
		args[NFIXED + i - 1] = argv[i];
	fflush(out);
	fflush(err);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0)
		exec_valgrind(args, dir, out_fd, err_fd, parent);
	free(args);
	int status = 0, rc = -1;
	if (pid < 0)
		snprintf(msg, msglen, "cbench: -instructions: fork: %s", strerror(errno));
	else if (wait_child(pid, &status) != 0)
		snprintf(msg, msglen, "cbench: -instructions: waitpid: %s", strerror(errno));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(msg, msglen, "cbench: -instructions: could not start valgrind");
	else if (WIFSIGNALED(status))
		snprintf(msg, msglen, "cbench: -instructions: valgrind's run ended by signal %s",
			 strsignal(WTERMSIG(status)));
	else
		rc = WEXITSTATUS(status);
	relay_logs(dir, err);
	remove_dir(dir);
	return rc;
}
