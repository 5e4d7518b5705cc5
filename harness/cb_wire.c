/* cb_wire.c: what a benchmark's child process tells its parent through a
 * pipe (cb_isolate.c). Both ends are the same program, so values travel in
 * the machine's own representation; what must hold is that a message cut
 * short by a crash is never taken for a whole one. Each message is framed:
 *
 *   u32 length | u32 type | length bytes of payload
 *
 *   START   i32 the name column's width, then the name now running (no
 *           NUL): where a crash is attributed; the width it had grown to
 *   RECORD  one struct cb_record, the thing the reporter prints:
 *           u8 kind, u8 failed, u8 mem_valid, u8 nmetrics, i32 width,
 *           i64 n, ns, bytes, u64 allocs, alloc_bytes,
 *           nmetrics x (u8 unit length, unit, f64 value),
 *           u32 length + name + NUL, u32 length + output + NUL
 *   SITE    one sample of the child's measured runs (cb_profwin.c):
 *           struct cb_site, i64 repetition, i64 iterations, the name
 *   DONE    i32 the name column's width: the child finished normally
 *
 * The receiver accumulates bytes and hands out only complete frames; a
 * frame longer than MAX_FRAME means the stream is corrupt. */
#include "cb_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

enum { HEADER = 8, MAX_FRAME = 64 << 20 };

/* Writes the header and the payload, resuming after short writes, without
 * allocating (a child out of memory can still report). */
