/*
 * geomean.c — the geometric mean benchstat prints in its geomean row, as a
 * running mean of logarithms (go-moremath GeoMean), with Go's own Log and Exp
 * (gomath.c) in Go's order of operations, so results agree to the last bit.
 */
#include <math.h>

#include "stats.h"
#include "stats_internal.h"

double st_geomean(const double *values, size_t n)
{
	if (n == 0)
		return NAN;
	/* The running mean m += (log x - m) / i keeps the magnitude of m near
	 * one log value, where a plain sum of logs could grow large; it is also
	 * exactly go-moremath's sequence of roundings, which must stay so. */
	double mean_log = 0;
	for (size_t i = 0; i < n; i++) {
		if (values[i] <= 0)
			return NAN;
		mean_log += (st_go_log(values[i]) - mean_log) / (double)(i + 1);
	}
	return st_go_exp(mean_log);
}
