/* cb_strbuf.c: a growable string for result lines and benchmark logs (and
 * bytes: the messages a child sends its parent, cb_wire.c). An
 * allocation failure is sticky: later appends are dropped and the caller
 * checks `failed` once, at the end. */
#include "cb_internal.h"

#include <stdlib.h>
#include <string.h>

static bool reserve(struct cb_strbuf *sb, size_t more)
{
	if (sb->failed)
		return false;
	if (sb->len + more + 1 <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + more + 1)
		cap *= 2;
	char *p = realloc(sb->data, cap);
	if (!p) {
		sb->failed = true;
		return false;
	}
	sb->data = p;
	sb->cap = cap;
	return true;
}

void cb_sb_vprintf(struct cb_strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n < 0 || !reserve(sb, (size_t)n)) {
		va_end(again);
		return;
	}
	if ((size_t)n < sizeof small)
		memcpy(sb->data + sb->len, small, (size_t)n + 1);
	else
		vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, again);
	va_end(again);
	sb->len += (size_t)n;
}

void cb_sb_printf(struct cb_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cb_sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void cb_sb_puts(struct cb_strbuf *sb, const char *s)
{
	cb_sb_append(sb, s, strlen(s));
}

void cb_sb_append(struct cb_strbuf *sb, const void *data, size_t n)
{
	if (!reserve(sb, n))
		return;
	memcpy(sb->data + sb->len, data, n);
	sb->len += n;
	sb->data[sb->len] = 0;
}

const char *cb_sb_str(const struct cb_strbuf *sb)
{
	return sb->data ? sb->data : "";
}

void cb_sb_free(struct cb_strbuf *sb)
{
	free(sb->data);
	*sb = (struct cb_strbuf){0};
}
