/* util.c — allocation with one out-of-memory policy, arena, byte buffer,
 * string map and UTF-8 helpers for bstat. */
#include "util/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every block carries two links ahead of the caller's bytes, so that the
 * whole list can be freed when memory runs out. The union keeps the
 * caller's bytes aligned for any type. */
typedef union block {
	struct {
		union block *prev, *next;
	} link;
	max_align_t align;
} block;

static block heap = { .link = { &heap, &heap } };
static size_t live;
static jmp_buf *recovery;
static struct cleanup {
	void (*fn)(void *);
	void *arg;
} cleanups[BS_MAX_CLEANUPS];
static size_t ncleanups;

static void link_block(block *b)
{
	b->link.prev = &heap;
	b->link.next = heap.link.next;
	heap.link.next->link.prev = b;
	heap.link.next = b;
}

static void unlink_block(block *b)
{
	b->link.prev->link.next = b->link.next;
	b->link.next->link.prev = b->link.prev;
}

void *bs_try_realloc(void *p, size_t n)
{
	block *old = p ? (block *)p - 1 : NULL;
	if (n > SIZE_MAX - sizeof(block))
		return NULL;
	if (old)
		unlink_block(old);
	block *b = realloc(old, sizeof(block) + (n ? n : 1));
	if (!b) {
		if (old)
			link_block(old); /* realloc left it as it was */
		return NULL;
	}
	link_block(b);
	live += old == NULL;
	return b + 1;
}

void bs_free(void *p)
{
	if (!p)
		return;
	block *b = (block *)p - 1;
	unlink_block(b);
	live--;
	free(b);
}

/* Runs the cleanups, newest first, then frees every block, then jumps. */
static _Noreturn void out_of_memory(void)
{
	jmp_buf *jb = recovery;
	if (!jb)
		abort();
	recovery = NULL;
	while (ncleanups > 0) {
		struct cleanup c = cleanups[--ncleanups];
		c.fn(c.arg);
	}
	while (heap.link.next != &heap)
		bs_free(heap.link.next + 1);
	longjmp(*jb, 1);
}

void *bs_xrealloc(void *p, size_t n)
{
	void *q = bs_try_realloc(p, n);
	if (!q)
		out_of_memory();
	return q;
}

/* Zeroed by calloc, which takes fresh pages from the system without
 * clearing them: the arena's whole chunks rely on it (see below). */
void *bs_xcalloc(size_t n, size_t size)
{
	if (size && n > (SIZE_MAX - sizeof(block)) / size)
		out_of_memory();
	size_t bytes = n * size;
	block *b = calloc(1, sizeof(block) + (bytes > 0 ? bytes : 1));
	if (!b)
		out_of_memory();
	link_block(b);
	live++;
	return b + 1;
}

void bs_oom_catch(jmp_buf *jb)
{
	recovery = jb;
	if (!jb)
		ncleanups = 0;
}

int bs_cleanup_push(void (*fn)(void *), void *arg)
{
	if (ncleanups == BS_MAX_CLEANUPS)
		return -1;
	cleanups[ncleanups++] = (struct cleanup){ fn, arg };
	return 0;
}

void bs_cleanup_forget(void (*fn)(void *), void *arg)
{
	for (size_t i = ncleanups; i-- > 0;)
		if (cleanups[i].fn == fn && cleanups[i].arg == arg) {
			memmove(&cleanups[i], &cleanups[i + 1], (ncleanups - i - 1) * sizeof *cleanups);
			ncleanups--;
			return;
		}
}

size_t bs_live_blocks(void)
{
	return live;
}

/*
 * The arena hands out zeroed memory that lives until bs_arena_free. A big
 * allocation gets a chunk of its own from calloc, whose fresh pages from
 * the system need no clearing (and it can be given back early with
 * bs_arena_release: a map's old table). Shared chunks come from malloc and
 * each allocation is cleared as it is handed out: calloc clears the whole
 * chunk when it reuses freed memory, as it does for the arenas a run makes
 * and frees table by table, and a chunk is seldom full. Chunks are blocks
 * on the one list (util.h), so running out of memory frees them too.
 */
struct bs_arena {
	struct chunk *head;
	size_t next_size;          /* of the next shared chunk */
};
struct chunk {
	struct chunk *next;
	size_t used, size;
	int whole;                 /* holds one big allocation only, zeroed */
	max_align_t data[];
};

