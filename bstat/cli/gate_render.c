/*
 * gate_render.c — what bstat -gate prints after the table: one line per
 * violation (benchmark, metric, old -> new, delta, p, the rule that fired),
 * the missing, improved and new benchmarks, a note when the samples are too
 * few for the threshold rule, and a one-line verdict. Text for terminals and
 * CI logs, markdown for step summaries and pull-request comments.
 */
#include "cli/gate_report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format/format.h"
#include "render/render.h"

/* The item's figures as cell texts. */
typedef struct item_text {
	char old[32], now[32], delta[32], test[80], rule[96];
} item_text;

/* A value as the table shows it; NaN and infinities as words. */
static void value_text(double v, enum bs_unit_class cls, char *buf, size_t size)
{
	if (isfinite(v))
		bs_scale(v, cls, buf, size);
	else
		snprintf(buf, size, "%s", isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
}

static void describe(const bs_gate_item *it, double alpha, item_text *x)
{
	const gate_finding *f = &it->finding;
	enum bs_unit_class cls = bs_unit_class_of(it->unit);
	char alpha_text[32];

	if (it->appeared)
		snprintf(x->old, sizeof x->old, "absent");
	else
		value_text(f->base_median, cls, x->old, sizeof x->old);
	if (f->verdict == GATE_ZERO_BASELINE) {
		/* The median may still be 0: show what rose. */
		char max[24];
		value_text(f->new_max, cls, max, sizeof max);
		snprintf(x->now, sizeof x->now, "max %s", max);
	} else {
		value_text(f->new_median, cls, x->now, sizeof x->now);
	}
	if (isnan(f->delta))
		snprintf(x->delta, sizeof x->delta, "?");
	else if (f->verdict == GATE_ZERO_BASELINE || isinf(f->delta))
		snprintf(x->delta, sizeof x->delta, "%s∞", f->delta < 0 ? "-" : "+");
	else
		snprintf(x->delta, sizeof x->delta, "%+.2f%%", f->delta * 100);
	char n[48], p[16] = "";
	if (it->nbase == it->nnew)
		snprintf(n, sizeof n, "n=%zu", it->nbase);
	else
		snprintf(n, sizeof n, "n=%zu+%zu", it->nbase, it->nnew);
	if (!isnan(f->p))
		snprintf(p, sizeof p, "p=%.3f ", f->p);
	snprintf(x->test, sizeof x->test, "%s%s", p, n);
	st_format_go_float(alpha, alpha_text, sizeof alpha_text);
	if (it->kind == BS_GATE_IMPROVED)
		snprintf(x->rule, sizeof x->rule, "improved");
	else if (f->verdict == GATE_INVALID)
		snprintf(x->rule, sizeof x->rule, "a sample is not a number: cannot judge");
	else if (it->appeared)
		snprintf(x->rule, sizeof x->rule, "appeared: absent from the baseline, taken as 0");
	else if (f->verdict == GATE_ZERO_BASELINE)
		snprintf(x->rule, sizeof x->rule, "rose from a zero baseline");
	else
		snprintf(x->rule, sizeof x->rule, "more than %g%% worse at p < %s",
		         f->threshold * 100, alpha_text);
}

static void verdict(const bs_gate_report *r, bs_buf *out)
{
	switch (bs_gate_status(r)) {
	case 0:
		bs_buf_printf(out, "PASS: %zu gated metric%s, no regression", r->gated,
		              r->gated == 1 ? "" : "s");
		if (r->improved)
			bs_buf_printf(out, " (%zu improved)", r->improved);
		break;
	case 1:
		bs_buf_puts(out, "FAIL: ");
		if (r->violations)
			bs_buf_printf(out, "%zu of %zu gated metric%s regressed", r->violations, r->gated,
			              r->gated == 1 ? "" : "s");
		if (r->missing && !r->allow_missing)
			bs_buf_printf(out, "%s%zu missing from the new results", r->violations ? ", " : "",
			              r->missing);
		break;
	default:
		if (r->ncolumns < 2)
			bs_buf_puts(out, "could not judge: -gate needs a baseline and a new input");
		else if (r->common == 0)
			bs_buf_puts(out, "could not judge: no benchmark is in both the baseline and the new results"
			            " (if their configuration lines differ, e.g. cpu:, try -ignore cpu)");
		else if (r->invalid)
			bs_buf_printf(out, "could not judge: %zu gated metric%s had a sample that is not a number",
			              r->invalid, r->invalid == 1 ? "" : "s");
		else
			bs_buf_printf(out, "could not judge: none of the %zu metrics on both sides has a gate rule",
			              r->common);
	}
}

static void underpowered_note(const bs_gate_report *r, bs_buf *out)
{
	char alpha_text[32];

	size_t least = 1;

	while (gate_smallest_p(least, least) >= r->alpha && least < 1000)
		least++;
	st_format_go_float(r->alpha, alpha_text, sizeof alpha_text);
	bs_buf_printf(out, "%zu of %zu gated metrics have too few samples (e.g. n=%zu+%zu) for any "
	              "p < %s: the threshold rule cannot fire on them; run at least %zu "
	              "per side. The zero-baseline and missing rules still apply.",
	              r->underpowered, r->gated, r->weak_nbase, r->weak_nnew, alpha_text, least);
}

void bs_render_gate_text(const bs_gate_report *r, bs_buf *out)
{
	size_t width = 0;

	for (size_t i = 0; i < r->nitems; i++) {
		size_t w = bs_utf8_len(r->items[i].benchmark);
		if (w > width)
			width = w;
	}
	bs_buf_puts(out, "\n");
	for (size_t i = 0; i < r->nitems; i++) {
		const bs_gate_item *it = &r->items[i];
		int pad = (int)(width - bs_utf8_len(it->benchmark));
		bs_buf_printf(out, "gate: %s%*s  %-10s ", it->benchmark, pad, "", it->unit ? it->unit : "");
		if (it->kind == BS_GATE_MISSING) {
			bs_buf_printf(out, "missing from %s%s\n", it->column,
			              r->allow_missing ? " (allowed)" : "");
		} else if (it->kind == BS_GATE_ADDED) {
			bs_buf_printf(out, "new in %s, not gated\n", it->column);
		} else {
			item_text x;
			describe(it, r->alpha, &x);
			bs_buf_printf(out, "%s → %s  %s  %s  %s\n", x.old, x.now, x.delta, x.test, x.rule);
		}
	}
	if (r->underpowered) {
		bs_buf_puts(out, "gate: note: ");
		underpowered_note(r, out);
		bs_buf_puts(out, "\n");
	}
	bs_buf_puts(out, "gate: ");
	verdict(r, out);
	bs_buf_puts(out, "\n");
}

void bs_render_gate_markdown(const bs_gate_report *r, bs_buf *out)
{
	int status = bs_gate_status(r);

	bs_buf_printf(out, "\n### Gate: %s\n\n", status == 0 ? "pass" : status == 1 ? "FAIL" : "could not judge");
	if (r->nitems) {
		bs_buf_puts(out, "| Benchmark | Metric | Base | New | Delta | Test | Finding |\n"
		                 "| --- | --- | ---: | ---: | ---: | --- | --- |\n");
		for (size_t i = 0; i < r->nitems; i++) {
			const bs_gate_item *it = &r->items[i];
			bs_buf_puts(out, "|");
			bs_md_cell(out, it->benchmark);
			bs_md_cell(out, it->unit ? it->unit : "");
			if (it->kind == BS_GATE_MISSING || it->kind == BS_GATE_ADDED) {
				bs_buf_printf(out, " | | | | %s %s%s |\n",
				              it->kind == BS_GATE_MISSING ? "missing from" : "new in", it->column,
				              it->kind == BS_GATE_ADDED ? ", not gated"
				              : r->allow_missing ? " (allowed)" : "");
				continue;
			}
			item_text x;
			describe(it, r->alpha, &x);
			bs_md_cell(out, x.old);
			bs_md_cell(out, x.now);
			bs_md_cell(out, x.delta);
			bs_md_cell(out, x.test);
			char finding[sizeof x.rule + 4];
			snprintf(finding, sizeof finding, it->kind == BS_GATE_IMPROVED ? "%s" : "**%s**", x.rule);
			bs_md_cell(out, finding);
			bs_buf_puts(out, "\n");
		}
		bs_buf_puts(out, "\n");
	}
	if (r->underpowered) {
		bs_buf_puts(out, "> ");
		underpowered_note(r, out);
		bs_buf_puts(out, "\n\n");
	}
	bs_buf_puts(out, "**");
	verdict(r, out);
	bs_buf_puts(out, "**\n");
}
