/*
 * benchfmt.c — the Go benchmark data format reader.
 *
 * The format (golang.org/design/14313-benchmark-format) is line based:
 *
 *   goos: linux                         configuration line: a key starting
 *   pkg: example.com/x                  with a lower-case letter, no spaces or
 *                                       upper case, ':', then blanks and the
 *                                       value. An empty value deletes the key.
 *                                       The configuration applies to every
 *                                       result below it in the same file.
 *   BenchmarkCopy/size=4k-8  1000  1234 ns/op  512 B/op  3 allocs/op
 *   ^^^^^^^^^ ^^^^^^^^^^ ^^  ^^^^  ^^^^^^^^^^ ...
 *   prefix    name, subs  P  iterations, then one or more value/unit pairs
 *
 *   Unit ns/op assume=exact better=lower    unit metadata (key=value pairs)
 *
 * Fields are separated by runs of white space. Anything else (PASS, ok,
 * comments) is ignored, as is a lone "BenchmarkX" word (what `go test -v`
 * prints before a result). A result line that starts with "Benchmark" but
 * does not parse is a syntax error "file:line: message"; reading goes on.
 * Values in historical units are tidied as they are read (ns/op -> sec/op,
 * MB/s -> B/s); a value that tidying leaves equal (0 ns/op) keeps its unit,
 * as upstream benchfmt does. A trailing '\r' is dropped from every line.
 */
#include "format/format.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

void bs_unit_meta_init(bs_unit_meta *m, bs_arena *a)
{
	bs_map_init(&m->map, a);
	m->values = NULL;
	m->n = m->cap = 0;
}

void bs_unit_meta_free(bs_unit_meta *m)
{
	bs_map_free(&m->map);
	bs_free(m->values);
	m->values = NULL;
}

static void meta_key(bs_buf *k, const char *tidy_unit, const char *key, size_t keylen)
{
	bs_buf_clear(k);
	bs_buf_puts(k, tidy_unit);
	bs_buf_putc(k, 0);
	bs_buf_add(k, key, keylen);
}

const char *bs_unit_meta_get(const bs_unit_meta *m, const char *unit, const char *key)
{
	bs_buf tidy = { 0 }, k = { 0 };
	bs_unit_tidy(unit, &tidy);
	meta_key(&k, tidy.s, key, strlen(key));
	bs_map_ent *e = bs_map_find(&m->map, k.s, k.len);
	bs_buf_free(&tidy);
	bs_buf_free(&k);
	return e ? m->values[e->value] : NULL;
}

void bs_reader_init(bs_reader *r, bs_map *interns, bs_unit_meta *units)
{
	memset(r, 0, sizeof *r);
	r->interns = interns;
	r->units = units;
}

static void clear_pending(bs_reader *r)
{
	for (size_t i = 0; i < r->npending; i++)
		bs_free(r->pending[i]);
	r->npending = r->pending_pos = 0;
}

void bs_reader_free(bs_reader *r)
{
	clear_pending(r);
	bs_free(r->pending);
	bs_free(r->result.config);
	bs_free(r->result.values);
	bs_lines_free(&r->lines);
	bs_buf_free(&r->message);
	bs_buf_free(&r->tidy);
}

/*
 * Sets (or with value "" deletes) configuration key (interned) of the
 * current result. r->config_pos maps each key's pointer to its position + 1
 * (0: deleted), so a file with thousands of distinct keys costs one probe
 * per line, not a scan of every key so far.
 */
static void set_config(bs_reader *r, const char *key, const char *value, int file)
{
	static unsigned long generations;
	bs_result *res = &r->result;
	res->config_gen = ++generations;
	bs_map_ent *e = bs_map_put(&r->config_pos, (const char *)&key, sizeof key, 0, NULL);
	size_t i = (size_t)e->value;
	if (!value || !*value) {
		/* Upstream deletes by swapping with the last entry; the order
		 * matters because .config fields appear in first-seen order. */
		if (i > 0) {
			bs_config *last = &res->config[res->nconfig - 1];
			res->config[i - 1] = *last;
			bs_map_put(&r->config_pos, (const char *)&last->key, sizeof last->key, 0, NULL)->value =
				(long)i;
			e->value = 0;
			res->nconfig--;
		}
		return;
	}
	if (i == 0) {
		bs_grow(&res->config, &res->config_cap, res->nconfig + 1, sizeof *res->config);
		res->config[res->nconfig++].key = key;
		e->value = (long)res->nconfig;
		i = res->nconfig;
	}
	res->config[i - 1].value = value;
	res->config[i - 1].file = file;
}

