/* cb_hooks.c: replaces malloc, calloc, realloc, reallocarray, free,
 * aligned_alloc, posix_memalign, memalign, valloc and pvalloc in the program
 * and counts every allocation of every thread; the harness reads the totals
 * when a benchmark's timer starts and stops.
 *
 * Binding. glibc lets an executable define these functions (manual,
 * "Replacing malloc"): every call, including those libc and shared
 * libraries make internally (strdup, fopen, cJSON), binds to the
 * executable's definition. Each replacement reaches the real allocator
 * through a forwarding pointer (fwd_malloc ...), normally glibc's, which
 * never calls back into these definitions.
 *
 * The fast path. Counting never stops: every thread adds to its own tally
 * all the time, and "counting off" only freezes what cb_hooks_read returns
 * (the counts made while off are subtracted as a difference of two
 * snapshots), so no mode word is tested. malloc calls the forwarder and,
 * when it returned a block, loads the thread's tally pointer, tests it and
 * adds 1 and the size; free tests the pointer, adds 1 the same way and
 * tail-jumps into the forwarder, so it has no frame. Anything else (a
 * thread's first event, a thread past its exit destructors) is a tail call
 * out of line. `make bench-hooks` measures what this adds to a pair.
 *
 * Tallies. Only the owning thread writes a tally, so an add needs no lock:
 * on x86-64 it is a single `add` to memory, which a signal handler running
 * on the same thread cannot split (a load, add, store triple would lose the
 * handler's count); elsewhere it is a relaxed atomic add, as indivisible.
 * Readers on other threads load each 8-byte counter atomically and sum an
 * append-only list of tallies that are never freed. A thread claims a tally
 * (one released by an exited thread, or a new one from mmap) on its first
 * event, with signals blocked; a pthread key destructor releases it when
 * the thread exits. Counts stay with the tally, since readers only ever
 * subtract two readings. Events after the release, late in thread exit, go
 * to a shared tally with atomic adds. Suppression (the harness's own work on
 * one thread) points the thread's tally pointer at a private discard tally.
 *
 * Observers (the profiler, retained bytes) attach by swapping the
 * forwarding pointers for observing ones, which call the allocator and the
 * observer; the fast path never tests for them. Detaching is safe while
 * other threads allocate, in C11's memory model and so on arm64 too: an
 * observing forwarder increments `inflight`, loads the observer slot (both
 * seq_cst), calls the observer if the slot is set, then decrements
 * (release). Detach stores NULL in the slot (seq_cst) and waits until
 * `inflight` reads 0 (seq_cst, acquire). In the single total order of
 * seq_cst operations, either a thread's increment precedes the NULL store,
 * so the detacher waits for its decrement, or the store precedes the
 * thread's load, which then sees NULL or a later observer: once detach
 * returns, no thread is inside the old observer or can enter it. Attach
 * fills the slot's fields before publishing it with a release store, read
 * back with acquire, so no thread sees a half-made observer. The forwarding
 * pointers themselves are only hints (relaxed): an observing forwarder
 * called with nothing attached just forwards. A forked child resets
 * `inflight`, since the threads it counted do not exist there.
 *
 * Foreign allocators. The first call resolves what to forward to: a
 * sanitizer's interceptors when its runtime is present (ASan also defines
 * malloc, but as a weak symbol, so ours wins and must hand its requests on,
 * or its own interceptors' blocks would reach glibc's free); otherwise the
 * next malloc after the executable (RTLD_NEXT): glibc's, or jemalloc's or
 * tcmalloc's when one is preloaded or linked. Every block is allocated and
 * freed by one allocator. Counts stay exact, except under a sanitizer,
 * whose interceptors (strdup ...) allocate without calling malloc; see
 * cb_hooks_exact.
 *
 * Fault injection (tests only) swaps in forwarders that fail the nth
 * allocation; when it is off they are on no path. What the hooks allocate
 * for themselves through libc (pthread keys, fork handlers) counts into the
 * discard tally, and errno is left as glibc would leave it. */
#include "cb_hooks.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void __libc_free(void *ptr);
void *__libc_memalign(size_t alignment, size_t size);

/* A sanitizer runtime's own allocator (gcc's libasan, clang's compiler-rt);
 * NULL without one. */
