/*
 * report.c — what bstat -gate prints after the table: one line per
 * finding (benchmark, metric, old -> new, delta, p, the rule that fired or
 * why it could not judge), the missing, improved and new benchmarks, and a
 * one-line verdict whose "could not judge" says what to do about it. Text
 * for terminals and CI logs, markdown for step summaries and pull-request
 * comments.
 */
#include "gate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format/format.h"
#include "render/render.h"

/* The item's figures as cell texts. */
typedef struct item_text {
	char old[BS_NUM_TEXT], now[BS_NUM_TEXT + 8], delta[BS_NUM_TEXT], test[80], rule[160];
} item_text;

/* A value as the table shows it; NaN and infinities as words. */
static void value_text(double v, enum bs_unit_class cls, char *buf, size_t size)
{
	if (isfinite(v))
		bs_scale(v, cls, buf, size);
	else
		snprintf(buf, size, "%s", isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
}

/* What a sample the gate cannot judge is: NaN is "not a number"; an
 * infinity is named, not folded into NaN. */
static const char *invalid_word(double v)
{
	return isnan(v) ? "not a number" : v > 0 ? "+Inf" : "-Inf";
}

/* "at least 4", or what to say when even 1000 runs a side cannot do. */
static const char *runs_needed(size_t need, char *buf, size_t size)
{
	if (need)
		snprintf(buf, size, "at least %zu", need);
	else
		snprintf(buf, size, "more than 1000");
	return buf;
}

static void describe(const gate_item *it, item_text *x)
{
	char need[32];
	const gate_finding *f = &it->finding;
	enum bs_unit_class cls = bs_unit_class_of(it->unit);
	char alpha_text[32];

	if (it->appeared)
		snprintf(x->old, sizeof x->old, "absent");
	else
		value_text(f->base_center, cls, x->old, sizeof x->old);
	if (f->verdict == GATE_ZERO_BASELINE) {
		/* The median may still be 0: show what rose. */
		char max[BS_NUM_TEXT];
		value_text(f->new_max, cls, max, sizeof max);
		snprintf(x->now, sizeof x->now, "max %s", max);
	} else {
		value_text(f->new_center, cls, x->now, sizeof x->now);
	}
	if (isnan(f->delta))
		snprintf(x->delta, sizeof x->delta, "?");
	else if (f->verdict == GATE_ZERO_BASELINE || isinf(f->delta))
		snprintf(x->delta, sizeof x->delta, "%s∞", f->delta < 0 ? "-" : "+");
	else
		snprintf(x->delta, sizeof x->delta, "%+.2f%%", f->delta * 100);
	char n[48], p[16] = "";
	if (f->nbase == f->nnew)
		snprintf(n, sizeof n, "n=%zu", f->nbase);
	else
		snprintf(n, sizeof n, "n=%zu+%zu", f->nbase, f->nnew);
	if (!isnan(f->p))
		snprintf(p, sizeof p, "p=%.3f ", f->p);
	snprintf(x->test, sizeof x->test, "%s%s", p, n);
	st_format_go_float(f->alpha, alpha_text, sizeof alpha_text);
	const char *broken = f->exact_broken ? " (declared exact, but its runs differ)" : "";
	if (it->kind == GATE_ITEM_IMPROVED)
		snprintf(x->rule, sizeof x->rule, "improved%s", broken);
	else if (f->verdict == GATE_INVALID)
		snprintf(x->rule, sizeof x->rule, "a sample is %s: cannot judge", invalid_word(f->bad_sample));
	else if (f->verdict == GATE_NO_MEMORY)
		snprintf(x->rule, sizeof x->rule, "out of memory computing the U test: cannot judge");
	else if (f->verdict == GATE_MIXED)
		snprintf(x->rule, sizeof x->rule, "pools benchmarks that vary in %s: cannot judge", f->varies_in);
	else if (f->verdict == GATE_EXACT_VARIES)
		snprintf(x->rule, sizeof x->rule, "declared exact, but its runs differ and the change is "
		         "not significant: cannot judge");
	else if (f->verdict == GATE_UNDERPOWERED)
		snprintf(x->rule, sizeof x->rule, "too few samples for p <= %s: cannot judge; run %s per side%s",
		         alpha_text, runs_needed(f->need, need, sizeof need), broken);
	else if (it->appeared)
		snprintf(x->rule, sizeof x->rule, "appeared: absent from the baseline, taken as 0");
	else if (f->verdict == GATE_ZERO_BASELINE)
		snprintf(x->rule, sizeof x->rule, "rose from a zero baseline");
	else if (f->exact)
		snprintf(x->rule, sizeof x->rule, "more than %g%% worse (exact unit)", f->threshold * 100);
	else
		snprintf(x->rule, sizeof x->rule, "more than %g%% worse at p <= %s%s",
		         f->threshold * 100, alpha_text, broken);
}

/* Why the gate could not judge, with what to do about it. */
static void could_not_judge(const gate_report *r, bs_buf *out)
{
	const gate_context *ctx = &r->ctx;
	bs_buf_puts(out, "could not judge: ");
	if (r->ncolumns < 2) {
		if (ctx->gate_filter && ctx->gate_filtered == 0)
			bs_buf_printf(out, "-gate-filter '%s' matches no benchmark", ctx->gate_filter);
		else if (r->ncolumns == 0)
			bs_buf_puts(out, "no benchmark result is left to judge");
		else if (ctx->ninputs >= 2 && !*r->columns[0])
			bs_buf_printf(out, "-col %s: no result has a value for it, so every input fell in one column",
			              ctx->col ? ctx->col : "");
		else if (ctx->ninputs >= 2)
			bs_buf_printf(out, "-col %s puts every input in one column, %s", ctx->col ? ctx->col : "",
			              r->columns[0]);
		else
			bs_buf_puts(out, "-gate needs a baseline and a new input");
	} else if (r->common == 0) {
		bs_buf_printf(out, "no benchmark is in both %s and %s", r->columns[0], r->columns[1]);
		if (r->config_diff.len) {
			bs_buf_printf(out, ": their configuration differs (%s); to compare them anyway, ",
			              r->config_diff.s);
			if (r->config_keys.len)
				bs_buf_printf(out, "add -ignore %s", r->config_keys.s);
			if (r->table_keys.len)
				bs_buf_printf(out, "%sremove %s from -table", r->config_keys.len ? " and " : "",
				              r->table_keys.s);
		}
		else
			bs_buf_puts(out, " (their configuration agrees: the benchmark names differ)");
	} else if (r->no_memory) {
		bs_buf_printf(out, "out of memory computing the U test for %zu gated metric%s",
		              r->no_memory, r->no_memory == 1 ? "" : "s");
	} else if (r->invalid) {
		bs_buf_printf(out, "%zu gated metric%s had a sample that is %s", r->invalid,
		              r->invalid == 1 ? "" : "s", invalid_word(r->first_invalid->finding.bad_sample));
	} else if (r->mixed) {
		const gate_item *it = r->first_mixed;
		bs_buf_printf(out, "Benchmark%s %s pools benchmarks that vary in %s; judge them apart "
		              "(do not merge them with -row, -col or -ignore)", it->benchmark, it->unit,
		              it->finding.varies_in);
		if (r->mixed > 1)
			bs_buf_printf(out, " (and %zu more)", r->mixed - 1);
	} else if (r->exact_varies) {
		const gate_item *it = r->first_exact_varies;
		const gate_finding *f = &it->finding;
		enum bs_unit_class cls = bs_unit_class_of(it->unit);
		char v[4][BS_NUM_TEXT];
		value_text(f->base_min, cls, v[0], sizeof v[0]);
		value_text(f->base_max, cls, v[1], sizeof v[1]);
		value_text(f->new_min, cls, v[2], sizeof v[2]);
		value_text(f->new_max, cls, v[3], sizeof v[3]);
		bs_buf_printf(out, "Benchmark%s %s is declared exact, but its runs differ (%s to %s in %s, "
		              "%s to %s in %s); run more times (-count) or fix the iterations (-benchtime Nx)",
		              it->benchmark, it->unit, v[0], v[1], r->columns[0], v[2], v[3], it->column);
		if (r->exact_varies > 1)
			bs_buf_printf(out, " (and %zu more)", r->exact_varies - 1);
	} else if (r->underpowered) {
		const gate_item *it = r->first_underpowered;
		const gate_finding *f = &it->finding;
		char need[32];
		bs_buf_printf(out, "Benchmark%s %s has n=%zu+%zu; run %s per side", it->benchmark,
		              it->unit, f->nbase, f->nnew, runs_needed(f->need, need, sizeof need));
		if (r->underpowered > 1)
			bs_buf_printf(out, " (and %zu more gated metric%s with too few samples)",
			              r->underpowered - 1, r->underpowered == 2 ? "" : "s");
	} else {
		bs_buf_printf(out, "none of the %zu metrics on both sides has a gate rule", r->common);
	}
}

static void verdict(const gate_report *r, bs_buf *out)
{
	switch (gate_status(r)) {
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
		could_not_judge(r, out);
	}
}

void gate_render_text(const gate_report *r, bs_buf *out)
{
	size_t width = 0;

	for (size_t i = 0; i < r->nitems; i++) {
		size_t w = bs_utf8_len(r->items[i].benchmark);
		if (w > width)
			width = w;
	}
	bs_buf_puts(out, "\n");
	for (size_t i = 0; i < r->nitems; i++) {
		const gate_item *it = &r->items[i];
		int pad = (int)(width - bs_utf8_len(it->benchmark));
		bs_buf_printf(out, "gate: %s%*s  %-10s ", it->benchmark, pad, "", it->unit ? it->unit : "");
		if (it->kind == GATE_ITEM_MISSING) {
			bs_buf_printf(out, "missing from %s%s\n", it->column,
			              r->allow_missing ? " (allowed)" : "");
		} else if (it->kind == GATE_ITEM_ADDED) {
			bs_buf_printf(out, "new in %s, not gated\n", it->column);
		} else {
			item_text x;
			describe(it, &x);
			bs_buf_printf(out, "%s → %s  %s  %s  %s\n", x.old, x.now, x.delta, x.test, x.rule);
		}
	}
	bs_buf_puts(out, "gate: ");
	verdict(r, out);
	bs_buf_puts(out, "\n");
}

void gate_render_markdown(const gate_report *r, bs_buf *out)
{
	int status = gate_status(r);

	bs_buf_printf(out, "\n### Gate: %s\n\n", status == 0 ? "pass" : status == 1 ? "FAIL" : "could not judge");
	if (r->nitems) {
		bs_buf_puts(out, "| Benchmark | Metric | Base | New | Delta | Test | Finding |\n"
		                 "| --- | --- | ---: | ---: | ---: | --- | --- |\n");
		for (size_t i = 0; i < r->nitems; i++) {
			const gate_item *it = &r->items[i];
			bs_buf_puts(out, "|");
			bs_md_cell(out, it->benchmark);
			bs_md_cell(out, it->unit ? it->unit : "");
			if (it->kind == GATE_ITEM_MISSING || it->kind == GATE_ITEM_ADDED) {
				bs_buf_printf(out, " | | | | %s %s%s |\n",
				              it->kind == GATE_ITEM_MISSING ? "missing from" : "new in", it->column,
				              it->kind == GATE_ITEM_ADDED ? ", not gated"
				              : r->allow_missing ? " (allowed)" : "");
				continue;
			}
			item_text x;
			describe(it, &x);
			bs_md_cell(out, x.old);
			bs_md_cell(out, x.now);
			bs_md_cell(out, x.delta);
			bs_md_cell(out, x.test);
			char finding[sizeof x.rule + 4];
			snprintf(finding, sizeof finding, it->kind == GATE_ITEM_IMPROVED ? "%s" : "**%s**", x.rule);
			bs_md_cell(out, finding);
			bs_buf_puts(out, "\n");
		}
		bs_buf_puts(out, "\n");
	}
	bs_buf_puts(out, "**");
	verdict(r, out);
	bs_buf_puts(out, "**\n");
}
