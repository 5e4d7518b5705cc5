/* test_bstat_benchfmt.c — the Go benchmark format reader: result lines,
 * configuration, Unit metadata, malformed lines, names and numbers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "format/format.h"

/* Reads text and describes every record on one line each:
 *   R <name> <iters> <value> <unit> ... [config k=v ...]   a result
 *   E <message>                                         a syntax error */
static void describe(const char *text, bs_buf *out, bs_unit_meta *units_out)
{
	bs_arena *a = bs_arena_new();
	bs_map interns;
	bs_unit_meta units;
	bs_map_init(&interns, a);
	bs_unit_meta_init(&units, a);
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(in);
	bs_reader r;
	bs_reader_init(&r, &interns, &units);
	bs_reader_reset(&r, in, "f.txt", "label");
	enum bs_record rec;
	bs_buf_clear(out);
	bs_buf_add(out, "", 0);
	while ((rec = bs_reader_next(&r)) != BS_REC_EOF) {
		if (rec != BS_REC_RESULT) {
			bs_buf_printf(out, "E %s\n", r.message.s);
			continue;
		}
		bs_buf_printf(out, "R %s %lld", r.result.name, r.result.iters);
		for (size_t i = 0; i < r.result.nvalues; i++)
			bs_buf_printf(out, " %.17g %s", r.result.values[i].value, r.result.values[i].unit);
		for (size_t i = 0; i < r.result.nconfig; i++)
			bs_buf_printf(out, " %s%s=%s", r.result.config[i].file ? "" : "!",
			              r.result.config[i].key, r.result.config[i].value);
		bs_buf_puts(out, "\n");
	}
	if (units_out)
		*units_out = units;
	bs_reader_free(&r);
	fclose(in);
	if (!units_out)
		bs_unit_meta_free(&units);
	bs_map_free(&interns);
	bs_arena_free(a);
}