extern void *__interceptor_malloc(size_t size) __attribute__((weak));
extern void *__interceptor_calloc(size_t count, size_t size) __attribute__((weak));
extern void *__interceptor_realloc(void *ptr, size_t size) __attribute__((weak));
extern void __interceptor_free(void *ptr) __attribute__((weak));
extern void *__interceptor_memalign(size_t alignment, size_t size) __attribute__((weak));

typedef void *malloc_fn(size_t size);
typedef void *calloc_fn(size_t count, size_t size);
typedef void *realloc_fn(void *ptr, size_t size);
typedef void free_fn(void *ptr);
typedef void *memalign_fn(size_t alignment, size_t size);

struct allocator {
	malloc_fn *malloc;
	calloc_fn *calloc;
	realloc_fn *realloc;
	free_fn *free;
	memalign_fn *memalign;
};

/* ---- tallies ---- */

/* A cache line of its own: a tally is written by one thread and read by
 * others, and must not share a line with another thread's tally. */
struct tally {
	_Alignas(64) uint64_t allocs;
	uint64_t bytes, frees;
	atomic_bool owned;
	struct tally *next; /* fixed before the tally is published */
};

static _Atomic(struct tally *) tally_list;
static struct tally late_tally; /* shared: atomic adds only */

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;

static __thread struct tally *my_tally;
static __thread struct tally my_discard; /* target while suppressed */
static __thread struct tally *my_saved;
static __thread int my_suppress_depth;
static __thread int my_exit_passes;
static __thread bool my_exited;

/* The owner's add: one instruction that a signal cannot split. */
static inline __attribute__((always_inline)) void add_owned(uint64_t *c, uint64_t v)
{
#if defined(__x86_64__)
	__asm__("addq %1, %0" : "+m"(*c) : "er"(v) : "cc");
#else
	__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
#endif
}

static uint64_t load_counter(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
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

/* Raw system calls, not the libc functions: a sanitizer intercepts
 * pthread_sigmask, sigfillset and mmap, and the hooks run before its
 * interceptors are ready (ASan's start-up allocates). The kernel's signal
 * set is 64 bits. */
static void mask_signals(uint64_t *old)
{
	uint64_t all = ~(uint64_t)0;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, old, sizeof all);
}

static void unmask_signals(const uint64_t *old)
{
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, old, NULL, sizeof *old);
}

