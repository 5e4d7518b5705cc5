/*
 * gomath.c — natural logarithm and exponential computed step for step as Go's
 * math.Log and math.Exp compute them on amd64, so that geomeans (and the
 * ratios printed from them) agree with benchstat to the last bit.
 *
 * glibc's log and exp are correctly rounded or nearly so; Go's are not, and
 * on amd64 Go does not run its portable math/log.go and math/exp.go either
 * but two assembly routines with algorithms of their own:
 *
 *   Log: the FreeBSD/fdlibm reduction x = 2^k * (1 + f), sqrt(2)/2 < 1+f <=
 *        sqrt(2), then log(1+f) = f - hfsq + s*(hfsq + R(s^2)) with
 *        s = f/(2+f), R a degree-7 polynomial split in odd and even halves,
 *        and k*ln2 added in two parts (Ln2Hi exact in 32 bits, Ln2Lo the
 *        rest). The exponent is taken straight from the bits, so subnormal
 *        inputs are NOT normalised first (their logs come out wrong in Go,
 *        and must come out equally wrong here), and the test for the
 *        mantissa is "<= sqrt(2)/2", not the portable code's "<".
 *   Exp: Shibata's method: k = round(x * log2(e)) with the SSE conversion
 *        (round half to even), r = (x - k*ln2) / 16 with ln2 in two parts, a
 *        degree-8 Taylor polynomial for e^r - 1, squared back up four times
 *        through y -> y*(y+2) (which maps e^r - 1 to e^2r - 1), plus one,
 *        then multiplied by 2^k built from the bits (in two steps when the
 *        result is subnormal). When the CPU has AVX and FMA, Go evaluates
 *        the reduction and the polynomial with fused multiply-adds, which
 *        round once instead of twice; both paths are kept here and the
 *        same CPU test picks one, since benchstat on this machine does.
 *
 * What must stay true: every operation below is one IEEE double operation
 * in the order Go performs it. The file must be compiled without floating
 * contraction (ISO C mode's default in gcc; the pragma covers clang), or
 * the compiler could fuse a multiply and an add that Go rounds separately.
 * arm64 Go uses yet another Exp (and FMA-fused portable Log); bstat matches
 * amd64 benchstat only.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
/* After a libc header, which defines __GLIBC__. */
#if defined(__GLIBC__) && __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#endif
#endif

#include "stats_internal.h"

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

static uint64_t bits_of(double x)
{
	uint64_t b;
	memcpy(&b, &x, sizeof b);
	return b;
}

static double from_bits(uint64_t b)
{
	double x;
	memcpy(&x, &b, sizeof x);
	return x;
}

/* Go's math.NaN(): the quiet NaN with payload 1, which Log returns for x < 0. */
static const uint64_t GO_NAN = 0x7FF8000000000001ULL;
static const uint64_t POS_INF = 0x7FF0000000000000ULL;
static const uint64_t NEG_INF = 0xFFF0000000000000ULL;
static const uint64_t SIGN = 0x8000000000000000ULL;
static const uint64_t MANTISSA = 0x000FFFFFFFFFFFFFULL;

double st_go_log(double x)
{
	static const double half_sqrt2 = 7.07106781186547524401e-01;
	static const double ln2_hi = 6.93147180369123816490e-01;   /* 0x3fe62e42fee00000 */
	static const double ln2_lo = 1.90821492927058770002e-10;   /* 0x3dea39ef35793c76 */
	static const double L1 = 6.666666666666735130e-01;
	static const double L2 = 3.999999999940941908e-01;
	static const double L3 = 2.857142874366239149e-01;
	static const double L4 = 2.222219843214978396e-01;
	static const double L5 = 1.818357216161805012e-01;
	static const double L6 = 1.531383769920937332e-01;
	static const double L7 = 1.479819860511658591e-01;

	uint64_t b = bits_of(x);
	if ((b & ~SIGN) == 0)
		return from_bits(NEG_INF);        /* +0 and -0 */
	if ((int64_t)b < 0)
		return from_bits(GO_NAN);         /* negative, -Inf, NaN with the sign set */
	if (b >= POS_INF)
		return x;                         /* +Inf, NaN */

	/* Exponent and mantissa in [0.5, 1) from the bits alone (see above). */
	double k = (double)((int)((b >> 52) & 0x7FF) - 0x3FE);
	double f1 = from_bits((b & MANTISSA) | bits_of(0.5));
	if (f1 <= half_sqrt2) {
		k -= 1;
		f1 *= 2;
	}
	double f = f1 - 1;
	double s = f / (2 + f);
	double s2 = s * s;
	double s4 = s2 * s2;
	double t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
	double t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
	double r = t1 + t2;
	double hfsq = 0.5 * f * f;
	return k * ln2_hi - ((hfsq - (s * (hfsq + r) + k * ln2_lo)) - f);
}