const char *bs_result_get_config(const bs_result *res, const char *key)
{
	for (size_t i = 0; i < res->nconfig; i++)
		if (res->config[i].key == key || strcmp(res->config[i].key, key) == 0)
			return res->config[i].value;
	return NULL;
}

void bs_reader_reset(bs_reader *r, FILE *in, const char *file, const char *label)
{
	r->in = in;
	bs_lines_reset(&r->lines, in);
	clear_pending(r);
	r->result.nconfig = 0;
	bs_map_init(&r->config_pos, r->interns->arena);
	r->result.nvalues = 0;
	r->result.file = file;
	r->result.line = 0;
	set_config(r, bs_intern(r->interns, ".file", 5),
	                     bs_intern(r->interns, label, strlen(label)), 0);
}

static int is_space_at(const char *s, size_t n, size_t *w)
{
	uint32_t rune;
	if ((unsigned char)*s < 0x80) {
		*w = 1;
		return *s == ' ' || (*s >= '\t' && *s <= '\r');
	}
	*w = (size_t)bs_utf8_decode((const unsigned char *)s, n, &rune);
	return bs_is_space_rune(rune);
}

/*
 * Reading is dominated by finding where fields end, so each byte is
 * classed by a table: FIELD bytes (printable ASCII, and the ASCII controls
 * that are not white space) continue a field, BLANK bytes (' ', '\t',
 * '\n', '\v', '\f', '\r') separate fields, and a byte of 0x80 or above
 * starts a rune that goes through the full Unicode test. A NUL byte is a
 * field byte here, so these loops are bounded by the length, not by it
 * (the digit loops that take a field in place stop at the line's closing
 * NUL instead: take_count).
 */
enum { FIELD, BLANK, RUNE };
static const unsigned char byte_class[256] = {
	['\t'] = BLANK, ['\n'] = BLANK, ['\v'] = BLANK, ['\f'] = BLANK, ['\r'] = BLANK, [' '] = BLANK,
	[0x80 ... 0xFF] = RUNE,
};

/* The end of the run of Unicode blanks (blank 1) or non-blanks (blank 0)
 * starting at p[i]. */
static size_t skip_runes(const char *p, size_t n, size_t i, int blank)
{
	size_t w;
	while (i < n && is_space_at(p + i, n - i, &w) == blank)
		i += w;
	return i;
}

/* The end of the field starting at p[i]. With SSE2 (every x86-64), 16
 * bytes a step find the first byte below '!' or above 0x7F, where the
 * byte classes take over: fields are short, but the line goes on past
 * them, so one step usually finds the end. */
static size_t skip_field(const char *p, size_t n, size_t i)
{
	const unsigned char *u = (const unsigned char *)p;
#ifdef __SSE2__
	for (const __m128i bang = _mm_set1_epi8('!'); i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
		/* Signed: bytes above 0x7F compare below '!' too. */
		unsigned stop = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, bang));
		if (stop) {
			i += (size_t)__builtin_ctz(stop);
			break;
		}
	}
#endif
	while (i < n && byte_class[u[i]] == FIELD)
		i++;
	if (i < n && byte_class[u[i]] == RUNE)
		i = skip_runes(p, n, i, 0);
	return i;
}

static size_t skip_blanks(const char *p, size_t n, size_t i)
{
	const unsigned char *u = (const unsigned char *)p;
	while (i < n && byte_class[u[i]] == BLANK)
		i++;
	if (i < n && byte_class[u[i]] == RUNE)
		i = skip_runes(p, n, i, 1);
	return i;
}

/* Splits off the first field of s[0..*n) and skips the blanks after it. */
static inline size_t split_field(const char **s, size_t *n, const char **field)
{
	const char *p = *s;
	size_t flen = skip_field(p, *n, 0), i = skip_blanks(p, *n, flen);
	*field = p;
	*s = p + i;
	*n -= i;
	return flen;
}

