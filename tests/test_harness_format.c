/* test_harness_format.c: Go's result-line format and cbench's exact B/op and
 * allocs/op numbers. Expected strings were worked out by hand from Go's
 * testing.prettyPrint table (src/testing/benchmark.go): which width and
 * precision a value gets, then padded; and from plain arithmetic for the
 * exact quotients. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "cb_internal.h"

struct pretty_case {
	double x;
	const char *unit, *want;
};

static const struct pretty_case pretty_cases[] = {
	{0, "ns/op", "         0 ns/op"},              /* %10.0f */
	{45.83, "ns/op", "        45.83 ns/op"},       /* >= 9.9995: %13.2f */
	{999.95, "ns/op", "      1000 ns/op"},         /* >= 999.95: %10.0f */
	{999.949, "ns/op", "       999.9 ns/op"},      /* >= 99.995: %12.1f */
	{123456.7, "ns/op", "    123457 ns/op"},       /* %10.0f rounds */
	{99.995, "x", "       100.0 x"},               /* the boundary double is >= itself */
	{9.9995, "x", "        10.00 x"},              /* %13.2f of 9.99949999... */
	{1.5, "x", "         1.500 x"},                /* >= 0.99995: %14.3f */
	{0.5, "x", "         0.5000 x"},               /* >= 0.099995: %15.4f */
	{0.05, "x", "         0.05000 x"},             /* >= 0.0099995: %16.5f */
	{0.005, "x", "         0.005000 x"},           /* >= 0.00099995: %17.6f */
	{0.0005, "x", "         0.0005000 x"},         /* below: %18.7f */
	{-5, "x", "        -5.000 x"},                 /* magnitude decides */
	{12345678901.0, "x", "12345678901 x"},         /* wider than the field */
};

static void test_pretty(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof pretty_cases / sizeof pretty_cases[0]; i++) {
		struct cb_strbuf sb = {0};
		cb_format_pretty(&sb, pretty_cases[i].x, pretty_cases[i].unit);
		if (strcmp(cb_sb_str(&sb), pretty_cases[i].want) != 0)
			fail_msg("prettyPrint(%g): got \"%s\", want \"%s\"", pretty_cases[i].x,
				 cb_sb_str(&sb), pretty_cases[i].want);
		cb_sb_free(&sb);
	}
}

struct exact_case {
	uint64_t total;
	int64_t n;
	const char *want;
};

static const struct exact_case exact_cases[] = {
	{1300, 100, "13"},
	{0, 5, "0"},
	{3, 1, "3"},
	{9985, 1000, "9.985"},              /* golang/go#24631: not 9 */
	{10, 4, "2.5"},
	{1, 8, "0.125"},
	{1, 1000000000, "0.000000001"},
	{1, 1 << 20, "0.00000095367431640625"}, /* 2^-20, every digit */
	{6, 1 << 20, "0.0000057220458984375"}, /* = 3/2^19: 19 digits */
	{1, 3, "0.3333333333333333"},       /* shortest decimal of the double */
	{2, 3, "0.6666666666666666"},
	{7, 6, "1.1666666666666667"},
	{1, 7, "0.14285714285714285"},
	{5, 0, "0"},                        /* no iterations: nothing per op */
};

static void test_exact(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof exact_cases / sizeof exact_cases[0]; i++) {
		const struct exact_case *c = &exact_cases[i];
		const char *want = c->want;
		char got[80];
		cb_format_exact(got, sizeof got, c->total, c->n);
		if (strcmp(got, want) != 0)
			fail_msg("%llu/%lld: got \"%s\", want \"%s\"", (unsigned long long)c->total,
				 (long long)c->n, got, want);
		/* whatever the form, it reads back as the nearest double */
		if (c->n > 0)
			assert_true(strtod(got, NULL) == (double)c->total / (double)c->n);
	}
}

/* The fixed-point decimal with the fewest digits after the point that reads
 * back as x, found by trying every precision: the reference the shortest
 * round-trip printer must match or beat. */
