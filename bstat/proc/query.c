/*
 * query.c — tokenizer and parsers for filter and projection expressions,
 * the syntax of golang.org/x/perf/benchproc/syntax:
 *
 *   filter:     expr    = andExpr {"OR" andExpr}
 *               andExpr = match {["AND"] match}
 *               match   = "(" expr ")" | "-" match | "*"
 *                       | key ":" value | key ":" "(" value {"OR" value} ")"
 *               value   = word | "/" regexp "/"
 *   projection: expr    = part {[","] part}
 *               part    = key | key "@" order | key "@" "(" word {word} ")"
 *   word        = bare word [^-*"():@,][^ ():@,]* or a Go double-quoted string
 *
 * The tokenizer is a value (remaining text + shared error slot), so the
 * parsers can peek a token and only commit by keeping the new tokenizer.
 * Only the first error is kept, with its byte offset. Regexps are POSIX
 * extended (Go uses RE2; common expressions behave the same).
 */
#include "proc/proc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct errslot {
	const char *orig;
	size_t orig_len;
	int set, off;
	bs_buf msg;
} errslot;

typedef struct tokz {
	const char *q;
	size_t n;
	errslot *e;
	bs_arena *a;
	bs_regex_list *res;
} tokz;

typedef struct tok {
	char kind;          /* 0 end, w word, q quoted, r regexp, A AND, O OR, or an op char */
	int off;
	const char *text;
	regex_t *re;
} tok;

void bs_regex_list_free(bs_regex_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		regfree(l->items[i]);
		bs_free(l->items[i]);
	}
	bs_free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

void bs_query_error(bs_buf *err, const char *q, int off, const char *msg)
{
	/* The caret column counts graphic runes before the offset. */
	size_t n = strlen(q), col = 0;
	uint32_t r;
	for (size_t i = 0; i < n && (int)i < off;) {
		i += (size_t)bs_utf8_decode((const unsigned char *)q + i, n - i, &r);
		if (r >= 0x20 && r != 0x7F && !(r >= 0x80 && r < 0xA0))
			col++;
	}
	bs_buf_clear(err);
	bs_buf_printf(err, "syntax error: %s\n\t%s\n\t%*s^", msg, q, (int)col, "");
}

static int is_op(char c)
{
	return c == '(' || c == ')' || c == ':' || c == '@' || c == ',';
}

static int is_start_op(char c)
{
	return is_op(c) || c == '-' || c == '*';
}

static size_t space_len(const char *q, size_t n)
{
	uint32_t r;
	int w = bs_utf8_decode((const unsigned char *)q, n, &r);
	return bs_is_space_rune(r) ? (size_t)w : 0;
}

static tok mktok(tokz *t, char kind, const char *text, size_t len, size_t rest_from, tokz *next)
{
	tok k = { kind, (int)(t->e->orig_len - t->n), bs_strndup(t->a, text, len), NULL };
	*next = *t;
	next->q = t->q + rest_from;
	next->n = t->n - rest_from;
	return k;
}

static tok error_at(tokz *t, const char *msg, tokz *next)
{
	if (!t->e->set) {
		t->e->set = 1;
		t->e->off = (int)(t->e->orig_len - t->n);
		bs_buf_puts(&t->e->msg, msg);
	}
	return mktok(t, 0, "", 0, t->n, next);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_rune(bs_buf *b, uint32_t r)
{
	char u[4];
	if (r < 0x80) {
		bs_buf_putc(b, (char)r);
		return;
	}
	if (r < 0x800) {
		u[0] = (char)(0xC0 | r >> 6), u[1] = (char)(0x80 | (r & 0x3F));
		bs_buf_add(b, u, 2);
	} else if (r < 0x10000) {
		u[0] = (char)(0xE0 | r >> 12), u[1] = (char)(0x80 | (r >> 6 & 0x3F));
		u[2] = (char)(0x80 | (r & 0x3F));
		bs_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | r >> 18), u[1] = (char)(0x80 | (r >> 12 & 0x3F));
		u[2] = (char)(0x80 | (r >> 6 & 0x3F)), u[3] = (char)(0x80 | (r & 0x3F));
		bs_buf_add(b, u, 4);
	}
}