static void test_lines(void **state)
{
	(void)state;
	static const struct { const char *in, *want; } cases[] = {
		{ "BenchmarkX 1 2 ns/op\n", "R X 1 2.0000000000000001e-09 sec/op !.file=label\n" },
		{ "BenchmarkX-8 100 2 ns/op 3 B/op 4 allocs/op",
		  "R X-8 100 2.0000000000000001e-09 sec/op 3 B/op 4 allocs/op !.file=label\n" },
		{ "BenchmarkX\t \t5\t10 MB/s\r\n", "R X 5 10000000 B/s !.file=label\n" },
		/* 0 ns/op tidies to itself, so it keeps its unit (as upstream). */
		{ "BenchmarkX 1 0 ns/op\n", "R X 1 0 ns/op !.file=label\n" },
		{ "BenchmarkX 1 1.5e3 x-ns/op 7 custom\n",
		  "R X 1 1.5e-06 x-sec/op 7 custom !.file=label\n" },
		/* A lone name is what go test -v prints before its result. */
		{ "BenchmarkX\nBenchmark\n", "" },
		{ "BenchmarkX \n", "E f.txt:1: missing iteration count\n" },
		{ "BenchmarkX 1\n", "E f.txt:1: missing measurements\n" },
		{ "BenchmarkX 1 2\n", "E f.txt:1: missing units\n" },
		{ "BenchmarkX 1 2 ns/op 3\n", "E f.txt:1: missing units\n" },
		{ "BenchmarkX x 2 ns/op\n", "E f.txt:1: parsing iteration count: invalid syntax\n" },
		{ "BenchmarkX 99999999999999999999 2 ns/op\n",
		  "E f.txt:1: parsing iteration count: value out of range\n" },
		{ "BenchmarkX 1 2x ns/op\n", "E f.txt:1: parsing measurement: invalid syntax\n" },
		{ "BenchmarkX 1 1e999 ns/op\n", "E f.txt:1: parsing measurement: value out of range\n" },
		{ "BenchmarkX 1 NaN x\nBenchmarkX 1 -Inf y\n",
		  "R X 1 nan x !.file=label\nR X 1 -inf y !.file=label\n" },
		{ "\n\nPASS\nok  \tpkg\t1.0s\nBenchmarkX 1 2 x\n", "R X 1 2 x !.file=label\n" },
		/* Configuration lines: lower-case key, blank after the colon. */
		{ "goos: linux\npkg:  a b \nBenchmarkX 1 2 x\n",
		  "R X 1 2 x !.file=label goos=linux pkg=a b \n" },
		{ "Goos: linux\ngo os: x\ngoos:linux\nBenchmarkX 1 2 x\n", "R X 1 2 x !.file=label\n" },
		{ "a: 1\nb: 2\na:\nBenchmarkX 1 2 x\n", "R X 1 2 x !.file=label b=2\n" },
		{ "Unit\nUnit x a\nUnit x a=1 a=1 a=2\n",
		  "E f.txt:1: missing unit\nE f.txt:2: expected key=value\n"
		  "E f.txt:3: metadata a of unit x already set to 1\n" },
		{ "Units are fun\nBenchmarkX 1 2 x\n", "R X 1 2 x !.file=label\n" },
		{ "BenchmarkA 1 2 x\nBenchmarkB 1 y x\nBenchmarkC 1 3 x\n",
		  "R A 1 2 x !.file=label\nE f.txt:2: parsing measurement: invalid syntax\n"
		  "R C 1 3 x !.file=label\n" },
		/* Counts, values and units are taken where they stand only when
		 * a blank or the end follows; anything else is split as a field. */
		{ "BenchmarkX 123456789012345678 2 x\nBenchmarkX 1234567890123456789 2 x\n"
		  "BenchmarkX 1x 2 x\nBenchmarkX +3 2 x\nBenchmarkX 0 2 x\n",
		  "R X 123456789012345678 2 x !.file=label\nR X 1234567890123456789 2 x !.file=label\n"
		  "E f.txt:3: parsing iteration count: invalid syntax\nR X 3 2 x !.file=label\n"
		  "E f.txt:5: iteration count 0 is not positive\n" },
		{ "BenchmarkX 1 123456789012345 x 1234567890123456 x 1.5e3 x -2 x 2. x .5 x\n",
		  "R X 1 123456789012345 x 1234567890123456 x 1500 x -2 x 2 x 0.5 x !.file=label\n" },
		/* A no-break space (U+00A0) and U+2003 separate fields as blanks do. */
		{ "BenchmarkX\xc2\xa0" "1\xc2\xa0" "2\xe2\x80\x83x\xc2\xa0" "3 y\n",
		  "R X 1 2 x 3 y !.file=label\n" },
		{ "BenchmarkX 1 2 x\xc2\xa0\nBenchmarkX 1 2 x\xc2\xa1\n",
		  "R X 1 2 x !.file=label\nR X 1 2 x\xc2\xa1 !.file=label\n" },
		/* Units change from line to line, share prefixes, run past a word. */
		{ "BenchmarkX 1 1 abcdefgh 2 abcdefghi 3 abcdefghijklmnop 4 abcdefghijklmnopq 5 u\n"
		  "BenchmarkX 1 1 abcdefgx 2 abcdefghx 3 abcdefghijklmnox 4 abcdefghijklmnopx 5 ux\n"
		  "BenchmarkX 1 1 abcdefgh 2 abcdefgh 3 abcdefghijklmnop 4 abcdefghijklmnopq 5 u\n"
		  "BenchmarkX 1 1 abcdefghx 2 abcdefghi\n",
		  "R X 1 1 abcdefgh 2 abcdefghi 3 abcdefghijklmnop 4 abcdefghijklmnopq 5 u !.file=label\n"
		  "R X 1 1 abcdefgx 2 abcdefghx 3 abcdefghijklmnox 4 abcdefghijklmnopx 5 ux !.file=label\n"
		  "R X 1 1 abcdefgh 2 abcdefgh 3 abcdefghijklmnop 4 abcdefghijklmnopq 5 u !.file=label\n"
		  "R X 1 1 abcdefghx 2 abcdefghi !.file=label\n" },
		{ "BenchmarkX 1 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h 9 i 10 j\nBenchmarkX 1 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h 9 j 10 i\n",
		  "R X 1 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h 9 i 10 j !.file=label\n"
		  "R X 1 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h 9 j 10 i !.file=label\n" },
		{ "BenchmarkX 1 2 ns/op\nBenchmarkX 1 2 ns/opx\nBenchmarkX 1 2 ns/o\n",
		  "R X 1 2.0000000000000001e-09 sec/op !.file=label\n"
		  "R X 1 2.0000000000000001e-09 sec/opx !.file=label\n"
		  "R X 1 2.0000000000000001e-09 sec/o !.file=label\n" },
	};
	bs_buf out = { 0 };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		describe(cases[i].in, &out, NULL);
		assert_string_equal(out.s, cases[i].want);
	}
	bs_buf_free(&out);
}

