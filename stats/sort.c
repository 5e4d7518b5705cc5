/*
 * sort.c — ascending sort of sample values in the order benchstat's Go code
 * produces (sort.Float64s): NaNs first, then the numbers by <.
 */
#include <math.h>
#include <gsl/gsl_sort.h>

#include "stats.h"

void st_sort(double *values, size_t n)
{
	/* Callers often pass samples sorted already (the U test re-sorts
	 * the medians' input); one pass saves the sort. */
	size_t in_order = 1;
	while (in_order < n && values[in_order - 1] <= values[in_order])
		in_order++;
	if (n == 0 || in_order == n)
		return;
	/* gsl_sort compares with <, which has no place for NaN; move NaNs to
	 * the front first so the rest is a strict weak order. */
	size_t nans = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(values[i])) {
			double v = values[i];
			values[i] = values[nans];
			values[nans++] = v;
		}
	}
	double *v = values + nans;
	size_t m = n - nans;
	if (m > 32) {
		gsl_sort(v, 1, m);
		return;
	}
	/* Most cells hold a few dozen samples, where an insertion sort beats
	 * gsl's heapsort; being stable it also orders like Go's sort for the
	 * short lists Go itself insertion-sorts. */
	for (size_t i = 1; i < m; i++) {
		double x = v[i];
		size_t j = i;
		for (; j > 0 && x < v[j - 1]; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}
