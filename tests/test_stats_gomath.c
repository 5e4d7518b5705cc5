/*
 * test_stats_gomath.c — st_go_log, st_go_exp and st_geomean against the bits
 * Go itself printed (tests/data/stats/go_math_bits.txt, whose header says how
 * it was made): every output must match bit for bit, NaN payloads included,
 * on both of Go's Exp paths.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stats.h"
#include "stats_internal.h"

enum { MAX_VALUES = 16 };

static double from_bits(uint64_t b)
{
	double x;
	memcpy(&x, &b, sizeof x);
	return x;
}

static uint64_t bits_of(double x)
{
	uint64_t b;
	memcpy(&b, &x, sizeof b);
	return b;
}

/* The geomean of xs with a chosen Exp path, in st_geomean's order. */
static double geomean_path(const double *xs, int n, int fused)
{
	double m = 0;
	for (int i = 0; i < n; i++)
		m += (st_go_log(xs[i]) - m) / (double)(i + 1);
	return st_go_exp_path(m, fused);
}

struct tally { int checked, wrong; };

static void check(struct tally *t, int line, const char *what, uint64_t in, uint64_t want, double got)
{
	t->checked++;
	if (bits_of(got) != want) {
		t->wrong++;
		if (t->wrong <= 10)
			print_message("line %d: %s(%016llx) = %016llx, Go %016llx\n", line, what,
			              (unsigned long long)in, (unsigned long long)bits_of(got),
			              (unsigned long long)want);
	}
}

static void check_line(struct tally *t, int line, char *text, int *saw)
{
	char kind[32];
	int used = 0;
	if (sscanf(text, "%31s%n", kind, &used) != 1 || kind[0] == '#')
		return;
	char *rest = text + used;
	int fused = strstr(kind, "_fused") != NULL;
	if (strncmp(kind, "geomean", 7) == 0) {
		int n = (int)strtol(rest, &rest, 10);
		assert_true(n >= 1 && n <= MAX_VALUES);
		double xs[MAX_VALUES];
		for (int i = 0; i < n; i++)
			xs[i] = from_bits(strtoull(rest, &rest, 16));
		uint64_t want = strtoull(rest, &rest, 16);
		check(t, line, kind, bits_of(xs[0]), want, geomean_path(xs, n, fused));
		if (fused == (st_go_exp(1.0) == st_go_exp_path(1.0, 1)))
			check(t, line, "st_geomean", bits_of(xs[0]), want, st_geomean(xs, (size_t)n));
		saw[2]++;
		return;
	}
	uint64_t in = strtoull(rest, &rest, 16), want = strtoull(rest, &rest, 16);
	if (strcmp(kind, "log") == 0) {
		check(t, line, "log", in, want, st_go_log(from_bits(in)));
		saw[0]++;
	} else {
		assert_true(strncmp(kind, "exp_", 4) == 0);
		check(t, line, kind, in, want, st_go_exp_path(from_bits(in), fused));
		saw[1]++;
	}
}

static void test_against_go(void **state)
{
	(void)state;
	const char *path = getenv("GO_MATH_BITS");
	if (path == NULL)
		path = "tests/data/stats/go_math_bits.txt";
	FILE *f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s (run from the repository root)", path);
	char text[512];
	struct tally t = { 0, 0 };
	int saw[3] = { 0, 0, 0 }, line = 0;
	while (fgets(text, sizeof text, f) != NULL)
		check_line(&t, ++line, text, saw);
	fclose(f);
	print_message("%d values checked against Go, %d differ\n", t.checked, t.wrong);
	assert_true(saw[0] > 1000 && saw[1] > 1000 && saw[2] > 500);
	assert_int_equal(t.wrong, 0);
}

/* Where Go's Log differs from the correctly rounded value, on purpose. */
static void test_go_quirks(void **state)
{
	(void)state;
	/* Subnormals are not normalised: Go's log of the smallest subnormal is
	 * far from -744.44. */
	assert_true(fabs(st_go_log(from_bits(1)) - log(from_bits(1))) > 1);
	assert_true(bits_of(st_go_log(-1)) == 0x7FF8000000000001ULL);
	assert_true(isinf(st_go_log(0)) && st_go_log(-0.0) < 0);
	assert_true(st_go_exp(-INFINITY) == 0 && isinf(st_go_exp(710)));
	assert_true(st_go_exp(0) == 1 && st_go_log(1) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_go),
		cmocka_unit_test(test_go_quirks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
