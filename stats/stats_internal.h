/*
 * stats_internal.h — what the files of stats/ share with each other and with
 * the stats tests, but not with other modules.
 */
#ifndef CBENCH_STATS_INTERNAL_H
#define CBENCH_STATS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Order statistics bounding a quantile's confidence interval, 1-based as
 * go-moremath's QuantileCIResult: the interval is sorted[lo_order-1] to
 * sorted[hi_order-1]; lo_order < 1 means -inf, hi_order > n means +inf.
 */
typedef struct st_order_ci {
	int lo_order, hi_order;
	double confidence;     /* actual coverage, >= the level asked for */
} st_order_ci;

/* The interval for quantile q of a sample of size n (go-moremath QuantileCI). */
st_order_ci st_quantile_ci(int n, double q, double confidence);

/* The standard normal CDF P(Z <= z) and its inverse. */
double st_normal_cdf(double z);
double st_normal_quantile(double p);

/*
 * P(U <= u) and P(U >= u), u = twice_u / 2, under the null hypothesis for
 * samples of sizes nx, ny with tie pattern ties[0..nties) (NULL or all ones:
 * no ties). Returns 0, or -1 when the sizes are out of range (see st_u_cdf)
 * or memory ran out; then *le and *ge are NaN.
 */
int st_u_tails(int nx, int ny, const int *ties, size_t nties, int64_t twice_u,
               double *le, double *ge);

/* Frees the U distribution cache and the median interval cache. */
void st_udist_release(void);
void st_median_release(void);

/*
 * Natural log and e^x exactly as Go computes math.Log and math.Exp on amd64
 * (gomath.c says how they differ from libm). st_go_exp picks the fused or
 * plain evaluation by the same CPU test as Go; st_go_exp_path takes the
 * choice (nonzero: fused), so tests can check both.
 */
double st_go_log(double x);
double st_go_exp(double x);
double st_go_exp_path(double x, int fused);

#endif
