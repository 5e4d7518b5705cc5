/* cli.c — the bstat command: reading the inputs once into the tables, the
 * gate, rendering, writing, exit statuses (flags are parsed in flags.c). */
#include "cli/cli.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cbench.h" /* CBENCH_VERSION: one version for the harness and bstat */
#include "format/format.h"
#include "proc/proc.h"
#include "tab/tab.h"
#include "render/render.h"

/* Column labels: "label=path" names a column; a path given more than once
 * gets "#0", "#1", ... so its columns stay apart. */
static void file_labels(const bs_options *o, bs_arena *a, const char **paths, const char **labels)
{
	for (int i = 0; i < o->nfiles; i++) {
		const char *arg = o->files[i], *eq = strchr(arg, '=');
		if (eq) {
			labels[i] = bs_strndup(a, arg, (size_t)(eq - arg));
			paths[i] = eq + 1;
		} else {
			labels[i] = NULL;
			paths[i] = arg;
		}
	}
	for (int i = 0; i < o->nfiles; i++) {
		if (labels[i])
			continue;
		int count = 0, index = 0;
		for (int j = 0; j < o->nfiles; j++)
			if (!strchr(o->files[j], '=') && strcmp(paths[j], paths[i]) == 0) {
				if (j < i)
					index++;
				count++;
			}
		if (count == 1) {
			labels[i] = paths[i];
		} else {
			bs_buf b = { 0 };
			bs_buf_printf(&b, "%s#%d", paths[i], index);
			labels[i] = bs_strdup(a, b.s);
			bs_buf_free(&b);
		}
	}
}

/* What one run of the command keeps while it reads its inputs. The table
 * shown and, with -gate-filter, the gated table are built in the same pass
 * over each input, so every input is read once (and may be stdin). */
typedef struct run {
	const bs_options *o;
	bs_map interns;
	bs_unit_meta units;
	bs_proc *proc;
	bs_builder *shown, *gated;
	bs_filter *filter, *gate_filter;
	bs_value *saved;            /* a result's values before filtering */
	size_t saved_cap;
	size_t syntax_errors;       /* lines reported as file:line: ... */
	size_t gate_filtered;       /* results -gate-filter kept */
	bs_projection *col_by;      /* with -gate: to find the baseline column */
	char *col_seen;             /* col_seen[key]: a shown result has that column */
	size_t col_seen_cap;
} run;

static void note_column(run *r, int key)
{
	size_t old = r->col_seen_cap;
	bs_grow(&r->col_seen, &r->col_seen_cap, (size_t)key + 1, 1);
	memset(r->col_seen + old, 0, r->col_seen_cap - old);
	r->col_seen[key] = 1;
}

/* The gate's baseline is the column that sorts first among all the
 * results, as the table builder orders columns; not column 0 of some table,
 * which lacks the baseline when only the new input has that configuration. */
static const char *baseline_label(run *r, bs_arena *a)
{
	int *keys = NULL;
	size_t n = 0, cap = 0;
	for (size_t k = 0; k < r->col_seen_cap; k++)
		if (r->col_seen[k]) {
			bs_grow(&keys, &cap, n + 1, sizeof *keys);
			keys[n++] = (int)k;
		}
	if (n == 0)
		return NULL;
	bs_sort_keys(r->col_by, keys, n);
	bs_buf label = { 0 };
	bs_key_label(r->col_by, keys[0], &label);
	bs_buf_add(&label, "", 0);
	const char *s = bs_strdup(a, label.s);
	bs_buf_free(&label);
	bs_free(keys);
	return s;
}

/* Feeds one result to the builders. Filtering drops values in place, so
 * the gated builder gets a fresh copy of what the reader returned. */
static void add_result(run *r, bs_result *res)
{
	size_t n = res->nvalues;
	if (r->gated) {
		bs_grow(&r->saved, &r->saved_cap, n + 1, sizeof *r->saved);
		memcpy(r->saved, res->values, n * sizeof *res->values);
	}
	if (bs_filter_apply(r->filter, res)) {
		bs_builder_add(r->shown, res);
		if (r->col_by)
			note_column(r, bs_project(r->col_by, res));
	}
	if (!r->gated)
		return;
	memcpy(res->values, r->saved, n * sizeof *res->values);
	res->nvalues = n;
	if (bs_filter_apply(r->filter, res) && bs_filter_apply(r->gate_filter, res)) {
		bs_builder_add(r->gated, res);
		r->gate_filtered++;
	}
}

