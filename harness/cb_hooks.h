/* cb_hooks.h: internal interface of the allocator hooks (cb_hooks.c) that
 * count heap allocations per thread while a benchmark's timer runs, and the
 * observer point a profiler (allocation-site profiles) can attach to. */
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

/* Counting on or off for every thread at once; cheap, no lock. */
void cb_hooks_set_counting(bool on);

/* While suppressed, the calling thread's allocations are not counted (the
 * harness's own bookkeeping during a timed region, thread creation). Calls
 * nest only as begin/end pairs on one thread. */
void cb_hooks_suppress_begin(void);
void cb_hooks_suppress_end(void);

/* True when this program's malloc really is the hooked one (checked by an
 * allocation libc makes internally). False under a static libc, ASan, or a
 * preloaded allocator that wins over the executable's definitions. */
bool cb_hooks_active(void);

/* Observer: called for every counted event (so only while counting is on
 * and not suppressed), on the thread that made it, after the allocator
 * returned. kind is CB_EV_ALLOC (ptr, size) or CB_EV_FREE (ptr, 0). The
 * observer must not allocate through malloc (its own allocations would be
 * observed); it may use the __libc_* functions. NULL detaches. A realloc
 * that succeeds reports the free of the old block before the allocation of
 * the new one, also when the block stayed at the same address. */
enum cb_event { CB_EV_ALLOC, CB_EV_FREE };
typedef void cb_alloc_observer(void *ctx, enum cb_event kind, void *ptr, size_t size);
void cb_hooks_set_observer(cb_alloc_observer *fn, void *ctx);

#endif