static void syntax_error(bs_reader *r, const char *msg)
{
	bs_buf_clear(&r->message);
	bs_buf_printf(&r->message, "%s:%ld: %s", r->result.file, r->result.line, msg);
}

int bs_parse_int(const char *s, size_t n, long long *out, const char **err)
{
	size_t i = 0;
	int neg = 0;
	unsigned long long v = 0, limit;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	limit = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	if (i == n)
		goto syntax;
	/* 18 digits cannot overflow: the division is only needed past them. */
	for (size_t easy = i + 18 < n ? i + 18 : n; i < easy; i++) {
		unsigned d = (unsigned char)s[i] - (unsigned)'0';
		if (d > 9)
			goto syntax;
		v = v * 10 + d;
	}
	for (; i < n; i++) {
		unsigned d = (unsigned char)s[i] - (unsigned)'0';
		if (d > 9)
			goto syntax;
		if (v > (limit - d) / 10) {
			/* Go reports range only once the whole text is digits. */
			for (i++; i < n; i++)
				if (s[i] < '0' || s[i] > '9')
					goto syntax;
			*err = "value out of range";
			return -1;
		}
		v = v * 10 + d;
	}
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 0;
syntax:
	*err = "invalid syntax";
	return -1;
}

static int digits(const char *s, size_t n, size_t *i, int hex)
{
	size_t start = *i;
	while (*i < n && (hex ? strchr("0123456789abcdefABCDEF", s[*i]) != NULL && s[*i]
	                      : (s[*i] >= '0' && s[*i] <= '9')))
		(*i)++;
	return *i > start;
}

/* Go's ParseFloat grammar, checked before strtod so that strtod's extras
 * (leading blanks, "nan(...)", hex without exponent) are rejected. */
static int go_float_syntax(const char *s, size_t n, int *special)
{
	size_t i = 0;
	*special = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	size_t rest = n - i;
	if ((rest == 3 && (!strncasecmp(s + i, "inf", 3) || !strncasecmp(s + i, "nan", 3))) ||
	    (rest == 8 && !strncasecmp(s + i, "infinity", 8))) {
		*special = 1;
		return 1;
	}
	int hex = rest > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
	if (hex)
		i += 2;
	int any = digits(s, n, &i, hex);
	if (i < n && s[i] == '.') {
		i++;
		any |= digits(s, n, &i, hex);
	}
	if (!any)
		return 0;
	if (i < n && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!digits(s, n, &i, 0))
			return 0;
	} else if (hex) {
		return 0;
	}
	return i == n;
}

/*
 * Clinger's fast path for plain decimals ([+-]digits[.digits], at most 15
 * digits), the shape nearly every measurement has: the digits as an
 * integer and the power of ten are both exact doubles, so one IEEE
 * division gives the correctly rounded value, the same double strtod
 * returns, at a fraction of its cost. That needs plain double arithmetic
 * (no wider intermediate to round twice). Returns how many bytes of s the
 * decimal takes (the reader checks what follows), or 0 when s does not
 * start with one this path can take.
 */
static inline size_t plain_decimal(const char *s, size_t n, double *out, int nul_after)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	                                1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	/* With nul_after, s[n] is a NUL that ends every loop below, so they
	 * need not check the bound (the reader's lines end so). */
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	uint64_t m = 0; /* wraps harmlessly past 19 digits: rejected below */
	unsigned d;
	int neg = 0;
	if ((nul_after || p < end) && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	const unsigned char *digits = p;
	for (; (nul_after || p < end) && (d = *p - (unsigned)'0') <= 9; p++)
		m = m * 10 + d;
	size_t ndigits = (size_t)(p - digits), nfrac = 0;
	if ((nul_after || p < end) && *p == '.') {
		const unsigned char *frac = ++p;
		for (; (nul_after || p < end) && (d = *p - (unsigned)'0') <= 9; p++)
			m = m * 10 + d;
		nfrac = (size_t)(p - frac);
		ndigits += nfrac;
	}
	if (ndigits == 0 || ndigits > 15 || FLT_EVAL_METHOD != 0)
		return 0;
	double v = (double)m / pow10[nfrac];
	*out = neg ? -v : v;
	return (size_t)(p - (const unsigned char *)s);
}

