/*
 * flags.c — where bstat's flags are parsed: the defaults, the usage text,
 * and Go's flag syntax (-x v, -x=v, --x, "--" ends the flags, the first
 * non-flag starts the inputs), one table row per flag.
 */
#include "cli/cli.h"

#include <stddef.h>
#include <string.h>

#include "format/format.h"
#include "goflag.h"

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
	"    \tconsider change significant if p <= α (default 0.05)\n"
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
	"    \t  html     - a self-contained page with the samples plotted\n"
	"    \t (default \"text\")\n"
	"  -history file|dir\n"
	"    \twith -format html: a trend page from a history (records opening with\n"
	"    \t\"commit:\" and \"time:\" lines; a dir holds such files), regressions marked\n"
	"  -ignore keys\n"
	"    \tignore variations in keys\n"
	"  -row projection\n"
	"    \tsplit results into rows by distinct values of projection (default \".fullname\")\n"
	"  -table projection\n"
	"    \tsplit results into tables by distinct values of projection (default \".config\")\n"
	"  -version\n"
	"    \tprint bstat's version and exit\n"
	"\n"
	"Regression gate (bstat -gate [flags] baseline new): after the table, print\n"
	"each violation and a verdict; exit 0 pass, 1 regression, 2 could not judge.\n"
	"A metric fails when every baseline sample is 0 and a new one is not, or\n"
	"when its median is worse by more than its threshold at p <= -alpha (any\n"
	"change beyond it for a unit declared `Unit U assume=exact`). A metric\n"
	"with too few samples to reach p <= -alpha, or an input line that cannot\n"
	"be read, cannot pass (exit 2). A benchmark in the baseline but not in new\n"
	"fails. Rates (unit ending in /s) are better higher, every other unit lower.\n"
	"\n"
	"  -gate\n"
	"    \tjudge the comparison of each input with the first\n"
	"  -threshold percent\n"
	"    \tthreshold of every gated metric (default 10%, instructions/op 2%)\n"
	"  -rule unit=percent|unit=off\n"
	"    \tgate unit with its own threshold, or not at all; repeatable\n"
	"    \t(default B/op=10%, allocs/op=10%, retained-B/op=10%, instructions/op=2%;\n"
	"    \te.g. -rule sec/op=20%)\n"
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
	{ "history", FLAG_STRING, offsetof(bs_options, history) },
	{ "ignore", FLAG_STRING, offsetof(bs_options, ignore) },
	{ "row", FLAG_STRING, offsetof(bs_options, row) },
	{ "rule", FLAG_RULE, 0 },
	{ "table", FLAG_STRING, offsetof(bs_options, table) },
	{ "threshold", FLAG_STRING, offsetof(bs_options, threshold) },
	{ "version", FLAG_BOOL, offsetof(bs_options, version) },
};

/* Go's strconv.ParseFloat errors read "parse error" in flag messages. */
static int set_flag(void *ctx, int index, const char *value, char *err, size_t errlen)
{
	bs_options *o = ctx;
	const flag_def *f = &flags[index];
	char *field = (char *)o + f->offset;
	switch (f->kind) {
	case FLAG_STRING:
		*(const char **)(void *)field = value;
		return 0;
	case FLAG_RULE:
		if (o->nrules == GATE_MAX_RULES) {
			snprintf(err, errlen, "too many -rule flags (at most %d)", GATE_MAX_RULES);
			return -1;
		}
		o->rules[o->nrules++] = value;
		return 0;
	case FLAG_FLOAT: {
		double v;
		const char *why;
		if (bs_parse_float(value, strlen(value), &v, &why) < 0) {
			snprintf(err, errlen, "invalid value \"%s\" for flag -%s: parse error", value, f->name);
			return -1;
		}
		*(double *)(void *)field = v;
		return 0;
	}
	case FLAG_BOOL: {
		bool on;
		if (goflag_parse_bool(value, &on) < 0) {
			snprintf(err, errlen, "invalid boolean value \"%s\" for -%s: parse error", value, f->name);
			return -1;
		}
		*(int *)(void *)field = on;
		return 0;
	}
	}
	return -1;
}

static int lookup(void *ctx, const char *name, size_t len, bool *is_bool)
{
	(void)ctx;
	for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
		if (strlen(flags[k].name) == len && strncmp(flags[k].name, name, len) == 0) {
			*is_bool = flags[k].kind == FLAG_BOOL;
			return (int)k;
		}
	return -1;
}

int bs_parse_flags(int argc, char **argv, bs_options *o, FILE *err)
{
	/* Go prints the value whole; 8 KiB holds any real command line. */
	char msg[8192];
	const struct goflag_spec spec = {NULL, lookup, set_flag, o};
	int first;
	bool dashdash;
	int r = goflag_parse(&spec, argc, argv, &first, &dashdash, msg, sizeof msg);
	if (r < 0) {
		fprintf(err, "%s\n", msg);
		bs_usage(err);
		return -1;
	}
	if (r == 0) {
		o->files = argv + first;
		o->nfiles = argc - first;
	}
	return 0;
}
