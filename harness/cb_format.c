/* cb_format.c: Go's benchmark result line (testing.BenchmarkResult.String
 * and MemString, golang.org/design/14313-benchmark-format):
 *
 *   BenchmarkName-P<pad>\t<N %8d>\t<ns/op>\t<MB/s>\t<extra...>\t<B/op>\t<allocs/op>
 *
 *  - the name (with "-P" when the -cpu value P is not 1) is left-justified in
 *    a field as wide as the longest selected name plus the suffix room;
 *  - ns/op and extra metrics use prettyPrint: "%10.0f" for 0 and values
 *    >= 999.95, then one more decimal per decade down to "%18.7f", so the
 *    decimal points line up; ns/op is left out when it is 0;
 *  - MB/s is "%7.2f", left out when 0; extra metrics come sorted by unit;
 *  - B/op and allocs/op are "%8d" in Go (integer division, golang/go#24631).
 *    Here they are exact (see cbench.h): an integer when integral, else a
 *    decimal, still right-aligned in 8 columns.
 * Every value is one field and every unit another, as benchfmt expects. */
#include "cb_internal.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cb_bench_name(struct cb_strbuf *sb, const char *name, int procs)
{
	if (procs != 1)
		cb_sb_printf(sb, "%s-%d", name, procs);
	else
		cb_sb_puts(sb, name);
}

void cb_format_pretty(struct cb_strbuf *sb, double x, const char *unit)
{
	static const struct {
		double min;
		int width, prec;
	} rows[] = {
		{999.95, 10, 0}, {99.995, 12, 1}, {9.9995, 13, 2}, {0.99995, 14, 3},
		{0.099995, 15, 4}, {0.0099995, 16, 5}, {0.00099995, 17, 6},
	};
	double y = fabs(x);
	int width = 18, prec = 7;
	if (y == 0) {
		width = 10;
		prec = 0;
	} else {
		for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
			if (y >= rows[i].min) {
				width = rows[i].width;
				prec = rows[i].prec;
				break;
			}
		}
	}
	cb_sb_printf(sb, "%*.*f %s", width, prec, x, unit);
}

/* The digits come from stats/gofloat.c (Go's %v: the fewest significant
 * digits that read back as x, the nearest of those); here they are only
 * laid out without an exponent, which Go's %v uses below 1e-4 and from
 * 1e21 up. Outside [1e-30, 1e15) the exponent form stays: ParseFloat reads
 * it, and fixed notation would only add zeros (a quotient total/n of the
 * harness is never below 1e-12). */