int bs_parse_float(const char *s, size_t n, double *out, const char **err)
{
	double plain;
	if (n > 0 && plain_decimal(s, n, &plain, 0) == n) {
		*out = plain;
		return 0;
	}
	int special;
	if (!go_float_syntax(s, n, &special)) {
		*err = "invalid syntax";
		return -1;
	}
	char stack[64], *copy = n < sizeof stack ? stack : bs_xrealloc(NULL, n + 1);
	memcpy(copy, s, n);
	copy[n] = 0;
	errno = 0;
	double v = strtod(copy, NULL);
	int range = !special && isinf(v);
	if (copy != stack)
		bs_free(copy);
	if (range) {
		*err = "value out of range";
		return -1;
	}
	*out = v;
	return 0;
}

static const char *intern_n(bs_reader *r, const char *s, size_t n)
{
	return bs_intern(r->interns, s, n);
}

/*
 * Whether s[0..n) starts with the memo's unit. Units are a few bytes
 * long, so they are compared a word at a time: the memo keeps the first
 * 8 bytes (masked to the unit's length) and, past 8, the last 8. Every
 * load stays inside s[0..n).
 */
static int starts_with_unit(const bs_unit_memo *m, const char *s, size_t n)
{
	size_t len = m->len;
	uint64_t w;
	if (len > n)
		return 0;
	if (n < 8 || len > 16) {
		for (size_t i = 0; i < len; i++)
			if (m->unit[i] != s[i])
				return 0;
		return 1;
	}
	memcpy(&w, s, 8);
	if ((w & m->head_mask) != m->head)
		return 0;
	if (len <= 8)
		return 1;
	memcpy(&w, s + len - 8, 8);
	return w == m->tail;
}

/* Fills the memo's words for starts_with_unit. */
static void memo_words(bs_unit_memo *m)
{
	size_t len = m->len, head = len < 8 ? len : 8;
	m->head = m->tail = 0;
	memcpy(&m->head, m->unit, head);
	m->head_mask = 0;
	memset(&m->head_mask, 0xff, head);
	if (len > 8 && len <= 16)
		memcpy(&m->tail, m->unit + len - 8, 8);
}

/* When s[0..n) starts with a field of exactly len bytes (a blank or the
 * end follows), where the next field starts; else 0. So a field found in
 * place need not be split again. */
static inline size_t field_end(const char *s, size_t n, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	if (len == 0 || len > n)
		return 0;
	if (len == n)
		return n;
	if (byte_class[u[len]] != BLANK)
		return 0;
	if (len + 1 < n && byte_class[u[len + 1]] == FIELD)
		return len + 1;
	return skip_blanks(s, n, len);
}

/*
 * The unit of the value at position i, split off *s: its interned and
 * tidied forms, memoized by position. The memo's bytes are compared where
 * they stand in the line, so a repeated unit is neither split nor
 * interned again; a unit that fits no memo is split as any field.
 * Returns NULL when the line has no field left.
 */
static const bs_unit_memo *take_unit(bs_reader *r, size_t i, const char **s, size_t *n)
{
	bs_unit_memo *m = i < BS_UNIT_MEMOS ? &r->unit_cache[i] : &r->unit_spare;
	const char *unit = *s;
	size_t ulen = m->len;
	size_t skip;
	if (m->unit && (skip = field_end(unit, *n, ulen)) > 0 && starts_with_unit(m, unit, *n)) {
		*s += skip;
		*n -= skip;
		return m;
	}
	ulen = split_field(s, n, &unit);
	if (ulen == 0)
		return NULL;
	m->unit = intern_n(r, unit, ulen);
	m->len = ulen;
	memo_words(m);
	m->factor = bs_unit_tidy(m->unit, &r->tidy);
	m->tidy = intern_n(r, r->tidy.s, r->tidy.len);
	return m;
}

