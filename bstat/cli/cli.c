/* cli.c — bstat's command line: flag parsing, input files, output format. */
#include "cli/cli.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "proc/proc.h"
#include "tab/tab.h"
#include "cli/gate_report.h"
#include "render/render.h"

void bs_options_default(bs_options *o)
{
	memset(o, 0, sizeof *o);
	o->table = ".config";
	o->row = ".fullname";
	o->col = ".file";
	o->ignore = "";
	o->filter = "*";
	o->format = "text";
	o->alpha = 0.05;
	o->confidence = 0.95;
}

static const char usage_text[] =
	"Usage: bstat [flags] inputs...\n"
	"\n"
	"bstat computes statistical summaries and A/B comparisons of benchmarks\n"
	"in the Go benchmark format, as Go's benchstat does. It shows benchmark\n"
	"medians in a table with a row for each benchmark and a column for each\n"
	"input file. If there is more than one input file, it also shows A/B\n"
	"comparisons between the files. If a difference is likely to be noise,\n"
	"it shows \"~\". An input may be given as label=path to name its column.\n"
	"\n"
	"  -alpha α\n"
	"    \tconsider change significant if p < α (default 0.05)\n"
	"  -col projection\n"
	"    \tsplit results into columns by distinct values of projection (default \".file\")\n"
	"  -confidence level\n"
	"    \tconfidence level for ranges (default 0.95)\n"
	"  -filter query\n"
	"    \tuse only benchmarks matching benchfilter query (default \"*\")\n"
	"  -format format\n"
	"    \tprint results in format:\n"
	"    \t  text     - plain text\n"
	"    \t  csv      - comma-separated values (warnings will be written to stderr)\n"
	"    \t  json     - JSON, every number unrounded\n"
	"    \t  markdown - GitHub-flavored markdown\n"
	"    \t (default \"text\")\n"
	"  -ignore keys\n"
	"    \tignore variations in keys\n"
	"  -row projection\n"
	"    \tsplit results into rows by distinct values of projection (default \".fullname\")\n"
	"  -table projection\n"
	"    \tsplit results into tables by distinct values of projection (default \".config\")\n"
	"\n"
	"Regression gate (bstat -gate [flags] baseline new): after the table, print\n"
	"each violation and a verdict; exit 0 pass, 1 regression, 2 could not judge.\n"
	"A metric fails when every baseline sample is 0 and a new one is not, or\n"
	"when its median is worse by more than its threshold at p < -alpha.\n"
	"A benchmark in the baseline but not in new fails. Rates (unit ending in\n"
	"/s) are better higher, every other unit lower.\n"
	"\n"
	"  -gate\n"
	"    \tjudge the comparison of each input with the first\n"
	"  -threshold percent\n"
	"    \tthreshold of every gated metric (default 10%)\n"
	"  -rule unit=percent|unit=off\n"
	"    \tgate unit with its own threshold, or not at all; repeatable\n"
	"    \t(default B/op=10% and allocs/op=10%; e.g. -rule sec/op=20%)\n"
	"  -allow-missing\n"
	"    \tdo not fail benchmarks missing from the new input\n"
	"  -gate-filter query\n"
	"    \tgate only benchmarks matching this -filter query\n";

void bs_usage(FILE *err)
{
	fputs(usage_text, err);
}

/* FLAG_RULE appends to o->rules: -rule may be given many times. */
enum flag_kind { FLAG_STRING, FLAG_FLOAT, FLAG_BOOL, FLAG_RULE };

typedef struct flag_def {
	const char *name;
	enum flag_kind kind;
	size_t offset;              /* into bs_options */
} flag_def;

static const flag_def flags[] = {
	{ "allow-missing", FLAG_BOOL, offsetof(bs_options, allow_missing) },
	{ "alpha", FLAG_FLOAT, offsetof(bs_options, alpha) },
	{ "col", FLAG_STRING, offsetof(bs_options, col) },
	{ "confidence", FLAG_FLOAT, offsetof(bs_options, confidence) },
	{ "filter", FLAG_STRING, offsetof(bs_options, filter) },
	{ "format", FLAG_STRING, offsetof(bs_options, format) },
	{ "gate", FLAG_BOOL, offsetof(bs_options, gate) },
	{ "gate-filter", FLAG_STRING, offsetof(bs_options, gate_filter) },
	{ "h", FLAG_BOOL, offsetof(bs_options, help) },
	{ "help", FLAG_BOOL, offsetof(bs_options, help) },
	{ "ignore", FLAG_STRING, offsetof(bs_options, ignore) },
	{ "row", FLAG_STRING, offsetof(bs_options, row) },
	{ "rule", FLAG_RULE, 0 },
	{ "table", FLAG_STRING, offsetof(bs_options, table) },
	{ "threshold", FLAG_STRING, offsetof(bs_options, threshold) },
};