/* Go's strconv.Unquote for a double-quoted string s[0..n) (quotes included). */
static int unquote(const char *s, size_t n, bs_buf *out)
{
	for (size_t i = 1; i + 1 < n;) {
		char c = s[i];
		if (c == '\n')
			return -1;
		if (c != '\\') {
			bs_buf_putc(out, c);
			i++;
			continue;
		}
		if (i + 2 >= n)
			return -1;
		char e = s[i + 1];
		static const char esc[] = "abfnrtv\\\"", map[] = "\a\b\f\n\r\t\v\\\"";
		const char *simple = e ? strchr(esc, e) : NULL;
		if (simple) {
			bs_buf_putc(out, map[simple - esc]);
			i += 2;
			continue;
		}
		int octal = e >= '0' && e <= '7';
		int digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : octal ? 3 : 0;
		size_t start = octal ? i + 1 : i + 2;
		if (!digits || start + (size_t)digits > n - 1)
			return -1;
		uint32_t v = 0;
		for (size_t d = start; d < start + (size_t)digits; d++) {
			int h = octal ? (s[d] >= '0' && s[d] <= '7' ? s[d] - '0' : -1) : hexval(s[d]);
			if (h < 0)
				return -1;
			v = v * (octal ? 8u : 16u) + (uint32_t)h;
		}
		if (e == 'x' || octal) {
			if (v > 255)
				return -1;
			bs_buf_putc(out, (char)v);
		} else {
			if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
				return -1;
			put_rune(out, v);
		}
		i = start + (size_t)digits;
	}
	if (!out->s)
		bs_buf_add(out, "", 0);
	return 0;
}

static tok quoted_word(tokz *t, tokz *next)
{
	size_t pos = 1;
	while (pos < t->n && (t->q[pos] != '"' || t->q[pos - 1] == '\\'))
		pos++;
	if (pos == t->n)
		return error_at(t, "missing end quote", next);
	bs_buf word = { 0 };
	if (unquote(t->q, pos + 1, &word) < 0) {
		bs_buf_free(&word);
		return error_at(t, "bad escape sequence", next);
	}
	tok k = mktok(t, 'q', word.s, word.len, pos + 1, next);
	bs_buf_free(&word);
	return k;
}

static tok bare_word(tokz *t, tokz *next)
{
	size_t end = 0;
	while (end < t->n && !is_op(t->q[end])) {
		size_t sp = space_len(t->q + end, t->n - end);
		if (sp)
			break;
		uint32_t r;
		end += (size_t)bs_utf8_decode((const unsigned char *)t->q + end, t->n - end, &r);
	}
	char kind = 'w';
	if (end == 3 && memcmp(t->q, "AND", 3) == 0)
		kind = 'A';
	else if (end == 2 && memcmp(t->q, "OR", 2) == 0)
		kind = 'O';
	return mktok(t, kind, t->q, end, end, next);
}

/*
 * glibc's regcomp copies the tree for each repetition, so nested repeats
 * ("(a+)+++", "(a{1000}){1000}") can take gigabytes. Go's RE2 rejects
 * the same expressions; so do we, with its messages: a repetition right
 * after another (a lazy "?" aside), counts above 1000, and counted repeats
 * whose counts multiply past 1000. Returns NULL or the message.
 */
static const char *repeat_problem(const char *s, size_t n, char *msg, size_t size)
{
	int prev_rep = 0, lazy_ok = 0;
	double product = 1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\') {
			i++, prev_rep = 0;
		} else if (c == '[') {
			size_t j = i + 1;
			if (j < n && s[j] == '^')
				j++;
			if (j < n && s[j] == ']')
				j++;
			while (j < n && s[j] != ']')
				j++;
			i = j, prev_rep = 0;
		} else if (c == '*' || c == '+' || c == '?') {
			if (prev_rep && !(c == '?' && lazy_ok)) {
				snprintf(msg, size, "error parsing regexp: invalid nested repetition operator: `%.*s`",
				         2, s + i - 1);
				return msg;
			}
			lazy_ok = !prev_rep;
			prev_rep = 1;
		} else if (c == '{' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
			size_t j = i + 1;
			double count = 0, max = 0;
			for (; j < n && ((s[j] >= '0' && s[j] <= '9') || s[j] == ','); j++) {
				count = s[j] == ',' ? 0 : count * 10 + (s[j] - '0');
				if (count > max)
					max = count;
			}
			if (j == n || s[j] != '}') {
				prev_rep = 0;
				continue;
			}
			if (prev_rep || max > 1000) {
				snprintf(msg, size, "error parsing regexp: %s: `%.*s`",
				         prev_rep ? "invalid nested repetition operator" : "invalid repeat count",
				         (int)(j + 1 - i), s + i);
				return msg;
			}
			product *= max > 1 ? max : 1;
			if (product > 1000) {
				snprintf(msg, size, "error parsing regexp: expression too large");
				return msg;
			}
			i = j, prev_rep = 1, lazy_ok = 1;
		} else {
			prev_rep = 0;
		}
	}
	return NULL;
}

