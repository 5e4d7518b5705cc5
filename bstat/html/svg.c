/*
 * svg.c — the two pictures bstat draws, as inline SVG.
 *
 * Both are as wide as their container and a fixed number of pixels high:
 * x coordinates are percentages of the width (SVG resolves them against
 * the viewport, so text keeps its size from a phone to a wide screen) and
 * y coordinates are pixels. Shapes that need a path (the trend's line and
 * confidence band) live in a nested <svg> whose viewBox is stretched to
 * the plot area, with strokes that do not scale. Colours come from CSS
 * classes (page.c), so dark mode reaches the plots too.
 *
 *   strip plot, one lane per input       trend, one point per commit
 *   old.txt                              sec/op
 *   ·· ·|·· ·      (samples, median,     100n ────────────────────────
 *   new.txt         interval bar)             ▒▒●▒▒●▒▒●   ●  (band: CI)
 *          ·· ·|·· ·                      50n ─────────────●──────────
 *   ┼─────┼─────┼ 0  50n  100n  sec/op       a1b2c3d      ...  f9e8d7c
 */
#include "html/html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "render/render.h"

enum { PLOT_LEFT = 2, PLOT_WIDTH = 96 };   /* percent of the width */

/* What a plot's axis must cover: every sample of its cells and both ends
 * of their intervals (bs_html_axis_for skips infinite bounds). */
typedef struct axis_values {
	double *v;
	size_t n, cap;
} axis_values;

static void cover(axis_values *av, const bs_cell *c)
{
	if (!c)
		return;
	bs_grow(&av->v, &av->cap, av->n + c->n + 2, sizeof *av->v);
	memcpy(av->v + av->n, c->values, c->n * sizeof *av->v);
	av->n += c->n;
	av->v[av->n++] = c->summary.lo;
	av->v[av->n++] = c->summary.hi;
}

static bs_html_axis axis_for(axis_values *av, const char *unit)
{
	bs_html_axis ax = bs_html_axis_for(av->v, av->n, unit);
	bs_free(av->v);
	return ax;
}

static double xpct(double pos)
{
	return PLOT_LEFT + PLOT_WIDTH * fmin(1, fmax(0, pos));
}

/* "105.0n ± 3%" as the text table prints a cell. */
static void cell_text(const bs_cell *c, const char *unit, bs_buf *out)
{
	char v[64], r[64];
	bs_scale(c->summary.center, bs_unit_class_of(unit), v, sizeof v);
	bs_fmt_range(&c->summary, r, sizeof r);
	bs_buf_printf(out, "%s ± %s", v, r);
}

static void vgrid(bs_buf *out, const bs_html_axis *ax, int top, int bottom, int label_y)
{
	for (size_t i = 0; i < ax->nticks; i++) {
		double x = xpct(bs_html_axis_pos(ax, ax->ticks[i]));
		const char *anchor = i == 0 ? "start" : i + 1 == ax->nticks ? "end" : "middle";
		bs_buf_printf(out, "<line class=\"grid\" x1=\"%.2f%%\" x2=\"%.2f%%\" y1=\"%d\" y2=\"%d\"/>"
		              "<text x=\"%.2f%%\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
		              x, x, top, bottom, x, label_y, anchor, ax->labels[i]);
	}
}

enum { LANE_H = 34, STRIP_TOP = 4 };

static void strip_lane(bs_buf *out, const bs_svg_lane *l, const bs_html_axis *ax, int top,
                       const char *unit)
{
	int y = top + 22;
	bs_buf_printf(out, "<g class=\"lane %s%s%s\"><text class=\"lbl\" x=\"%d%%\" y=\"%d\">",
	              l->base ? "base" : "new", *l->mark ? " " : "", l->mark, PLOT_LEFT, top + 10);
	bs_html_escape(out, l->label);
	bs_buf_puts(out, "</text>\n");
	if (!l->cell) {
		bs_buf_printf(out, "<text x=\"%d%%\" y=\"%d\">no value</text></g>\n", PLOT_LEFT, y + 4);
		return;
	}
	const bs_cell *c = l->cell;
	bs_buf_puts(out, "<title>");
	bs_html_escape(out, l->label);
	bs_buf_puts(out, ": ");
	bs_buf tmp = { 0 };
	cell_text(c, unit, &tmp);
	bs_html_escape(out, tmp.s);
	bs_buf_free(&tmp);
	bs_buf_printf(out, " %s, n=%zu</title>\n", unit, c->n);
	if (isfinite(c->summary.lo) && isfinite(c->summary.hi))
		bs_buf_printf(out, "<line class=\"ci\" x1=\"%.2f%%\" x2=\"%.2f%%\" y1=\"%d\" y2=\"%d\" "
		              "stroke-opacity=\".35\"/>\n",
		              xpct(bs_html_axis_pos(ax, c->summary.lo)),
		              xpct(bs_html_axis_pos(ax, c->summary.hi)), y, y);
	for (size_t k = 0; k < c->n; k++) {
		if (!isfinite(c->values[k]))
			continue;
		/* A fixed jitter by index keeps equal samples apart, and the page
		 * the same from run to run. */
		int dy = (int)(k % 5) * 2 - 4;
		bs_buf_printf(out, "<circle class=\"s\" cx=\"%.2f%%\" cy=\"%d\" r=\"3\"/>",
		              xpct(bs_html_axis_pos(ax, c->values[k])), y + dy);
	}
	double mx = xpct(bs_html_axis_pos(ax, c->summary.center));
	bs_buf_printf(out, "\n<line class=\"m\" x1=\"%.2f%%\" x2=\"%.2f%%\" y1=\"%d\" y2=\"%d\"/></g>\n",
	              mx, mx, y - 8, y + 8);
}

