/*
 * history.c — the trend page of bstat -format html -history: one chart per
 * benchmark and unit across commits.
 *
 * The history's records (histfmt.c) are read as any input, with `time` and
 * `commit` as the columns (-col time,commit); everything else keeps its
 * usual meaning. Columns are put in time order here (a record's time, then
 * the order it was read in), and each commit is judged against the commit
 * just before it in that order, by gate_judge with the gate's rules: a
 * point the gate would fail is marked, and listed at the top. A benchmark
 * absent from the commit before is not judged there (the gate calls it
 * added, never failed).
 */
#include "html/html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "render/render.h"

/* ---- the commits, in time order ---- */

typedef struct commit {
	const char *time, *sha;
	double seconds;
	size_t seen;                /* first-seen order breaks ties */
} commit;

typedef struct timeline {
	bs_map index;               /* "time\nsha" -> position in list before sorting */
	commit *list;
	size_t n, cap;
	size_t *order;              /* index value -> position after sorting */
	bs_arena *a;
} timeline;

static const char *col_time(const bs_table *t, size_t c)
{
	return t->ncol_fields >= 2 ? t->col_values[c][0] : "";
}

static const char *col_sha(const bs_table *t, size_t c)
{
	return t->ncol_fields >= 2 ? t->col_values[c][1] : t->col_labels[c];
}

static long commit_id(timeline *tl, const bs_table *t, size_t c, int add)
{
	bs_buf key = { 0 };
	bs_buf_printf(&key, "%s\n%s", col_time(t, c), col_sha(t, c));
	int created = 0;
	bs_map_ent *e = add ? bs_map_put(&tl->index, key.s, key.len, (long)tl->n, &created)
	                    : bs_map_find(&tl->index, key.s, key.len);
	bs_buf_free(&key);
	if (created) {
		bs_agrow(tl->a, &tl->list, &tl->cap, tl->n + 1, sizeof *tl->list);
		commit *cm = &tl->list[tl->n];
		cm->time = col_time(t, c);
		cm->sha = col_sha(t, c);
		cm->seen = tl->n;
		if (bs_hist_parse_time(cm->time, &cm->seconds) < 0)
			cm->seconds = INFINITY; /* checked before building; sorts last */
		tl->n++;
	}
	return e ? e->value : -1;
}

static int cmp_commits(const void *x, const void *y)
{
	const commit *a = x, *b = y;
	if (a->seconds != b->seconds)
		return a->seconds < b->seconds ? -1 : 1;
	return a->seen < b->seen ? -1 : a->seen > b->seen;
}

static void timeline_build(timeline *tl, const bs_tables *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		for (size_t c = 0; c < ts->tables[i].ncols; c++)
			commit_id(tl, &ts->tables[i], c, 1);
	qsort(tl->list, tl->n, sizeof *tl->list, cmp_commits);
	tl->order = bs_alloc(tl->a, (tl->n + 1) * sizeof *tl->order);
	for (size_t i = 0; i < tl->n; i++)
		tl->order[tl->list[i].seen] = i;
}

/* ---- judging and drawing ---- */

typedef struct page {
	bs_buf *out;
	const gate_config *cfg;
	timeline tl;
	bs_buf flags;               /* <li> items of flagged points */
	size_t nflags, nunjudged;
	double alpha;
} page;

/* Judges cur against prev as `bstat -gate prev cur` would judge this row:
 * the comparison is the one the table builder makes (base vs cell). */
static gate_finding judge(const page *pg, const bs_table *t, const bs_cell *prev,
                          const bs_cell *cur, bs_cell *now)
{
	*now = *cur;
	now->base = prev;
	now->cmp = st_compare(t->assumption, prev->values, prev->n, cur->values, cur->n, pg->alpha);
	return gate_judge(pg->cfg, t->unit, prev, now);
}

/* "+12.30% (p=0.008 n=5)" between two cells, as the text table says it. */
static void change_text(const bs_cell *now, bs_buf *out)
{
	char d[64], test[128];
	bs_fmt_delta(&now->cmp, now->base->summary.center, now->summary.center, d, sizeof d);
	bs_fmt_test(&now->cmp, test, sizeof test);
	bs_buf_printf(out, "%s (%s)", d, test);
}

static const char *mark_for(enum gate_verdict v)
{
	switch (v) {
	case GATE_REGRESSED:
	case GATE_ZERO_BASELINE:
		return "fail";
	case GATE_INVALID:
	case GATE_UNDERPOWERED:
		return "unjudged";
	case GATE_IMPROVED:
		return "better";
	default:
		return "";
	}
}

