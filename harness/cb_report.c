/* cb_report.c: prints what a benchmark produced: the header lines once, the
 * result line (cb_format.c) or its JSON object (cb_json.c), and Go's
 * "--- FAIL:", "--- SKIP:" and "--- BENCH:" blocks. It also applies the
 * zero-allocation contract, since that turns a result into a failure. */
#include "cb_internal.h"
#include "cb_firstalloc.h"

#include <string.h>

void cb_print_header(struct cb_suite *s)
{
	if (s->header_done || s->cfg->json)
		return;
	s->header_done = true;
	fprintf(s->out, "goos: %s\ngoarch: %s\n", s->sys.goos, s->sys.goarch);
	if (s->pkg && s->pkg[0])
		fprintf(s->out, "pkg: %s\n", s->pkg);
	if (s->sys.cpu[0])
		fprintf(s->out, "cpu: %s\n", s->sys.cpu);
}

/* Go keeps at most ten lines of a passing benchmark's log. */
static void trimmed(const char *text, struct cb_strbuf *out)
{
	int lines = 0;
	for (const char *p = text; *p; p++) {
		if (*p == '\n' && ++lines >= 10) {
			cb_sb_puts(out, "\n\t... [output truncated]\n");
			return;
		}
		char c[2] = {*p, 0};
		cb_sb_puts(out, c);
	}
}

static void fill_result(struct cb_run *r, struct cb_result *res, const char *name)
{
	*res = (struct cb_result){
		.name = name,
		.n = r->bh.n,
		.ns = r->duration_ns,
		.bytes = r->bytes,
		.allocs = r->net_allocs,
		.alloc_bytes = r->net_bytes,
		.mem_valid = r->suite->hooks_active,
		.nmetrics = r->nmetrics,
	};
	memcpy(res->metrics, r->metrics, sizeof r->metrics);
	/* retained-B/op joins the extra metrics (sorted by unit) unless the
	 * benchmark reported that unit itself. */
	if (r->retained_bytes > 0 && res->nmetrics < CB_MAX_METRICS &&
	    !cb_result_metric(res, "retained-B/op")) {
		struct cb_metric *m = &res->metrics[res->nmetrics++];
		snprintf(m->unit, sizeof m->unit, "retained-B/op");
		m->value = (double)r->retained_bytes / (double)r->bh.n;
	}
}

/* A benchmark that produced no line: "--- FAIL:" or "--- SKIP:". */
void cb_print_block(struct cb_run *r, const char *tag, const char *name)
{
	struct cb_suite *s = r->suite;
	if (s->cfg->json) {
		struct cb_result res = {.name = name};
		cb_json_record(s->out, &s->sys, s->pkg, &res, tag[0] == 'F' ? "fail" : "skip",
			       cb_sb_str(&r->output));
	} else {
		fprintf(s->out, "--- %s: %s\n%s", tag, name, cb_sb_str(&r->output));
	}
	fflush(s->out);
}

void cb_report(struct cb_run *r, const char *name)
{
	struct cb_suite *s = r->suite;
	struct cb_result res;
	fill_result(r, &res, name);
	if (r->zero_alloc && s->hooks_active && r->net_allocs > 0) {
		char allocs[128], bytes[128];
		cb_format_exact(allocs, sizeof allocs, r->net_allocs, r->bh.n);
		cb_format_exact(bytes, sizeof bytes, r->net_bytes, r->bh.n);
		cb_run_note(r, "zero-allocation contract broken: %s allocs/op (%s B/op), want 0",
			    allocs, bytes);
		cb_firstalloc_explain(r); /* which call allocated */
		r->failed = true;
	}
	const char *status = r->failed ? "fail" : "ok";
	if (s->cfg->json) {
		cb_json_record(s->out, &s->sys, s->pkg, &res, status, cb_sb_str(&r->output));
	} else {
		struct cb_strbuf line = {0};
		cb_format_line(&line, s->max_len, &res);
		fprintf(s->out, "%s\n", cb_sb_str(&line));
		cb_sb_free(&line);
		if (r->failed) {
			fprintf(s->out, "--- FAIL: %s\n%s", name, cb_sb_str(&r->output));
		} else if (r->output.len > 0) {
			struct cb_strbuf t = {0};
			trimmed(cb_sb_str(&r->output), &t);
			fprintf(s->out, "--- BENCH: %s\n%s", name, cb_sb_str(&t));
			cb_sb_free(&t);
		}
	}
	fflush(s->out);
	if (r->failed)
		s->failed++;
	else
		s->ran++;
}

