/* read.c: decodes a pprof profile (profile.proto) into what the diff needs.
 *
 * Wire format (as cb_pprof.c writes it, and as any protobuf encoder may):
 * each field is a key varint, field number << 3 | wire type, then for wire
 * type 0 a varint, 1 eight bytes, 2 a varint length and that many bytes
 * (strings, messages, packed integers), 5 four bytes. Repeated integers may
 * come packed (type 2) or one per field (type 0). The string table may come
 * after the messages that index into it, so indices are resolved at the
 * end. Every length is checked against what is left, so a truncated or
 * corrupt file is an error with its byte offset, never a read past the end. */
#include "prof_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct rd {
	const unsigned char *p, *end, *start;
	const char *name;
	char *err;
	size_t errlen;
	int failed;
};

static void fail(struct rd *r, const char *what)
{
	if (!r->failed)
		snprintf(r->err, r->errlen, "%s: %s at byte %ld", r->name, what, (long)(r->p - r->start));
	r->failed = 1;
	r->p = r->end;
}

static uint64_t varint(struct rd *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end) {
			fail(r, "truncated varint");
			return 0;
		}
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	fail(r, "varint longer than 10 bytes");
	return 0;
}

/* One field: its number and wire type; *sub spans a type-2 payload, *value
 * holds a type-0 value. Other types are skipped. Returns 0 at the end. */
static int next_field(struct rd *r, struct rd *sub, uint64_t *value, int *wire)
{
	if (r->p >= r->end || r->failed)
		return 0;
	uint64_t key = varint(r);
	*wire = (int)(key & 7);
	*sub = *r;
	*value = 0;
	switch (*wire) {
	case 0: *value = varint(r); break;
	case 1:
	case 5: {
		size_t n = *wire == 1 ? 8 : 4;
		if ((size_t)(r->end - r->p) < n)
			fail(r, "truncated fixed-width field");
		else
			r->p += n;
		break;
	}
	case 2: {
		uint64_t len = varint(r);
		if (len > (uint64_t)(r->end - r->p)) {
			fail(r, "length past the end");
			break;
		}
		sub->p = r->p;
		sub->end = r->p + len;
		r->p += len;
		break;
	}
	default: fail(r, "bad wire type"); break;
	}
	if (r->failed)
		return 0;
	if (key >> 3 == 0 || key >> 3 > 0x1fffffff) { /* protobuf's range */
		fail(r, "bad field number");
		return 0;
	}
	return (int)(key >> 3);
}

/* Repeated integers, packed or not, appended to a growing array. */
static int push_ints(struct rd *sub, uint64_t value, int wire, uint64_t **v, size_t *n, size_t *cap)
{
	do {
		uint64_t x = wire == 2 ? varint(sub) : value;
		if (sub->failed)
			return -1;
		if (*n == *cap) {
			size_t c = *cap ? 2 * *cap : 8;
			uint64_t *q = realloc(*v, c * sizeof *q);
			if (!q)
				return -1;
			*v = q;
			*cap = c;
		}
		(*v)[(*n)++] = x;
	} while (wire == 2 && sub->p < sub->end);
	return 0;
}

#define GROW(arr, n, cap)                                                          \
	((n) < (cap) ? 0 : pf_grow_((void **)&(arr), &(cap), sizeof *(arr)))

int pf_grow_(void **arr, size_t *cap, size_t size)
{
	size_t c = *cap ? 2 * *cap : 16;
	void *q = realloc(*arr, c * size);
	if (!q)
		return -1;
	*arr = q;
	*cap = c;
	return 0;
}

static int read_label(struct rd *m, struct pf_sample *s)
{
	struct pf_label l = {0};
	struct rd sub;
	uint64_t v;
	int wire, f;
	while ((f = next_field(m, &sub, &v, &wire)) != 0) {
		if (f == 1) l.key = (int64_t)v;
		if (f == 2) l.str = (int64_t)v;
		if (f == 3) l.num = (int64_t)v;
	}
	if (m->failed)
		return -1;
	if (s->nlabels < PF_MAX_LABELS)
		s->labels[s->nlabels++] = l;
	return 0;
}