/* Go's strconv.ParseFloat errors read "parse error" in flag messages. */
static int set_flag(const flag_def *f, bs_options *o, const char *value, int has_value, FILE *err)
{
	char *field = (char *)o + f->offset;
	switch (f->kind) {
	case FLAG_STRING:
		*(const char **)(void *)field = value;
		return 0;
	case FLAG_RULE:
		if (o->nrules == GATE_MAX_RULES) {
			fprintf(err, "too many -rule flags (at most %d)\n", GATE_MAX_RULES);
			return -1;
		}
		o->rules[o->nrules++] = value;
		return 0;
	case FLAG_FLOAT: {
		double v;
		const char *why;
		if (bs_parse_float(value, strlen(value), &v, &why) < 0) {
			fprintf(err, "invalid value \"%s\" for flag -%s: parse error\n", value, f->name);
			return -1;
		}
		*(double *)(void *)field = v;
		return 0;
	}
	case FLAG_BOOL:
		if (!has_value || !strcmp(value, "true") || !strcmp(value, "1") || !strcmp(value, "t") ||
		    !strcmp(value, "T") || !strcmp(value, "TRUE") || !strcmp(value, "True")) {
			*(int *)(void *)field = 1;
			return 0;
		}
		if (!strcmp(value, "false") || !strcmp(value, "0") || !strcmp(value, "f") ||
		    !strcmp(value, "F") || !strcmp(value, "FALSE") || !strcmp(value, "False")) {
			*(int *)(void *)field = 0;
			return 0;
		}
		fprintf(err, "invalid boolean value \"%s\" for -%s: parse error\n", value, f->name);
		return -1;
	}
	return -1;
}

int bs_parse_flags(int argc, char **argv, bs_options *o, FILE *err)
{
	int i = 1;
	while (i < argc) {
		const char *arg = argv[i];
		if (arg[0] != '-' || arg[1] == 0)
			break;
		i++;
		const char *name = arg + 1;
		if (name[0] == '-') {
			name++;
			if (name[0] == 0)
				break; /* "--" ends the flags */
		}
		if (name[0] == '-' || name[0] == '=') {
			fprintf(err, "bad flag syntax: %s\n", arg);
			bs_usage(err);
			return -1;
		}
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		const flag_def *f = NULL;
		for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
			if (strlen(flags[k].name) == nlen && strncmp(flags[k].name, name, nlen) == 0)
				f = &flags[k];
		if (!f) {
			fprintf(err, "flag provided but not defined: -%.*s\n", (int)nlen, name);
			bs_usage(err);
			return -1;
		}
		const char *value = eq ? eq + 1 : NULL;
		if (!value && f->kind != FLAG_BOOL) {
			if (i == argc) {
				fprintf(err, "flag needs an argument: -%.*s\n", (int)nlen, name);
				bs_usage(err);
				return -1;
			}
			value = argv[i++];
		}
		if (set_flag(f, o, value ? value : "", value != NULL, err) < 0) {
			bs_usage(err);
			return -1;
		}
		if (o->help)
			return 0;
	}
	o->files = argv + i;
	o->nfiles = argc - i;
	return 0;
}

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

typedef struct run {
	bs_map interns;
	bs_unit_meta units;
	bs_proc *proc;
	bs_builder *builder;
	bs_filter *filter;
} run;

static int read_input(run *r, const char *path, const char *label, FILE *err)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *in = is_stdin ? stdin : fopen(path, "rb");
	if (!in) {
		fprintf(err, "bstat: %s: %s\n", path, strerror(errno));
		return 2;
	}
	bs_reader rd;
	bs_reader_init(&rd, &r->interns, &r->units);
	bs_reader_reset(&rd, in, path, label);
	size_t results = 0;
	enum bs_record rec;
	int status = 0;
	while ((rec = bs_reader_next(&rd)) != BS_REC_EOF) {
		if (rec == BS_REC_SYNTAX) {
			fprintf(err, "%s\n", rd.message.s);
		} else if (rec == BS_REC_IOERR) {
			fprintf(err, "bstat: %s\n", rd.message.s);
			status = 2;
			break;
		} else {
			results++;
			if (bs_filter_apply(r->filter, &rd.result))
				bs_builder_add(r->builder, &rd.result);
		}
	}
	if (!status && results == 0) {
		fprintf(err, "bstat: %s: no benchmark results\n", path);
		status = 2;
	}
	bs_reader_free(&rd);
	if (!is_stdin)
		fclose(in);
	return status;
}

