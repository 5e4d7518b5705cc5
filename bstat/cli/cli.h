/*
 * cli.h — the bstat command: flags (flags.c), then reading the inputs,
 * building, judging and printing the tables (cli.c). main() (main.c) only
 * calls bs_main; tests call it with their own argv and streams. This is
 * the one place that writes to stderr and picks
 * exit statuses: 0 done, 2 usage error or unusable input (as benchstat:
 * bad flags print usage and exit 2); with -gate, the gate's status (0 pass,
 * 1 regression, 2 could not judge).
 */
#ifndef BSTAT_CLI_H
#define BSTAT_CLI_H

#include <stdio.h>

#include "gate.h"
#include "tab/tab.h"
#include "util/util.h"

/* Every flag lands here; bs_parse_flags is the one place that fills it.
 * Every flag, the gate's included, has a field here and a
 * row in the flag table in cli.c. */
typedef struct bs_options {
	const char *table, *row, *col, *ignore, *filter, *format;
	double alpha, confidence;
	int help;                   /* -h / -help was given */
	int version;                /* -version was given */
	int gate;                   /* -gate: judge the comparison, exit 1 on a regression */
	const char *threshold;      /* -threshold N%: every gated metric's threshold */
	const char *rules[GATE_MAX_RULES]; /* -rule UNIT=N%|off, in the order given */
	int nrules;
	int allow_missing;          /* -allow-missing */
	const char *gate_filter;    /* -gate-filter QUERY: gate only these benchmarks */
	const char *history;        /* -history FILE|DIR: the trend page (-format html) */
	char **files;               /* the inputs, "label=path" allowed, "-" is stdin */
	int nfiles;
} bs_options;

/* Defaults as benchstat: -table .config -row .fullname -col .file ... */
void bs_options_default(bs_options *o);

/*
 * Parses argv[1..argc) like Go's flag package (-x v, -x=v, --x, "--"
 * ends flags, the first non-flag starts the inputs). Returns 0, or -1
 * after writing the problem and the usage to err.
 */
int bs_parse_flags(int argc, char **argv, bs_options *o, FILE *err);
void bs_usage(FILE *err);

enum bs_format { BS_FORMAT_TEXT, BS_FORMAT_CSV, BS_FORMAT_JSON, BS_FORMAT_MARKDOWN, BS_FORMAT_HTML };

/* What reading the inputs found besides results. */
typedef struct bs_build_info {
	size_t syntax_errors;       /* lines reported as "file:line: message" */
	size_t gate_filtered;       /* results -gate-filter kept */
	const char *baseline;       /* with -gate: the label of the first column in
	                             * the builder's column order (for -col .file the
	                             * first input), in the arena; NULL: no result */
} bs_build_info;

/*
 * Reads every input once and builds the tables in arena a: *shown from the
 * results -filter keeps and, when gated is not NULL and -gate-filter is
 * given, *gated from those -gate-filter keeps as well (else *gated is NULL).
 * Syntax errors in inputs are written to err as "file:line: message" and
 * skipped (with o->gate the reader is strict: a cut-off last line is one
 * too) and counted in info. Returns 0 with the tables set, or 2 after
 * writing "bstat: ..." to err (bad -filter or projection, unreadable file,
 * a read error, a file with no results).
 */
int bs_build_tables(const bs_options *o, bs_arena *a, bs_tables **shown, bs_tables **gated,
                    bs_build_info *info, FILE *err);

/* The gate's configuration from -threshold, -rule, -alpha and -allow-missing.
 * Returns 0, or -1 after writing "bstat: ..." to err. */
int bs_gate_config_from(const bs_options *o, gate_config *cfg, FILE *err);
/* Warns on err about each -rule the user named whose unit no table has. */
void bs_warn_unused_rules(const bs_options *o, const bs_tables *ts, FILE *err);

/* -format html (html_main.c): the report, or with -history the trend page.
 * Returns the exit status. */
int bs_html_main(const bs_options *o, FILE *out, FILE *err);

/* The whole command. Returns the exit status. */
int bs_main(int argc, char **argv, FILE *out, FILE *err);

#endif
