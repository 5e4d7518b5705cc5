/*
 * assume.c — what may be assumed about a sample, as one API: summaries and
 * comparisons under "nothing" (medians and the U test) or "exact" (the unit
 * is noise-free), the significance rule, and how many samples a side the U
 * test needs. bstat's tables and the gate both come through here, so they
 * cannot disagree about what a difference is.
 */
#include <math.h>

#include "stats.h"

/* benchmath's AssumeExact summary: the mode, min..max, a warning when the
 * values are not all one. */
static st_summary exact_summary(const double *v, size_t n)
{
	double val = v[0], mode = v[0];
	size_t count = 1, mode_count = 1;
	for (size_t i = 1; i < n; i++) {
		if (v[i] == val) {
			if (++count > mode_count)
				mode = val, mode_count = count;
		} else {
			val = v[i], count = 1;
		}
	}
	st_summary s = { .center = mode, .lo = v[0], .hi = v[n - 1], .confidence = 1 };
	if (mode_count != n)
		s.warnings[s.nwarnings++] = (st_warning){ .kind = ST_WARN_NOT_EXACT,
		                                          .lo = v[0], .hi = v[n - 1] };
	return s;
}

st_summary st_summarize(enum st_assumption a, const double *sorted, size_t n, double confidence)
{
	if (a == ST_ASSUME_EXACT && n > 0)
		return exact_summary(sorted, n);
	return st_median_summary(sorted, n, confidence);
}

/* Sorted, so one value throughout means first == last (NaN never equals). */
static int constant(const double *v, size_t n)
{
	return n == 0 || v[0] == v[n - 1];
}

st_comparison st_compare(enum st_assumption a, const double *x, size_t nx,
                         const double *y, size_t ny, double alpha)
{
	if (a != ST_ASSUME_EXACT)
		return st_mann_whitney(x, nx, y, ny, alpha);
	/* benchmath's AssumeExact.Compare: no test, p = 0 (and alpha 0, so the
	 * table prints the delta and no p). */
	return (st_comparison){ .assumption = ST_ASSUME_EXACT,
	                        .varies = !constant(x, nx) || !constant(y, ny),
	                        .p = 0, .u = NAN, .nx = (int)nx, .ny = (int)ny,
	                        .alpha = 0, .exact = 1 };
}

int st_significant(const st_comparison *c)
{
	/* Written as benchmath writes its "~" test, so a NaN p counts the same. */
	return !(c->p > c->alpha);
}

size_t st_samples_needed(double alpha)
{
	for (size_t n = 1; n <= 1000; n++)
		if (st_smallest_p(n, n) <= alpha)
			return n;
	return 0;
}