static void close_input(void *in)
{
	bs_input_close(in);
}

static int read_input(run *r, bs_reader *rd, const char *path, const char *label, FILE *err)
{
	FILE *in;
	if (bs_input_open(path, &in) < 0) {
		fprintf(err, "bstat: %s: %s\n", path, strerror(errno));
		return 2;
	}
	bs_cleanup_push(close_input, in);
	bs_reader_reset(rd, in, path, label);
	size_t results = 0;
	enum bs_record rec;
	int status = 0;
	while ((rec = bs_reader_next(rd)) != BS_REC_EOF) {
		if (rec == BS_REC_SYNTAX) {
			fprintf(err, "%s\n", rd->message.s);
			r->syntax_errors++;
		} else if (rec == BS_REC_IOERR) {
			fprintf(err, "bstat: %s\n", rd->message.s);
			status = 2;
			break;
		} else {
			results++;
			add_result(r, &rd->result);
		}
	}
	if (!status && results == 0) {
		fprintf(err, "bstat: %s: no benchmark results\n", path);
		status = 2;
	}
	bs_cleanup_forget(close_input, in);
	bs_input_close(in);
	return status;
}

/* The one list of -format's values, in enum bs_format's order. */
static int parse_format(const char *name, enum bs_format *fmt)
{
	static const char *names[] = { "text", "csv", "json", "markdown", "html" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0) {
			*fmt = (enum bs_format)i;
			return 0;
		}
	return -1;
}

/* Everything bs_build_tables does before finishing the tables: r holds
 * the builders (r->gated only when want_gated and -gate-filter is given)
 * until run_free. Returns 0, or 2 after writing "bstat: ..." to err. */
static int read_all(const bs_options *o, bs_arena *a, run *r, int want_gated,
                    bs_build_info *info, FILE *err)
{
	*r = (run){ .o = o };
	int status = 2;
	bs_buf msg = { 0 };
	bs_map_init(&r->interns, a);
	bs_unit_meta_init(&r->units, a);
	r->proc = bs_proc_new(a, &r->interns);
	memset(info, 0, sizeof *info);

	r->filter = bs_filter_new(r->proc, o->filter, &msg);
	if (!r->filter) {
		fprintf(err, "bstat: parsing -filter: %s\n", msg.s);
		goto done;
	}
	if (o->gate_filter && want_gated) {
		r->gate_filter = bs_filter_new(r->proc, o->gate_filter, &msg);
		if (!r->gate_filter) {
			fprintf(err, "bstat: parsing -gate-filter: %s\n", msg.s);
			goto done;
		}
	}
	static const char *names[] = { "-table", "-row", "-col", "-ignore" };
	const char *exprs[] = { o->table, o->row, o->col, o->ignore };
	bs_projection *pr[4];
	for (int i = 0; i < 4; i++) {
		/* Fixed orders narrow the main filter, which both tables pass. */
		pr[i] = bs_projection_parse(r->proc, exprs[i], r->filter, i == 0, &msg);
		if (!pr[i]) {
			fprintf(err, "bstat: parsing %s: %s\n", names[i], msg.s);
			goto done;
		}
	}
	/* After the projections, in benchstat's order: the first error reported is
	 * the one benchstat would report. */
	if (o->alpha < 0 || o->alpha > 1 || o->alpha != o->alpha) {
		fprintf(err, "bstat: -alpha must be in range [0, 1]\n");
		goto done;
	}
	if (o->confidence < 0 || o->confidence > 1 || o->confidence != o->confidence) {
		fprintf(err, "bstat: -confidence must be in range [0, 1]\n");
		goto done;
	}
	enum bs_format fmt;
	if (parse_format(o->format, &fmt) < 0) {
		fprintf(err, "bstat: -format must be text, csv, json, markdown or html\n");
		goto done;
	}
	bs_projection *residue = bs_projection_residue(r->proc);
	r->shown = bs_builder_new(a, pr[0], pr[1], pr[2], residue);
	if (r->gate_filter)
		r->gated = bs_builder_new(a, pr[0], pr[1], pr[2], residue);
	if (o->gate)
		r->col_by = pr[2];

	const char **paths = bs_alloc(a, ((size_t)o->nfiles + 1) * sizeof *paths);
	const char **labels = bs_alloc(a, ((size_t)o->nfiles + 1) * sizeof *labels);
	file_labels(o, a, paths, labels);
	bs_reader rd;
	bs_reader_init(&rd, &r->interns, &r->units);
	rd.strict = o->gate;
	int read_status = 0;
	for (int i = 0; i < o->nfiles && read_status == 0; i++)
		read_status = read_input(r, &rd, paths[i], labels[i], err);
	bs_reader_free(&rd);
	info->syntax_errors = r->syntax_errors;
	info->gate_filtered = r->gate_filtered;
	if (read_status != 0)
		goto done;
	if (r->col_by)
		info->baseline = baseline_label(r, a);
	status = 0;
done:
	bs_buf_free(&msg);
	return status;
}

