/* cb_report.c: the harness's one writer. Every line on stdout comes from
 * here, rendered from one record (struct cb_record): the header lines once,
 * a result line (cb_format.c) or its JSON object (cb_json.c), Go's
 * "--- FAIL:", "--- SKIP:" and "--- BENCH:" blocks, -v names, -list lines
 * and the closing PASS or FAIL. The runner builds records in the process
 * that measured; with isolation they travel from the child (cb_wire.c) and
 * are rendered here in the parent, so a crash cannot lose what was already
 * measured. Each record is flushed as soon as it is written.
 *
 * The progress line: when stderr is a terminal, it shows the benchmark
 * running and how many of the selected ones are done, redrawn in place
 * ("\r", erase to end of line) and cut to the terminal's width so that it
 * never wraps. It is erased before anything else is written, to stdout
 * (which may be the same terminal) or stderr, and drawn again after. */
#include "cb_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void erase_progress(struct cb_reporter *rp)
{
	if (!rp->shown)
		return;
	fputs("\r\033[K", rp->err);
	fflush(rp->err);
	rp->shown = false;
}

static int terminal_width(FILE *f)
{
	struct winsize ws;
	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void draw_progress(struct cb_reporter *rp)
{
	if (!rp->progress || rp->err_midline || !rp->current)
		return;
	struct cb_strbuf sb = {0};
	double secs = (double)(cb_monotonic_ns() - rp->since_ns) / 1e9;
	cb_sb_printf(&sb, "cbench: [%d/%d] %s %.0fs", rp->done + 1 > rp->total ? rp->total : rp->done + 1,
		     rp->total, rp->current, secs);
	if (sb.failed) {
		cb_sb_free(&sb);
		return;
	}
	size_t width = (size_t)terminal_width(rp->err) - 1;
	if (sb.len > width)
		sb.data[width] = 0;
	if (rp->shown && rp->drawn && strcmp(rp->drawn, sb.data) == 0) {
		cb_sb_free(&sb); /* the terminal shows it already */
		return;
	}
	fprintf(rp->err, "\r\033[K%s", sb.data);
	fflush(rp->err);
	rp->shown = true;
	free(rp->drawn);
	rp->drawn = sb.data; /* kept to compare with the next one */
}

void cb_report_header(struct cb_reporter *rp)
{
	if (rp->header_done || rp->json)
		return;
	rp->header_done = true;
	fprintf(rp->out, "goos: %s\ngoarch: %s\n", rp->sys->goos, rp->sys->goarch);
	if (rp->pkg && rp->pkg[0])
		fprintf(rp->out, "pkg: %s\n", rp->pkg);
	if (rp->sys->cpu[0])
		fprintf(rp->out, "cpu: %s\n", rp->sys->cpu);
	/* benchfmt's unit metadata (benchstat's AssumeExact): the hooks count
	 * every allocation, so these figures carry no measurement noise and the
	 * gate may compare them at any number of runs. They still vary between
	 * runs when a one-time allocation is spread over different N; bstat
	 * then notes the broken claim and judges that metric as a sample. */
	if (rp->exact_counts)
		fputs("Unit B/op assume=exact\nUnit allocs/op assume=exact\n", rp->out);
	if (rp->instructions)
		fprintf(rp->out, "instructions: %s\n", rp->instructions);
	if (rp->instructions_exact)
		fputs("Unit instructions/op assume=exact\n", rp->out);
}

/* Go keeps at most ten lines of a passing benchmark's log. */
static void put_trimmed(FILE *out, const char *text)
{
	int lines = 0;
	for (const char *p = text; *p; p++) {
		if (*p == '\n' && ++lines >= 10) {
			fputs("\n\t... [output truncated]\n", out);
			return;
		}
		putc(*p, out);
	}
}

static void put_block(FILE *out, const char *tag, const struct cb_record *rec)
{
	fprintf(out, "--- %s: %s\n%s", tag, rec->res.name, rec->output ? rec->output : "");
}

static void render_text(struct cb_reporter *rp, const struct cb_record *rec)
{
	FILE *out = rp->out;
	cb_report_header(rp);
	switch (rec->kind) {
	case CB_REC_RESULT: {
		struct cb_strbuf line = {0};
		cb_format_line(&line, rec->width, &rec->res);
		fprintf(out, "%s\n", line.failed ? rec->res.name : cb_sb_str(&line));
		cb_sb_free(&line);
		if (rec->failed) {
			put_block(out, "FAIL", rec);
		} else if (rec->output && rec->output[0]) {
			fprintf(out, "--- BENCH: %s\n", rec->res.name);
			put_trimmed(out, rec->output);
		}
		break;
	}
	case CB_REC_FAIL:
		put_block(out, "FAIL", rec);
		break;
	case CB_REC_SKIP:
		put_block(out, "SKIP", rec);
		break;
	case CB_REC_LOG:
		put_block(out, "BENCH", rec);
		break;
	case CB_REC_NAME:
		fprintf(out, "%s\n", rec->res.name);
		break;
	}
}

static void count(struct cb_reporter *rp, const struct cb_record *rec)
{
	if (rec->kind == CB_REC_RESULT && !rec->failed)
		rp->ran++;
	else if (rec->kind == CB_REC_RESULT || rec->kind == CB_REC_FAIL)
		rp->failed++;
	else if (rec->kind == CB_REC_SKIP)
		rp->skipped++;
}

/* Every record is flushed, so a failed write shows at the record that
 * met it, with its errno; the first one is kept for the exit status. */
static void flush_out(struct cb_reporter *rp)
{
	int failed = fflush(rp->out) != 0 ? errno : 0;
	if (!rp->write_errno && (failed || ferror(rp->out)))
		rp->write_errno = failed ? failed : EIO;
}

void cb_report_record(struct cb_reporter *rp, const struct cb_record *rec)
{
	erase_progress(rp);
	count(rp, rec);
	if (!rp->json)
		render_text(rp, rec);
	else if (rec->kind == CB_REC_RESULT || rec->kind == CB_REC_FAIL || rec->kind == CB_REC_SKIP)
		cb_json_record(rp->out, rp->sys, rp->pkg, rec);
	flush_out(rp);
	draw_progress(rp);
}

void cb_report_end(struct cb_reporter *rp, bool ok)
{
	erase_progress(rp);
	if (!rp->json)
		fprintf(rp->out, "%s\n", ok ? "PASS" : "FAIL");
	flush_out(rp);
}

void cb_report_list(struct cb_reporter *rp, const char *name)
{
	fprintf(rp->out, "%s\n", name);
}

void cb_report_start(struct cb_reporter *rp, const char *name)
{
	if (!rp->progress)
		return;
	free(rp->current);
	rp->current = strdup(name);
	rp->since_ns = cb_monotonic_ns();
	draw_progress(rp);
}

/* Counted only: the next start draws the line. */
void cb_report_finished(struct cb_reporter *rp)
{
	rp->done++;
}

void cb_report_tick(struct cb_reporter *rp)
{
	draw_progress(rp);
}

void cb_report_stderr(struct cb_reporter *rp, const char *data, size_t len)
{
	if (len == 0)
		return;
	erase_progress(rp);
	fwrite(data, 1, len, rp->err);
	fflush(rp->err);
	rp->err_midline = data[len - 1] != '\n';
	draw_progress(rp);
}

void cb_report_close(struct cb_reporter *rp)
{
	erase_progress(rp);
	free(rp->current);
	free(rp->drawn);
	rp->current = rp->drawn = NULL;
}