static void list_flag(page *pg, const bs_table *t, const char *bench, const commit *prev,
                      const commit *cur, const char *mark, const char *verdict, const char *change)
{
	if (strcmp(mark, "fail") != 0 && strcmp(mark, "unjudged") != 0)
		return;
	bs_buf *f = &pg->flags;
	if (*mark == 'f')
		pg->nflags++;
	else
		pg->nunjudged++;
	bs_buf_printf(f, "<li class=\"%s\"><code>", *mark == 'f' ? "worse" : "warnings");
	bs_html_escape(f, cur->sha);
	bs_buf_puts(f, "</code> ");
	bs_html_escape(f, bench);
	bs_buf_puts(f, " ");
	bs_html_escape(f, t->unit);
	bs_buf_puts(f, ": ");
	bs_html_escape(f, verdict);
	bs_buf_puts(f, ", ");
	bs_html_escape(f, change);
	bs_buf_puts(f, " vs <code>");
	bs_html_escape(f, prev->sha);
	bs_buf_puts(f, "</code></li>\n");
}

static void trend_card(page *pg, const bs_table *t, size_t r, const long *col_of,
                       bs_svg_point *pts, bs_cell *nows, bs_buf *texts)
{
	size_t n = pg->tl.n;
	const char *bench = t->row_labels[r];
	bs_buf last_change = { 0 };
	bs_buf_add(&last_change, "", 0);
	for (size_t g = 0; g < n; g++) {
		long c = col_of[g];
		const bs_cell *cur = c >= 0 ? bs_table_cell(t, r, (size_t)c) : NULL;
		pts[g] = (bs_svg_point){ cur, pg->tl.list[g].sha, pg->tl.list[g].time, "", "" };
		bs_buf_clear(&texts[g]);
		bs_buf_add(&texts[g], "", 0);
	}
	for (size_t g = 1; g < n; g++) {
		long pc = col_of[g - 1];
		const bs_cell *prev = pc >= 0 ? bs_table_cell(t, r, (size_t)pc) : NULL;
		if (!pts[g].cell || !prev)
			continue;
		gate_finding f = judge(pg, t, prev, pts[g].cell, &nows[g]);
		bs_buf change = { 0 };
		change_text(&nows[g], &change);
		pts[g].mark = mark_for(f.verdict);
		bs_buf_printf(&texts[g], "vs %s: %s", pg->tl.list[g - 1].sha, change.s);
		if (f.verdict != GATE_UNGATED)
			bs_buf_printf(&texts[g], "; gate: %s", gate_verdict_name(f.verdict));
		pts[g].mark_text = texts[g].s;
		list_flag(pg, t, bench, &pg->tl.list[g - 1], &pg->tl.list[g], pts[g].mark,
		          gate_verdict_name(f.verdict), change.s);
		if (g + 1 == n) {
			bs_buf_clear(&last_change);
			bs_buf_puts(&last_change, change.s);
		}
		bs_buf_free(&change);
	}
	int failed = 0;
	for (size_t g = 0; g < n; g++)
		failed |= strcmp(pts[g].mark, "fail") == 0;
	bs_buf *out = pg->out;
	bs_buf_printf(out, "<div class=\"bench trend%s\" data-unit=\"", failed ? " fail" : "");
	bs_html_escape(out, t->unit);
	bs_buf_puts(out, "\" data-bench=\"");
	bs_html_escape(out, bench);
	bs_buf_puts(out, "\">\n<h3>");
	bs_html_escape(out, bench);
	bs_buf_puts(out, "</h3>\n<div class=\"fig\">\n");
	bs_buf title = { 0 };
	bs_buf_printf(&title, "%s, %s, across %zu commits", bench, t->unit, n);
	bs_svg_trend(out, pts, n, t->unit, title.s);
	bs_buf_free(&title);
	bs_buf_puts(out, "</div>\n");
	const bs_cell *latest = n ? pts[n - 1].cell : NULL;
	if (latest) {
		char v[64], range[64];
		bs_scale(latest->summary.center, bs_unit_class_of(t->unit), v, sizeof v);
		bs_fmt_range(&latest->summary, range, sizeof range);
		/* Twelve characters of a hash say which commit; the list at the top
		 * has them whole. */
		char sha[13];
		snprintf(sha, sizeof sha, "%s", pg->tl.list[n - 1].sha);
		bs_buf_puts(out, "<p class=\"geomean\"><span>latest <code>");
		bs_html_escape(out, sha);
		bs_buf_puts(out, "</code>: ");
		bs_html_escape(out, v);
		bs_buf_puts(out, " ± ");
		bs_html_escape(out, range);
		bs_buf_puts(out, " ");
		bs_html_escape(out, t->unit);
		bs_buf_puts(out, "</span>");
		if (*last_change.s) {
			bs_buf_puts(out, "<span>vs previous: ");
			bs_html_escape(out, last_change.s);
			bs_buf_puts(out, "</span>");
		}
		bs_buf_puts(out, "</p>\n");
	}
	bs_buf_puts(out, "</div>\n");
	bs_buf_free(&last_change);
}