static void run_free(run *r)
{
	bs_free(r->col_seen);
	bs_builder_free(r->shown);
	bs_builder_free(r->gated);
	bs_proc_free(r->proc);
	bs_unit_meta_free(&r->units);
	bs_map_free(&r->interns);
	bs_free(r->saved);
}

int bs_build_tables(const bs_options *o, bs_arena *a, bs_tables **shown, bs_tables **gated,
                    bs_build_info *info, FILE *err)
{
	run r;
	*shown = NULL;
	if (gated)
		*gated = NULL;
	int status = read_all(o, a, &r, gated != NULL, info, err);
	if (status == 0) {
		*shown = bs_builder_finish(r.shown, o->confidence, o->alpha, &r.units);
		if (r.gated)
			*gated = bs_builder_finish(r.gated, o->confidence, o->alpha, &r.units);
	}
	run_free(&r);
	return status;
}

/* The gate's rules from -threshold, then each -rule in order (so a rule
 * overrides the threshold), then -alpha and -allow-missing. */
int bs_gate_config_from(const bs_options *o, gate_config *cfg, FILE *err)
{
	char msg[256];

	gate_config_default(cfg);
	if (!(o->alpha > 0 && o->alpha < 1)) {
		/* At 0 nothing is ever significant and the gate could only pass. */
		fprintf(err, "bstat: -gate needs -alpha between 0 and 1, not %g\n", o->alpha);
		return -1;
	}
	cfg->alpha = o->alpha;
	cfg->allow_missing = o->allow_missing;
	if (o->threshold && gate_config_set_threshold(cfg, o->threshold, msg, sizeof msg) < 0) {
		fprintf(err, "bstat: -threshold: %s\n", msg);
		return -1;
	}
	for (int i = 0; i < o->nrules; i++)
		if (gate_config_set_rule(cfg, o->rules[i], msg, sizeof msg) < 0) {
			fprintf(err, "bstat: -rule: %s\n", msg);
			return -1;
		}
	return 0;
}

/* The flags that only mean something to the gate: given without -gate they
 * would be silently ignored, and a CI step that forgot -gate would pass. */
static int check_gate_only_flags(const bs_options *o, FILE *err)
{
	const char *flag = o->threshold ? "-threshold" : o->nrules ? "-rule"
	                   : o->allow_missing ? "-allow-missing" : o->gate_filter ? "-gate-filter" : NULL;
	/* -history judges each commit with the gate's rules (-threshold, -rule). */
	if (o->gate || !flag || (o->history && !o->gate_filter && !o->allow_missing))
		return 0;
	fprintf(err, "bstat: %s is a gate flag: it needs -gate\n", flag);
	bs_usage(err);
	return -1;
}

/* A rule whose unit no table has is most likely a typo; it is not an error,
 * since a metric like retained-B/op is printed only when nonzero. Only the
 * rules the user named: a default rule (instructions/op) is there whether or
 * not the inputs measured its metric. */
void bs_warn_unused_rules(const bs_options *o, const bs_tables *ts, FILE *err)
{
	gate_config named = { 0 };
	char msg[256];
	for (int i = 0; i < o->nrules; i++)
		if (gate_config_set_rule(&named, o->rules[i], msg, sizeof msg) < 0)
			return; /* already reported */
	for (int i = 0; i < named.nrules; i++) {
		const gate_rule *r = &named.rules[i];
		size_t t = 0;
		while (t < ts->n && strcmp(ts->tables[t].unit, r->unit) != 0)
			t++;
		if (t == ts->n && !r->off && strcmp(r->unit, "retained-B/op") != 0)
			fprintf(err, "bstat: warning: no input has the metric %s named by a gate rule\n", r->unit);
	}
}

