/* test_bstat_benchunit.c — unit tidying, unit classes and prefix scaling,
 * checked against values benchstat prints (golang.org/x/perf benchunit). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "format/format.h"

static void test_tidy(void **state)
{
	(void)state;
	static const struct { const char *unit, *tidied; double factor; } cases[] = {
		{ "ns/op", "sec/op", 1e-9 },      { "x-ns/op", "x-sec/op", 1e-9 },
		{ "MB/s", "B/s", 1e6 },           { "x-MB/s", "x-B/s", 1e6 },
		{ "B/op", "B/op", 1 },            { "x-B/op", "x-B/op", 1 },
		{ "allocs/op", "allocs/op", 1 },  { "op/ns", "op/ns", 1 },
		{ "MB*MB/s", "B*B/s", 1e12 },     { "MB/MB", "B/MB", 1e6 },
		{ "text-bytes", "text-bytes", 1 }, { "", "", 1 },
		{ "ns", "sec", 1e-9 },            { "nsx/op", "nsx/op", 1 },
	};
	bs_buf out = { 0 };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double f = bs_unit_tidy(cases[i].unit, &out);
		assert_string_equal(out.s, cases[i].tidied);
		assert_true(f == cases[i].factor);
	}
	/* Each "ns" grows by a byte: nothing is cut (benchunit.h used to
	 * promise strlen + 2 bytes, which three of them overflow). */
	bs_unit_tidy("ns*ns*ns/op", &out);
	assert_string_equal(out.s, "sec*sec*sec/op");
	bs_unit_tidy("ns*ns*ns*ns*ns/op", &out);
	assert_string_equal(out.s, "sec*sec*sec*sec*sec/op");
	bs_unit_tidy("ns/op*B", &out);
	assert_string_equal(out.s, "sec/op*B");
	bs_buf_free(&out);
}

static void test_class(void **state)
{
	(void)state;
	static const struct { const char *unit; enum bs_unit_class cls; } cases[] = {
		{ "sec/op", BS_DECIMAL }, { "B/op", BS_BINARY },   { "B/s", BS_BINARY },
		{ "allocs/op", BS_DECIMAL }, { "text-bytes", BS_BINARY }, { "op/B", BS_DECIMAL },
		{ "MB", BS_BINARY },      { "x", BS_DECIMAL },     { "sec/B*B", BS_BINARY },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(bs_unit_class_of(cases[i].unit), cases[i].cls);
}

/* Each value and the next double toward zero: the thresholds sit exactly
 * where rounding to 4 digits would gain a digit. */
static void test_scale(void **state)
{
	(void)state;
	static const struct { double v; enum bs_unit_class cls; const char *want, *pred; } cases[] = {
		{ 0, BS_DECIMAL, "0.000", "0.000" },
		{ 1, BS_DECIMAL, "1.000", "1.000" },
		{ -1, BS_DECIMAL, "-1.000", "-1.000" },
		{ 9999500000000000, BS_DECIMAL, "9999.5T", "9999.5T" },
		{ 999950000000000, BS_DECIMAL, "1000.0T", "999.9T" },
		{ 99995000000000, BS_DECIMAL, "100.0T", "99.99T" },
		{ 999950, BS_DECIMAL, "1.000M", "999.9k" },
		{ 99.995, BS_DECIMAL, "100.0", "99.99" },
		{ 9.9995, BS_DECIMAL, "10.00", "9.999" },
		{ .99995, BS_DECIMAL, "1.000", "999.9m" },
		{ .00000099995, BS_DECIMAL, "1.000µ", "999.9n" },
		{ .0000000099995, BS_DECIMAL, "10.00n", "9.999n" },
		{ .00000000099995, BS_DECIMAL, "1.000n", "0.9999n" },
		{ .0000000000099995, BS_DECIMAL, "0.01000n", "0.009999n" },
		{ -99995000000000, BS_DECIMAL, "-100.0T", "-99.99T" },
		{ 0, BS_BINARY, "0.000", "0.000" },
		{ .99995 * 1125899906842624.0, BS_BINARY, "1023.9Ti", "1023.9Ti" },
		{ 99.995 * 1099511627776.0, BS_BINARY, "100.0Ti", "99.99Ti" },
		{ .99995 * 1099511627776.0, BS_BINARY, "1.000Ti", "1023.9Gi" },
		{ 9.9995 * 1073741824.0, BS_BINARY, "10.00Gi", "9.999Gi" },
		{ 1234567890, BS_BINARY, "1.150Gi", "1.150Gi" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[64];
		bs_scale(cases[i].v, cases[i].cls, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
		bs_scale(nextafter(cases[i].v, 0), cases[i].cls, buf, sizeof buf);
		assert_string_equal(buf, cases[i].pred);
	}
}

/* A row shares the scale of its smallest value (crcSizeVsPoly's rows). */
static void test_common_scale(void **state)
{
	(void)state;
	double row[] = { 56.75e-9, 39.85e-9, 1073e-9 };
	bs_scaler s = bs_common_scale(row, 3, BS_DECIMAL);
	char buf[64];
	bs_scaler_format(s, row[2], buf, sizeof buf);
	assert_string_equal(buf, "1073.00n");
	double zeros[] = { 0, 0 };
	s = bs_common_scale(zeros, 2, BS_DECIMAL);
	bs_scaler_format(s, 0, buf, sizeof buf);
	assert_string_equal(buf, "0.000");
	bs_scale(INFINITY, BS_DECIMAL, buf, sizeof buf);
	assert_string_equal(buf, "+InfT");
	bs_scale(NAN, BS_DECIMAL, buf, sizeof buf);
	assert_string_equal(buf, "NaNn");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tidy),
		cmocka_unit_test(test_class),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_common_scale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
