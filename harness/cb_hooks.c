/* cb_hooks.c: replaces malloc, calloc, realloc, reallocarray, free,
 * aligned_alloc, posix_memalign, memalign, valloc and pvalloc in the program
 * and counts allocations while a benchmark's timer runs.
 *
 * glibc lets an executable define these functions (manual, "Replacing
 * malloc"): every call, including those libc and shared libraries make
 * internally (strdup, fopen, cJSON), binds to the executable's definition.
 * Each replacement forwards to glibc's own allocator through the exported
 * __libc_* entry points, which never call back into these definitions, so
 * there is no recursion and no dlsym bootstrap problem.
 *
 * Counting must be exact across threads yet cost almost nothing:
 *  - one global mode word, read with a relaxed load, says whether to count;
 *  - each thread counts into its own tally (owned by that thread only, so a
 *    relaxed load + store replaces a locked add); tallies live in a
 *    lock-free, append-only list that readers sum;
 *  - a thread gets its tally on its first counted allocation; when it exits,
 *    a pthread key destructor hands the tally back for reuse by a later
 *    thread (counts stay: totals are monotonic and readers subtract two
 *    readings). Allocations after that, late in thread exit, go to a shared
 *    tally with atomic adds. Tallies are never freed, so a reader never sees
 *    freed memory.
 * The hooks never allocate through malloc themselves. They never write errno
 * on the paths that must keep it (free keeps it since glibc 2.33; the slow
 * path that registers a thread saves and restores it). */
#include "cb_hooks.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void __libc_free(void *ptr);
void *__libc_memalign(size_t alignment, size_t size);
void *__libc_valloc(size_t size);
void *__libc_pvalloc(size_t size);

enum { MODE_COUNT = 1, MODE_OBSERVE = 2 };

/* A cache line of its own: tallies come from the same heap as the blocks
 * the benchmark allocates and frees, and must not share their lines. */
struct tally {
	_Alignas(64) _Atomic uint64_t allocs;
	_Atomic uint64_t bytes, frees;
	atomic_bool owned;
	struct tally *next; /* fixed before the tally is published */
};

static _Atomic unsigned hook_mode;
static _Atomic(struct tally *) tally_list;
static struct tally late_tally; /* shared: updated with atomic adds only */
static cb_alloc_observer *observer_fn;
static void *observer_ctx;
static bool counting_on;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;

static __thread struct tally *my_tally;
static __thread struct tally my_discard; /* target while suppressed */
static __thread struct tally *my_saved;
static __thread int my_suppress_depth;
static __thread int my_exit_passes;
static __thread bool my_exited;

static inline void bump(_Atomic uint64_t *c, uint64_t v)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
			      memory_order_relaxed);
}

/* Keeps the tally registered for every destructor pass glibc makes, so that
 * allocations by other keys' destructors are still counted; on the last
 * pass it hands the tally back for a later thread to claim. */
static void on_thread_exit(void *arg)
{
	struct tally *t = arg;
	if (++my_exit_passes < PTHREAD_DESTRUCTOR_ITERATIONS) {
		pthread_setspecific(exit_key, t);
		return;
	}
	my_exited = true;
	my_tally = NULL;
	atomic_store_explicit(&t->owned, false, memory_order_release);
}

static void make_key(void)
{
	pthread_key_create(&exit_key, on_thread_exit);
}

static struct tally *claim_tally(void)
{
	for (struct tally *t = atomic_load_explicit(&tally_list, memory_order_acquire); t;
	     t = t->next) {
		bool expect = false;
		if (atomic_compare_exchange_strong(&t->owned, &expect, true))
			return t;
	}
	struct tally *t = __libc_memalign(_Alignof(struct tally), sizeof *t);
	if (!t)
		return NULL;
	memset(t, 0, sizeof *t);
	atomic_init(&t->owned, true);
	t->next = atomic_load_explicit(&tally_list, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(&tally_list, &t->next, t,
						      memory_order_release,
						      memory_order_relaxed))
		;
	return t;
}

/* First counted event of a thread: find it a tally. Returns NULL when the
 * thread is past its exit destructors or out of memory. */
static struct tally *adopt_tally(void)
{
	if (my_exited)
		return NULL;
	int saved_errno = errno;
	my_tally = &my_discard;
	pthread_once(&key_once, make_key);
	struct tally *t = claim_tally();
	if (t)
		pthread_setspecific(exit_key, t);
	my_tally = t;
	errno = saved_errno;
	return t;
}

/* Everything but the common case: no tally yet, a thread past its exit
 * destructors, or an observer attached. Kept out of line so that the
 * common case compiles to a handful of instructions without a frame. */
__attribute__((noinline, cold)) static void note_slow(enum cb_event kind, void *ptr, size_t size,
						      unsigned mode)
{
	struct tally *t = my_tally;
	if (t == NULL && (t = adopt_tally()) == NULL) {
		if (kind == CB_EV_ALLOC) {
			atomic_fetch_add(&late_tally.allocs, 1);
			atomic_fetch_add(&late_tally.bytes, size);
		} else {
			atomic_fetch_add(&late_tally.frees, 1);
		}
		return;
	}
	if (kind == CB_EV_ALLOC) {
		bump(&t->allocs, 1);
		bump(&t->bytes, size);
	} else {
		bump(&t->frees, 1);
	}
	if ((mode & MODE_OBSERVE) && t != &my_discard)
		observer_fn(observer_ctx, kind, ptr, size);
}