void bs_svg_strip(bs_buf *out, const bs_svg_lane *lanes, size_t n, const char *unit,
                  const char *title)
{
	axis_values av = { 0 };
	for (size_t i = 0; i < n; i++)
		cover(&av, lanes[i].cell);
	bs_html_axis ax = axis_for(&av, unit);

	int axis_y = STRIP_TOP + (int)n * LANE_H + 4, height = axis_y + 30;
	bs_buf_printf(out, "<svg class=\"plot strip\" role=\"img\" height=\"%d\" aria-label=\"", height);
	bs_html_escape(out, title);
	bs_buf_puts(out, "\">\n");
	vgrid(out, &ax, STRIP_TOP, axis_y, axis_y + 13);
	for (size_t i = 0; i < n; i++)
		strip_lane(out, &lanes[i], &ax, STRIP_TOP + (int)i * LANE_H, unit);
	bs_buf_printf(out, "<text x=\"%d%%\" y=\"%d\" text-anchor=\"end\">", PLOT_LEFT + PLOT_WIDTH,
	              axis_y + 27);
	bs_html_escape(out, unit);
	bs_buf_puts(out, "</text>\n</svg>\n");
}

/* ---- the trend chart ---- */

/* The trend's points start a little right of the y labels drawn above
 * the grid lines, so the first commit's point does not sit on them. */
enum { TREND_TOP = 18, TREND_H = 140, VIEW_W = 1000, TREND_LEFT = 7, TREND_WIDTH = 91 };

static double trend_xpct(double view)
{
	return TREND_LEFT + TREND_WIDTH * view / VIEW_W;
}

static double trend_y(const bs_html_axis *ax, double v)
{
	return TREND_TOP + TREND_H * (1 - fmin(1, fmax(0, bs_html_axis_pos(ax, v))));
}

/* x of point i in the nested viewBox (0..VIEW_W). */
static double view_x(size_t i, size_t n)
{
	return n < 2 ? VIEW_W / 2.0 : VIEW_W * (double)i / (double)(n - 1);
}

/* The confidence band and the median line, broken where a commit has no
 * value (or, for the band, no finite interval). */
static void trend_paths(bs_buf *out, const bs_svg_point *pts, size_t n, const bs_html_axis *ax)
{
	bs_buf_printf(out, "<svg x=\"%d%%\" y=\"0\" width=\"%d%%\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	              "preserveAspectRatio=\"none\">\n", TREND_LEFT, TREND_WIDTH, TREND_TOP + TREND_H + 1,
	              VIEW_W, TREND_TOP + TREND_H + 1);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && pts[j].cell && isfinite(pts[j].cell->summary.lo) &&
		       isfinite(pts[j].cell->summary.hi))
			j++;
		if (j > i + 1) {
			bs_buf_puts(out, "<path class=\"band\" d=\"");
			for (size_t k = i; k < j; k++)
				bs_buf_printf(out, "%c%.1f %.1f", k == i ? 'M' : 'L', view_x(k, n),
				              trend_y(ax, pts[k].cell->summary.hi));
			for (size_t k = j; k-- > i;)
				bs_buf_printf(out, "L%.1f %.1f", view_x(k, n), trend_y(ax, pts[k].cell->summary.lo));
			bs_buf_puts(out, "Z\"/>\n");
		}
		i = j > i ? j : i + 1;
	}
	bs_buf_puts(out, "<path class=\"line\" vector-effect=\"non-scaling-stroke\" d=\"");
	int pen = 0;
	for (size_t i = 0; i < n; i++) {
		if (!pts[i].cell) {
			pen = 0;
			continue;
		}
		bs_buf_printf(out, "%c%.1f %.1f", pen ? 'L' : 'M', view_x(i, n),
		              trend_y(ax, pts[i].cell->summary.center));
		pen = 1;
	}
	bs_buf_puts(out, "\"/>\n</svg>\n");
}