static void test_unit_meta(void **state)
{
	(void)state;
	bs_arena *a = bs_arena_new();
	bs_map interns;
	bs_unit_meta units;
	bs_map_init(&interns, a);
	bs_unit_meta_init(&units, a);
	const char *text = "Unit ns/op assume=exact\nUnit text-bytes assume=exact better=higher\n";
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	bs_reader r;
	bs_reader_init(&r, &interns, &units);
	bs_reader_reset(&r, in, "f", "f");
	while (bs_reader_next(&r) != BS_REC_EOF)
		;
	/* Metadata is keyed by the tidied unit, so both spellings find it. */
	assert_string_equal(bs_unit_meta_get(&units, "sec/op", "assume"), "exact");
	assert_string_equal(bs_unit_meta_get(&units, "ns/op", "assume"), "exact");
	assert_string_equal(bs_unit_meta_get(&units, "text-bytes", "better"), "higher");
	assert_null(bs_unit_meta_get(&units, "B/op", "assume"));
	bs_reader_free(&r);
	fclose(in);
	bs_unit_meta_free(&units);
	bs_arena_free(a);
}

static void test_names(void **state)
{
	(void)state;
	static const struct { const char *name, *base, *parts; } cases[] = {
		{ "Copy/size=4k-16", "Copy", "|/size=4k|-16" },
		{ "Copy", "Copy", "" },
		{ "Copy-8", "Copy", "|-8" },
		{ "Copy-", "Copy-", "" },
		{ "A/b/c=1", "A", "|/b|/c=1" },
		{ "-8", "", "|-8" },
		{ "A/x-y", "A", "|/x-y" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bs_name_part base, parts[8];
		size_t n = bs_name_parts(cases[i].name, strlen(cases[i].name), &base, parts, 8);
		char got[128] = "";
		for (size_t k = 0; k < n; k++)
			snprintf(got + strlen(got), sizeof got - strlen(got), "|%.*s", (int)parts[k].len, parts[k].s);
		assert_int_equal(base.len, strlen(cases[i].base));
		assert_memory_equal(base.s, cases[i].base, base.len);
		assert_string_equal(got, cases[i].parts);
	}
	assert_int_equal(bs_name_base_len("Copy/size=4k-16", 15), 4);
	assert_int_equal(bs_name_base_len("Copy-16", 7), 4);
}

static void test_numbers(void **state)
{
	(void)state;
	static const struct { const char *s; int ok; double v; } floats[] = {
		{ "1", 1, 1 },       { "1.5", 1, 1.5 },   { ".5", 1, .5 },     { "5.", 1, 5 },
		{ "1e3", 1, 1000 },  { "1E-3", 1, 1e-3 }, { "-2", 1, -2 },     { "+2", 1, 2 },
		{ "0x1p-2", 1, .25 }, { "inf", 1, INFINITY }, { "-Infinity", 1, -INFINITY },
		{ "", 0, 0 },        { ".", 0, 0 },       { "1e", 0, 0 },      { " 1", 0, 0 },
		{ "0x1", 0, 0 },     { "nan(1)", 0, 0 },  { "1_000", 0, 0 },   { "1e400", 0, 0 },
		{ "1e-400", 1, 0 },
	};
	for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) {
		double v = -1;
		const char *err = NULL;
		int rc = bs_parse_float(floats[i].s, strlen(floats[i].s), &v, &err);
		assert_int_equal(rc == 0, floats[i].ok);
		if (floats[i].ok)
			assert_true(v == floats[i].v);
	}
	long long n;
	const char *err;
	assert_int_equal(bs_parse_int("9223372036854775807", 19, &n, &err), 0);
	assert_true(n == 9223372036854775807LL);
	assert_int_equal(bs_parse_int("-9223372036854775808", 20, &n, &err), 0);
	assert_int_equal(bs_parse_int("9223372036854775808", 19, &n, &err), -1);
	assert_string_equal(err, "value out of range");
	assert_int_equal(bs_parse_int("-", 1, &n, &err), -1);
	assert_string_equal(err, "invalid syntax");
}