static void add_value(bs_reader *r, double val, const bs_unit_memo *m)
{
	bs_result *res = &r->result;
	double tv = val * m->factor;
	bs_grow(&res->values, &res->values_cap, res->nvalues + 1, sizeof *res->values);
	bs_value *v = &res->values[res->nvalues++];
	/* Written as != so a NaN value counts as changed, as upstream's == does. */
	if (!(tv != val))
		*v = (bs_value){ val, m->unit, NULL, 0 };
	else
		*v = (bs_value){ tv, m->tidy, m->unit, val };
}

/*
 * Splits the iteration count off *s into *iters: digits alone, as go test
 * writes them, are taken where they stand (at most 18 cannot overflow);
 * anything else is split as a field and parsed by the full rules. Returns
 * the field's length (0: none), or -1 with the message in r->message.
 * Here and in take_value, (*s)[*n] is the NUL that ends the line (the
 * line reader ends every line so), which bounds the digit loops.
 */
static long take_count(bs_reader *r, const char **s, size_t *n, long long *iters)
{
	const char *p = *s, *f, *err;
	const unsigned char *q = (const unsigned char *)p;
	unsigned long long v = 0; /* wraps past 19 digits: then k is too big */
	for (unsigned d; (d = *q - (unsigned)'0') <= 9; q++)
		v = v * 10 + d;
	size_t k = (size_t)(q - (const unsigned char *)p), skip = k <= 18 ? field_end(p, *n, k) : 0;
	if (skip > 0) {
		*s += skip;
		*n -= skip;
		*iters = (long long)v;
		return (long)k;
	}
	size_t flen = split_field(s, n, &f);
	if (flen == 0)
		return 0;
	if (bs_parse_int(f, flen, iters, &err) < 0) {
		bs_buf tmp = { 0 };
		bs_buf_printf(&tmp, "parsing iteration count: %s", err);
		syntax_error(r, tmp.s);
		bs_buf_free(&tmp);
		return -1;
	}
	return (long)flen;
}

/* Splits a measurement off *s into *val, plain decimals where they stand
 * (as take_count). Returns 0, or -1 with the message in r->message; *f
 * and *flen get the field. */
static int take_value(bs_reader *r, const char **s, size_t *n, double *val, const char **f,
                      size_t *flen)
{
	const char *err;
	size_t k = plain_decimal(*s, *n, val, 1), skip = field_end(*s, *n, k);
	if (skip > 0) {
		*f = *s;
		*flen = k;
		*s += skip;
		*n -= skip;
		return 0;
	}
	*flen = split_field(s, n, f);
	if (bs_parse_float(*f, *flen, val, &err) < 0) {
		bs_buf tmp = { 0 };
		bs_buf_printf(&tmp, "parsing measurement: %s", err);
		syntax_error(r, tmp.s);
		bs_buf_free(&tmp);
		return -1;
	}
	return 0;
}

/* Time, bytes and allocations per op count something; custom units (a
 * change, a score) may well be negative. Tidied units are interned, but
 * compared as text so the reader needs no table of them. */
static int cannot_be_negative(const char *tidy_unit)
{
	return strcmp(tidy_unit, "sec/op") == 0 || strcmp(tidy_unit, "B/op") == 0 ||
	       strcmp(tidy_unit, "allocs/op") == 0;
}

/* Whether the last value's unit came earlier in the result. Upstream keeps
 * both values as two samples of one run; the gate must not (a second B/op
 * would double a run's weight), so under strict reading it is an error.
 * Units are interned after tidying, so ns/op and sec/op are one. */
static int unit_repeated(const bs_result *res)
{
	const char *last = res->values[res->nvalues - 1].unit;
	for (size_t i = 0; i + 1 < res->nvalues; i++)
		if (res->values[i].unit == last)
			return 1;
	return 0;
}