static int read_sample(pf_profile *p, struct rd *m)
{
	if (GROW(p->samples, p->nsamples, p->capsamples))
		return -1;
	struct pf_sample *s = &p->samples[p->nsamples++];
	memset(s, 0, sizeof *s);
	size_t capl = 0, nv = 0, capv = 0;
	uint64_t *vals = NULL;
	struct rd sub;
	uint64_t v;
	int wire, f, rc = 0;
	while (rc == 0 && (f = next_field(m, &sub, &v, &wire)) != 0) {
		if (f == 1)
			rc = push_ints(&sub, v, wire, &s->loc, &s->nloc, &capl);
		else if (f == 2)
			rc = push_ints(&sub, v, wire, &vals, &nv, &capv);
		else if (f == 3 && wire == 2)
			rc = read_label(&sub, s);
	}
	for (size_t i = 0; i < nv && i < PF_MAX_VALUES; i++)
		s->v[i] = (int64_t)vals[i];
	s->nv = nv;
	free(vals);
	return rc || m->failed ? -1 : 0;
}

static int read_location(pf_profile *p, struct rd *m)
{
	if (GROW(p->locs, p->nlocs, p->caplocs))
		return -1;
	struct pf_location *l = &p->locs[p->nlocs++];
	memset(l, 0, sizeof *l);
	struct rd sub, x;
	uint64_t v, lv;
	int wire, lw, f, lf;
	while ((f = next_field(m, &sub, &v, &wire)) != 0) {
		if (f == 1) l->id = v;
		if (f == 2) l->mapping = v;
		if (f == 4 && wire == 2 && l->nlines++ == 0) { /* innermost call first */
			while ((lf = next_field(&sub, &x, &lv, &lw)) != 0) {
				if (lf == 1) l->function = lv;
				if (lf == 2) l->line = (int64_t)lv;
			}
			if (sub.failed)
				m->failed = 1;
		}
	}
	return m->failed ? -1 : 0;
}

static int read_function(pf_profile *p, struct rd *m)
{
	if (GROW(p->funcs, p->nfuncs, p->capfuncs))
		return -1;
	struct pf_function *fn = &p->funcs[p->nfuncs++];
	memset(fn, 0, sizeof *fn);
	struct rd sub;
	uint64_t v;
	int wire, f;
	while ((f = next_field(m, &sub, &v, &wire)) != 0) {
		if (f == 1) fn->id = v;
		if (f == 2) fn->name = (int64_t)v;
		if (f == 4) fn->file = (int64_t)v;
	}
	return m->failed ? -1 : 0;
}

static int read_value_type(pf_profile *p, struct rd *m)
{
	struct rd sub;
	uint64_t v;
	int wire, f;
	int64_t type = 0;
	while ((f = next_field(m, &sub, &v, &wire)) != 0)
		if (f == 1)
			type = (int64_t)v;
	if (p->ntypes < PF_MAX_VALUES)
		p->types[p->ntypes] = type;
	p->ntypes++;
	return m->failed ? -1 : 0;
}

static int read_mapping(pf_profile *p, struct rd *m)
{
	struct rd sub;
	uint64_t v;
	int wire, f;
	while ((f = next_field(m, &sub, &v, &wire)) != 0)
		if (f == 1 && p->main_mapping == 0)
			p->main_mapping = v; /* the first mapping is the main binary */
	return m->failed ? -1 : 0;
}

static int add_string(pf_profile *p, struct rd *sub)
{
	if (GROW(p->strings, p->nstrings, p->capstrings))
		return -1;
	size_t len = (size_t)(sub->end - sub->p);
	char *s = malloc(len + 1);
	if (!s)
		return -1;
	memcpy(s, sub->p, len);
	s[len] = 0;
	p->strings[p->nstrings++] = s;
	return 0;
}