static int format_known(const char *format)
{
	return !strcmp(format, "text") || !strcmp(format, "csv") || !strcmp(format, "json") ||
	       !strcmp(format, "markdown");
}

int bs_build_tables(const bs_options *o, bs_arena *a, bs_tables **out, FILE *err)
{
	run r = { 0 };
	int status = 2;
	bs_buf msg = { 0 };
	bs_map_init(&r.interns, a);
	bs_unit_meta_init(&r.units, a);
	r.proc = bs_proc_new(a, &r.interns);
	*out = NULL;

	r.filter = bs_filter_new(r.proc, o->filter, &msg);
	if (!r.filter) {
		fprintf(err, "bstat: parsing -filter: %s\n", msg.s);
		goto done;
	}
	static const char *names[] = { "-table", "-row", "-col", "-ignore" };
	const char *exprs[] = { o->table, o->row, o->col, o->ignore };
	bs_projection *pr[4];
	for (int i = 0; i < 4; i++) {
		pr[i] = bs_projection_parse(r.proc, exprs[i], r.filter, i == 0, &msg);
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
	if (!format_known(o->format)) {
		fprintf(err, "bstat: -format must be text, csv, json or markdown\n");
		goto done;
	}
	r.builder = bs_builder_new(a, pr[0], pr[1], pr[2], bs_projection_residue(r.proc));

	const char **paths = bs_alloc(a, ((size_t)o->nfiles + 1) * sizeof *paths);
	const char **labels = bs_alloc(a, ((size_t)o->nfiles + 1) * sizeof *labels);
	file_labels(o, a, paths, labels);
	for (int i = 0; i < o->nfiles; i++)
		if (read_input(&r, paths[i], labels[i], err) != 0)
			goto done;
	*out = bs_builder_finish(r.builder, o->confidence, o->alpha, &r.units);
	status = 0;
done:
	bs_builder_free(r.builder);
	bs_proc_free(r.proc);
	bs_unit_meta_free(&r.units);
	bs_map_free(&r.interns);
	bs_buf_free(&msg);
	return status;
}

/* The gate's rules from -threshold, then each -rule in order (so a rule
 * overrides the threshold), then -alpha and -allow-missing. */
static int gate_config_from(const bs_options *o, gate_config *cfg, FILE *err)
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
	for (int i = 0; i < o->nrules; i++) {
		/* Rules name units as the tables do: MB/s is B/s, ns/op is sec/op. */
		const char *eq = strrchr(o->rules[i], '=');
		bs_buf spec = { 0 };
		if (eq && eq != o->rules[i]) {
			char raw[GATE_UNIT_MAX], unit[GATE_UNIT_MAX + 8];
			snprintf(raw, sizeof raw, "%.*s", (int)(eq - o->rules[i]), o->rules[i]);
			bs_unit_tidy(raw, unit, sizeof unit);
			bs_buf_printf(&spec, "%s%s", unit, eq);
		} else {
			bs_buf_puts(&spec, o->rules[i]);
		}
		int rc = gate_config_set_rule(cfg, spec.s, msg, sizeof msg);
		bs_buf_free(&spec);
		if (rc < 0) {
			fprintf(err, "bstat: -rule: %s\n", msg);
			return -1;
		}
	}
	return 0;
}

/* Parses -gate-filter before any input is read, so that a mistake is
 * reported before the table and alone. The gate reads the inputs a second
 * time with it (run_gate), which standard input cannot give. */
static int check_gate_filter(const bs_options *o, FILE *err)
{
	for (int i = 0; i < o->nfiles; i++) {
		const char *eq = strchr(o->files[i], '=');
		if (strcmp(eq ? eq + 1 : o->files[i], "-") == 0) {
			fprintf(err, "bstat: -gate-filter reads the inputs twice, so they cannot include standard input\n");
			return -1;
		}
	}
	bs_arena *a = bs_arena_new();
	bs_map interns;
	bs_buf msg = { 0 };
	bs_map_init(&interns, a);
	bs_proc *p = bs_proc_new(a, &interns);
	int ok = bs_filter_new(p, o->gate_filter, &msg) != NULL;
	if (!ok)
		fprintf(err, "bstat: parsing -gate-filter: %s\n", msg.s);
	bs_buf_free(&msg);
	bs_proc_free(p);
	bs_map_free(&interns);
	bs_arena_free(a);
	return ok ? 0 : -1;
}

