/*
 * config.c — the gate's configuration: default rules and the parsing of the
 * rule options (-rule UNIT=N%|off, -threshold N%), units tidied as bstat
 * tidies them.
 */
#include "gate.h"
#include "format/format.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The default rules. Time is noisy on shared CI machines, so only memory
 * (and instructions, when measured) is gated unless the user opts in:
 *  - allocation counts and bytes are exact and do not drift;
 *  - a leak is a memory regression too: 0 -> any retained-B/op fails by the
 *    zero-baseline rule, a growing leak at the threshold (cbench prints
 *    retained-B/op only when nonzero; absent counts as 0);
 *  - instructions per op (-instructions) are nearly deterministic, exact
 *    under callgrind: a small threshold, and less than one instruction per
 *    op never fails. */
static const gate_rule default_rules[] = {
	{ "B/op", 0.10, 1, 0 },
	{ "allocs/op", 0.10, 0.01, 0 },
	{ "retained-B/op", 0.10, 1, 0 },
	{ "instructions/op", 0.02, 1, 0 },
};

void gate_config_default(gate_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->alpha = 0.05;
	cfg->nrules = (int)(sizeof default_rules / sizeof default_rules[0]);
	memcpy(cfg->rules, default_rules, sizeof default_rules);
}

/* Parses "N%" with N a finite number >= 0 into a fraction. */
static int parse_percent(const char *text, double *fraction)
{
	char *end;
	size_t len = strlen(text);

	if (len < 2 || text[len - 1] != '%')
		return -1;
	errno = 0;
	double v = strtod(text, &end);
	if (errno != 0 || end != text + len - 1 || !isfinite(v) || v < 0)
		return -1;
	*fraction = v / 100;
	return 0;
}

static gate_rule *find_rule(gate_config *cfg, const char *unit)
{
	for (int i = 0; i < cfg->nrules; i++)
		if (strcmp(cfg->rules[i].unit, unit) == 0)
			return &cfg->rules[i];
	return NULL;
}

const gate_rule *gate_rule_for(const gate_config *cfg, const char *unit)
{
	const gate_rule *r = find_rule((gate_config *)cfg, unit);
	return r && !r->off ? r : NULL;
}

int gate_config_set_rule(gate_config *cfg, const char *spec, char *err, size_t errlen)
{
	const char *eq = strrchr(spec, '=');
	double threshold = 0;
	int off = 0;

	if (!eq || eq == spec) {
		snprintf(err, errlen, "bad rule '%s': want UNIT=N%% or UNIT=off, e.g. allocs/op=10%%", spec);
		return -1;
	}
	/* Rules name units as the tables do, so the unit is tidied the one way
	 * bstat tidies them (ns/op is sec/op, MB/s is B/s). */
	bs_buf raw = { 0 }, tidy = { 0 };
	bs_buf_add(&raw, spec, (size_t)(eq - spec));
	bs_unit_tidy(raw.s, &tidy);
	bs_buf_free(&raw);
	if (tidy.len >= GATE_UNIT_MAX) {
		bs_buf_free(&tidy);
		snprintf(err, errlen, "bad rule '%s': unit name longer than %d bytes", spec, GATE_UNIT_MAX - 1);
		return -1;
	}
	char unit[GATE_UNIT_MAX];
	memcpy(unit, tidy.s, tidy.len + 1);
	bs_buf_free(&tidy);
	if (strcmp(eq + 1, "off") == 0)
		off = 1;
	else if (parse_percent(eq + 1, &threshold) != 0) {
		snprintf(err, errlen, "bad rule '%s': threshold must be a percentage like 10%% or 'off'", spec);
		return -1;
	}

	gate_rule *r = find_rule(cfg, unit);
	if (!r) {
		if (cfg->nrules == GATE_MAX_RULES) {
			snprintf(err, errlen, "too many rules (at most %d)", GATE_MAX_RULES);
			return -1;
		}
		r = &cfg->rules[cfg->nrules++];
		memcpy(r->unit, unit, sizeof r->unit);
	}
	r->threshold = threshold;
	r->off = off;
	return 0;
}

int gate_config_set_threshold(gate_config *cfg, const char *percent, char *err, size_t errlen)
{
	double threshold;

	if (parse_percent(percent, &threshold) != 0) {
		snprintf(err, errlen, "bad threshold '%s': want a percentage like 10%%", percent);
		return -1;
	}
	for (int i = 0; i < cfg->nrules; i++)
		cfg->rules[i].threshold = threshold;
	return 0;
}