static void trend_table(page *pg, const bs_table *t, bs_buf *body)
{
	size_t n = pg->tl.n;
	long *col_of = bs_xrealloc(NULL, (n + 1) * sizeof *col_of);
	for (size_t g = 0; g < n; g++)
		col_of[g] = -1;
	for (size_t c = 0; c < t->ncols; c++) {
		long id = commit_id(&pg->tl, t, c, 0); /* timeline_build saw every column */
		if (id >= 0)
			col_of[pg->tl.order[id]] = (long)c;
	}
	bs_svg_point *pts = bs_xrealloc(NULL, (n + 1) * sizeof *pts);
	bs_cell *nows = bs_xrealloc(NULL, (n + 1) * sizeof *nows);
	bs_buf *texts = bs_xcalloc(n + 1, sizeof *texts);

	bs_buf *out = pg->out;
	pg->out = body;
	bs_buf_puts(body, "<section class=\"table\" data-unit=\"");
	bs_html_escape(body, t->unit);
	bs_buf_puts(body, "\">\n<h2>");
	bs_html_escape(body, t->unit);
	bs_buf_puts(body, "</h2>\n");
	if (t->nconfig) {
		bs_buf_puts(body, "<p class=\"config\">");
		for (size_t f = 0; f < t->nconfig; f++) {
			bs_buf_puts(body, "<span>");
			bs_html_escape(body, t->config_names[f]);
			bs_buf_puts(body, ": ");
			bs_html_escape(body, t->config_values[f]);
			bs_buf_puts(body, "</span>");
		}
		bs_buf_puts(body, "</p>\n");
	}
	for (size_t r = 0; r < t->nrows; r++)
		trend_card(pg, t, r, col_of, pts, nows, texts);
	bs_buf_puts(body, "</section>\n");
	pg->out = out;
	for (size_t g = 0; g <= n; g++)
		bs_buf_free(&texts[g]);
	bs_free(texts);
	bs_free(nows);
	bs_free(pts);
	bs_free(col_of);
}

void bs_html_history(const bs_tables *ts, const gate_config *cfg, const char *title, bs_buf *out)
{
	bs_arena *a = bs_arena_new();
	page pg = { .out = out, .cfg = cfg, .alpha = ts->alpha };
	pg.tl.a = a;
	bs_map_init(&pg.tl.index, a);
	timeline_build(&pg.tl, ts);

	bs_buf body = { 0 };
	bs_buf_add(&body, "", 0);
	for (size_t i = 0; i < ts->n; i++)
		trend_table(&pg, &ts->tables[i], &body);

	bs_html_begin(out, title);
	bs_buf_puts(out, "<h1>");
	bs_html_escape(out, title);
	bs_buf_puts(out, "</h1>\n<p class=\"legend\">");
	if (pg.tl.n) {
		bs_buf_printf(out, "%zu commit%s, from <code>", pg.tl.n, pg.tl.n == 1 ? "" : "s");
		bs_html_escape(out, pg.tl.list[0].sha);
		bs_buf_puts(out, "</code> (");
		bs_html_escape(out, pg.tl.list[0].time);
		bs_buf_puts(out, ") to <code>");
		bs_html_escape(out, pg.tl.list[pg.tl.n - 1].sha);
		bs_buf_puts(out, "</code> (");
		bs_html_escape(out, pg.tl.list[pg.tl.n - 1].time);
		bs_buf_puts(out, "). ");
	}
	bs_buf_printf(out, "Each point is a commit's median with its %g%% confidence band and its "
	              "runs; each commit is judged against the one before it by the gate's rules. "
	              "<i class=\"kw\"></i>regression the gate fails "
	              "<i class=\"ku\"></i>could not judge <i class=\"kg\"></i>improvement</p>\n",
	              ts->confidence * 100);
	bs_buf_printf(out, "<div class=\"verdict %s\" id=\"verdict\"><strong>%zu regression%s "
	              "flagged</strong>", pg.nflags ? "fail" : pg.nunjudged ? "unknown" : "pass",
	              pg.nflags, pg.nflags == 1 ? "" : "s");
	if (pg.nunjudged)
		bs_buf_printf(out, ", %zu could not be judged", pg.nunjudged);
	bs_buf_puts(out, "\n");
	if (pg.flags.len)
		bs_buf_printf(out, "<ul class=\"flags\">\n%s</ul>\n", pg.flags.s);
	bs_buf_puts(out, "</div>\n");
	if (body.len)
		bs_buf_add(out, body.s, body.len);
	if (ts->n == 0)
		bs_buf_puts(out, "<p>No benchmark results.</p>\n");
	bs_html_end(out);
	bs_buf_free(&body);
	bs_buf_free(&pg.flags);
	bs_arena_free(a);
}
