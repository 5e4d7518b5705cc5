/*
 * warning.c — statistical caveats in benchstat's words, for footnotes. The
 * texts must stay byte-identical to benchmath's and go-moremath's messages:
 * bstat's output is compared with benchstat's golden files.
 */
#include <stdio.h>

#include "stats.h"

int st_warning_format(const st_warning *w, char *buf, size_t size)
{
	char level[40];
	const char *op = w->at_least ? ">=" : ">";
	switch (w->kind) {
	case ST_WARN_CI_SAMPLES:
		st_format_go_float(w->level, level, sizeof level);
		return snprintf(buf, size,
		                "need %s %d samples for confidence interval at level %s",
		                op, w->n, level);
	case ST_WARN_U_SAMPLES:
		st_format_go_float(w->level, level, sizeof level);
		return snprintf(buf, size,
		                "need %s %d samples to detect a difference at alpha level %s",
		                op, w->n, level);
	case ST_WARN_ALL_EQUAL:
		return snprintf(buf, size, "all samples are equal");
	case ST_WARN_EMPTY_SAMPLE:
		return snprintf(buf, size, "sample is too small");
	case ST_WARN_NOT_EXACT: {
		char lo[40], hi[40];
		st_format_go_float(w->lo, lo, sizeof lo);
		st_format_go_float(w->hi, hi, sizeof hi);
		return snprintf(buf, size, "exact distribution expected, but values range from %s to %s",
		                lo, hi);
	}
	case ST_WARN_NO_MEMORY:
		return snprintf(buf, size,
		                "out of memory for the exact U distribution; used the normal approximation");
	}
	return snprintf(buf, size, "unknown statistical warning %d", (int)w->kind);
}