/* A rule whose unit no table has is most likely a typo; it is not an error,
 * since a metric like retained-B/op is printed only when nonzero. */
static void warn_unused_rules(const bs_options *o, const gate_config *cfg,
                              const bs_tables *ts, FILE *err)
{
	if (o->nrules == 0)
		return;
	for (int i = 0; i < cfg->nrules; i++) {
		const gate_rule *r = &cfg->rules[i];
		size_t t = 0;
		while (t < ts->n && strcmp(ts->tables[t].unit, r->unit) != 0)
			t++;
		if (t == ts->n && !r->off)
			fprintf(err, "bstat: warning: no input has the metric %s named by a gate rule\n", r->unit);
	}
}

/*
 * Judges the comparison and appends the report to report. With
 * -gate-filter the gate judges tables rebuilt from the inputs with that
 * query and -filter both applied, so the gated set is a subset of the
 * table shown. Returns the gate's exit status.
 */
static int run_gate(const bs_options *o, const gate_config *cfg, bs_arena *a,
                    const bs_tables *shown, int markdown, bs_buf *report, FILE *err)
{
	const bs_tables *judged = shown;

	if (o->gate_filter) {
		bs_options narrowed = *o;
		bs_tables *ts;
		bs_buf query = { 0 };
		bs_buf_printf(&query, "(%s) AND (%s)", o->filter, o->gate_filter);
		narrowed.filter = query.s;
		int status = bs_build_tables(&narrowed, a, &ts, err);
		bs_buf_free(&query);
		if (status != 0)
			return status;
		judged = ts;
	}
	bs_gate_report r;
	bs_gate_check(judged, cfg, a, &r);
	if (markdown)
		bs_render_gate_markdown(&r, report);
	else
		bs_render_gate_text(&r, report);
	return bs_gate_status(&r);
}

int bs_main(int argc, char **argv, FILE *out, FILE *err)
{
	bs_options o;
	bs_options_default(&o);
	if (bs_parse_flags(argc, argv, &o, err) < 0)
		return 2;
	if (o.help) {
		bs_usage(err);
		return 0;
	}
	if (o.nfiles == 0) {
		bs_usage(err);
		return 2;
	}
	const char *fmt = o.format;
	gate_config cfg;
	if (o.gate && gate_config_from(&o, &cfg, err) < 0)
		return 2;
	if (o.gate && o.gate_filter && check_gate_filter(&o, err) < 0)
		return 2;

	bs_arena *a = bs_arena_new();
	bs_tables *ts;
	int status = bs_build_tables(&o, a, &ts, err);
	if (status != 0) {
		bs_arena_free(a);
		return status;
	}
	bs_buf text = { 0 }, warnings = { 0 }, gate = { 0 };
	if (o.gate) {
		warn_unused_rules(&o, &cfg, ts, err);
		status = run_gate(&o, &cfg, a, ts, strcmp(fmt, "markdown") == 0, &gate, err);
	}
	if (strcmp(fmt, "csv") == 0) {
		bs_render_csv(ts, &text, &warnings);
	} else if (strcmp(fmt, "json") == 0) {
		if (bs_render_json(ts, &text) < 0) {
			fprintf(err, "bstat: out of memory formatting JSON\n");
			status = 2;
		}
	} else if (strcmp(fmt, "markdown") == 0) {
		bs_render_markdown(ts, &text);
	} else {
		bs_render_text(ts, &text);
	}
	if (text.len)
		fwrite(text.s, 1, text.len, out);
	if (warnings.len)
		fwrite(warnings.s, 1, warnings.len, err);
	/* After the table for people; on stderr when stdout is CSV or JSON for
	 * machines, which read the verdict from the exit status. */
	if (gate.len)
		fwrite(gate.s, 1, gate.len, strcmp(fmt, "text") && strcmp(fmt, "markdown") ? err : out);
	if (fflush(out) != 0 && status == 0)
		status = 2;
	bs_buf_free(&text);
	bs_buf_free(&warnings);
	bs_buf_free(&gate);
	bs_arena_free(a);
	return status;
}