static bool write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t k = writev(fd, iov, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		size_t done = (size_t)k;
		while (n > 0 && done >= iov->iov_len) {
			done -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
	return true;
}

bool cb_wire_send(int fd, enum cb_msg_type type, const void *payload, size_t len)
{
	if (len > MAX_FRAME)
		return false;
	uint32_t head[2] = {(uint32_t)len, (uint32_t)type};
	struct iovec iov[2] = {{head, sizeof head}, {(void *)payload, len}};
	return write_all(fd, iov, 2);
}

bool cb_wire_send_start(int fd, int width, const char *name)
{
	int32_t w = width;
	size_t len = strlen(name);
	if (len > MAX_FRAME - sizeof w)
		return false;
	uint32_t head[2] = {(uint32_t)(sizeof w + len), CB_MSG_START};
	struct iovec iov[] = {{head, sizeof head}, {&w, sizeof w}, {(void *)name, len}};
	return write_all(fd, iov, 3);
}

/* The fixed part of a record: at most 24 + 40 + 32 x 72 bytes. */
struct fixed {
	unsigned char data[24 + 40 + CB_MAX_METRICS * (1 + CB_UNIT_MAX + 8)];
	size_t len;
};

static void put(struct fixed *f, const void *p, size_t n)
{
	memcpy(f->data + f->len, p, n);
	f->len += n;
}

/* No allocation: the fixed part is built on the stack and the strings go
 * out from where they are, so a child out of memory can still report. */
bool cb_wire_send_record(int fd, const struct cb_record *rec)
{
	const struct cb_result *r = &rec->res;
	struct fixed f = {.len = 0};
	unsigned char flags[4] = {(unsigned char)rec->kind, rec->failed, r->mem_valid,
				  (unsigned char)r->nmetrics};
	int32_t width = rec->width;
	put(&f, flags, sizeof flags);
	put(&f, &width, sizeof width);
	put(&f, &r->n, sizeof r->n);
	put(&f, &r->ns, sizeof r->ns);
	put(&f, &r->bytes, sizeof r->bytes);
	put(&f, &r->allocs, sizeof r->allocs);
	put(&f, &r->alloc_bytes, sizeof r->alloc_bytes);
	for (int i = 0; i < r->nmetrics; i++) {
		unsigned char n = (unsigned char)strlen(r->metrics[i].unit);
		put(&f, &n, 1);
		put(&f, r->metrics[i].unit, n);
		put(&f, &r->metrics[i].value, sizeof r->metrics[i].value);
	}
	const char *name = r->name ? r->name : "", *output = rec->output ? rec->output : "";
	uint32_t name_len = (uint32_t)strlen(name) + 1, output_len = (uint32_t)strlen(output) + 1;
	size_t total = f.len + 2 * sizeof(uint32_t) + name_len + output_len;
	if (total > MAX_FRAME)
		return false;
	uint32_t head[2] = {(uint32_t)total, CB_MSG_RECORD};
	struct iovec iov[] = {
		{head, sizeof head}, {f.data, f.len},
		{&name_len, sizeof name_len}, {(void *)name, name_len},
		{&output_len, sizeof output_len}, {(void *)output, output_len},
	};
	return write_all(fd, iov, (int)(sizeof iov / sizeof iov[0]));
}

/* A cursor over a payload; every take checks the bytes are there. */
struct cursor {
	const unsigned char *p;
	size_t left;
	bool bad;
};

static void take(struct cursor *c, void *out, size_t n)
{
	if (c->bad || c->left < n) {
		c->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, c->p, n);
	c->p += n;
	c->left -= n;
}

static const char *take_string(struct cursor *c)
{
	uint32_t n;
	take(c, &n, sizeof n);
	if (c->bad || n == 0 || c->left < n || c->p[n - 1] != 0) {
		c->bad = true;
		return "";
	}
	const char *s = (const char *)c->p;
	c->p += n;
	c->left -= n;
	return s;
}

bool cb_wire_decode_record(const unsigned char *p, size_t len, struct cb_record *rec)
{
	struct cursor c = {p, len, false};
	struct cb_result *r = &rec->res;
	unsigned char flags[4];
	int32_t width;
	*rec = (struct cb_record){0};
	take(&c, flags, sizeof flags);
	take(&c, &width, sizeof width);
	if (flags[0] > CB_REC_NAME || flags[3] > CB_MAX_METRICS)
		return false;
	rec->kind = (enum cb_record_kind)flags[0];
	rec->failed = flags[1];
	r->mem_valid = flags[2];
	r->nmetrics = flags[3];
	rec->width = width;
	take(&c, &r->n, sizeof r->n);
	take(&c, &r->ns, sizeof r->ns);
	take(&c, &r->bytes, sizeof r->bytes);
	take(&c, &r->allocs, sizeof r->allocs);
	take(&c, &r->alloc_bytes, sizeof r->alloc_bytes);
	for (int i = 0; i < r->nmetrics && !c.bad; i++) {
		unsigned char n;
		take(&c, &n, 1);
		if (n >= CB_UNIT_MAX)
			return false;
		take(&c, r->metrics[i].unit, n);
		r->metrics[i].unit[n] = 0;
		take(&c, &r->metrics[i].value, sizeof r->metrics[i].value);
	}
	r->name = take_string(&c);
	rec->output = take_string(&c);
	return !c.bad && c.left == 0;
}

bool cb_wire_feed(struct cb_wire_in *in, const void *data, size_t len)
{
	struct cb_strbuf *b = &in->buf;
	if (in->failed)
		return false;
	if (in->used > 0) { /* drop what was handed out */
		memmove(b->data, b->data + in->used, b->len - in->used);
		b->len -= in->used;
		in->used = 0;
	}
	cb_sb_append(b, data, len);
	in->failed = b->failed;
	return !in->failed;
}

bool cb_wire_next(struct cb_wire_in *in, enum cb_msg_type *type, const unsigned char **payload,
		  size_t *len)
{
	const unsigned char *data = (const unsigned char *)in->buf.data;
	size_t avail = in->buf.len - in->used;
	if (in->failed || avail < HEADER)
		return false;
	uint32_t head[2];
	memcpy(head, data + in->used, sizeof head);
	if (head[0] > MAX_FRAME) {
		in->failed = true;
		return false;
	}
	if (avail - HEADER < head[0])
		return false;
	*type = (enum cb_msg_type)head[1];
	*payload = data + in->used + HEADER;
	*len = head[0];
	in->used += HEADER + head[0];
	return true;
}

void cb_wire_free(struct cb_wire_in *in)
{
	cb_sb_free(&in->buf);
	*in = (struct cb_wire_in){0};
}
