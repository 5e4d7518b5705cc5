/*
 * html.h — bstat's pictures: -format html, one self-contained page (inline
 * CSS and SVG, no script, nothing fetched: a Content-Security-Policy of
 * default-src 'none' makes sure) with the samples of every benchmark
 * plotted (report.c); the trend page of -history, one chart per benchmark
 * and unit across commits (history.c) and the history format it reads
 * (histfmt.c); the page shell, HTML escaping and value axes they share
 * (page.c); and the SVG they draw with (svg.c).
 *
 * Every cell text (medians, ± ranges, deltas, p-values, footnotes) comes
 * from the functions the text table prints with (render.h), and the gate's
 * words from the gate itself, so a page cannot say something the text
 * table does not. Prefixes: bs_html_, bs_hist_ for the history format,
 * bs_svg_ for the drawing.
 *
 * Ownership: renderers append to a caller's bs_buf and borrow everything
 * else; nothing here prints or exits.
 */
#ifndef BSTAT_HTML_H
#define BSTAT_HTML_H

#include "gate.h"
#include "tab/tab.h"
#include "util/util.h"

/* ---- the comparison report (report.c) ---- */

/* What -gate adds to a report: the verdict at the top, failing rows marked. */
typedef struct bs_html_gate {
	const gate_report *report;  /* the gate's findings */
	int status;                 /* gate_status: 0 pass, 1 regression, 2 could not judge */
	const char *text;           /* the gate's own text report, shown verbatim */
} bs_html_gate;

/*
 * The page for tables ts: per table its configuration, per benchmark a
 * strip plot of every input's samples on one scale with medians and
 * confidence intervals, the cell texts of the text table, the geomean, the
 * footnotes. gate may be NULL. input_notes (may be NULL or "") holds the
 * lines bstat wrote about its inputs (syntax errors), shown as warnings.
 * title names the page (escaped here).
 */
void bs_html_report(const bs_tables *ts, const bs_html_gate *gate, const char *input_notes,
                    const char *title, bs_buf *out);

/* ---- the history format (histfmt.c) ---- */

/*
 * The inputs of -history PATH: PATH itself when it is a file, else the
 * regular files in the directory PATH whose names do not start with '.',
 * sorted by name. Returns 0 with *files (in arena a) and *n set, or -1 with
 * the reason in msg.
 */
int bs_hist_files(const char *path, bs_arena *a, char ***files, int *n, bs_buf *msg);

/*
 * Checks that every result in the files belongs to a record: it has a
 * `commit:` configuration and a `time:` in RFC 3339. Returns the number of
 * results without them; the first few problems are appended to msg as
 * "file:line: what is wrong" lines. Unreadable files are -1 with msg set.
 */
long bs_hist_check(char **files, int n, bs_buf *msg);

/* Seconds since 1970 of an RFC 3339 time ("2026-12-01T20:28:24Z",
 * fractions and offsets allowed). Returns 0, or -1 when s is not one. */
int bs_hist_parse_time(const char *s, double *seconds);

/* ---- the trend page (history.c) ---- */

/* The projection -history builds its tables with: one column per record. */
#define BS_HIST_COLUMNS "time,commit"

/*
 * The trend page for tables built with -col BS_HIST_COLUMNS: commits in
 * time order on the x axis, per benchmark and unit the median of each
 * commit with its confidence interval and samples, and a mark where
 * gate_judge (with cfg) flags the commit against the one before it.
 */
void bs_html_history(const bs_tables *ts, const gate_config *cfg, const char *title, bs_buf *out);

/* ---- shared (page.c) ---- */

/* Appends s with & < > " ' escaped. */
void bs_html_escape(bs_buf *out, const char *s);
/* The document head (CSP, inline CSS, title) and the opening <body>. */
void bs_html_begin(bs_buf *out, const char *title);
void bs_html_end(bs_buf *out);

/*
 * A value axis: [lo, hi] widened to round tick values and labelled as the
 * text table labels values of the unit's class (SI prefixes, or binary
 * ones for bytes): "0", "50n", "100n".
 */
enum { BS_HTML_MAX_TICKS = 12 };
typedef struct bs_html_axis {
	double lo, hi;              /* the range drawn; lo < hi */
	size_t nticks;
	double ticks[BS_HTML_MAX_TICKS];
	char labels[BS_HTML_MAX_TICKS][24];
} bs_html_axis;
/* An axis over the finite values of vals[0..n) (n may be 0). */
bs_html_axis bs_html_axis_for(const double *vals, size_t n, const char *unit);
/* Where v falls on the axis, 0 at lo and 1 at hi. */
double bs_html_axis_pos(const bs_html_axis *ax, double v);

/* ---- SVG (svg.c) ---- */

/* One input's lane of a strip plot: its samples, median and interval. */
typedef struct bs_svg_lane {
	const char *label;
	const bs_cell *cell;        /* NULL: the input has no value here */
	int base;                   /* the baseline lane (drawn in the base colour) */
	const char *mark;           /* "" or a class: "worse", "better", "fail" */
} bs_svg_lane;

/* A strip plot: one lane per input on a shared value axis. */
void bs_svg_strip(bs_buf *out, const bs_svg_lane *lanes, size_t n, const char *unit,
                  const char *title);

/* One commit of a trend chart. */
typedef struct bs_svg_point {
	const bs_cell *cell;        /* NULL: no value at this commit */
	const char *label;          /* the commit, under the axis and on hover */
	const char *when;           /* its time, on hover */
	const char *mark;           /* "" or "fail", "unjudged", "better" */
	const char *mark_text;      /* its explanation, shown on hover */
} bs_svg_point;

/* A trend chart of n commits (x) against the unit (y). */
void bs_svg_trend(bs_buf *out, const bs_svg_point *pts, size_t n, const char *unit,
                  const char *title);

#endif
