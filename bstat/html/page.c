/*
 * page.c — what the report and the trend page share: the document shell
 * (a Content-Security-Policy that lets the page fetch nothing and run no
 * script, inline CSS in light and dark colours that reflows to one column
 * on a phone), HTML escaping, and value axes with round ticks labelled the
 * way the text table labels values (SI prefixes; binary ones for bytes).
 */
#include "html/html.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format/format.h"

void bs_html_escape(bs_buf *out, const char *s)
{
	bs_buf_add(out, "", 0);
	for (; *s; s++) {
		switch (*s) {
		case '&': bs_buf_puts(out, "&amp;"); break;
		case '<': bs_buf_puts(out, "&lt;"); break;
		case '>': bs_buf_puts(out, "&gt;"); break;
		case '"': bs_buf_puts(out, "&quot;"); break;
		case '\'': bs_buf_puts(out, "&#39;"); break;
		default: bs_buf_putc(out, *s);
		}
	}
}

/* Colours are variables so that SVG and HTML switch together; the plot
 * colours keep a 3:1 contrast against the card in both schemes. */
static const char css[] =
	":root{color-scheme:light dark;--bg:#fff;--card:#f6f8fa;--fg:#1f2328;--muted:#59636e;"
	"--grid:#d1d9e0;--base:#6e7781;--new:#0969da;--worse:#cf222e;--better:#1a7f37;"
	"--warn:#9a6700;--hl:#ffebe9}\n"
	"@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#151b23;--fg:#e6edf3;"
	"--muted:#9198a1;--grid:#3d444d;--base:#9198a1;--new:#4493f8;--worse:#f85149;"
	"--better:#3fb950;--warn:#d29922;--hl:#3c1618}svg .band{fill-opacity:.28}}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0 auto;max-width:1200px;padding:16px;background:var(--bg);color:var(--fg);"
	"font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif}\n"
	"h1{font-size:20px;margin:0 0 8px}h2{font-size:17px;margin:24px 0 4px}\n"
	"code,pre,.mono,.bench h3{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace}\n"
	".config{color:var(--muted);margin:0;font-size:13px}.config span{margin-right:14px;"
	"overflow-wrap:anywhere}\n"
	".bench{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:6px 24px;"
	"align-items:start;padding:10px 12px;margin:10px 0;border:1px solid var(--grid);"
	"border-radius:6px;background:var(--card)}\n"
	".bench h3{grid-column:1/-1;margin:0;font-size:14px;font-weight:600;overflow-wrap:anywhere}\n"
	".bench.fail{border-color:var(--worse);box-shadow:inset 4px 0 0 var(--worse)}\n"
	".trend{grid-template-columns:minmax(0,1fr)}\n"
	"@media (max-width:760px){.bench{grid-template-columns:minmax(0,1fr)}body{padding:10px}}\n"
	"svg.plot{display:block;width:100%;overflow:visible;font-size:11px}\n"
	"svg text{fill:var(--muted)}svg .lbl{fill:var(--fg)}\n"
	".grid{stroke:var(--grid);stroke-width:1}\n"
	".s{fill-opacity:.6}.base .s,.base .ci{fill:var(--base);stroke:var(--base)}\n"
	".new .s,.new .ci{fill:var(--new);stroke:var(--new)}\n"
	".ci{stroke-width:4;stroke-linecap:round}.m{stroke:var(--fg);stroke-width:2.5}\n"
	".lane.fail .lbl{fill:var(--worse);font-weight:600}\n"
	".band{fill:var(--new);fill-opacity:.16;stroke:none}"
	".line{fill:none;stroke:var(--new);stroke-width:1.5}\n"
	".pt{fill:var(--new)}.pt.fail{fill:var(--worse)}.pt.better{fill:var(--better)}"
	".pt.unjudged{fill:var(--warn)}\n"
	".flag{stroke:var(--worse);stroke-width:1;stroke-dasharray:3 3}"
	".flag.unjudged{stroke:var(--warn)}\n"
	".wrap{overflow-x:auto}\n"
	"table.cells{border-collapse:collapse;font-variant-numeric:tabular-nums;width:100%;font-size:13px}\n"
	".cells th,.cells td{padding:2px 6px;text-align:right;vertical-align:top}\n"
	".cells th{color:var(--muted);font-weight:500;white-space:nowrap}"
	".cells td:first-child,.cells th:first-child{text-align:left;overflow-wrap:anywhere}\n"
	".cells td.num{white-space:nowrap}.cells tr.fail td{background:var(--hl)}\n"
	".worse{color:var(--worse);font-weight:600}.better{color:var(--better);font-weight:600}\n"
	".nosig{color:var(--muted)}.test{color:var(--muted);white-space:nowrap}\n"
	"sup{color:var(--warn)}ol.notes{color:var(--muted);font-size:13px;padding-left:22px}\n"
	".geomean{font-size:13px;margin:6px 0}.geomean span{margin-right:16px;display:inline-block;"
	"overflow-wrap:anywhere}\n"
	".verdict{border:1px solid var(--grid);border-radius:6px;padding:10px 12px;margin:8px 0 16px}\n"
	".verdict.pass{border-color:var(--better)}.verdict.fail{border-color:var(--worse)}"
	".verdict.unknown{border-color:var(--warn)}\n"
	".verdict strong{font-size:16px}.pass strong{color:var(--better)}"
	".fail strong{color:var(--worse)}.unknown strong{color:var(--warn)}\n"
	"pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px;margin:6px 0 0}\n"
	".warnings{color:var(--warn)}.legend{color:var(--muted);font-size:13px}\n"
	".legend i{display:inline-block;width:10px;height:10px;border-radius:50%;margin:0 4px 0 10px}\n"
	".legend i.kb{background:var(--base)}.legend i.kn{background:var(--new)}"
	".legend i.kw{background:var(--worse)}.legend i.ku{background:var(--warn)}"
	".legend i.kg{background:var(--better)}\n"
	"ul.flags{font-size:13px;padding-left:20px;overflow-wrap:anywhere}ul.flags li{font-weight:400}\n";