/* Shared chunks start small and double up to CHUNK_SIZE: a run makes a
 * dozen arenas, most of which hold a few hundred bytes. They stop at
 * 16 KiB so they fit the holes freed arrays leave in the heap (the
 * builder's, as each table is finished): fewer pages touched for the
 * first time, each a page fault, and no slower at a million lines. */
enum { CHUNK_SIZE = 16 * 1024, FIRST_CHUNK = 2 * 1024 };

static struct chunk *new_chunk(size_t size, int whole)
{
	struct chunk *c = whole ? bs_xcalloc(1, sizeof *c + size) : bs_xrealloc(NULL, sizeof *c + size);
	c->used = 0;
	c->size = size;
	c->whole = whole;
	return c;
}

bs_arena *bs_arena_new(void)
{
	bs_arena *a = bs_xrealloc(NULL, sizeof *a);
	a->head = NULL;
	a->next_size = FIRST_CHUNK;
	return a;
}

void bs_arena_free(bs_arena *a)
{
	if (!a)
		return;
	for (struct chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		bs_free(c);
	}
	bs_free(a);
}

void *bs_alloc(bs_arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	struct chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		int whole = n > CHUNK_SIZE / 2;
		size_t size = a->next_size;
		if (!whole && size < CHUNK_SIZE)
			a->next_size *= 2;
		c = new_chunk(whole ? n : n > size ? n : size, whole);
		/* A big private chunk goes behind the current one so the
		 * current one's free space is not abandoned. */
		if (c->whole && a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	if (!c->whole)
		memset(p, 0, n);
	return p;
}

void bs_arena_release(bs_arena *a, void *p)
{
	if (!p)
		return;
	for (struct chunk **link = &a->head; *link; link = &(*link)->next) {
		struct chunk *c = *link;
		if ((void *)c->data == p && c->whole && c != a->head) {
			*link = c->next;
			bs_free(c);
			return;
		}
	}
}

char *bs_strndup(bs_arena *a, const char *s, size_t n)
{
	char *p = bs_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *bs_strdup(bs_arena *a, const char *s)
{
	return bs_strndup(a, s, strlen(s));
}

/* The capacity that fits need: doubling from cap (or 4), so growth by one
 * element at a time stays amortized O(1). */
static size_t grown_cap(size_t cap, size_t need)
{
	size_t c = cap ? cap : 4;
	while (c < need)
		c *= 2;
	return c;
}

int bs_try_grow(void *arrp, size_t *cap, size_t need, size_t elem)
{
	void **arr = arrp;
	if (need <= *cap)
		return 0;
	size_t c = grown_cap(*cap, need);
	if (c > SIZE_MAX / elem)
		return -1;
	void *p = bs_try_realloc(*arr, c * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = c;
	return 0;
}

void bs_grow_slow(void *arrp, size_t *cap, size_t need, size_t elem)
{
	if (bs_try_grow(arrp, cap, need, elem) < 0)
		out_of_memory();
}

void bs_buf_puts(bs_buf *b, const char *s)
{
	bs_buf_add(b, s, strlen(s));
}

void bs_buf_putc(bs_buf *b, char c)
{
	bs_buf_add(b, &c, 1);
}

void bs_buf_printf(bs_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	bs_grow(&b->s, &b->cap, b->len + (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void bs_buf_clear(bs_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = 0;
}

void bs_buf_free(bs_buf *b)
{
	bs_free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* Little-endian loads of 8 and 4 bytes from anywhere. */
static inline uint64_t load64(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

static inline uint64_t load32(const unsigned char *p)
{
	uint32_t w;
	memcpy(&w, p, 4);
	return w;
}

static inline uint64_t hash_bytes(const void *s, size_t n)
{
	/* Eight bytes a step: keys are hashed for every result read, and many
	 * are arrays of interned pointers (projection rows), which a byte at
	 * a time makes slow. Each step is a bijection of the state. A last
	 * part shorter than a word is read as the key's last 8 bytes, or
	 * with two 4-byte loads or three single bytes that between them
	 * cover it, so no byte past the key is read and no copy is made. The
	 * final mix folds the high bits into the low ones that pick a slot. */
	const unsigned char *p = s, *end = p + n;
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
	for (; end - p >= 8; p += 8) {
		h = (h ^ load64(p)) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 29;
	}
	if (p < end) {
		size_t rest = (size_t)(end - p);
		if (n >= 8)
			w = load64(end - 8);
		else if (rest >= 4)
			w = load32(p) | load32(end - 4) << 32;
		else
			w = (uint64_t)p[0] | (uint64_t)p[rest / 2] << 8 | (uint64_t)end[-1] << 16;
		h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
	}
	h ^= h >> 32;
	h *= 0x94D049BB133111EBull;
	return h ^ (h >> 29);
}

void bs_map_init(bs_map *m, bs_arena *a)
{
	m->arena = a;
	m->slots = NULL;
	m->n = m->cap = 0;
}

void bs_map_free(bs_map *m)
{
	m->slots = NULL;
	m->n = m->cap = 0;
}

/* Whether a[0..n) equals b[0..n). Keys are mostly short (names, units,
 * rows of a few pointers): up to 16 bytes, two overlapping loads from
 * each side decide without a call; no load leaves [0, n). */
static inline int same_key(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	if (n >= 8 && n <= 16)
		return ((load64(x) ^ load64(y)) | (load64(x + n - 8) ^ load64(y + n - 8))) == 0;
	if (n >= 4 && n < 8)
		return ((load32(x) ^ load32(y)) | (load32(x + n - 4) ^ load32(y + n - 4))) == 0;
	if (n < 4)
		return n == 0 || (x[0] == y[0] && x[n / 2] == y[n / 2] && x[n - 1] == y[n - 1]);
	return memcmp(a, b, n) == 0;
}

/* The slot holding s, or the empty slot where it would go (linear
 * probing). A slot's hash and length are compared before the key's bytes,
 * so a probe reads another key only when both match. */
static inline bs_map_slot *slot(bs_map_slot *slots, size_t cap, const char *s, size_t n, uint64_t h)
{
	for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
		bs_map_slot *e = &slots[i];
		if (!e->ent || (e->hash == (uint32_t)h && e->len == n && same_key(e->ent->key, s, n)))
			return e;
	}
}

bs_map_ent *bs_map_find(const bs_map *m, const char *s, size_t n)
{
	if (!m->cap)
		return NULL;
	return slot(m->slots, m->cap, s, n, hash_bytes(s, n))->ent;
}

/* Doubles the table, kept at most half full so probes stay short. A slot
 * keeps the low 32 bits of its hash, which place it in any table of up
 * to 2^32 slots; past that the key is hashed again. */
static void map_grow(bs_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 8;
	bs_map_slot *slots = bs_alloc(m->arena, cap * sizeof *slots);
	for (size_t i = 0; i < m->cap; i++) {
		const bs_map_slot *e = &m->slots[i];
		if (!e->ent)
			continue;
		uint64_t h = cap <= ((uint64_t)1 << 32) ? e->hash : hash_bytes(e->ent->key, e->len);
		size_t j = h & (cap - 1);
		while (slots[j].ent)
			j = (j + 1) & (cap - 1);
		slots[j] = *e;
	}
	if (m->cap * sizeof *m->slots > CHUNK_SIZE / 2)   /* then it has its own chunk */
		bs_arena_release(m->arena, m->slots);
	m->slots = slots;
	m->cap = cap;
}

/* Fills the empty slot e with a new entry for s. Apart from bs_map_put,
 * so that finding a key that is there (the usual case) is a leaf. */
__attribute__((noinline)) static bs_map_ent *map_add(bs_map *m, bs_map_slot *e, const char *s,
                                                     size_t n, uint64_t h, long init)
{
	/* The entry and its key in one block: a probe that matches reads
	 * both from one place. */
	bs_map_ent *ent = bs_alloc(m->arena, sizeof *ent + n + 1);
	char *key = (char *)(ent + 1);
	if (n)
		memcpy(key, s, n);
	key[n] = 0;
	ent->key = key;
	ent->value = init;
	*e = (bs_map_slot){ ent, (uint32_t)h, (uint32_t)n };
	m->n++;
	return ent;
}

bs_map_ent *bs_map_put(bs_map *m, const char *s, size_t n, long init, int *created)
{
	if (n > UINT32_MAX)
		out_of_memory();
	if ((m->n + 1) * 2 > m->cap)
		map_grow(m);
	uint64_t h = hash_bytes(s, n);
	bs_map_slot *e = slot(m->slots, m->cap, s, n, h);
	if (created)
		*created = !e->ent;
	return e->ent ? e->ent : map_add(m, e, s, n, h, init);
}

const char *bs_intern(bs_map *m, const char *s, size_t n)
{
	return bs_map_put(m, s, n, (long)m->n, NULL)->key;
}

int bs_utf8_decode(const unsigned char *s, size_t n, uint32_t *rune)
{
	unsigned c = s[0];
	int len;
	uint32_t r, min;
	if (c < 0x80) {
		*rune = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, r = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, r = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, r = c & 0x07, min = 0x10000;
	} else {
		*rune = 0xFFFD;
		return 1;
	}
	if ((size_t)len > n)
		goto bad;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		r = r << 6 | (s[i] & 0x3F);
	}
	if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		goto bad;
	*rune = r;
	return len;
bad:
	*rune = 0xFFFD;
	return 1;
}

size_t bs_utf8_len(const char *s)
{
	/* Table cells are mostly ASCII: a byte below 0x80 is one code point
	 * without decoding, and is checked first. */
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), count = 0;
	uint32_t r;
	for (size_t i = 0; i < n; count++)
		i += p[i] < 0x80 ? 1 : (size_t)bs_utf8_decode(p + i, n - i, &r);
	return count;
}

int bs_is_space_rune(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return 1;
	}
	return r >= 0x2000 && r <= 0x200A;
}

void bs_agrow(bs_arena *a, void *arrp, size_t *cap, size_t need, size_t elem)
{
	void **arr = arrp;
	if (need <= *cap)
		return;
	size_t c = grown_cap(*cap, need);
	void *n = bs_alloc(a, c * elem);
	if (*cap)
		memcpy(n, *arr, *cap * elem);
	*arr = n;
	*cap = c;
}

/*
 * printf's "%.*f" ("%+.*f" with plus): correctly rounded, ties to even on
 * the exact binary value, as glibc and Go both print. Tables format tens
 * of thousands of numbers and printf's general float path was a good part
 * of rendering, so the common case is done with integers: the product
 * y = |x| * 10^prec, as rounded to a double, is split into its integer
 * part and its fraction (both exact below 2^52, where every half-integer
 * is representable), which decide how the exact product rounds unless the
 * fraction is exactly one half; only then is the product's rounding error
 * e (by fma) needed: its sign decides, and 0 means a true tie, to even.
 * Larger, non-finite or very precise values go to snprintf.
 */
/* Writes the two digits of v < 100 before p; returns their start. */
static char *put2(char *p, unsigned v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	p -= 2;
	memcpy(p, pairs + 2 * v, 2);
	return p;
}

/* snprintf's own way, out of line: the integer path stays lean. */
static __attribute__((noinline)) int fixed_by_printf(char *buf, size_t size, double x, int prec,
                                                     int plus)
{
	return snprintf(buf, size, plus ? "%+.*f" : "%.*f", prec, x);
}

int bs_fmt_fixed(char *buf, size_t size, double x, int prec, int plus)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	                                1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	double ax = fabs(x);
	if (prec < 0 || prec > 15 || !(ax * pow10[prec] < 0x1p52))
		return fixed_by_printf(buf, size, x, prec, plus);
	double y = ax * pow10[prec];
	int64_t whole = (int64_t)y;
	double frac = y - (double)whole;
	uint64_t digits = (uint64_t)whole;
	if (frac > 0.5) {
		digits++;
	} else if (frac == 0.5) {
		double e = fma(ax, pow10[prec], -y);
		digits += e > 0 || (e == 0 && (digits & 1));
	}
	/* Written backwards into text, ending at its middle: at most 18 bytes
	 * (a sign, 16 digits, the point), so that buf gets them as one fixed
	 * 24-byte copy when it has room, not a copy of counted length. */
	char text[48], *end = text + 24, *p = end;
	int k = prec;
	for (; k >= 2; k -= 2, digits /= 100)
		p = put2(p, (unsigned)(digits % 100));
	if (k == 1) {
		*--p = (char)('0' + digits % 10);
		digits /= 10;
	}
	if (prec > 0)
		*--p = '.';
	for (; digits >= 100; digits /= 100)
		p = put2(p, (unsigned)(digits % 100));
	if (digits >= 10)
		p = put2(p, (unsigned)digits);
	else
		*--p = (char)('0' + digits);
	if (signbit(x))
		*--p = '-';
	else if (plus)
		*--p = '+';
	int len = (int)(end - p);
	if (size > 24)
		memcpy(buf, p, 24);
	else if ((size_t)len < size)
		memcpy(buf, p, (size_t)len);
	else                        /* cut short: rare enough for snprintf */
		return fixed_by_printf(buf, size, x, prec, plus);
	buf[len] = 0;
	return len;
}