/* 0: a result; 1: not a result (ignore); -1: syntax error in r->message. */
static int parse_result(bs_reader *r, const char *line, size_t n)
{
	bs_result *res = &r->result;
	const char *f;
	line += 9, n -= 9; /* "Benchmark" */
	size_t linelen = n;
	size_t flen = split_field(&line, &n, &f);
	if (n == 0 && flen == linelen)
		return 1;
	/* C strings end at NUL: a name or unit holding one would be cut.
	 * The line reader knows ("Benchmark" itself holds none). */
	if (r->lines.has_nul)
		return syntax_error(r, "NUL byte in a result line"), -1;
	if (r->strict && !r->lines.terminated)
		return syntax_error(r, "truncated result line (no newline at the end of the input)"), -1;
	bs_map_ent *name = bs_map_put(r->interns, f, flen, (long)r->interns->n, NULL);
	res->name = name->key;
	res->name_len = flen;
	res->name_id = (size_t)name->value + 1;
	long count = take_count(r, &line, &n, &res->iters);
	if (count < 0)
		return -1;
	if (count == 0)
		return syntax_error(r, "missing iteration count"), -1;
	if (res->iters <= 0) {
		bs_buf tmp = { 0 };
		bs_buf_printf(&tmp, "iteration count %lld is not positive", res->iters);
		syntax_error(r, tmp.s);
		bs_buf_free(&tmp);
		return -1;
	}
	res->nvalues = 0;
	for (;;) {
		if (n == 0) {
			if (res->nvalues > 0)
				return 0;
			return syntax_error(r, "missing measurements"), -1;
		}
		double val;
		if (take_value(r, &line, &n, &val, &f, &flen) < 0)
			return -1;
		const char *unit = line;
		const bs_unit_memo *m = take_unit(r, res->nvalues, &line, &n);
		if (!m)
			return syntax_error(r, "missing units"), -1;
		size_t ulen = m->len;
		add_value(r, val, m);
		if (r->strict && unit_repeated(res)) {
			bs_buf tmp = { 0 };
			bs_buf_printf(&tmp, "unit %.*s given twice", (int)ulen, unit);
			syntax_error(r, tmp.s);
			bs_buf_free(&tmp);
			return -1;
		}
		if (val < 0 && cannot_be_negative(res->values[res->nvalues - 1].unit)) {
			bs_buf tmp = { 0 };
			bs_buf_printf(&tmp, "negative %.*s (%.*s): no benchmark measures that", (int)ulen, unit,
			              (int)flen, f);
			syntax_error(r, tmp.s);
			bs_buf_free(&tmp);
			return -1;
		}
	}
}

static char *heap_copy(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(bs_xrealloc(NULL, n), s, n);
}

static void queue_error(bs_reader *r, const char *msg)
{
	syntax_error(r, msg);
	bs_grow(&r->pending, &r->pending_cap, r->npending + 1, sizeof *r->pending);
	r->pending[r->npending++] = heap_copy(r->message.s);
}

static void parse_unit_line(bs_reader *r, const char *line, size_t n)
{
	const char *f;
	size_t flen = split_field(&line, &n, &f);
	if (flen == 0) {
		queue_error(r, "missing unit");
		return;
	}
	const char *unit = intern_n(r, f, flen);
	bs_unit_tidy(unit, &r->tidy);
	const char *tidy = r->tidy.s;
	bs_buf key = { 0 };
	while ((flen = split_field(&line, &n, &f)) > 0) {
		const char *eq = memchr(f, '=', flen);
		if (!eq || eq == f) {
			queue_error(r, "expected key=value");
			continue;
		}
		meta_key(&key, tidy, f, (size_t)(eq - f));
		const char *value = intern_n(r, eq + 1, flen - (size_t)(eq - f) - 1);
		int created;
		bs_map_ent *e = bs_map_put(&r->units->map, key.s, key.len, (long)r->units->n, &created);
		if (!created) {
			const char *have = r->units->values[e->value];
			if (have != value) {
				bs_buf msg = { 0 };
				bs_buf_printf(&msg, "metadata %.*s of unit %s already set to %s",
				              (int)(eq - f), f, unit, have);
				queue_error(r, msg.s);
				bs_buf_free(&msg);
			}
			continue;
		}
		bs_grow(&r->units->values, &r->units->cap, r->units->n + 1, sizeof *r->units->values);
		r->units->values[r->units->n++] = value;
	}
	bs_buf_free(&key);
}

/* Go's unicode.IsLower/IsUpper, for ASCII; other letters are treated as
 * neither (a key starting with one is not a key). */