/*
 * Judges the comparison and appends the report to report. With
 * -gate-filter the gate judges the table built from the results both
 * -filter and -gate-filter keep, a subset of the table shown. Returns the
 * gate's exit status.
 */
static int run_gate(const bs_options *o, const gate_config *cfg, bs_arena *a,
                    const bs_tables *judged, const bs_build_info *info, enum bs_format fmt,
                    bs_buf *report, FILE *err)
{
	gate_context ctx = { .ninputs = o->nfiles, .col = o->col, .gate_filter = o->gate_filter,
	                     .table = o->table, .gate_filtered = info->gate_filtered, .baseline = info->baseline };
	gate_report r;
	gate_check(judged, cfg, &ctx, a, &r);
	if (fmt == BS_FORMAT_MARKDOWN)
		gate_render_markdown(&r, report);
	else
		gate_render_text(&r, report);
	int status = gate_status(&r);
	if (r.no_memory)
		fprintf(err, "bstat: out of memory computing a U test for the gate\n");
	gate_report_free(&r);
	return status;
}


static int render(const bs_tables *ts, enum bs_format fmt, bs_buf *text, bs_buf *warnings)
{
	switch (fmt) {
	case BS_FORMAT_CSV:
		bs_render_csv(ts, text, warnings);
		return 0;
	case BS_FORMAT_JSON:
		return bs_render_json(ts, text);
	case BS_FORMAT_MARKDOWN:
		bs_render_markdown(ts, text);
		return 0;
	case BS_FORMAT_TEXT:
	case BS_FORMAT_HTML:        /* bs_html_main's */
		break;
	}
	bs_render_text(ts, text);
	return 0;
}

/* Writes all of b; 0, or -1 when the stream failed. */
static int write_all(const bs_buf *b, FILE *f)
{
	if (b->len && fwrite(b->s, 1, b->len, f) != b->len)
		return -1;
	return fflush(f) == 0 ? 0 : -1;
}

static int run_command(int argc, char **argv, FILE *out, FILE *err);

/*
 * Out of memory anywhere below lands here (util.h): everything the run
 * allocated is already freed, the inputs closed, and the command says so.
 */
int bs_main(int argc, char **argv, FILE *out, FILE *err)
{
	jmp_buf jb;
	if (setjmp(jb)) {
		bs_oom_catch(NULL);
		fprintf(err, "bstat: out of memory\n");
		fflush(err);
		return 2;
	}
	bs_oom_catch(&jb);
	int status = run_command(argc, argv, out, err);
	bs_oom_catch(NULL);
	return status;
}

/* The statistics library's sticky errors: a comparison it could not
 * compute exactly for lack of memory is not the answer asked for. */
static int table_ran_out(const bs_table *t)
{
	for (size_t k = 0; k < t->nrows * t->ncols; k++) {
		const bs_cell *c = t->cells[k];
		for (int w = 0; c && c->base && w < c->cmp.nwarnings; w++)
			if (c->cmp.warnings[w].kind == ST_WARN_NO_MEMORY)
				return 1;
	}
	return 0;
}

static int stats_ran_out(const bs_tables *ts)
{
	for (size_t i = 0; ts && i < ts->n; i++)
		if (table_ran_out(&ts->tables[i]))
			return 1;
	return 0;
}

static const char ran_out_msg[] = "bstat: out of memory computing a U test's exact distribution\n";

struct printing {
	FILE *out, *err;
	bs_buf text;
};

/* bs_builder_each's callback for print_text: one table, or exit status 2. */
static int print_table(const bs_tables *ts, size_t i, void *ctx)
{
	struct printing *p = ctx;
	if (table_ran_out(&ts->tables[i])) {
		fputs(ran_out_msg, p->err);
		return 2;
	}
	bs_buf_clear(&p->text);
	bs_render_text_table(ts, i, &p->text);
	if (write_all(&p->text, p->out) < 0) {
		fprintf(p->err, "bstat: writing the output failed\n");
		return 2;
	}
	return 0;
}

/*
 * The text tables without -gate: each table is built, printed and freed
 * before the next is built, so memory peaks at one table (its cells are
 * most of a run's memory), not all of them; the gate and the other
 * formats need every table at once. A table whose statistics ran out of
 * memory ends the output there, with exit status 2.
 */