/* Taylor coefficients 1/k! for k = 8 down to 3 as Go writes them, then 1/2. */
static const double EXP_C8 = 2.4801587301587301587e-5;
static const double EXP_C7 = 1.9841269841269841270e-4;
static const double EXP_C6 = 1.3888888888888888889e-3;
static const double EXP_C5 = 8.3333333333333333333e-3;
static const double EXP_C4 = 4.1666666666666666667e-2;
static const double EXP_C3 = 1.6666666666666666667e-1;
static const double EXP_LN2U = 0.69314718055966295651160180568695068359375;
static const double EXP_LN2L = 0.28235290563031577122588448175013436025525412068e-12;

/* e^r - 1 for the reduced r, then e^(16 r), with separate roundings. */
static double exp_core_plain(double x, double k)
{
	x = x - k * EXP_LN2U;
	x = x - k * EXP_LN2L;
	x *= 0.0625;
	double p = EXP_C8 * x;
	p = (p + EXP_C7) * x;
	p = (p + EXP_C6) * x;
	p = (p + EXP_C5) * x;
	p = (p + EXP_C4) * x;
	p = (p + EXP_C3) * x;
	p = (p + 0.5) * x;
	p = p + 1.0;
	double y = x * p;
	for (int i = 0; i < 4; i++)
		y = y * (2.0 + y);
	return y + 1.0;
}

/* The same with Go's fused multiply-adds where its AVX/FMA path has them. */
static double exp_core_fused(double x, double k)
{
	x = fma(-k, EXP_LN2U, x);
	x = fma(-k, EXP_LN2L, x);
	x *= 0.0625;
	double p = EXP_C8;
	p = fma(p, x, EXP_C7);
	p = fma(p, x, EXP_C6);
	p = fma(p, x, EXP_C5);
	p = fma(p, x, EXP_C4);
	p = fma(p, x, EXP_C3);
	p = fma(p, x, 0.5);
	p = fma(p, x, 1.0);
	double y = x * p;
	for (int i = 0; i < 3; i++)
		y = y * (y + 2.0);
	return fma(y, y + 2.0, 1.0);
}

/* CVTSD2SL: round half to even; out of range gives INT32_MIN. */
static int32_t sse_round_to_int32(double t)
{
	double r = nearbyint(t);
	if (!(r >= -2147483648.0 && r <= 2147483647.0))
		return INT32_MIN;
	return (int32_t)r;
}

double st_go_exp_path(double x, int fused)
{
	static const double log2e = 1.4426950408889634073599246810018920;
	static const double overflow = 7.09782712893384e+02;

	uint64_t b = bits_of(x);
	if ((b & ~SIGN) >= POS_INF)
		return b == NEG_INF ? 0.0 : x;    /* -Inf -> 0; +Inf, NaN -> x */
	if (x > overflow)
		return from_bits(POS_INF);

	int32_t e = sse_round_to_int32(log2e * x);
	double k = (double)e;
	double y = fused ? exp_core_fused(x, k) : exp_core_plain(x, k);

	/* y * 2^e with the scale built from the bits, as Go's ldexp step. */
	int64_t biased = (int64_t)e + 0x3FF;
	if (biased <= 0) {
		if (biased < -52)
			return 0.0;
		y *= from_bits((uint64_t)(biased + 0x3FE) << 52);
		biased = 1;
	}
	if (biased >= 0x7FF)
		return from_bits(POS_INF);
	return y * from_bits((uint64_t)biased << 52);
}

/* Go tests cpu.X86.HasAVX && cpu.X86.HasFMA once at start-up: both CPUID
 * bits, and the OS saving the AVX state (OSXSAVE, then XCR0's SSE and AVX
 * bits). glibc (2.34 on) keeps the CPUID bits it read when it started, as
 * "present" features (its "active" ones also follow GLIBC_TUNABLES, which
 * Go ignores): reading them runs no CPUID, which traps to the hypervisor
 * on a virtual machine (6.5 us each here). Elsewhere, one CPUID on first
 * use; not __builtin_cpu_supports, which links libgcc's feature probe, a
 * constructor that runs a dozen CPUIDs in every process. XGETBV does not
 * trap. */
static int cpu_has_go_fma(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	static int known = -1;
	if (known < 0) {
#ifdef CPU_FEATURE_PRESENT
		int avx = CPU_FEATURE_PRESENT(AVX), fma = CPU_FEATURE_PRESENT(FMA),
		    osxsave = CPU_FEATURE_PRESENT(OSXSAVE);
#else
		unsigned a, b, c = 0, d;
		__cpuid(1, a, b, c, d);
		int avx = !!(c & bit_AVX), fma = !!(c & bit_FMA), osxsave = !!(c & bit_OSXSAVE);
#endif
		known = 0;
		if (avx && fma && osxsave) {
			unsigned lo, hi;
			__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
			known = (lo & 6) == 6;
		}
	}
	return known;
#else
	return 0;
#endif
}

double st_go_exp(double x)
{
	return st_go_exp_path(x, cpu_has_go_fma());
}