/* GNU regcomp knows \w, \s and \b but not RE2's \d; spell it out (outside
 * bracket expressions, where it is most used). */
static const char *posix_digits(bs_arena *a, const char *expr)
{
	if (!strstr(expr, "\\d") && !strstr(expr, "\\D"))
		return expr;
	bs_buf b = { 0 };
	int in_class = 0;
	for (const char *p = expr; *p; p++) {
		if (!in_class && p[0] == '\\' && (p[1] == 'd' || p[1] == 'D')) {
			bs_buf_puts(&b, p[1] == 'd' ? "[0-9]" : "[^0-9]");
			p++;
			continue;
		}
		if (!in_class && p[0] == '\\' && p[1]) {
			bs_buf_add(&b, p, 2);
			p++;
			continue;
		}
		if (p[0] == '[')
			in_class = 1;
		else if (p[0] == ']')
			in_class = 0;
		bs_buf_putc(&b, *p);
	}
	const char *out = bs_strdup(a, b.s ? b.s : "");
	bs_buf_free(&b);
	return out;
}

static tok regexp_tok(tokz *t, tokz *next)
{
	const char *s = t->q + 1;
	size_t n = t->n - 1, i = 0;
	int cs = 0, cp = 0, found = 0;
	while (i < n) {
		if (cs == 0 && cp == 0 && s[i] == '/') {
			found = 1;
			break;
		}
		switch (s[i]) {
		case '[': cs++; break;
		case ']': if (--cs < 0) cs = 0; break; /* an unmatched ']' is literal */
		case '(': if (cs == 0) cp++; break;
		case ')': if (cs == 0) cp--; break;
		case '\\': i++; break;
		}
		i++;
	}
	if (!found)
		return error_at(t, "missing close \"/\"", next);
	char *expr = bs_strndup(t->a, s, i), why[160];
	if (repeat_problem(expr, i, why, sizeof why))
		return error_at(t, why, next);
	/* Everything that allocates comes first: once regcomp has succeeded,
	 * nothing may run out of memory before the list holds the regexp
	 * (which is what the out-of-memory cleanup regfrees). */
	bs_grow(&t->res->items, &t->res->cap, t->res->n + 1, sizeof *t->res->items);
	const char *pattern = posix_digits(t->a, expr);
	regex_t *re = bs_xrealloc(NULL, sizeof *re);
	int rc = regcomp(re, pattern, REG_EXTENDED);
	if (rc != 0) {
		char msg[256], full[300];
		regerror(rc, re, msg, sizeof msg);
		bs_free(re);
		snprintf(full, sizeof full, "error parsing regexp: %s", msg);
		return error_at(t, full, next);
	}
	t->res->items[t->res->n++] = re;
	size_t after = 1 + i + 1; /* offset of the text after the closing '/' */
	if (after < t->n && !space_len(t->q + after, t->n - after) && !is_start_op(t->q[after])) {
		tokz at = *t;
		at.q = t->q + after;
		at.n = t->n - after;
		return error_at(&at, "regexp must be followed by space or an operator (unescaped \"/\"?)", next);
	}
	tok k = mktok(t, 'r', expr, i, after, next);
	k.re = re;
	return k;
}