void cb_format_double(char *buf, size_t len, double x)
{
	char go[48];
	st_format_go_float(x, go, sizeof go);
	const char *e = strchr(go, 'e');
	if (!e || !isfinite(x) || fabs(x) >= 1e15 || fabs(x) < 1e-30) {
		snprintf(buf, len, "%s", go);
		return;
	}
	/* go is [-]d[.ddd]e±XX: the digits, and the power of ten of the first */
	const char *p = go;
	bool negative = *p == '-';
	p += negative;
	char digits[32];
	size_t nd = 0;
	for (; p < e && nd < sizeof digits - 1; p++)
		if (*p != '.')
			digits[nd++] = *p;
	digits[nd] = 0;
	int exp = atoi(e + 1);
	struct cb_strbuf sb = {0};
	if (negative)
		cb_sb_puts(&sb, "-");
	if (exp < 0) {
		cb_sb_puts(&sb, "0.");
		for (int i = -1; i > exp; i--)
			cb_sb_puts(&sb, "0");
		cb_sb_puts(&sb, digits);
	} else if ((size_t)exp + 1 >= nd) {
		cb_sb_puts(&sb, digits);
		for (size_t i = nd; i < (size_t)exp + 1; i++)
			cb_sb_puts(&sb, "0");
	} else {
		cb_sb_append(&sb, digits, (size_t)exp + 1);
		cb_sb_puts(&sb, ".");
		cb_sb_puts(&sb, digits + exp + 1);
	}
	snprintf(buf, len, "%s", sb.failed ? go : cb_sb_str(&sb));
	cb_sb_free(&sb);
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

void cb_format_exact(char *buf, size_t len, uint64_t total, int64_t n)
{
	if (n <= 0) {
		snprintf(buf, len, "0");
		return;
	}
	uint64_t den = (uint64_t)n, whole = total / den, rem = total % den;
	if (rem == 0) {
		snprintf(buf, len, "%llu", (unsigned long long)whole);
		return;
	}
	uint64_t g = gcd(rem, den);
	rem /= g;
	den /= g;
	uint64_t d = den;
	while (d % 2 == 0)
		d /= 2;
	while (d % 5 == 0)
		d /= 5;
	if (d != 1) {
		/* Not a terminating decimal: the double nearest total/n, printed
		 * with just enough digits to read back as that double. */
		cb_format_double(buf, len, (double)total / (double)n);
		return;
	}
	/* den = 2^a 5^b: the expansion ends after max(a, b) digits. */
	size_t used = (size_t)snprintf(buf, len, "%llu.", (unsigned long long)whole);
	unsigned __int128 r = rem;
	while (r != 0 && used + 1 < len) {
		r *= 10;
		buf[used++] = (char)('0' + (int)(r / den));
		r %= den;
	}
	buf[used < len ? used : len - 1] = 0;
}

const struct cb_metric *cb_result_metric(const struct cb_result *r, const char *unit)
{
	for (int i = 0; i < r->nmetrics; i++)
		if (strcmp(r->metrics[i].unit, unit) == 0)
			return &r->metrics[i];
	return NULL;
}

static bool builtin_unit(const char *unit)
{
	return strcmp(unit, "ns/op") == 0 || strcmp(unit, "MB/s") == 0 ||
	       strcmp(unit, "B/op") == 0 || strcmp(unit, "allocs/op") == 0;
}

static int by_unit(const void *a, const void *b)
{
	return strcmp((*(const struct cb_metric *const *)a)->unit,
		      (*(const struct cb_metric *const *)b)->unit);
}

static struct cb_mem_figure mem_figure(const struct cb_result *r, const char *unit,
				       uint64_t total)
{
	const struct cb_metric *m = cb_result_metric(r, unit);
	if (m)
		return (struct cb_mem_figure){.per_op = m->value};
	return (struct cb_mem_figure){
		.measured = true,
		.per_op = r->n > 0 ? (double)total / (double)r->n : 0,
		.total = total,
	};
}

void cb_result_figures(const struct cb_result *r, struct cb_figures *f)
{
	*f = (struct cb_figures){0};
	const struct cb_metric *m = cb_result_metric(r, "ns/op");
	f->ns_per_op = m ? m->value : r->n > 0 ? (double)r->ns / (double)r->n : 0;
	f->has_ns = f->ns_per_op != 0;

	m = cb_result_metric(r, "MB/s");
	if (m)
		f->mb_per_s = m->value;
	else if (r->bytes > 0 && r->ns > 0 && r->n > 0)
		f->mb_per_s = ((double)r->bytes * (double)r->n / 1e6) / ((double)r->ns / 1e9);
	f->has_mbs = f->mb_per_s != 0;

	for (int i = 0; i < r->nmetrics; i++)
		if (!builtin_unit(r->metrics[i].unit))
			f->extra[f->nextra++] = &r->metrics[i];
	qsort(f->extra, (size_t)f->nextra, sizeof f->extra[0], by_unit);

	f->has_mem = r->mem_valid || cb_result_metric(r, "B/op") || cb_result_metric(r, "allocs/op");
	f->bytes = mem_figure(r, "B/op", r->alloc_bytes);
	f->allocs = mem_figure(r, "allocs/op", r->allocs);
}

static void mem_column(char *buf, size_t len, const struct cb_mem_figure *m, int64_t n)
{
	if (m->measured)
		cb_format_exact(buf, len, m->total, n);
	else
		cb_format_double(buf, len, m->per_op);
}

void cb_format_line(struct cb_strbuf *sb, int max_len, const struct cb_result *r)
{
	struct cb_figures f;
	cb_result_figures(r, &f);
	cb_sb_printf(sb, "%-*s\t%8lld", max_len, r->name, (long long)r->n);
	if (f.has_ns) {
		cb_sb_puts(sb, "\t");
		cb_format_pretty(sb, f.ns_per_op, "ns/op");
	}
	if (f.has_mbs)
		cb_sb_printf(sb, "\t%7.2f MB/s", f.mb_per_s);
	for (int i = 0; i < f.nextra; i++) {
		cb_sb_puts(sb, "\t");
		cb_format_pretty(sb, f.extra[i]->value, f.extra[i]->unit);
	}
	if (f.has_mem) {
		char bytes[128], allocs[128];
		mem_column(bytes, sizeof bytes, &f.bytes, r->n);
		mem_column(allocs, sizeof allocs, &f.allocs, r->n);
		cb_sb_printf(sb, "\t%8s B/op\t%8s allocs/op", bytes, allocs);
	}
}
