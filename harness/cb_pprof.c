/* cb_pprof.c: writes the allocation sites as a heap profile in pprof's
 * format (github.com/google/pprof, proto/profile.proto), gzip-compressed.
 *
 * Protocol buffers wire format, the part used here: a message is a list of
 * fields, each a key varint (field number << 3 | wire type) followed by
 * the value: wire type 0 is a varint (7 bits per byte, low group first,
 * high bit set on all bytes but the last), wire type 2 is a varint length
 * followed by that many bytes (strings, nested messages, packed repeated
 * integers). Fields at their default value (0, "") may be left out.
 *
 * The profile, as Go's runtime/pprof writes a heap profile:
 *   sample_type (1)   alloc_objects/count, alloc_space/bytes,
 *                     inuse_objects/count, inuse_space/bytes
 *   sample (2)        per site and measured run (cb_profwin.c): location
 *                     ids leaf first, the four values already scaled up
 *                     from the sampled counts, labels (3) benchmark and
 *                     repetition (strings) and iterations (number)
 *   mapping (3)       executable mappings of the process, main binary first
 *   location (4)      one per distinct return address, its address minus
 *                     one (inside the call instruction) and its lines: the
 *                     calls inlined at that address first, then the function
 *                     that contains them
 *   function (5)      name, file, resolved here (cb_symbol.c)
 *   string_table (6)  "" first; every name above is an index into it
 *   period_type (11) space/bytes, period (12) = the sampling rate,
 *   default_sample_type (14) alloc_space, time_nanos (9), comment (13). */
#include "cb_profile.h"
#include "cb_profwin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

enum { WIRE_VARINT = 0, WIRE_BYTES = 2, MAX_MAPPINGS = 256 };

/* A growing byte buffer with a sticky failure flag. */
struct pb {
	unsigned char *data;
	size_t len, cap;
	bool failed;
};

