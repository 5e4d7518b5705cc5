/*
 * normal.c — the standard normal distribution, for the U test's normal
 * approximation and the median interval of large samples.
 *
 * The CDF is written as erfc(-z/√2)/2, the expression go-moremath evaluates:
 * glibc's erfc and Go's math.Erfc descend from the same fdlibm code, so p
 * values agree with benchstat's to the last bit in most cases and within an
 * ulp or two otherwise (GSL's gsl_cdf_ugaussian_P, a different algorithm,
 * agrees to ~1e-15 relative; the tests hold the two against each other).
 * The inverse comes from GSL; only which integer band it lands in matters.
 */
#include <math.h>
#include <gsl/gsl_cdf.h>

#include "stats_internal.h"

double st_normal_cdf(double z)
{
	return erfc(-z / M_SQRT2) / 2;
}

double st_normal_quantile(double p)
{
	if (!(p >= 0 && p <= 1))
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	return gsl_cdf_ugaussian_Pinv(p);
}