static inline __attribute__((always_inline)) void note_alloc(void *ptr, size_t size)
{
	unsigned mode = atomic_load_explicit(&hook_mode, memory_order_relaxed);
	if (!mode || !ptr)
		return;
	struct tally *t = my_tally;
	if (__builtin_expect(mode != MODE_COUNT || t == NULL, 0)) {
		note_slow(CB_EV_ALLOC, ptr, size, mode);
		return;
	}
	bump(&t->allocs, 1);
	bump(&t->bytes, size);
}

static inline __attribute__((always_inline)) void note_free(void *ptr)
{
	unsigned mode = atomic_load_explicit(&hook_mode, memory_order_relaxed);
	if (!mode)
		return;
	struct tally *t = my_tally;
	if (__builtin_expect(mode != MODE_COUNT || t == NULL, 0)) {
		note_slow(CB_EV_FREE, ptr, 0, mode);
		return;
	}
	bump(&t->frees, 1);
}

void *malloc(size_t size)
{
	void *p = __libc_malloc(size);
	note_alloc(p, size);
	return p;
}

void free(void *ptr)
{
	if (ptr)
		note_free(ptr);
	__libc_free(ptr);
}

void *calloc(size_t count, size_t size)
{
	void *p = __libc_calloc(count, size);
	note_alloc(p, count * size); /* no overflow: calloc failed if it would */
	return p;
}

void *realloc(void *ptr, size_t size)
{
	void *p = __libc_realloc(ptr, size);
	if (ptr == NULL) {
		note_alloc(p, size);
	} else if (size == 0) {
		note_free(ptr); /* glibc freed ptr and returned NULL */
	} else if (p) {
		/* The free first: when the block grew in place (p == ptr), an
		 * observer tracking live pointers must see the old block go
		 * before the new one arrives at the same address. */
		note_free(ptr);
		note_alloc(p, size);
	}
	return p;
}

void *reallocarray(void *ptr, size_t count, size_t size)
{
	size_t bytes;
	if (__builtin_mul_overflow(count, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(ptr, bytes);
}

void *memalign(size_t alignment, size_t size)
{
	void *p = __libc_memalign(alignment, size);
	note_alloc(p, size);
	return p;
}

static bool power_of_two(size_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* C17 leaves other alignments implementation-defined; reject them as
 * glibc 2.38 does rather than round them up silently. */
void *aligned_alloc(size_t alignment, size_t size)
{
	if (!power_of_two(alignment)) {
		errno = EINVAL;
		return NULL;
	}
	return memalign(alignment, size);
}

/* POSIX: reports errors by return value and leaves errno alone. */
int posix_memalign(void **out, size_t alignment, size_t size)
{
	if (!power_of_two(alignment) || alignment % sizeof(void *) != 0)
		return EINVAL;
	int saved_errno = errno;
	void *p = __libc_memalign(alignment, size);
	if (!p) {
		errno = saved_errno;
		return ENOMEM;
	}
	*out = p;
	note_alloc(p, size);
	return 0;
}

void *valloc(size_t size)
{
	void *p = __libc_valloc(size);
	note_alloc(p, size);
	return p;
}

void *pvalloc(size_t size)
{
	void *p = __libc_pvalloc(size);
	note_alloc(p, size);
	return p;
}

static unsigned mode_now(void)
{
	if (!counting_on)
		return 0;
	return MODE_COUNT | (observer_fn ? MODE_OBSERVE : 0);
}

void cb_hooks_set_counting(bool on)
{
	counting_on = on;
	atomic_store_explicit(&hook_mode, mode_now(), memory_order_seq_cst);
}

void cb_hooks_set_observer(cb_alloc_observer *fn, void *ctx)
{
	observer_ctx = ctx;
	observer_fn = fn;
	atomic_store_explicit(&hook_mode, mode_now(), memory_order_seq_cst);
}

void cb_hooks_read(struct cb_alloc_totals *out)
{
	struct cb_alloc_totals sum = {
		atomic_load(&late_tally.allocs),
		atomic_load(&late_tally.bytes),
		atomic_load(&late_tally.frees),
	};
	for (struct tally *t = atomic_load_explicit(&tally_list, memory_order_acquire); t;
	     t = t->next) {
		sum.allocs += atomic_load_explicit(&t->allocs, memory_order_relaxed);
		sum.bytes += atomic_load_explicit(&t->bytes, memory_order_relaxed);
		sum.frees += atomic_load_explicit(&t->frees, memory_order_relaxed);
	}
	*out = sum;
}

void cb_hooks_suppress_begin(void)
{
	if (my_suppress_depth++ == 0) {
		my_saved = my_tally;
		my_tally = &my_discard;
	}
}

void cb_hooks_suppress_end(void)
{
	if (--my_suppress_depth == 0)
		my_tally = my_saved;
}

bool cb_hooks_active(void)
{
	/* strdup allocates inside libc: it reaches our malloc only when the
	 * executable's definitions really won symbol binding. */
	static char *(*volatile dup)(const char *) = strdup;
	struct cb_alloc_totals before, after;
	bool was_on = counting_on;
	cb_hooks_set_counting(true);
	cb_hooks_read(&before);
	char *s = dup("x");
	cb_hooks_read(&after);
	cb_hooks_set_counting(was_on);
	free(s);
	return after.allocs > before.allocs;
}