/* Binary junk and a line far longer than any buffer must just be read. */
static void test_hostile(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	char *text = bs_xrealloc(NULL, n + 64);
	memcpy(text, "BenchmarkX 1 ", 13);
	memset(text + 13, '7', n);
	strcpy(text + 13 + n, " u\n\x01\xff\xfe\n" "Benchmark\x80 1 2 \xc3\n");
	bs_buf out = { 0 };
	describe(text, &out, NULL);
	assert_non_null(strstr(out.s, "value out of range"));
	assert_non_null(strstr(out.s, "R \x80 1 2 \xc3"));
	bs_buf_free(&out);
	bs_free(text);
}

/* The parser's fast path for short plain decimals must give strtod's
 * correctly rounded double, bit for bit; strtod is the reference. */
/* The line reader (input.c): lines without "\n" or a trailing "\r", NUL
 * bytes kept, a last line without its newline flagged, and a line longer
 * than BS_LINE_MAX a read error rather than a cut line. */
static void test_line_reader(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		const char *lines;          /* each line then '|', then 'T' or 'U' (terminated or not) */
	} cases[] = {
		{ "a\nb\n", 4, "a|T b|T " },
		{ "a\r\nb", 4, "a|T b|U " },
		{ "\n\n", 2, "|T |T " },
		{ "x\0y\n", 4, "x0y|T " },       /* the NUL shown as 0 */
		{ "", 0, "" },
		{ "no newline", 10, "no newline|U " },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* fmemopen cannot open zero bytes; /dev/null is an empty input. */
		FILE *in = cases[i].len ? fmemopen((void *)cases[i].in, cases[i].len, "rb")
		                        : fopen("/dev/null", "rb");
		assert_non_null(in);
		bs_lines l = { 0 };
		bs_lines_reset(&l, in);
		bs_buf got = { 0 };
		bs_buf_add(&got, "", 0);
		int rc;
		while ((rc = bs_lines_next(&l)) > 0) {
			for (size_t k = 0; k < l.len; k++)
				bs_buf_putc(&got, l.line[k] ? l.line[k] : '0');
			bs_buf_printf(&got, "|%c ", l.terminated ? 'T' : 'U');
		}
		assert_int_equal(rc, 0);
		assert_string_equal(got.s, cases[i].lines);
		bs_buf_free(&got);
		bs_lines_free(&l);
		fclose(in);
	}
	/* Longer than the bound: an error, never a shorter line. */
	FILE *zero = fopen("/dev/zero", "rb");
	assert_non_null(zero);
	bs_lines l = { 0 };
	bs_lines_reset(&l, zero);
	assert_int_equal(bs_lines_next(&l), -1);
	assert_int_equal(l.err, EFBIG);
	bs_lines_free(&l);
	fclose(zero);
}

/* Reads text as the file f.txt, appending to got what note says of each
 * record. */
static void read_records(const bs_buf *text, bs_buf *got,
                         void (*note)(const bs_reader *, enum bs_record, bs_buf *))
{
	FILE *in = fmemopen(text->s, text->len, "rb");
	assert_non_null(in);
	bs_arena *a = bs_arena_new();
	bs_map interns;
	bs_unit_meta units;
	bs_map_init(&interns, a);
	bs_unit_meta_init(&units, a);
	bs_reader rd;
	bs_reader_init(&rd, &interns, &units);
	bs_reader_reset(&rd, in, "f.txt", "f");
	bs_buf_add(got, "", 0);
	enum bs_record rec;
	while ((rec = bs_reader_next(&rd)) != BS_REC_EOF)
		note(&rd, rec, got);
	bs_reader_free(&rd);
	fclose(in);
	bs_unit_meta_free(&units);
	bs_arena_free(a);
}