static tok next_tok(tokz *t, int allow_regexp, tokz *next)
{
	/* Leading blanks are consumed from *t itself, as upstream's pointer
	 * receiver does: an error reported at t then points past them. */
	while (t->n > 0) {
		size_t sp;
		if (is_start_op(t->q[0]))
			return mktok(t, t->q[0], t->q, 1, 1, next);
		else if ((sp = space_len(t->q, t->n)) > 0)
			t->q += sp, t->n -= sp;
		else if (allow_regexp && t->q[0] == '/')
			return regexp_tok(t, next);
		else if (t->q[0] == '"')
			return quoted_word(t, next);
		else
			return bare_word(t, next);
	}
	return mktok(t, 0, "", 0, 0, next);
}

static tok key_or_op(tokz *t, tokz *next) { return next_tok(t, 0, next); }
static tok value_or_op(tokz *t, tokz *next) { return next_tok(t, 1, next); }

static void end_check(tokz *t)
{
	tokz n;
	tok k = key_or_op(t, &n);
	if (k.kind != 0) {
		bs_buf m = { 0 };
		bs_buf_printf(&m, "unexpected \"%s\"", k.text);
		error_at(t, m.s, &n);
		bs_buf_free(&m);
	}
}

static bs_qnode *node(tokz *t, enum bs_qop op)
{
	bs_qnode *q = bs_alloc(t->a, sizeof *q);
	q->op = op;
	return q;
}

static void add_sub(tokz *t, bs_qnode *q, size_t *cap, bs_qnode *sub)
{
	bs_agrow(t->a, &q->subs, cap, q->nsubs + 1, sizeof *q->subs);
	q->subs[q->nsubs++] = sub;
}

static bs_qnode *parse_expr(tokz *t, tokz *out);

static bs_qnode *mk_match(tokz *t, int off, const char *key, tok val)
{
	bs_qnode *q = node(t, BS_Q_MATCH);
	q->key = key;
	q->off = off;
	if (val.kind == 'r')
		q->re = val.re;
	else
		q->lit = val.text;
	return q;
}

static bs_qnode *fail(tokz *t, const char *msg, tokz *out)
{
	error_at(t, msg, out);
	return NULL;
}

static bs_qnode *parse_match(tokz *start, tokz *out)
{
	tokz rest, t2;
	tok k = key_or_op(start, &rest);
	switch (k.kind) {
	case '(': {
		bs_qnode *q = parse_expr(&rest, &rest);
		tok op = key_or_op(&rest, &t2);
		if (op.kind != ')')
			return fail(&rest, "missing \")\"", out);
		*out = t2;
		return q;
	}
	case '-': {
		bs_qnode *q = node(start, BS_Q_NOT);
		size_t cap = 0;
		add_sub(start, q, &cap, parse_match(&rest, out));
		return q;
	}
	case '*':
		*out = rest;
		return node(start, BS_Q_AND);
	case 'w':
	case 'q': {
		tok op = key_or_op(&rest, &t2);
		if (op.kind != ':')
			return fail(start, "expected key:value", out);
		rest = t2;
		tok val = value_or_op(&rest, &t2);
		if (val.kind == 'w' || val.kind == 'q' || val.kind == 'r') {
			*out = t2;
			return mk_match(start, k.off, k.text, val);
		}
		if (val.kind != '(')
			return fail(start, "expected key:value", out);
		rest = t2;
		bs_qnode *q = node(start, BS_Q_OR);
		size_t cap = 0;
		for (;;) {
			val = value_or_op(&rest, &t2);
			if (!(val.kind == 'w' || val.kind == 'q' || val.kind == 'r'))
				return fail(&rest, "expected value", out);
			add_sub(start, q, &cap, mk_match(start, k.off, k.text, val));
			rest = t2;
			val = value_or_op(&rest, &t2);
			if (val.kind == ')') {
				*out = t2;
				return q;
			}
			if (val.kind != 'O')
				return fail(&rest, "value list must be separated by OR", out);
			rest = t2;
		}
	}
	}
	return fail(start, "expected key:value or subexpression", out);
}