void bs_html_begin(bs_buf *out, const char *title)
{
	bs_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	            "style-src 'unsafe-inline'\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	            "<meta name=\"color-scheme\" content=\"light dark\">\n"
	            "<meta name=\"generator\" content=\"cbench bstat\">\n<title>");
	bs_html_escape(out, title);
	bs_buf_puts(out, "</title>\n<style>\n");
	bs_buf_puts(out, css);
	bs_buf_puts(out, "</style>\n</head>\n<body>\n");
}

void bs_html_end(bs_buf *out)
{
	bs_buf_puts(out, "</body>\n</html>\n");
}

/* 1, 2, 2.5 or 5 times a power of ten, the smallest >= x. */
static double nice_step(double x)
{
	double p = pow(10, floor(log10(x)));
	static const double steps[] = { 1, 2, 2.5, 5, 10 };
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (steps[i] * p >= x * (1 - 1e-9))
			return steps[i] * p;
	return 10 * p;
}

/* Decimals a tick needs at this step (2.5 needs one, 0.25 two). Values
 * below every prefix (2.5e-11 B/op) need many. */
static int step_decimals(double step)
{
	for (int d = 0; d < 30; d++) {
		double scaled = step * pow(10, d);
		if (fabs(scaled - round(scaled)) < 1e-6 * scaled)
			return d;
	}
	return 30;
}

bs_html_axis bs_html_axis_for(const double *vals, size_t n, const char *unit)
{
	bs_html_axis ax = { 0 };
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++)
		if (isfinite(vals[i])) {
			lo = fmin(lo, vals[i]);
			hi = fmax(hi, vals[i]);
		}
	if (!(lo <= hi))
		lo = 0, hi = 1;
	if (lo == hi && lo == 0) {
		hi = 1;                 /* 0 B/op: no negative ticks */
	} else if (lo == hi) {
		lo -= fabs(lo) * 0.1;
		hi += fabs(hi) * 0.1;
	}
	/* Prefix from the largest magnitude, so the labels read "0, 50n, 100n". */
	double big = fmax(fabs(lo), fabs(hi));
	bs_scaler sc = bs_common_scale(&big, 1, bs_unit_class_of(unit));
	double slo = lo / sc.factor, shi = hi / sc.factor;
	double step = nice_step((shi - slo) / 4);
	double first = floor(slo / step) * step, last = ceil(shi / step) * step;
	while ((last - first) / step + 1.5 > BS_HTML_MAX_TICKS) {
		step = nice_step(step * 1.5);
		first = floor(slo / step) * step, last = ceil(shi / step) * step;
	}
	int dec = step_decimals(step);
	ax.lo = first * sc.factor;
	ax.hi = last * sc.factor;
	for (double t = first; t <= last + step / 2 && ax.nticks < BS_HTML_MAX_TICKS; t += step) {
		double v = fabs(t) < step / 2 ? 0 : t;
		ax.ticks[ax.nticks] = v * sc.factor;
		if (v == 0)
			snprintf(ax.labels[ax.nticks], sizeof ax.labels[0], "0");
		else
			snprintf(ax.labels[ax.nticks], sizeof ax.labels[0], "%.*f%s", dec, v, sc.prefix);
		ax.nticks++;
	}
	return ax;
}

double bs_html_axis_pos(const bs_html_axis *ax, double v)
{
	return (v - ax->lo) / (ax->hi - ax->lo);
}