static void trend_point(bs_buf *out, const bs_svg_point *p, double x, const bs_html_axis *ax,
                        const char *unit)
{
	const bs_cell *c = p->cell;
	int flagged = *p->mark && strcmp(p->mark, "better") != 0;
	if (flagged)
		bs_buf_printf(out, "<line class=\"flag %s\" x1=\"%.2f%%\" x2=\"%.2f%%\" y1=\"%d\" y2=\"%d\"/>",
		              p->mark, x, x, TREND_TOP, TREND_TOP + TREND_H);
	for (size_t k = 0; k < c->n; k++)
		if (isfinite(c->values[k]))
			bs_buf_printf(out, "<circle class=\"s pt\" cx=\"%.2f%%\" cy=\"%.1f\" r=\"1.6\"/>", x,
			              trend_y(ax, c->values[k]));
	bs_buf_printf(out, "<circle class=\"pt%s%s\" cx=\"%.2f%%\" cy=\"%.1f\" r=\"%d\"><title>",
	              *p->mark ? " " : "", p->mark, x, trend_y(ax, c->summary.center), flagged ? 5 : 3);
	bs_html_escape(out, p->label);
	if (p->when && *p->when) {
		bs_buf_puts(out, " (");
		bs_html_escape(out, p->when);
		bs_buf_puts(out, ")");
	}
	bs_buf_puts(out, ": ");
	bs_buf tmp = { 0 };
	cell_text(c, unit, &tmp);
	bs_html_escape(out, tmp.s);
	bs_buf_free(&tmp);
	bs_buf_printf(out, " %s, n=%zu", unit, c->n);
	if (p->mark_text && *p->mark_text) {
		bs_buf_puts(out, "\n");
		bs_html_escape(out, p->mark_text);
	}
	bs_buf_puts(out, "</title></circle>\n");
}

/* At most four commit labels (a phone's width), first and last always;
 * long hashes are shortened to seven characters, as git shows them. */
static void trend_labels(bs_buf *out, const bs_svg_point *pts, size_t n, int y)
{
	size_t every = n <= 4 ? 1 : (n + 1) / 3;
	for (size_t i = 0; i < n; i++) {
		int last = i + 1 == n;
		if (!last && (i % every != 0 || (i > 0 && n - 1 - i < (every + 1) / 2)))
			continue;
		const char *anchor = n > 1 && i == 0 ? "start" : n > 1 && last ? "end" : "middle";
		bs_buf_printf(out, "<text class=\"mono\" x=\"%.2f%%\" y=\"%d\" text-anchor=\"%s\">",
		              trend_xpct(view_x(i, n)), y, anchor);
		char shortsha[8];
		const char *label = pts[i].label;
		if (strlen(label) > 12) {
			snprintf(shortsha, sizeof shortsha, "%.7s", label);
			label = shortsha;
		}
		bs_html_escape(out, label);
		bs_buf_puts(out, "</text>");
	}
	bs_buf_putc(out, '\n');
}

void bs_svg_trend(bs_buf *out, const bs_svg_point *pts, size_t n, const char *unit,
                  const char *title)
{
	axis_values av = { 0 };
	for (size_t i = 0; i < n; i++)
		cover(&av, pts[i].cell);
	bs_html_axis ax = axis_for(&av, unit);

	int bottom = TREND_TOP + TREND_H;
	bs_buf_printf(out, "<svg class=\"plot trend\" role=\"img\" height=\"%d\" aria-label=\"", bottom + 22);
	bs_html_escape(out, title);
	bs_buf_puts(out, "\">\n");
	for (size_t i = 0; i < ax.nticks; i++) {
		double y = trend_y(&ax, ax.ticks[i]);
		bs_buf_printf(out, "<line class=\"grid\" x1=\"%d%%\" x2=\"%d%%\" y1=\"%.1f\" y2=\"%.1f\"/>"
		              "<text x=\"%d%%\" y=\"%.1f\">%s</text>\n", PLOT_LEFT, PLOT_LEFT + PLOT_WIDTH,
		              y, y, PLOT_LEFT, y - 3, ax.labels[i]);
	}
	bs_buf_printf(out, "<text x=\"%d%%\" y=\"%d\" text-anchor=\"end\">", PLOT_LEFT + PLOT_WIDTH, 11);
	bs_html_escape(out, unit);
	bs_buf_puts(out, "</text>\n");
	trend_paths(out, pts, n, &ax);
	for (size_t i = 0; i < n; i++)
		if (pts[i].cell)
			trend_point(out, &pts[i], trend_xpct(view_x(i, n)), &ax, unit);
	trend_labels(out, pts, n, bottom + 16);
	bs_buf_puts(out, "</svg>\n");
}