static void note_error(const bs_reader *rd, enum bs_record rec, bs_buf *got)
{
	if (rec != BS_REC_RESULT)
		bs_buf_printf(got, "E %s\n", rd->message.s);
}

static void note_count_and_value(const bs_reader *rd, enum bs_record rec, bs_buf *got)
{
	if (rec != BS_REC_RESULT)
		bs_buf_printf(got, "%s\n", rd->message.s);
	else if (rd->result.values[0].value < 0)
		bs_buf_printf(got, "R %lld neg\n", rd->result.iters);
	else
		bs_buf_printf(got, "R %lld %a\n", rd->result.iters, rd->result.values[0].value);
}

/* NUL bytes are found per block of input (input.c), so a result line
 * holding one must be reported wherever it falls: at a block's edge, in a
 * line that crosses one, after lines that held none or another NUL. */
static void test_nul_bytes(void **state)
{
	(void)state;
	uint64_t r = 0x9e3779b97f4a7c15ull;
	bs_buf text = { 0 }, want = { 0 }, got = { 0 };
	bs_buf_add(&want, "", 0);
	for (int line = 1; line <= 6000; line++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		if (r >> 60 == 0) {
			bs_buf_add(&text, "goos: a\0b\n", 10); /* no result: no message */
			line++;
		}
		size_t start = text.len;
		bs_buf_printf(&text, "BenchmarkX%.*s 1 2 x", (int)(r % 40), "0123456789012345678901234567890123456789");
		size_t len = text.len - start;
		if ((r >> 56 & 7) == 0) {
			text.s[start + 10 + (r >> 8) % (len - 10)] = 0;
			bs_buf_printf(&want, "E f.txt:%d: NUL byte in a result line\n", line);
		}
		bs_buf_putc(&text, '\n');
	}
	read_records(&text, &got, note_error);
	assert_string_equal(got.s, want.s);
	bs_buf_free(&text);
	bs_buf_free(&want);
	bs_buf_free(&got);
}

/* Counts and measurements taken in place (benchfmt.c) must read as the
 * full rules read them: strtoull and strtod are the references, over
 * random lengths, leading zeros, points, exponents and separators. */
static void test_numbers_in_place(void **state)
{
	(void)state;
	static const char *const seps[] = { " ", "\t", "  ", " \t", "\xc2\xa0" };
	uint64_t r = 0x243f6a8885a308d3ull;
	bs_buf text = { 0 }, want = { 0 }, got = { 0 };
	bs_buf_add(&want, "", 0);
	for (int line = 1; line <= 20000; line++) {
		char count[32], value[64];
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		int nc = 1 + (int)(r % 21), nv = 1 + (int)((r >> 8) % 18);
		int point = (int)((r >> 16) % (uint64_t)(nv + 1));
		uint64_t d = r;
		for (int k = 0; k < nc; k++, d = d / 10 ? d / 10 : d * 2654435761u + 1)
			count[k] = (char)('0' + (k == 0 && nc > 1 && (r >> 24 & 3) ? 0 : d % 10));
		count[nc] = 0;
		size_t n = 0;
		if (r >> 26 & 1)
			value[n++] = '-';
		for (int k = 0; k < nv; k++, d = d / 10 ? d / 10 : d * 2654435761u + 1) {
			if (k == point && k > 0)
				value[n++] = '.';
			value[n++] = (char)('0' + d % 10);
		}
		if ((r >> 28 & 7) == 0)
			n += (size_t)sprintf(value + n, "e%d", (int)((r >> 32) % 30) - 15);
		value[n] = 0;
		bs_buf_printf(&text, "BenchmarkX%s%s%s%s%sx\n", seps[r >> 40 & 3], count, seps[(r >> 42) % 5],
		              value, seps[(r >> 45) % 5]);
		errno = 0;
		unsigned long long c = strtoull(count, NULL, 10);
		if (errno || c > (unsigned long long)INT64_MAX)
			bs_buf_printf(&want, "f.txt:%d: parsing iteration count: value out of range\n", line);
		else if (c == 0)
			bs_buf_printf(&want, "f.txt:%d: iteration count 0 is not positive\n", line);
		else if (strtod(value, NULL) < 0)
			bs_buf_printf(&want, "R %llu neg\n", c); /* negative x is allowed */
		else
			bs_buf_printf(&want, "R %llu %a\n", c, strtod(value, NULL));
	}
	read_records(&text, &got, note_count_and_value);
	assert_string_equal(got.s, want.s);
	bs_buf_free(&text);
	bs_buf_free(&want);
	bs_buf_free(&got);
}