static void fixed_by_search(char *buf, size_t len, double x)
{
	for (int prec = 0; prec <= 40; prec++) {
		snprintf(buf, len, "%.*f", prec, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_format_double(void **state)
{
	(void)state;
	static const struct {
		double x;
		const char *want;
	} cases[] = {
		{0, "0"}, {1, "1"}, {0.5, "0.5"}, {1.0 / 3, "0.3333333333333333"},
		{0.1, "0.1"}, {1e-5, "0.00001"}, {123456789, "123456789"},
		{1234567.5, "1234567.5"}, {-2.25, "-2.25"}, {1e14, "100000000000000"},
		{1e15, "1e+15"}, {1e-31, "1e-31"}, {3e-12, "0.000000000003"},
	};
	char got[128], ref[128];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cb_format_double(got, sizeof got, cases[i].x);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%.17g: got \"%s\", want \"%s\"", cases[i].x, got, cases[i].want);
	}
	/* Random doubles from 1e-12 to 1e15 (random mantissa bits and
	 * exponents): always a plain decimal that reads back, never longer than
	 * the best fixed form found by search. */
	for (int i = 0; i < 20000; i++) {
		uint64_t bits = next_random();
		int exp2 = (int)(next_random() % 89) - 40; /* 2^-40 .. 2^48 */
		double x = ldexp(1.0 + (double)(bits >> 12) / 4503599627370496.0, exp2);
		cb_format_double(got, sizeof got, x);
		fixed_by_search(ref, sizeof ref, x);
		if (strchr(got, 'e') || strtod(got, NULL) != x || strlen(got) > strlen(ref))
			fail_msg("%.17g: got \"%s\", search found \"%s\"", x, got, ref);
	}
}

static void test_bench_name(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int procs;
		const char *want;
	} cases[] = {
		{"BenchmarkX", 1, "BenchmarkX"},
		{"BenchmarkX", 2, "BenchmarkX-2"},
		{"BenchmarkX/size=64", 16, "BenchmarkX/size=64-16"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cb_strbuf sb = {0};
		cb_bench_name(&sb, cases[i].name, cases[i].procs);
		assert_string_equal(cb_sb_str(&sb), cases[i].want);
		cb_sb_free(&sb);
	}
	/* no length limit: a 5000-byte name comes back whole */
	struct cb_strbuf name = {0}, sb = {0};
	for (int i = 0; i < 500; i++)
		cb_sb_puts(&name, "Benchmark");
	cb_sb_puts(&name, "X");
	cb_bench_name(&sb, cb_sb_str(&name), 4);
	assert_int_equal(sb.len, name.len + 2);
	assert_memory_equal(sb.data, name.data, name.len);
	assert_string_equal(sb.data + name.len, "-4");
	cb_sb_free(&name);
	cb_sb_free(&sb);
}

struct line_case {
	const char *what;
	int max_len;
	struct cb_result r;
	const char *want;
};

static void test_lines(void **state)
{
	(void)state;
	static struct line_case cases[] = {
		{"the issue's example: name padded to 17+2+1",
		 20,
		 {.name = "BenchmarkStrdup-2", .n = 100, .ns = 4583, .allocs = 100,
		  .alloc_bytes = 1300, .mem_valid = true},
		 "BenchmarkStrdup-2   \t     100\t        45.83 ns/op\t      13 B/op\t       1 allocs/op"},
		{"MB/s, extra metrics sorted by unit, fractional allocs/op",
		 10,
		 {.name = "BenchmarkX", .n = 1000, .ns = 2000000, .bytes = 1024, .allocs = 9985,
		  .alloc_bytes = 40000, .mem_valid = true,
		  .metrics = {{"zeta/op", 2.5}, {"alpha/op", 0.004}}, .nmetrics = 2},
		 "BenchmarkX\t    1000\t      2000 ns/op\t 512.00 MB/s\t         0.004000 alpha/op"
		 "\t         2.500 zeta/op\t      40 B/op\t   9.985 allocs/op"},
		{"ns/op reported as 0 hides the column; no hooks, no memory columns",
		 12,
		 {.name = "BenchmarkY", .n = 5, .ns = 100, .metrics = {{"ns/op", 0}}, .nmetrics = 1},
		 "BenchmarkY  \t       5"},
		{"reported allocs/op and MB/s override the measured ones",
		 11,
		 {.name = "BenchmarkZ", .n = 10, .ns = 1000, .bytes = 1, .allocs = 10,
		  .alloc_bytes = 0, .mem_valid = true,
		  .metrics = {{"allocs/op", 0.5}, {"MB/s", 3}}, .nmetrics = 2},
		 "BenchmarkZ \t      10\t       100.0 ns/op\t   3.00 MB/s\t       0 B/op\t     0.5 allocs/op"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cb_strbuf sb = {0};
		cb_format_line(&sb, cases[i].max_len, &cases[i].r);
		if (strcmp(cb_sb_str(&sb), cases[i].want) != 0)
			fail_msg("%s:\n got  \"%s\"\n want \"%s\"", cases[i].what, cb_sb_str(&sb),
				 cases[i].want);
		cb_sb_free(&sb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_format_double),
		cmocka_unit_test(test_bench_name),
		cmocka_unit_test(test_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
