/* cb_hooks.h: internal interface of the allocator hooks (cb_hooks.c) that
 * count heap allocations per thread while a benchmark's timer runs, the
 * observer point a profiler (allocation-site profiles) can attach to, and a
 * fault-injection switch for tests.
 *
 * Threads: the hooks themselves are called from any thread. The switches
 * (set_counting, set_observer, fail_nth) are called by one controlling
 * thread at a time, the one that runs the benchmarks; cb_hooks_read and the
 * suppression calls from any thread. */
#ifndef CB_HOOKS_H
#define CB_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Monotonic totals summed over all threads since the program started,
 * counting only while counting is on. Callers subtract two readings. */
struct cb_alloc_totals {
	uint64_t allocs; /* successful allocations */
	uint64_t bytes;  /* requested bytes of those allocations */
	uint64_t frees;  /* frees of non-NULL pointers (realloc counts one) */
};

void cb_hooks_read(struct cb_alloc_totals *out);

/* Counting on or off for every thread at once. The hooks count all the
 * time; this moves the points between which cb_hooks_read's totals grow
 * (it sums every thread's tally once, no lock). */
void cb_hooks_set_counting(bool on);

/* While suppressed, the calling thread's allocations are not counted (the
 * harness's own bookkeeping during a timed region, thread creation). Calls
 * nest only as begin/end pairs on one thread. */
void cb_hooks_suppress_begin(void);
void cb_hooks_suppress_end(void);

/* Whether B/op and allocs/op are exact in this process. False, with a
 * reason for a one-line warning in *why (static text; NULL when exact; why
 * may be NULL), when a sanitizer's allocator is in charge (its interceptors
 * allocate without calling malloc) or when libc's own allocations do not
 * reach the hooks. With glibc, or jemalloc or tcmalloc preloaded or linked,
 * counts are exact: the hooks forward to whichever allocator the program
 * would otherwise use, so no block is ever freed by another allocator. */
bool cb_hooks_exact(const char **why);
/* cb_hooks_exact(NULL): print B/op and allocs/op or leave them out. */
bool cb_hooks_active(void);
/* The file name of the module whose allocator the hooks forward to
 * ("libc.so.6", "libjemalloc.so.2", "libasan.so.8", ...; static text). */
const char *cb_hooks_allocator(void);

/* Observer: called for every counted event (so only while counting is on
 * and not suppressed), on the thread that made it: after the allocator
 * returned for an allocation, before the block goes back for a free. kind
 * is CB_EV_ALLOC (ptr, size) or CB_EV_FREE (ptr, 0). The observer must not
 * allocate through malloc (its own allocations would be observed); it may
 * use mmap. NULL detaches; when set_observer returns, no thread is running
 * the previous observer or will start to, so its state may be torn down. A
 * realloc that succeeds reports the free of the old block before the
 * allocation of the new one, also when the block stayed at the same
 * address. Attaching costs nothing on the hooks' fast path until counting
 * is on. */
enum cb_event { CB_EV_ALLOC, CB_EV_FREE };
typedef void cb_alloc_observer(void *ctx, enum cb_event kind, void *ptr, size_t size);
void cb_hooks_set_observer(cb_alloc_observer *fn, void *ctx);

/* Fault injection, for tests: the nth allocation from now (1: the next one;
 * malloc, calloc, realloc to a nonzero size, the memalign family), in any
 * thread, fails as glibc fails, returning NULL with errno ENOMEM
 * (posix_memalign returns ENOMEM). Once only; 0 disarms. Costs the hooks
 * nothing when disarmed. */
void cb_hooks_fail_nth(uint64_t n);
/* True when the armed failure has happened since the last fail_nth. */
bool cb_hooks_fail_fired(void);
/* Between hold(true) and hold(false) the calling thread's allocations are
 * never the failing one (nor counted towards n): for calls into a library
 * that is known to mishandle a failed allocation (see cb_symbol.c). Nests. */
void cb_hooks_fail_hold(bool on);

#endif
