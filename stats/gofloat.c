/*
 * gofloat.c — Go's %v for a float64, because benchstat's caveats name levels
 * that way ("at level 0.95", "at alpha level 1e-05").
 *
 * %v is %g with the shortest digits that read back as the same double: the
 * fewest significant digits d1..dn such that strtod gives x again, and of
 * those the nearest to x. With x = d1.d2...dn × 10^e, Go prints plain
 * decimals when -4 <= e < 6 (0.0001, 123456) and d1.d2...dne±XX otherwise
 * (1e-05, 1.234567e+06), with at least two exponent digits. Infinities are
 * "+Inf" and "-Inf", not-a-number "NaN".
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

enum { MAX_DIGITS = 17 };    /* always enough to round-trip a double */

/* Whether the decimal digits × 10^(exp - ndigits + 1) reads back as x. */
static int reads_back(double x, uint64_t digits, int ndigits, int exp)
{
	char text[64];
	snprintf(text, sizeof text, "%llue%d", (unsigned long long)digits,
	         exp - ndigits + 1);
	return strtod(text, NULL) == x;
}

/* The digits of printf's "%e" text as an integer; *exp gets its exponent. */
static uint64_t e_digits(const char *text, int *exp)
{
	const char *e = strchr(text, 'e');
	uint64_t d = 0;
	*exp = atoi(e + 1);
	for (const char *c = text; c < e; c++)
		if (*c >= '0' && *c <= '9')
			d = d * 10 + (uint64_t)(*c - '0');
	return d;
}

/* x rounded to n significant digits in text, and whether that reads back. */
static int nearest_reads_back(double x, int n, char *text, size_t size)
{
	snprintf(text, size, "%.*e", n - 1, x);
	return strtod(text, NULL) == x;
}

/*
 * Shortest round-tripping digits of x > 0 (finite): *digits holds them as an
 * integer of *ndigits digits, *exp the power of ten of the first digit.
 * The correctly rounded candidate at each length is the nearest. Unless x
 * is a power of two, the interval that reads back as x is symmetric, so
 * nothing farther can read back where the nearest does not, and once the
 * nearest n-digit decimal reads back so does every longer one (it is an
 * (n+1)-digit decimal too, and the nearest of those is no farther): a
 * binary search over n finds the shortest in four or five tries instead
 * of up to seventeen. At powers of two the interval is lopsided, and the
 * nearest candidate's neighbours are tried too, length by length.
 */
static void shortest(double x, uint64_t *digits, int *ndigits, int *exp)
{
	uint64_t bits;
	memcpy(&bits, &x, sizeof bits);
	if (bits & 0xFFFFFFFFFFFFFull) {
		char text[64];
		int lo = 1, hi = MAX_DIGITS; /* hi reads back */
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (nearest_reads_back(x, mid, text, sizeof text))
				hi = mid;
			else
				lo = mid + 1;
		}
		nearest_reads_back(x, lo, text, sizeof text);
		*digits = e_digits(text, exp);
		*ndigits = lo;
		return;
	}
	for (int n = 1; n <= MAX_DIGITS; n++) {
		char text[64];
		snprintf(text, sizeof text, "%.*e", n - 1, x);
		int e10;
		uint64_t d = e_digits(text, &e10);
		uint64_t candidates[3] = { d, d + 1, d - 1 };
		for (int i = 0; i < 3; i++) {
			uint64_t cd = candidates[i];
			int cn = n, ce = e10;
			uint64_t low = 1;
			for (int k = 1; k < n; k++)
				low *= 10;
			if (cd == low * 10) {        /* 9.99 + 1 ulp = 10.0 */
				cd = low;
				ce++;
			} else if (cd < low) {       /* 1.00 - 1 ulp = 0.999 */
				if (n == 1)
					continue;
				cd = low * 10 - 1;
				ce--;
			}
			if (reads_back(x, cd, cn, ce)) {
				*digits = cd;
				*ndigits = cn;
				*exp = ce;
				return;
			}
		}
	}
	/* Unreachable for finite x: 17 digits always read back. */
	*digits = 0;
	*ndigits = 1;
	*exp = 0;
}

int st_format_go_float(double x, char *buf, size_t size)
{
	if (isnan(x))
		return snprintf(buf, size, "NaN");
	if (isinf(x))
		return snprintf(buf, size, x > 0 ? "+Inf" : "-Inf");
	const char *sign = signbit(x) ? "-" : "";
	if (x == 0)
		return snprintf(buf, size, "%s0", sign);

	uint64_t digits;
	int n, exp;
	shortest(fabs(x), &digits, &n, &exp);
	while (n > 1 && digits % 10 == 0) {
		digits /= 10;
		n--;
	}
	char d[MAX_DIGITS + 2];
	snprintf(d, sizeof d, "%llu", (unsigned long long)digits);

	if (exp < -4 || exp >= 6) {
		/* d1.d2...dn e±XX */
		return snprintf(buf, size, "%s%c%s%se%c%02d", sign, d[0],
		                n > 1 ? "." : "", d + 1, exp < 0 ? '-' : '+',
		                exp < 0 ? -exp : exp);
	}
	if (exp < 0)         /* 0.000ddd */
		return snprintf(buf, size, "%s0.%.*s%s", sign, -exp - 1, "0000", d);
	if (exp + 1 >= n)    /* ddd000 */
		return snprintf(buf, size, "%s%s%.*s", sign, d, exp + 1 - n, "00000");
	return snprintf(buf, size, "%s%.*s.%s", sign, exp + 1, d, d + exp + 1);
}
