/* cb_firstalloc.c: says which call broke a zero-allocation contract. When a
 * benchmark declared with BENCH_ZERO_ALLOC (or cbench_expect_zero_alloc)
 * allocated in its measured run, it is run once more with the same n and an
 * observer that captures the stack of the first allocation made while the
 * timer runs; the frames (function, file:line) go into the FAIL block.
 *
 * The re-run uses a copy of the run, so nothing it does (time, counts,
 * metrics, log, failure) reaches the reported line. It costs one more run,
 * and only when the contract is already broken; a contract that holds
 * allocates nothing, so the observer would never have been called anyway.
 * The allocation is the re-run's first; a benchmark whose allocations are
 * not repeatable (a lazy buffer made once) may make none, which is said. */
#include "cb_firstalloc.h"
#include "cb_internal.h"
#include "cb_profile.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { SHOWN = 6 }; /* frames printed at most */

static atomic_bool armed, probing;
static uintptr_t first_pcs[CB_STACK_DEPTH], probe_pcs[CB_STACK_DEPTH];
static int first_depth, probe_depth;
static size_t first_size;
static int skip_frames = -1;
static uintptr_t probe_return;

/* Runs inside the allocator hooks: mmap-free, lock-free, no malloc. */
static __attribute__((noinline)) void on_event(void *ctx, enum cb_event kind, void *ptr,
					       size_t size)
{
	(void)ctx;
	(void)ptr;
	if (kind != CB_EV_ALLOC || !atomic_exchange(&armed, false))
		return;
	bool probe = atomic_load(&probing);
	cb_hooks_suppress_begin();
	int depth = cb_stack_capture(probe ? probe_pcs : first_pcs, CB_STACK_DEPTH,
				     probe ? 0 : skip_frames);
	cb_hooks_suppress_end();
	if (probe) {
		probe_depth = depth;
	} else {
		first_depth = depth;
		first_size = size;
	}
}

static __attribute__((noinline)) void *probe_alloc(void)
{
	probe_return = (uintptr_t)__builtin_return_address(0);
	void *p = malloc(1);
	__asm__ __volatile__("" : : "g"(p) : "memory"); /* a call, not a tail jump */
	return p;
}

/* How many captured frames lie between the capture and the caller of
 * malloc, found with a probe allocation (as cb_profile.c does): the exact
 * return address into the probe's caller marks the probe's frame. */
static int measure_skip(void)
{
	cb_stack_init();
	probe_depth = 0;
	atomic_store(&probing, true);
	atomic_store(&armed, true);
	cb_hooks_set_observer(on_event, NULL);
	cb_hooks_set_counting(true);
	void *p = probe_alloc();
	cb_hooks_set_counting(false);
	cb_profile_reattach();
	atomic_store(&probing, false);
	free(p);
	for (int i = 1; i < probe_depth; i++)
		if (probe_pcs[i] == probe_return)
			return i - 1;
	return -1;
}

/* Re-runs r on a copy with the observer armed; true when it allocated. */
static bool capture(struct cb_run *r)
{
	struct cb_run copy = *r;
	copy.output = (struct cb_strbuf){0};
	copy.failed = copy.skipped = copy.finished = false;
	copy.jump = NULL;
	copy.bh.run_ = &copy;
	first_depth = 0;
	atomic_store(&armed, true);
	cb_hooks_set_observer(on_event, NULL);
	cb_run_n(&copy, r->bh.n);
	cb_hooks_set_observer(NULL, NULL);
	atomic_store(&armed, false);
	cb_profile_reattach();
	cb_sb_free(&copy.output);
	return first_depth > 0;
}

/* One frame per line, innermost first, until the harness's own frames. */
static void describe(struct cb_strbuf *sb, struct cb_symbolizer *sym)
{
	int shown = 0;
	for (int i = 0; i < first_depth && shown < SHOWN; i++) {
		struct cb_frame fr[CB_MAX_INLINE];
		int n = sym ? cb_sym_lookup(sym, first_pcs[i] - 1, fr, CB_MAX_INLINE) : 0;
		if (n == 0) {
			cb_sb_printf(sb, "\n%#lx", (unsigned long)first_pcs[i]);
			shown++;
			continue;
		}
		for (int k = 0; k < n && shown < SHOWN; k++, shown++) {
			const char *fn = fr[k].function ? fr[k].function : "?";
			if (strncmp(fn, "cb_", 3) == 0)
				return; /* cb_run_n: the benchmark's caller */
			cb_sb_printf(sb, "\n%.*s", (int)strcspn(fn, "@"), fn);
			if (fr[k].file && fr[k].line > 0)
				cb_sb_printf(sb, " at %s:%d", fr[k].file, fr[k].line);
			else if (fr[k].file)
				cb_sb_printf(sb, " in %s", fr[k].file);
		}
	}
}

void cb_firstalloc_explain(struct cb_run *r)
{
	if (skip_frames < 0)
		skip_frames = measure_skip();
	if (skip_frames < 0) {
		cb_run_note(r, "(cannot capture call stacks here: no allocation site)");
		return;
	}
	if (!capture(r)) {
		cb_run_note(r, "(a re-run made no allocation while timed: no site to show)");
		return;
	}
	cb_hooks_suppress_begin();
	struct cb_strbuf sb = {0};
	cb_sb_printf(&sb, "first allocation while timed (%zu bytes), innermost call first:", first_size);
	struct cb_symbolizer *sym = cb_sym_open();
	describe(&sb, sym);
	cb_sym_close(sym);
	cb_run_note(r, "%s", cb_sb_str(&sb));
	cb_sb_free(&sb);
	cb_hooks_suppress_end();
}
