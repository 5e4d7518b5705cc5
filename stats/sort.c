/*
 * sort.c — ascending sort of sample values in the order benchstat's Go code
 * produces (sort.Float64s): NaNs first, then the numbers by <.
 */
#include <math.h>
#include <gsl/gsl_sort.h>

#include "stats.h"

void st_sort(double *values, size_t n)
{
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
	if (n - nans > 1)
		gsl_sort(values + nans, 1, n - nans);
}