static void pb_raw(struct pb *b, const void *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *d = realloc(b->data, cap);
		if (!d) {
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void pb_varint(struct pb *b, uint64_t v)
{
	unsigned char buf[10];
	size_t n = 0;
	do {
		buf[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			buf[n] |= 0x80;
		n++;
	} while (v);
	pb_raw(b, buf, n);
}

static void pb_uint(struct pb *b, int field, uint64_t v)
{
	if (v == 0)
		return;
	pb_varint(b, (uint64_t)field << 3 | WIRE_VARINT);
	pb_varint(b, v);
}

static void pb_bytes(struct pb *b, int field, const void *p, size_t n)
{
	pb_varint(b, (uint64_t)field << 3 | WIRE_BYTES);
	pb_varint(b, n);
	pb_raw(b, p, n);
}

/* Appends sub as field `field` of b and empties sub for reuse. */
static void pb_message(struct pb *b, int field, struct pb *sub)
{
	if (sub->failed)
		b->failed = true;
	pb_bytes(b, field, sub->data, sub->len);
	sub->len = 0;
}

static void pb_packed(struct pb *b, int field, const uint64_t *v, size_t n)
{
	struct pb tmp = {0};
	for (size_t i = 0; i < n; i++)
		pb_varint(&tmp, v[i]);
	pb_message(b, field, &tmp);
	free(tmp.data);
}

/* ---- string table: index by content ---- */
struct strtab {
	char **str;
	size_t n, cap;
	size_t *slot; /* open addressing: string index + 1 */
	size_t nslots;
	bool failed;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static bool strtab_grow(struct strtab *t)
{
	size_t nslots = t->nslots ? 2 * t->nslots : 1024;
	size_t *slot = calloc(nslots, sizeof *slot);
	char **str = realloc(t->str, nslots / 2 * sizeof *str);
	if (!slot || !str) {
		free(slot);
		if (str)
			t->str = str;
		return false;
	}
	t->str = str;
	t->cap = nslots / 2;
	for (size_t i = 0; i < t->n; i++) {
		size_t j = (size_t)str_hash(t->str[i]) & (nslots - 1);
		while (slot[j])
			j = (j + 1) & (nslots - 1);
		slot[j] = i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->nslots = nslots;
	return true;
}

static int64_t strtab_index(struct strtab *t, const char *s)
{
	if (t->failed)
		return 0;
	if (t->n + 1 > t->cap && !strtab_grow(t)) {
		t->failed = true;
		return 0;
	}
	size_t j = (size_t)str_hash(s) & (t->nslots - 1);
	for (; t->slot[j]; j = (j + 1) & (t->nslots - 1))
		if (strcmp(t->str[t->slot[j] - 1], s) == 0)
			return (int64_t)(t->slot[j] - 1);
	char *copy = strdup(s);
	if (!copy) {
		t->failed = true;
		return 0;
	}
	t->str[t->n] = copy;
	t->slot[j] = ++t->n;
	return (int64_t)(t->n - 1);
}

static void strtab_free(struct strtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->str[i]);
	free(t->str);
	free(t->slot);
}

/* ---- the profile's tables ---- */
struct function {
	int64_t name, file;
};
struct location {
	uintptr_t pc;
	uint64_t mapping; /* id, 0 when outside every mapping */
	uint64_t function[CB_MAX_INLINE]; /* ids, inlined calls first */
	int line[CB_MAX_INLINE];
	int nlines;
};
struct builder {
	struct strtab strings;
	struct cb_mapping maps[MAX_MAPPINGS];
	size_t nmaps;
	bool map_named[MAX_MAPPINGS], map_lined[MAX_MAPPINGS], map_inlined[MAX_MAPPINGS];
	struct location *locs;
	size_t nlocs;
	struct function *funcs;
	size_t nfuncs, capfuncs;
	bool failed;
};

static int by_pc(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
	return x < y ? -1 : x > y;
}

/* The distinct return addresses of every site, sorted: location i has id
 * i + 1, found by binary search. */
static bool collect_pcs(struct builder *bd)
{
	size_t total = 0;
	const char *bench;
	int64_t rep, iters;
	for (size_t i = 0; i < cb_profwin_nsamples(); i++)
		total += (size_t)cb_profwin_sample(i, &bench, &rep, &iters)->depth;
	uintptr_t *pcs = malloc((total ? total : 1) * sizeof *pcs);
	bd->locs = calloc(total ? total : 1, sizeof *bd->locs);
	if (!pcs || !bd->locs) {
		free(pcs);
		return false;
	}
	size_t n = 0;
	for (size_t i = 0; i < cb_profwin_nsamples(); i++) {
		const struct cb_site *s = cb_profwin_sample(i, &bench, &rep, &iters);
		memcpy(pcs + n, s->pc, (size_t)s->depth * sizeof *pcs);
		n += (size_t)s->depth;
	}
	qsort(pcs, n, sizeof *pcs, by_pc);
	for (size_t i = 0; i < n; i++)
		if (bd->nlocs == 0 || bd->locs[bd->nlocs - 1].pc != pcs[i])
			bd->locs[bd->nlocs++].pc = pcs[i];
	free(pcs);
	return true;
}

static uint64_t location_id(const struct builder *bd, uintptr_t pc)
{
	size_t lo = 0, hi = bd->nlocs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (bd->locs[mid].pc < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo + 1;
}

static uint64_t function_id(struct builder *bd, int64_t name, int64_t file)
{
	for (size_t i = bd->nfuncs; i > 0; i--)
		if (bd->funcs[i - 1].name == name && bd->funcs[i - 1].file == file)
			return i;
	if (bd->nfuncs == bd->capfuncs) {
		size_t cap = bd->capfuncs ? 2 * bd->capfuncs : 64;
		struct function *f = realloc(bd->funcs, cap * sizeof *f);
		if (!f) {
			bd->failed = true;
			return 0;
		}
		bd->funcs = f;
		bd->capfuncs = cap;
	}
	bd->funcs[bd->nfuncs++] = (struct function){name, file};
	return bd->nfuncs;
}

/* Return addresses point after the call; pc - 1 is inside it, which is the
 * line the caller is at. */
static void symbolize(struct builder *bd, struct cb_symbolizer *sym)
{
	for (size_t i = 0; i < bd->nlocs; i++) {
		struct location *l = &bd->locs[i];
		for (size_t m = 0; m < bd->nmaps; m++) {
			if (l->pc > bd->maps[m].start && l->pc <= bd->maps[m].limit) {
				l->mapping = m + 1;
				break;
			}
		}
		struct cb_frame fr[CB_MAX_INLINE];
		int n = cb_sym_lookup(sym, l->pc - 1, fr, CB_MAX_INLINE);
		for (int k = 0; k < n; k++) {
			if (!fr[k].function)
				continue;
			/* "name@@GLIBC_2.34": the version is not part of the name. */
			char name[512];
			snprintf(name, sizeof name, "%.*s", (int)strcspn(fr[k].function, "@"),
				 fr[k].function);
			int64_t file = fr[k].file ? strtab_index(&bd->strings, fr[k].file) : 0;
			l->function[l->nlines] = function_id(bd, strtab_index(&bd->strings, name), file);
			l->line[l->nlines++] = fr[k].line;
			if (l->mapping && fr[k].line > 0)
				bd->map_lined[l->mapping - 1] = true;
		}
		if (l->mapping && l->nlines > 0)
			bd->map_named[l->mapping - 1] = true;
		if (l->mapping && l->nlines > 1)
			bd->map_inlined[l->mapping - 1] = true;
	}
}

static int64_t round_value(double v)
{
	return (int64_t)(v + 0.5);
}

/* A label (Sample.label, field 3: key 1, str 2 or num 3), what pprof's
 * -tagfocus and -tagshow select on. */
static void encode_label(struct builder *bd, struct pb *sample, const char *key, const char *value,
			 struct pb *tmp)
{
	pb_uint(tmp, 1, (uint64_t)strtab_index(&bd->strings, key));
	pb_uint(tmp, 2, (uint64_t)strtab_index(&bd->strings, value));
	pb_message(sample, 3, tmp);
}

static void encode_num_label(struct builder *bd, struct pb *sample, const char *key, int64_t num,
			     struct pb *tmp)
{
	pb_uint(tmp, 1, (uint64_t)strtab_index(&bd->strings, key));
	pb_uint(tmp, 3, (uint64_t)num);
	pb_message(sample, 3, tmp);
}

static void encode_samples(struct builder *bd, struct pb *out, struct pb *sub)
{
	int64_t rate = cb_profile_rate();
	struct pb label = {0};
	for (size_t i = 0; i < cb_profwin_nsamples(); i++) {
		const char *bench;
		int64_t rep, iters;
		const struct cb_site *s = cb_profwin_sample(i, &bench, &rep, &iters);
		char repetition[24];
		snprintf(repetition, sizeof repetition, "%lld", (long long)rep);
		uint64_t ids[CB_STACK_DEPTH];
		for (int k = 0; k < s->depth; k++)
			ids[k] = location_id(bd, s->pc[k]);
		double ac, ab, ic, ib;
		cb_profile_scale(s->allocs, s->alloc_bytes, rate, &ac, &ab);
		cb_profile_scale(s->allocs - s->frees, s->alloc_bytes - s->free_bytes, rate, &ic, &ib);
		uint64_t values[4] = {(uint64_t)round_value(ac), (uint64_t)round_value(ab),
				      (uint64_t)round_value(ic), (uint64_t)round_value(ib)};
		pb_packed(sub, 1, ids, (size_t)s->depth);
		pb_packed(sub, 2, values, 4);
		encode_label(bd, sub, "benchmark", bench, &label);
		encode_label(bd, sub, "repetition", repetition, &label);
		encode_num_label(bd, sub, "iterations", iters, &label); /* per op = value / this */
		pb_message(out, 2, sub);
	}
	if (label.failed)
		out->failed = true;
	free(label.data);
}

static void encode_value_type(struct builder *bd, struct pb *out, int field, const char *type,
			      const char *unit, struct pb *sub)
{
	pb_uint(sub, 1, (uint64_t)strtab_index(&bd->strings, type));
	pb_uint(sub, 2, (uint64_t)strtab_index(&bd->strings, unit));
	pb_message(out, field, sub);
}

static void encode_tables(struct builder *bd, struct pb *out, struct pb *sub)
{
	struct pb line = {0};
	for (size_t m = 0; m < bd->nmaps; m++) {
		const struct cb_mapping *mp = &bd->maps[m];
		pb_uint(sub, 1, m + 1);
		pb_uint(sub, 2, mp->start);
		pb_uint(sub, 3, mp->limit);
		pb_uint(sub, 4, mp->offset);
		pb_uint(sub, 5, (uint64_t)strtab_index(&bd->strings, mp->path));
		pb_uint(sub, 6, (uint64_t)strtab_index(&bd->strings, mp->build_id));
		pb_uint(sub, 7, bd->map_named[m]);
		pb_uint(sub, 8, bd->map_lined[m]);
		pb_uint(sub, 9, bd->map_lined[m]);
		pb_uint(sub, 10, bd->map_inlined[m]);
		pb_message(out, 3, sub);
	}
	for (size_t i = 0; i < bd->nlocs; i++) {
		const struct location *l = &bd->locs[i];
		pb_uint(sub, 1, i + 1);
		pb_uint(sub, 2, l->mapping);
		pb_uint(sub, 3, l->pc - 1);
		for (int k = 0; k < l->nlines; k++) {
			pb_uint(&line, 1, l->function[k]);
			pb_uint(&line, 2, (uint64_t)l->line[k]);
			pb_message(sub, 4, &line);
		}
		pb_message(out, 4, sub);
	}
	for (size_t i = 0; i < bd->nfuncs; i++) {
		pb_uint(sub, 1, i + 1);
		pb_uint(sub, 2, (uint64_t)bd->funcs[i].name);
		pb_uint(sub, 3, (uint64_t)bd->funcs[i].name);
		pb_uint(sub, 4, (uint64_t)bd->funcs[i].file);
		pb_message(out, 5, sub);
	}
	if (line.failed)
		out->failed = true;
	free(line.data);
}

static void encode(struct builder *bd, struct pb *out)
{
	struct pb sub = {0};
	encode_value_type(bd, out, 1, "alloc_objects", "count", &sub);
	encode_value_type(bd, out, 1, "alloc_space", "bytes", &sub);
	encode_value_type(bd, out, 1, "inuse_objects", "count", &sub);
	encode_value_type(bd, out, 1, "inuse_space", "bytes", &sub);
	encode_samples(bd, out, &sub);
	encode_tables(bd, out, &sub);
	pb_uint(out, 9, (uint64_t)time(NULL) * 1000000000u);
	encode_value_type(bd, out, 11, "space", "bytes", &sub);
	pb_uint(out, 12, (uint64_t)cb_profile_rate());
	char note[96];
	snprintf(note, sizeof note, "cbench -memprofilerate %lld", (long long)cb_profile_rate());
	pb_uint(out, 13, (uint64_t)strtab_index(&bd->strings, note)); /* one comment */
	pb_uint(out, 14, (uint64_t)strtab_index(&bd->strings, "alloc_space"));
	/* The string table last: every index above is final by now. */
	for (size_t i = 0; i < bd->strings.n; i++)
		pb_bytes(out, 6, bd->strings.str[i], strlen(bd->strings.str[i]));
	if (sub.failed || bd->strings.failed || bd->failed)
		out->failed = true;
	free(sub.data);
}

static int gzip_to(const char *path, const struct pb *msg, char *err, size_t errlen)
{
	gzFile gz = gzopen(path, "wb");
	if (!gz) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : ENOMEM));
		return -1;
	}
	size_t done = 0;
	while (done < msg->len) {
		unsigned chunk = msg->len - done > (1u << 30) ? 1u << 30 : (unsigned)(msg->len - done);
		if (gzwrite(gz, msg->data + done, chunk) != (int)chunk)
			break;
		done += chunk;
	}
	int rc = gzclose(gz);
	if (done < msg->len || rc != Z_OK) {
		snprintf(err, errlen, "%s: write failed", path);
		return -1;
	}
	return 0;
}

int cb_pprof_write(const char *path, char *err, size_t errlen)
{
	struct builder *bd = calloc(1, sizeof *bd);
	struct pb out = {0};
	int rc = -1;
	if (!bd || !collect_pcs(bd)) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto done;
	}
	strtab_index(&bd->strings, ""); /* index 0 must be the empty string */
	struct cb_symbolizer *sym = cb_sym_open();
	bd->nmaps = cb_sym_mappings(sym, bd->maps, MAX_MAPPINGS);
	symbolize(bd, sym);
	encode(bd, &out);
	cb_sym_close(sym);
	if (out.failed) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto done;
	}
	rc = gzip_to(path, &out, err, errlen);
done:
	if (bd) {
		strtab_free(&bd->strings);
		free(bd->locs);
		free(bd->funcs);
	}
	free(bd);
	free(out.data);
	return rc;
}