static int decode(pf_profile *p, struct rd *r)
{
	struct rd sub;
	uint64_t v;
	int wire, f, rc = 0;
	while (rc == 0 && (f = next_field(r, &sub, &v, &wire)) != 0) {
		if (wire == 2) {
			switch (f) {
			case 1: rc = read_value_type(p, &sub); break;
			case 2: rc = read_sample(p, &sub); break;
			case 3: rc = read_mapping(p, &sub); break;
			case 4: rc = read_location(p, &sub); break;
			case 5: rc = read_function(p, &sub); break;
			case 6: rc = add_string(p, &sub); break;
			default: break;
			}
			if (sub.failed || (rc && r->err[0]))
				r->failed = 1; /* the inner reader wrote the message */
		} else if (f == 12) {
			p->period = (int64_t)v;
		}
	}
	if (rc && !r->err[0])
		snprintf(r->err, r->errlen, "%s: out of memory", r->name);
	return rc || r->failed ? -1 : 0;
}

static unsigned char *gunzip(const unsigned char *data, size_t len, size_t *outlen)
{
	if (len < 2 || data[0] != 0x1f || data[1] != 0x8b) {
		unsigned char *copy = malloc(len ? len : 1);
		if (copy && len)
			memcpy(copy, data, len);
		*outlen = len;
		return copy;
	}
	z_stream z = {0};
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return NULL;
	size_t cap = len * 4 + 1024, n = 0;
	unsigned char *out = malloc(cap);
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	int rc = Z_OK;
	while (out && rc == Z_OK) {
		if (n == cap) {
			unsigned char *q = realloc(out, cap * 2);
			if (!q) {
				free(out);
				out = NULL;
				break;
			}
			out = q;
			cap *= 2;
		}
		z.next_out = out + n;
		z.avail_out = (uInt)(cap - n);
		rc = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
	}
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		*outlen = (size_t)-1; /* corrupt, not out of memory */
		return NULL;
	}
	*outlen = n;
	return out;
}

pf_profile *pf_parse(const unsigned char *data, size_t len, const char *name, char *err,
		     size_t errlen)
{
	size_t n = 0;
	if (errlen)
		err[0] = 0;
	unsigned char *raw = gunzip(data, len, &n);
	if (!raw) {
		snprintf(err, errlen, "%s: %s", name, n == (size_t)-1 ? "corrupt gzip data" : "out of memory");
		return NULL;
	}
	if (n == 0) {
		free(raw);
		snprintf(err, errlen, "%s: empty profile", name);
		return NULL;
	}
	pf_profile *p = calloc(1, sizeof *p);
	struct rd r = {raw, raw + n, raw, name, err, errlen, 0};
	int rc = p ? decode(p, &r) : -1;
	free(raw);
	if (!p)
		snprintf(err, errlen, "%s: out of memory", name);
	else if (rc == 0)
		rc = pf_resolve_(p, name, err, errlen);
	if (rc) {
		pf_free(p);
		return NULL;
	}
	return p;
}

pf_profile *pf_read(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return NULL;
	}
	size_t cap = 1 << 16, len = 0;
	unsigned char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			unsigned char *q = realloc(buf, cap * 2);
			if (!q) {
				free(buf);
				buf = NULL;
			} else {
				buf = q;
				cap *= 2;
			}
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		snprintf(err, errlen, "%s: %s", path, bad ? "read error" : "out of memory");
		free(buf);
		return NULL;
	}
	pf_profile *p = pf_parse(buf, len, path, err, errlen);
	free(buf);
	return p;
}

void pf_free(pf_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nstrings; i++)
		free(p->strings[i]);
	for (size_t i = 0; i < p->nsamples; i++)
		free(p->samples[i].loc);
	free(p->strings);
	free(p->samples);
	free(p->locs);
	free(p->funcs);
	free(p->benches);
	free(p);
}
