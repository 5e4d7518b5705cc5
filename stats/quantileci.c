/*
 * quantileci.c — which order statistics bound a distribution-free confidence
 * interval for a quantile, as go-moremath's QuantileCI chooses them.
 *
 * The number of sample values below the population's q-quantile is
 * Binomial(n, q), so the interval between order statistics l and r (1-based)
 * covers the quantile with probability P(l <= K < r). For n <= 30 the
 * binomial buckets are summed outward from the mode, taking the larger
 * neighbour each step and the left one on equal terms, until the sum reaches
 * the level. For larger n the band comes from the normal approximation with
 * continuity correction, then is shortened by one on the right when that
 * still meets the level. Ties between buckets are decided exactly as
 * benchstat decides them, since they pick which sample values are printed.
 */
#include <math.h>
#include <stdint.h>

#include "stats_internal.h"

enum { EXACT_LIMIT = 30 };   /* go-moremath's quantileCIApproxThreshold */

/* lgamma without the global signgam write, so threads can share this file. */
static double log_gamma(double x)
{
	int sign;
	return lgamma_r(x, &sign);
}

/*
 * C(n, k) as go-moremath's Choose computes it: exactly while n! fits in 64
 * bits (n <= 20), through lgamma and exp above. The second form carries
 * rounding noise, so C(n, k) and C(n, n-k) may differ in the last bit, and
 * benchstat's "left bucket on equal terms" rule then sometimes goes right.
 * Evaluating the same expression with glibc's libm reproduces benchstat's
 * choice of order statistics for every n <= 3000 at 14 levels from 0.001 to
 * 0.99999 except three cases at levels 0.3 and 0.5 (n = 24, 29, 30); exact
 * coefficients would differ from it at n = 22..30 even at level 0.95.
 */
static double choose(int n, int k)
{
	if (k == 0 || k == n)
		return 1;
	if (n > 20)
		return exp(log_gamma(n + 1.0) - log_gamma(k + 1.0) - log_gamma(n - k + 1.0));
	uint64_t c = 1;
	if (k > n - k)
		k = n - k;
	/* c = C(n-k+i, i) after step i, an integer every time. */
	for (int i = 1; i <= k; i++)
		c = c * (uint64_t)(n - k + i) / (uint64_t)i;
	return (double)c;
}

static double binomial_pmf(int n, double q, int k)
{
	if (k < 0 || k > n)
		return 0;
	return choose(n, k) * pow(q, k) * pow(1 - q, n - k);
}

static st_order_ci exact_ci(int n, double q, double confidence)
{
	/* The left of two equal modes, so the interval leans left. */
	int x = q == 0 ? 0 : (int)ceil((double)(n + 1) * q) - 1;
	double accum = binomial_pmf(n, q, x);
	int l = x, r = x + 1;        /* [l, r) is the band summed so far */
	double lp = binomial_pmf(n, q, l - 1), rp = binomial_pmf(n, q, r);
	while (accum < confidence && (lp > 0 || rp > 0)) {
		if (lp >= rp) {
			accum += lp;
			l--;
			lp = binomial_pmf(n, q, l - 1);
		} else {
			accum += rp;
			r++;
			rp = binomial_pmf(n, q, r);
		}
	}
	return (st_order_ci){ l, r, accum };
}

/* P(K < k) under the normal approximation, continuity-corrected. */
static double band_cdf(double mu, double sigma, int k)
{
	return erfc(-((double)k - 0.5 - mu) / (sigma * M_SQRT2)) / 2;
}

static st_order_ci normal_ci(int n, double q, double confidence)
{
	double mu = (double)n * q;
	double sigma = sqrt((double)n * q * (1 - q));
	double l1 = st_normal_quantile((1 - confidence) / 2) * sigma + mu;
	double r1 = 2 * mu - l1;
	/* Bucket k covers [k - 0.5, k + 0.5]: round out to those edges. */
	int l = (int)floor(floor(l1 - 0.5) + 0.5) + 1;
	int r = (int)floor(ceil(r1 - 0.5) + 0.5) + 1;
	double conf = band_cdf(mu, sigma, r) - band_cdf(mu, sigma, l);
	double biased = band_cdf(mu, sigma, r - 1) - band_cdf(mu, sigma, l);
	if (biased >= confidence && biased < conf) {
		conf = biased;
		r--;
	}
	/* The normal tails never quite sum to 1, but the whole line does. */
	if (l <= 0 && r >= n + 1)
		conf = 1;
	return (st_order_ci){ l, r, conf };
}

st_order_ci st_quantile_ci(int n, double q, double confidence)
{
	if (!(confidence > 0))
		confidence = 0;
	if (confidence >= 1)
		return (st_order_ci){ 0, n + 1, 1 };
	st_order_ci ci = n <= EXACT_LIMIT ? exact_ci(n, q, confidence)
	                                  : normal_ci(n, q, confidence);
	if (ci.lo_order < 0)
		ci.lo_order = 0;
	if (ci.hi_order > n + 1)
		ci.hi_order = n + 1;
	return ci;
}