static bs_qnode *parse_and(tokz *t, tokz *out)
{
	tokz cur, t2;
	bs_qnode *first = parse_match(t, &cur), *q = NULL;
	size_t cap = 0;
	for (;;) {
		tok op = key_or_op(&cur, &t2);
		if (op.kind == 'A') {
			cur = t2;
			continue;
		}
		if (op.kind == ')' || op.kind == 'O' || op.kind == 0)
			break;
		if (!strchr("(-*wq", op.kind)) {
			bs_buf m = { 0 };
			bs_buf_printf(&m, "unexpected \"%s\"", op.text);
			fail(&cur, m.s, out);
			bs_buf_free(&m);
			return NULL;
		}
		if (!q) {
			q = node(t, BS_Q_AND);
			add_sub(t, q, &cap, first);
		}
		add_sub(t, q, &cap, parse_match(&cur, &cur));
		if (cur.e->set)
			break;
	}
	*out = cur;
	return q ? q : first;
}

static bs_qnode *parse_expr(tokz *t, tokz *out)
{
	tokz cur, t2;
	bs_qnode *first = parse_and(t, &cur), *q = NULL;
	size_t cap = 0;
	for (;;) {
		tok op = key_or_op(&cur, &t2);
		if (op.kind != 'O' || cur.e->set)
			break;
		if (!q) {
			q = node(t, BS_Q_OR);
			add_sub(t, q, &cap, first);
		}
		add_sub(t, q, &cap, parse_and(&t2, &cur));
	}
	*out = cur;
	return q ? q : first;
}

static void init_tokz(tokz *t, errslot *e, bs_arena *a, bs_regex_list *res, const char *q)
{
	memset(e, 0, sizeof *e);
	e->orig = q;
	e->orig_len = strlen(q);
	*t = (tokz){ q, e->orig_len, e, a, res };
}

static int finish(errslot *e, bs_buf *err)
{
	int rc = 0;
	if (e->set) {
		bs_query_error(err, e->orig, e->off, e->msg.s);
		rc = -1;
	}
	bs_buf_free(&e->msg);
	return rc;
}

int bs_parse_filter(bs_arena *a, bs_regex_list *res, const char *q, bs_qnode **out, bs_buf *err)
{
	errslot e;
	tokz t, rest;
	init_tokz(&t, &e, a, res, q);
	*out = parse_expr(&t, &rest);
	end_check(&rest);
	return finish(&e, err);
}

static void parse_field(tokz *t, bs_qfield *f, tokz *out)
{
	tokz t2;
	tok key = key_or_op(t, &t2);
	memset(f, 0, sizeof *f);
	if (!(key.kind == 'w' || key.kind == 'q')) {
		error_at(t, "expected key", out);
		return;
	}
	tokz cur = t2;
	f->key = key.text;
	f->key_off = key.off;
	f->order = "first";
	f->order_off = key.off + (int)strlen(key.text);
	tok sep = key_or_op(&cur, &t2);
	if (sep.kind != '@') {
		*out = cur;
		return;
	}
	cur = t2;
	tok order = key_or_op(&cur, &t2);
	f->order_off = order.off;
	if (order.kind == 'w' || order.kind == 'q') {
		f->order = order.text;
		*out = t2;
		return;
	}
	if (order.kind != '(') {
		error_at(&cur, "expected named sort order or parenthesized list", out);
		return;
	}
	f->order = "fixed";
	cur = t2;
	size_t cap = 0;
	for (;;) {
		tok w = key_or_op(&cur, &t2);
		if (w.kind == 'w' || w.kind == 'q') {
			cur = t2;
			bs_agrow(t->a, &f->fixed, &cap, f->nfixed + 1, sizeof *f->fixed);
			f->fixed[f->nfixed++] = w.text;
		} else if (w.kind == ')') {
			if (f->nfixed == 0)
				error_at(&cur, "nothing to match", &cur);
			else
				cur = t2;
			break;
		} else {
			error_at(&cur, "missing )", &cur);
			break;
		}
	}
	*out = cur;
}

int bs_parse_projection(bs_arena *a, const char *q, bs_qfield **out, size_t *n, bs_buf *err)
{
	errslot e;
	tokz t, t2;
	init_tokz(&t, &e, a, NULL, q);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	for (;;) {
		tok k = key_or_op(&t, &t2);
		if (k.kind == 0)
			break;
		if (k.kind == ',' && *n > 0)
			t = t2;
		bs_agrow(a, out, &cap, *n + 1, sizeof **out);
		parse_field(&t, &(*out)[*n], &t);
		(*n)++;
		if (e.set)
			break;
	}
	end_check(&t);
	return finish(&e, err);
}
