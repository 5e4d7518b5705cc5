/*
 * html_main.c — bstat -format html: reads the inputs as every format does
 * (bs_build_tables), runs the gate when asked, and writes the page; with
 * -history, checks the history's records and draws the trend page. What
 * bstat says about its inputs (syntax errors) goes to stderr as always and
 * into the page as well, so a page read alone does not hide them.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/html.h"

/* Writes all of b; 0, or -1 when the stream failed. */
static int write_buf(const bs_buf *b, FILE *f)
{
	if (b->len && fwrite(b->s, 1, b->len, f) != b->len)
		return -1;
	return fflush(f) == 0 ? 0 : -1;
}

/* bs_build_tables with its messages captured, then copied to err. */
static int build(const bs_options *o, bs_arena *a, bs_tables **ts, bs_tables **gated,
                 bs_build_info *info, bs_buf *notes, FILE *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int status = bs_build_tables(o, a, ts, gated, info, mem ? mem : err);
	if (mem) {
		fclose(mem);
		if (len) {
			fwrite(text, 1, len, err);
			bs_buf_add(notes, text, len);
		}
		free(text);
	}
	return status;
}

/* Points o at the history's files after checking its records. */
static int history_inputs(bs_options *o, bs_arena *a, FILE *err)
{
	bs_buf msg = { 0 };
	char **files;
	int n, status = 0;
	if (o->nfiles > 0) {
		fprintf(err, "bstat: -history takes no other inputs (got %s)\n", o->files[0]);
		status = 2;
	} else if (strcmp(o->col, ".file") != 0) {
		fprintf(err, "bstat: -history makes one column per commit; -col cannot be used with it\n");
		status = 2;
	} else if (o->gate) {
		fprintf(err, "bstat: -history judges each commit against the one before it; "
		        "-gate compares inputs: use one or the other\n");
		status = 2;
	} else if (bs_hist_files(o->history, a, &files, &n, &msg) < 0) {
		fprintf(err, "bstat: -history: %s\n", msg.s);
		status = 2;
	} else {
		long bad = bs_hist_check(files, n, &msg);
		if (bad != 0) {
			fputs(msg.s ? msg.s : "", err);
			if (bad > 0)
				fprintf(err, "bstat: -history: %ld result%s not in a commit record\n", bad,
				        bad == 1 ? " is" : "s are");
			status = 2;
		}
		o->files = files;
		o->nfiles = n;
		o->col = BS_HIST_COLUMNS;
	}
	bs_buf_free(&msg);
	return status;
}

static void title_for(const bs_options *o, bs_buf *title)
{
	bs_buf_add(title, "", 0);
	if (o->history) {
		bs_buf_printf(title, "Benchmark history: %s", o->history);
		return;
	}
	bs_buf_puts(title, "bstat: ");
	for (int i = 0; i < o->nfiles; i++)
		bs_buf_printf(title, "%s%s", i ? " vs " : "", o->files[i]);
}

/* The gate's verdict and report, as -gate prints them in text. */
static int gate_page(const bs_options *o, const gate_config *cfg, bs_arena *a,
                     const bs_tables *judged, const bs_build_info *info, gate_report *r,
                     bs_buf *text)
{
	gate_context ctx = { .ninputs = o->nfiles, .col = o->col, .gate_filter = o->gate_filter,
	                     .table = o->table, .gate_filtered = info->gate_filtered, .baseline = info->baseline };
	gate_check(judged, cfg, &ctx, a, r);
	gate_render_text(r, text);
	bs_buf_add(text, "", 0);
	return gate_status(r);
}

int bs_html_main(const bs_options *opts, FILE *out, FILE *err)
{
	bs_options o = *opts;
	bs_arena *a = bs_arena_new();
	gate_config cfg;
	int status = 0;
	if (o.history)
		status = history_inputs(&o, a, err);
	if (status == 0 && (o.gate || o.history) && bs_gate_config_from(&o, &cfg, err) < 0)
		status = 2;
	bs_tables *ts = NULL, *gated = NULL;
	bs_build_info info;
	bs_buf notes = { 0 }, page = { 0 }, title = { 0 }, gtext = { 0 };
	if (status == 0)
		status = build(&o, a, &ts, &gated, &info, &notes, err);
	if (status == 0 && o.gate && info.syntax_errors > 0) {
		/* As in text: a line the gate could not read may be the regression. */
		fprintf(err, "bstat: -gate: could not judge: %zu line%s of the inputs could not be read "
		        "(listed above)\n", info.syntax_errors, info.syntax_errors == 1 ? "" : "s");
		status = 2;
	}
	if (status != 0)
		goto done;
	title_for(&o, &title);
	if (o.history) {
		bs_warn_unused_rules(&o, ts, err);
		bs_html_history(ts, &cfg, title.s, &page);
	} else if (o.gate) {
		gate_report r;
		bs_warn_unused_rules(&o, ts, err);
		status = gate_page(&o, &cfg, a, gated ? gated : ts, &info, &r, &gtext);
		bs_html_gate g = { &r, status, gtext.s };
		bs_html_report(ts, &g, notes.s, title.s, &page);
		gate_report_free(&r);
	} else {
		bs_html_report(ts, NULL, notes.s, title.s, &page);
	}
	if (write_buf(&page, out) < 0) {
		fprintf(err, "bstat: writing the output failed\n");
		status = 2;
	}
done:
	bs_buf_free(&notes);
	bs_buf_free(&page);
	bs_buf_free(&title);
	bs_buf_free(&gtext);
	bs_arena_free(a);
	return status;
}