/* The string map behind interning (util.c): keys of every length up to
 * past two words, differing in one byte anywhere, holding NUL bytes,
 * prefixes of each other; through many doublings of the table, entries
 * keep their place and every key finds its own entry. */
static void test_string_map(void **state)
{
	(void)state;
	enum { LEN = 40, KEYS = (LEN + 1) * (LEN + 1) };
	bs_arena *a = bs_arena_new();
	bs_map m;
	bs_map_init(&m, a);
	static char keys[KEYS][LEN];
	static size_t lens[KEYS];
	static bs_map_ent *ents[KEYS];
	size_t n = 0;
	for (size_t len = 0; len <= LEN; len++)
		for (size_t flip = 0; flip <= len; flip++, n++) {
			memset(keys[n], 0, LEN);                      /* NULs in keys too */
			for (size_t i = 0; i < len; i += 3)
				keys[n][i] = (char)('a' + i % 26);
			if (flip < len)
				keys[n][flip] ^= 0x40;                     /* one byte differs */
			lens[n] = len;
		}
	for (size_t i = 0; i < n; i++) {
		int created = -1;
		ents[i] = bs_map_put(&m, keys[i], lens[i], (long)i, &created);
		assert_int_equal(created, 1);
	}
	for (size_t i = 0; i < n; i++) {
		bs_map_ent *e = bs_map_find(&m, keys[i], lens[i]);
		assert_ptr_equal(e, ents[i]);
		assert_memory_equal(e->key, keys[i], lens[i]);
		assert_int_equal(e->key[lens[i]], 0);
		int created = -1;
		assert_ptr_equal(bs_map_put(&m, keys[i], lens[i], -1, &created), e);
		assert_int_equal(created, 0);
		assert_int_equal(e->value, (long)i);
	}
	assert_int_equal(m.n, n);
	char two[LEN];
	memcpy(two, keys[n - 1], LEN);
	two[0] ^= 0x40, two[LEN - 1] ^= 0x40;              /* two bytes differ: absent */
	assert_null(bs_map_find(&m, two, LEN));
	assert_null(bs_map_find(&m, "zz", 2));
	assert_ptr_equal(bs_intern(&m, "interned", 8), bs_intern(&m, "interned", 8));
	bs_map_free(&m);
	bs_arena_free(a);
}

static void test_decimals_are_strtod(void **state)
{
	uint64_t r = 0x2545f4914f6cdd1dull;
	char text[64];

	(void)state;
	for (int i = 0; i < 300000; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		int digits = 1 + (int)(r % 18);          /* past the fast path's 15 too */
		int point = (int)(r >> 8) % (digits + 1);
		size_t n = 0;
		uint64_t d = r >> 16;
		if (r & 0x100000)
			text[n++] = '-';
		for (int k = 0; k < digits; k++) {
			if (k == point && k > 0)
				text[n++] = '.';
			text[n++] = (char)('0' + (d % 10));
			d = d / 10 ? d / 10 : (d ^ 0x5bd1e995u) * 2654435761u;
		}
		if (r & 0x200000) {
			n += (size_t)sprintf(text + n, "e%d", (int)(r >> 40) % 40 - 20);
		}
		text[n] = 0;
		double got, want = strtod(text, NULL);
		const char *why;
		if (bs_parse_float(text, n, &got, &why) != 0)
			fail_msg("%s: %s", text, why);
		if (memcmp(&got, &want, sizeof got) != 0)
			fail_msg("%s: got %.17g, want %.17g", text, got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_unit_meta),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_decimals_are_strtod),
		cmocka_unit_test(test_line_reader),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_string_map),
		cmocka_unit_test(test_numbers_in_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