static void *map_pages(size_t bytes)
{
	return (void *)syscall(SYS_mmap, NULL, bytes, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* Tallies come from mmap'd slabs, carved without a lock: each slab counts
 * its own tallies handed out, so a thread that loses the race to publish a
 * new slab simply carves from the winner's. */
enum { SLAB_BYTES = 4096, SLAB_TALLIES = SLAB_BYTES / sizeof(struct tally) - 1 };
struct slab {
	_Alignas(64) atomic_size_t used;
	struct tally t[SLAB_TALLIES];
};
static _Atomic(struct slab *) slab_now;

static struct tally *carve_tally(void)
{
	for (;;) {
		struct slab *s = atomic_load(&slab_now);
		if (s) {
			size_t i = atomic_fetch_add(&s->used, 1);
			if (i < SLAB_TALLIES)
				return &s->t[i];
		}
		struct slab *fresh = map_pages(sizeof *fresh);
		if (fresh == MAP_FAILED)
			return NULL;
		atomic_init(&fresh->used, 1); /* t[0] is ours */
		if (atomic_compare_exchange_strong(&slab_now, &s, fresh))
			return &fresh->t[0];
		syscall(SYS_munmap, fresh, sizeof *fresh);
	}
}

static struct tally *claim_tally(void)
{
	for (struct tally *t = atomic_load_explicit(&tally_list, memory_order_acquire); t;
	     t = t->next) {
		bool expect = false;
		if (atomic_compare_exchange_strong(&t->owned, &expect, true))
			return t;
	}
	struct tally *t = carve_tally();
	if (!t)
		return NULL;
	atomic_init(&t->owned, true);
	t->next = atomic_load_explicit(&tally_list, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(&tally_list, &t->next, t,
						      memory_order_release,
						      memory_order_relaxed))
		;
	return t;
}

/* A thread's first event: find it a tally. Signals are blocked meanwhile so
 * that a handler's allocation cannot start a second adoption. Returns NULL
 * when out of memory. */
static struct tally *adopt_tally(void)
{
	uint64_t old;
	mask_signals(&old);
	int saved_errno = errno;
	struct tally *t = my_tally;
	if (t == NULL) {
		/* pthread_once and setspecific may allocate: not the program's. */
		my_tally = &my_discard;
		pthread_once(&key_once, make_key);
		t = claim_tally();
		if (t)
			pthread_setspecific(exit_key, t);
		my_tally = t;
	}
	errno = saved_errno;
	unmask_signals(&old);
	return t;
}

static struct tally *tally_for_slow_path(void)
{
	return my_exited ? NULL : adopt_tally();
}

/* Out of line, as tail calls: a failed call (which counts nothing), a
 * thread's first event, a thread past its exit destructors. */
__attribute__((noinline, cold)) static void *count_alloc_slow(void *p, size_t size)
{
	if (p == NULL)
		return NULL;
	struct tally *t = tally_for_slow_path();
	if (t) {
		add_owned(&t->allocs, 1);
		add_owned(&t->bytes, size);
	} else {
		__atomic_fetch_add(&late_tally.allocs, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&late_tally.bytes, size, __ATOMIC_RELAXED);
	}
	return p;
}

__attribute__((noinline, cold)) static void count_free_slow(void)
{
	struct tally *t = tally_for_slow_path();
	if (t)
		add_owned(&t->frees, 1);
	else
		__atomic_fetch_add(&late_tally.frees, 1, __ATOMIC_RELAXED);
}

static void free_slow(void *ptr);

/* ---- forwarding ---- */

/* What the first call resolves (see the header); glibc until then. */
static struct allocator base = {__libc_malloc, __libc_calloc, __libc_realloc, __libc_free,
				__libc_memalign};
static bool base_is_sanitizer;

static malloc_fn first_malloc;
static calloc_fn first_calloc;
static realloc_fn first_realloc;
static free_fn first_free;
static memalign_fn first_memalign;

static _Atomic(malloc_fn *) fwd_malloc = first_malloc;
static _Atomic(calloc_fn *) fwd_calloc = first_calloc;
static _Atomic(realloc_fn *) fwd_realloc = first_realloc;
static _Atomic(free_fn *) fwd_free = first_free;
static _Atomic(memalign_fn *) fwd_memalign = first_memalign;

#define FWD(name) atomic_load_explicit(&fwd_##name, memory_order_relaxed)

void *malloc(size_t size)
{
	void *p = FWD(malloc)(size);
	struct tally *t = my_tally;
	if (__builtin_expect(p == NULL, 0))
		return count_alloc_slow(p, size);
	if (__builtin_expect(t == NULL, 0))
		return count_alloc_slow(p, size);
	add_owned(&t->allocs, 1);
	add_owned(&t->bytes, size);
	return p;
}

void free(void *ptr)
{
	if (__builtin_expect(ptr != NULL, 1)) {
		struct tally *t = my_tally;
		if (__builtin_expect(t == NULL, 0)) {
			free_slow(ptr);
			return;
		}
		add_owned(&t->frees, 1);
	}
	FWD(free)(ptr);
}

__attribute__((noinline, cold)) static void free_slow(void *ptr)
{
	count_free_slow();
	FWD(free)(ptr);
}

static inline __attribute__((always_inline)) void *count_alloc(void *p, size_t size)
{
	if (p == NULL)
		return NULL;
	struct tally *t = my_tally;
	if (__builtin_expect(t == NULL, 0))
		return count_alloc_slow(p, size);
	add_owned(&t->allocs, 1);
	add_owned(&t->bytes, size);
	return p;
}

static inline void count_free(void)
{
	struct tally *t = my_tally;
	if (__builtin_expect(t == NULL, 0))
		count_free_slow();
	else
		add_owned(&t->frees, 1);
}

void *calloc(size_t count, size_t size)
{
	/* No overflow: calloc failed if count * size would overflow. */
	return count_alloc(FWD(calloc)(count, size), count * size);
}

void *realloc(void *ptr, size_t size)
{
	void *p = FWD(realloc)(ptr, size);
	if (ptr == NULL)
		return count_alloc(p, size);
	if (size == 0) {
		/* glibc frees ptr and returns NULL; an allocator that returns a
		 * minimal block instead has also freed ptr. */
		count_free();
		return count_alloc(p, 0);
	}
	if (p) {
		count_free();
		count_alloc(p, size);
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
	return count_alloc(FWD(memalign)(alignment, size), size);
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
	void *p = FWD(memalign)(alignment, size);
	if (!p) {
		errno = saved_errno;
		return ENOMEM;
	}
	*out = p;
	count_alloc(p, size);
	return 0;
}

/* valloc and pvalloc go through memalign, so that every allocator in
 * charge (some have no valloc) also serves them. Counted: the requested
 * size. */
void *valloc(size_t size)
{
	return count_alloc(FWD(memalign)((size_t)getpagesize(), size), size);
}

void *pvalloc(size_t size)
{
	size_t page = (size_t)getpagesize(), rounded;
	if (__builtin_add_overflow(size, page - 1, &rounded)) {
		errno = ENOMEM;
		return NULL;
	}
	rounded &= ~(page - 1);
	return count_alloc(FWD(memalign)(page, rounded ? rounded : page), size);
}

/* ---- observers ---- */

struct observer {
	cb_alloc_observer *fn;
	void *ctx;
};
static struct observer registered; /* written by the controlling thread */
static _Atomic(const struct observer *) live_observer;
static _Alignas(64) atomic_ulong inflight;
static bool counting_on;

/* Calls the observer unless the thread is suppressed or past its exit
 * destructors; see the header for why this is safe against detach. Never
 * inlined, so that every kind of call puts the same frames above the
 * allocating function (the profiler counts them once, with malloc). */
static __attribute__((noinline)) void observe(enum cb_event kind, void *ptr, size_t size)
{
	if (!atomic_load_explicit(&live_observer, memory_order_relaxed))
		return;
	if (my_tally == &my_discard || my_exited)
		return;
	int saved_errno = errno;
	atomic_fetch_add_explicit(&inflight, 1, memory_order_seq_cst);
	const struct observer *o = atomic_load_explicit(&live_observer, memory_order_seq_cst);
	if (o)
		o->fn(o->ctx, kind, ptr, size);
	atomic_fetch_sub_explicit(&inflight, 1, memory_order_release);
	errno = saved_errno;
}

static void *observed_malloc(size_t size)
{
	void *p = base.malloc(size);
	if (p)
		observe(CB_EV_ALLOC, p, size);
	return p;
}

static void *observed_calloc(size_t count, size_t size)
{
	void *p = base.calloc(count, size);
	if (p)
		observe(CB_EV_ALLOC, p, count * size);
	return p;
}

/* A realloc that succeeds reports the free of the old block before the new
 * block, also when it stayed in place (the same address). */
static void *observed_realloc(void *ptr, size_t size)
{
	void *p = base.realloc(ptr, size);
	if (ptr && (p || size == 0))
		observe(CB_EV_FREE, ptr, 0);
	if (p)
		observe(CB_EV_ALLOC, p, size);
	return p;
}

/* Before the block goes back: another thread may get its address at once. */
static void observed_free(void *ptr)
{
	if (ptr)
		observe(CB_EV_FREE, ptr, 0);
	base.free(ptr);
}

static void *observed_memalign(size_t alignment, size_t size)
{
	void *p = base.memalign(alignment, size);
	if (p)
		observe(CB_EV_ALLOC, p, size);
	return p;
}

/* ---- fault injection ---- */

static _Atomic uint64_t fault_left; /* allocations until the failing one; 0: off */
static atomic_bool fault_fired;
static __thread int my_faults_held;

/* Where a debugger stops to see the failing allocation's stack. */
static __attribute__((noinline)) void fault_injected(void)
{
	atomic_store(&fault_fired, true);
	__asm__ __volatile__("");
}

/* True for the one allocation that must fail. */
static bool fault_now(void)
{
	if (my_faults_held)
		return false;
	uint64_t left = atomic_load(&fault_left);
	while (left > 0 && !atomic_compare_exchange_weak(&fault_left, &left, left - 1))
		;
	if (left != 1)
		return false;
	fault_injected();
	errno = ENOMEM;
	return true;
}

static void *faulty_malloc(size_t size)
{
	return fault_now() ? NULL : observed_malloc(size);
}

static void *faulty_calloc(size_t count, size_t size)
{
	return fault_now() ? NULL : observed_calloc(count, size);
}

/* realloc(p, 0) frees: not an allocation that can fail. */
static void *faulty_realloc(void *ptr, size_t size)
{
	if ((size > 0 || ptr == NULL) && fault_now())
		return NULL;
	return observed_realloc(ptr, size);
}

static void *faulty_memalign(size_t alignment, size_t size)
{
	return fault_now() ? NULL : observed_memalign(alignment, size);
}

/* ---- choosing the forwarders ---- */

enum { UNRESOLVED, RESOLVING, RESOLVED };
static atomic_int resolve_state;
static __thread bool my_resolving;

static void install_forwarders(void)
{
	if (atomic_load(&resolve_state) != RESOLVED)
		return; /* resolve() installs them */
	struct allocator f = base;
	if (atomic_load(&fault_left) > 0)
		f = (struct allocator){faulty_malloc, faulty_calloc, faulty_realloc, observed_free,
				       faulty_memalign};
	else if (atomic_load(&live_observer))
		f = (struct allocator){observed_malloc, observed_calloc, observed_realloc,
				       observed_free, observed_memalign};
	atomic_store_explicit(&fwd_malloc, f.malloc, memory_order_relaxed);
	atomic_store_explicit(&fwd_calloc, f.calloc, memory_order_relaxed);
	atomic_store_explicit(&fwd_realloc, f.realloc, memory_order_relaxed);
	atomic_store_explicit(&fwd_free, f.free, memory_order_relaxed);
	atomic_store_explicit(&fwd_memalign, f.memalign, memory_order_relaxed);
}

static bool next_allocator(struct allocator *a)
{
	*a = (struct allocator){
		(malloc_fn *)dlsym(RTLD_NEXT, "malloc"),
		(calloc_fn *)dlsym(RTLD_NEXT, "calloc"),
		(realloc_fn *)dlsym(RTLD_NEXT, "realloc"),
		(free_fn *)dlsym(RTLD_NEXT, "free"),
		(memalign_fn *)dlsym(RTLD_NEXT, "memalign"),
	};
	return a->malloc && a->calloc && a->realloc && a->free && a->memalign;
}

/* The first call into the hooks, before any block was handed out, picks
 * the allocator every later call forwards to. Calls made meanwhile by the
 * same thread (dlsym's own, if any) go to glibc. It happens before a second
 * thread can exist (pthread_create allocates the new thread's DTV with
 * calloc), and thread creation orders it before everything other threads
 * do, so `base` needs no atomics. */
static void resolve(void)
{
	int expect = UNRESOLVED;
	if (!atomic_compare_exchange_strong(&resolve_state, &expect, RESOLVING)) {
		while (expect != RESOLVED && !my_resolving) {
			sched_yield();
			expect = atomic_load(&resolve_state);
		}
		return;
	}
	my_resolving = true;
	int saved_errno = errno; /* dlsym may leave its own */
	struct allocator a;
	if (__interceptor_malloc && __interceptor_calloc && __interceptor_realloc &&
	    __interceptor_free && __interceptor_memalign) {
		base = (struct allocator){__interceptor_malloc, __interceptor_calloc,
					  __interceptor_realloc, __interceptor_free,
					  __interceptor_memalign};
		base_is_sanitizer = true;
	} else if (next_allocator(&a)) {
		base = a;
	}
	errno = saved_errno;
	my_resolving = false;
	atomic_store(&resolve_state, RESOLVED);
	install_forwarders();
}

static bool resolved_here(void)
{
	resolve();
	return atomic_load(&resolve_state) == RESOLVED;
}

static void *first_malloc(size_t size)
{
	return resolved_here() ? FWD(malloc)(size) : __libc_malloc(size);
}

static void *first_calloc(size_t count, size_t size)
{
	return resolved_here() ? FWD(calloc)(count, size) : __libc_calloc(count, size);
}

static void *first_realloc(void *ptr, size_t size)
{
	return resolved_here() ? FWD(realloc)(ptr, size) : __libc_realloc(ptr, size);
}

static void first_free(void *ptr)
{
	if (resolved_here())
		FWD(free)(ptr);
	else
		__libc_free(ptr);
}

static void *first_memalign(size_t alignment, size_t size)
{
	return resolved_here() ? FWD(memalign)(alignment, size) : __libc_memalign(alignment, size);
}

/* ---- the controlling thread's interface ---- */

/* Raw totals: everything counted since the program started. */
static void sum_tallies(struct cb_alloc_totals *out)
{
	struct cb_alloc_totals sum = {
		load_counter(&late_tally.allocs),
		load_counter(&late_tally.bytes),
		load_counter(&late_tally.frees),
	};
	for (struct tally *t = atomic_load_explicit(&tally_list, memory_order_acquire); t;
	     t = t->next) {
		sum.allocs += load_counter(&t->allocs);
		sum.bytes += load_counter(&t->bytes);
		sum.frees += load_counter(&t->frees);
	}
	*out = sum;
}

/* Counts made while counting was off, and the raw totals when it last went
 * off: what cb_hooks_read subtracts, and what it returns while off. */
static struct cb_alloc_totals excluded, frozen;

static void totals_sub(struct cb_alloc_totals *a, const struct cb_alloc_totals *b)
{
	a->allocs -= b->allocs;
	a->bytes -= b->bytes;
	a->frees -= b->frees;
}

void cb_hooks_read(struct cb_alloc_totals *out)
{
	if (counting_on)
		sum_tallies(out);
	else
		*out = frozen;
	totals_sub(out, &excluded);
}

static void wait_quiescent(void)
{
	while (atomic_load_explicit(&inflight, memory_order_seq_cst) != 0)
		sched_yield();
}

/* The observer is live while counting is on and one is registered. */
static void publish_observer(void)
{
	bool want = counting_on && registered.fn;
	bool live = atomic_load_explicit(&live_observer, memory_order_relaxed) != NULL;
	if (want && !live)
		atomic_store_explicit(&live_observer, &registered, memory_order_release);
	else if (!want && live)
		atomic_store_explicit(&live_observer, NULL, memory_order_seq_cst);
	install_forwarders();
}

void cb_hooks_set_counting(bool on)
{
	if (on == counting_on)
		return;
	struct cb_alloc_totals now;
	sum_tallies(&now);
	if (on) {
		totals_sub(&now, &frozen);
		excluded.allocs += now.allocs;
		excluded.bytes += now.bytes;
		excluded.frees += now.frees;
	} else {
		frozen = now;
	}
	counting_on = on;
	publish_observer();
}

static void reset_inflight_in_child(void)
{
	atomic_store(&inflight, 0);
}

static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static void register_fork_handler(void)
{
	pthread_atfork(NULL, NULL, reset_inflight_in_child);
}

void cb_hooks_set_observer(cb_alloc_observer *fn, void *ctx)
{
	if (fn == registered.fn && ctx == registered.ctx)
		return;
	cb_hooks_suppress_begin();
	pthread_once(&fork_once, register_fork_handler);
	cb_hooks_suppress_end();
	/* Also when counting already went off and unpublished the slot: a
	 * thread that loaded it before may still be inside. */
	if (registered.fn) {
		atomic_store_explicit(&live_observer, NULL, memory_order_seq_cst);
		install_forwarders();
		wait_quiescent();
	}
	registered = (struct observer){fn, fn ? ctx : NULL};
	publish_observer();
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

void cb_hooks_fail_nth(uint64_t n)
{
	atomic_store(&fault_fired, false);
	atomic_store(&fault_left, n);
	install_forwarders();
}

bool cb_hooks_fail_fired(void)
{
	return atomic_load(&fault_fired);
}

void cb_hooks_fail_hold(bool on)
{
	my_faults_held += on ? 1 : -1;
}

/* Whether libc's own allocations reach the hooks: strdup allocates inside
 * libc, and is seen on this thread's tally only if the executable's
 * definitions won symbol binding. */
static bool libc_calls_reach_hooks(void)
{
	static char *(*volatile dup)(const char *) = strdup;
	free(malloc(1)); /* the thread has a tally from here on */
	struct tally *t = my_tally;
	if (t == NULL)
		return false;
	uint64_t before = load_counter(&t->allocs);
	char *s = dup("x");
	uint64_t after = load_counter(&t->allocs);
	free(s);
	return after > before;
}

bool cb_hooks_exact(const char **why)
{
	const char *reason = NULL;
	resolve();
	if (base_is_sanitizer)
		reason = "a sanitizer's allocator is in charge, and its interceptors (strdup ...) "
			 "allocate without calling malloc";
	else if (!libc_calls_reach_hooks())
		reason = "libc's own allocations do not reach the hooks (static libc?)";
	if (why)
		*why = reason;
	return reason == NULL;
}

bool cb_hooks_active(void)
{
	return cb_hooks_exact(NULL);
}

const char *cb_hooks_allocator(void)
{
	resolve();
	Dl_info info;
	if (!dladdr((void *)base.malloc, &info) || !info.dli_fname)
		return "unknown";
	const char *slash = strrchr(info.dli_fname, '/');
	return slash ? slash + 1 : info.dli_fname;
}