static int print_text(const bs_options *o, bs_arena *a, FILE *out, FILE *err)
{
	run r;
	bs_build_info info;
	int status = read_all(o, a, &r, 0, &info, err);
	struct printing p = { .out = out, .err = err };
	if (status == 0)
		status = bs_builder_each(r.shown, o->confidence, o->alpha, &r.units, print_table, &p);
	bs_buf_free(&p.text);
	run_free(&r);
	return status;
}

static int run_command(int argc, char **argv, FILE *out, FILE *err)
{
	bs_options o;
	bs_options_default(&o);
	if (bs_parse_flags(argc, argv, &o, err) < 0)
		return 2;
	if (o.help) {
		bs_usage(err);
		return 0;
	}
	if (o.version) {
		fprintf(out, "bstat (cbench) %s\n", CBENCH_VERSION);
		return 0;
	}
	/* An unknown -format is reported by bs_build_tables, after the errors
	 * benchstat reports before it. */
	enum bs_format fmt = BS_FORMAT_TEXT;
	int format_ok = parse_format(o.format, &fmt) == 0;
	if (format_ok && o.history && fmt != BS_FORMAT_HTML) {
		fprintf(err, "bstat: -history needs -format html\n");
		return 2;
	}
	if (o.nfiles == 0 && !o.history) {
		bs_usage(err);
		return 2;
	}
	if (check_gate_only_flags(&o, err) < 0)
		return 2;
	if (format_ok && fmt == BS_FORMAT_HTML)
		return bs_html_main(&o, out, err);
	gate_config cfg;
	if (o.gate && bs_gate_config_from(&o, &cfg, err) < 0)
		return 2;

	bs_arena *a = bs_arena_new();
	if (fmt == BS_FORMAT_TEXT && !o.gate) {
		int status = print_text(&o, a, out, err);
		bs_arena_free(a);
		return status;
	}
	bs_tables *ts, *gated;
	bs_build_info info;
	int status = bs_build_tables(&o, a, &ts, &gated, &info, err);
	if (status == 0 && o.gate && info.syntax_errors > 0) {
		/* The gate judges what the inputs say, all of it: a line it could
		 * not read may be the benchmark that regressed. */
		fprintf(err, "bstat: -gate: could not judge: %zu line%s of the inputs could not be read "
		        "(listed above)\n", info.syntax_errors, info.syntax_errors == 1 ? "" : "s");
		status = 2;
	}
	if (status == 0 && (stats_ran_out(ts) || stats_ran_out(gated))) {
		fputs(ran_out_msg, err);
		status = 2;
	}
	if (status != 0) {
		bs_arena_free(a);
		return status;
	}
	bs_buf text = { 0 }, warnings = { 0 }, gate = { 0 };
	if (o.gate) {
		bs_warn_unused_rules(&o, ts, err);
		status = run_gate(&o, &cfg, a, gated ? gated : ts, &info, fmt, &gate, err);
	}
	int write_failed = 0;
	if (fmt == BS_FORMAT_TEXT) {
		/* Table by table: at a million lines the text is tens of MB. */
		for (size_t i = 0; i < ts->n && !write_failed; i++) {
			bs_buf_clear(&text);
			bs_render_text_table(ts, i, &text);
			write_failed = write_all(&text, out) < 0;
		}
		bs_buf_clear(&text);
	} else if (render(ts, fmt, &text, &warnings) < 0) {
		fprintf(err, "bstat: out of memory formatting JSON\n");
		status = 2;
	}
	write_failed |= write_all(&text, out) < 0;
	write_all(&warnings, err);
	/* After the table for people; on stderr when stdout is CSV or JSON for
	 * machines, which read the verdict from the exit status. */
	FILE *gate_stream = fmt == BS_FORMAT_TEXT || fmt == BS_FORMAT_MARKDOWN ? out : err;
	if (gate.len && write_all(&gate, gate_stream) < 0)
		write_failed = 1;
	if (write_failed) {
		/* The verdict did not reach its reader: it cannot stand. */
		if (gate_stream != err || !o.gate)
			fprintf(err, "bstat: writing the output failed\n");
		status = 2;
	}
	bs_buf_free(&text);
	bs_buf_free(&warnings);
	bs_buf_free(&gate);
	bs_arena_free(a);
	return status;
}