static int parse_config_line(bs_reader *r, const char *line, size_t n)
{
	size_t i = 0, w;
	if (n == 0 || !(line[0] >= 'a' && line[0] <= 'z'))
		return 0;
	while (i < n && line[i] != ':') {
		if (is_space_at(line + i, n - i, &w) || (line[i] >= 'A' && line[i] <= 'Z'))
			return 0;
		i += w;
	}
	if (i == n)
		return 0;
	const char *key = intern_n(r, line, i);
	const char *val = line + i + 1;
	size_t vlen = n - i - 1;
	if (vlen > 0) {
		if (*val != ' ' && *val != '\t')
			return 0;
		while (vlen > 0 && (*val == ' ' || *val == '\t'))
			val++, vlen--;
	}
	set_config(r, key, vlen ? intern_n(r, val, vlen) : "", 1);
	return 1;
}

enum bs_record bs_reader_next(bs_reader *r)
{
	if (r->pending_pos < r->npending) {
		bs_buf_clear(&r->message);
		bs_buf_puts(&r->message, r->pending[r->pending_pos++]);
		return BS_REC_SYNTAX;
	}
	clear_pending(r);
	if (!r->in)
		return BS_REC_EOF;
	int got;
	while ((got = bs_lines_next(&r->lines)) > 0) {
		const char *line = r->lines.line;
		size_t n = r->lines.len;
		r->result.line++;
		/* Upstream keeps a byte order mark as part of the first line, so
		 * "goos:" becomes another key and a first result is dropped
		 * unseen. The gate reads inputs whole or not at all. */
		if (r->strict && r->result.line == 1 && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			syntax_error(r, "UTF-8 byte order mark at the start of the input: remove it");
			return BS_REC_SYNTAX;
		}
		if (n >= 9 && memcmp(line, "Benchmark", 9) == 0) {
			int rc = parse_result(r, line, n);
			if (rc == 0)
				return BS_REC_RESULT;
			if (rc < 0)
				return BS_REC_SYNTAX;
			continue;
		}
		if (n >= 4 && line[0] == 'U') {
			const char *rest = line, *f;
			size_t rn = n;
			if (split_field(&rest, &rn, &f) == 4 && memcmp(f, "Unit", 4) == 0) {
				parse_unit_line(r, rest, rn);
				if (r->npending)
					return bs_reader_next(r);
				continue;
			}
		}
		parse_config_line(r, line, n);
	}
	if (got < 0) {
		int e = r->lines.err;
		bs_buf_clear(&r->message);
		if (e == EFBIG)
			bs_buf_printf(&r->message, "%s:%ld: read error: line longer than %zu MiB",
			              r->result.file, r->result.line + 1, BS_LINE_MAX >> 20);
		else
			bs_buf_printf(&r->message, "%s:%ld: read error: %s", r->result.file,
			              r->result.line + 1, strerror(e));
		r->in = NULL;
		return BS_REC_IOERR;
	}
	r->in = NULL;
	return BS_REC_EOF;
}

size_t bs_name_procs_at(const char *name, size_t len)
{
	/* "-" then at least one digit, at the very end. */
	for (size_t i = len; i-- > 0;) {
		if (name[i] == '-' && i < len - 1)
			return i;
		if (!(name[i] >= '0' && name[i] <= '9'))
			break;
	}
	return len;
}

size_t bs_name_base_len(const char *name, size_t len)
{
	const char *slash = memchr(name, '/', len);
	return slash ? (size_t)(slash - name) : bs_name_procs_at(name, len);
}

size_t bs_name_parts(const char *name, size_t len, bs_name_part *base,
                     bs_name_part *parts, size_t max)
{
	size_t end = bs_name_procs_at(name, len), nparts = 0;
	size_t prev = 0;
	int first = 1;
	for (size_t i = 0; i <= end; i++) {
		if (i < end && name[i] != '/')
			continue;
		if (first) {
			*base = (bs_name_part){ name, i };
			first = 0;
		} else {
			if (nparts < max)
				parts[nparts] = (bs_name_part){ name + prev, i - prev };
			nparts++;
		}
		prev = i;
	}
	if (end < len) {
		if (nparts < max)
			parts[nparts] = (bs_name_part){ name + end, len - end };
		nparts++;
	}
	return nparts;
}
