/*
 * util.h — bstat's private plumbing: an arena that owns every string and
 * record of one run, a growable byte buffer, and a string hash map used for
 * interning and for "first seen" orders. Nothing here is public API.
 *
 * Ownership: everything allocated from a bs_arena lives until
 * bs_arena_free; every other block from bs_xrealloc until bs_free.
 *
 * Out of memory, the one policy: every bstat allocation goes through
 * bs_xrealloc/bs_try_realloc, which keep their blocks on one list. The
 * command sets a recovery point (bs_oom_catch); when memory runs out,
 * bs_xrealloc runs the registered cleanups (open inputs, compiled regexps),
 * frees every block still on the list and longjmps there, where the command
 * reports "out of memory" and exits 2. No caller threads NULL checks through
 * every table cell, and nothing leaks. Without a recovery point (a library
 * user, the fuzz target) it aborts. The list and the recovery point are
 * process-wide: one bs_main at a time.
 */
#ifndef BSTAT_UTIL_H
#define BSTAT_UTIL_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* realloc that never returns NULL (see above); n == 0 allocates 1 byte. */
void *bs_xrealloc(void *p, size_t n);
/* Zeroed bs_xrealloc(NULL, n * size), overflow checked. */
void *bs_xcalloc(size_t n, size_t size);
/* realloc on the same list that returns NULL when memory runs out (for
 * callers that report it themselves: the line reader, cJSON). */
void *bs_try_realloc(void *p, size_t n);
/* Frees a block from any of the three (NULL is fine). */
void bs_free(void *p);

/* Sets (jb) or clears (NULL) the recovery point. */
void bs_oom_catch(jmp_buf *jb);
/* Registers fn(arg) to run when memory runs out, until forgotten. At most
 * BS_MAX_CLEANUPS at once; returns -1 when full (then nothing is kept). */
enum { BS_MAX_CLEANUPS = 16 };
int bs_cleanup_push(void (*fn)(void *), void *arg);
void bs_cleanup_forget(void (*fn)(void *), void *arg);
/* Blocks on the list now (for tests: none once a run has finished). */
size_t bs_live_blocks(void);

typedef struct bs_arena bs_arena;
bs_arena *bs_arena_new(void);
void bs_arena_free(bs_arena *a);
/* Zeroed, aligned for any type. */
void *bs_alloc(bs_arena *a, size_t n);
/* Gives back p early when it is a big allocation with a chunk of its own
 * (over 32 KiB) and not the newest chunk; otherwise it stays until
 * bs_arena_free. */
void bs_arena_release(bs_arena *a, void *p);
/* A NUL-terminated copy of s[0..n). */
char *bs_strndup(bs_arena *a, const char *s, size_t n);
char *bs_strdup(bs_arena *a, const char *s);

/* Grows *arr (of *cap elements of size elem) so index need-1 fits,
 * doubling (so growth one element at a time is amortized O(1)). The
 * check is inline: it runs for every element appended. */
void bs_grow_slow(void *arrp, size_t *cap, size_t need, size_t elem);
static inline void bs_grow(void *arrp, size_t *cap, size_t need, size_t elem)
{
	if (need > *cap)
		bs_grow_slow(arrp, cap, need, elem);
}
/* The same, returning -1 (and leaving *arr as it was) when memory runs out. */
int bs_try_grow(void *arrp, size_t *cap, size_t need, size_t elem);

/* bs_grow for arrays that live in the arena (the old block is abandoned). */
void bs_agrow(bs_arena *a, void *arrp, size_t *cap, size_t need, size_t elem);

/* A growable byte string, always NUL-terminated once anything is added. */
typedef struct bs_buf {
	char *s;
	size_t len, cap;
} bs_buf;
/* Appends s[0..n); inline, as text is written a few bytes at a time. */
static inline void bs_buf_add(bs_buf *b, const char *s, size_t n)
{
	bs_grow(&b->s, &b->cap, b->len + n + 1, 1);
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}
void bs_buf_puts(bs_buf *b, const char *s);
void bs_buf_putc(bs_buf *b, char c);
void bs_buf_printf(bs_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bs_buf_clear(bs_buf *b);
void bs_buf_free(bs_buf *b);

/*
 * Maps byte strings to an int and to one canonical NUL-terminated copy
 * (so interned strings compare equal by pointer). Keys, entries and the
 * table live in the arena given at init; bs_map_free only forgets them.
 * An entry stays where it is for the arena's life (growing the table
 * moves only the slots that point to entries). Keys of 4 GiB or more are
 * refused as running out of memory.
 */
typedef struct bs_map_ent {
	const char *key;
	long value;
} bs_map_ent;
typedef struct bs_map_slot {
	bs_map_ent *ent;           /* NULL: empty */
	uint32_t hash, len;        /* the key's hash (low bits) and length */
} bs_map_slot;
typedef struct bs_map {
	bs_arena *arena;
	bs_map_slot *slots;
	size_t n, cap;
} bs_map;
void bs_map_init(bs_map *m, bs_arena *a);
void bs_map_free(bs_map *m);
/* The entry for s, or NULL. */
bs_map_ent *bs_map_find(const bs_map *m, const char *s, size_t n);
/* The entry for s, created with value `init` when missing; *created set. */
bs_map_ent *bs_map_put(bs_map *m, const char *s, size_t n, long init, int *created);
/* The canonical copy of s. In a map used only through bs_intern, each
 * entry's value is its index in the order interned (dense ids: arrays
 * indexed by them are cheaper than another hash probe). */
const char *bs_intern(bs_map *m, const char *s, size_t n);

/* snprintf(buf, size, plus ? "%+.*f" : "%.*f", prec, x), the same bytes
 * and return value, faster. */
int bs_fmt_fixed(char *buf, size_t size, double x, int prec, int plus);

/* Number of UTF-8 code points in s (invalid bytes count one each). */
size_t bs_utf8_len(const char *s);
/* Decodes one rune at s[0..n); returns its byte length (>= 1), 0xFFFD on error. */
int bs_utf8_decode(const unsigned char *s, size_t n, uint32_t *rune);
/* Unicode White_Space as Go's unicode.IsSpace defines it. */
int bs_is_space_rune(uint32_t r);

#endif
