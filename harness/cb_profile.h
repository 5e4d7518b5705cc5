/* cb_profile.h: internal interface of the allocation profiler (-memprofile)
 * and of the retained-bytes measurement: the pointer map both use, the
 * address-indexed table of a retention run's live blocks, the
 * sampled allocation sites, stack capture, symbolization and the pprof
 * writer. Nothing here is public API; the runner and tests use it.
 *
 * Ownership: the profiler's tables live in mmap'd memory the profiler owns
 * until cb_profile_reset; sites returned by cb_profile_site are borrowed. */
#ifndef CB_PROFILE_H
#define CB_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- pointer map (cb_ptrmap.c); caller locks ---- */
struct cb_ptr_entry {
	uintptr_t key; /* the pointer; 0 marks an empty slot */
	uint64_t size;
	uint32_t site; /* index into the site table (profiler only) */
};
struct cb_ptrmap {
	struct cb_ptr_entry *slots;
	size_t nslots, count;
	uint64_t bytes; /* sum of the entries' sizes */
};
/* Adds or replaces; *replaced (if given) receives the old entry, key 0
 * when there was none. False when mmap failed (entry not added). */
bool cb_ptrmap_put(struct cb_ptrmap *m, struct cb_ptr_entry e, struct cb_ptr_entry *replaced);
/* Removes key; true and *out (if given) when it was there. */
bool cb_ptrmap_take(struct cb_ptrmap *m, uintptr_t key, struct cb_ptr_entry *out);
void cb_ptrmap_clear(struct cb_ptrmap *m);

/* ---- live blocks of a retention run by address (cb_shadow.c); caller
 * locks. Zero-initialized is empty. ---- */
struct cb_shadow_dir;
struct cb_shadow {
	struct cb_shadow_dir **dir; /* NULL until the first block */
	struct cb_ptrmap elsewhere; /* blocks the tree has no slot for */
	uint64_t bytes;             /* sum of the live blocks' sizes */
};
/* Adds a block (replacing one recorded at the same address, whose free was
 * missed). False when mmap failed: the block is not recorded. */
bool cb_shadow_add(struct cb_shadow *s, uintptr_t addr, uint64_t size);
/* Removes the block at addr if one is recorded. */
void cb_shadow_remove(struct cb_shadow *s, uintptr_t addr);
/* Forgets every block and returns the memory. */
void cb_shadow_clear(struct cb_shadow *s);

/* ---- stack capture (cb_stack.c) ---- */
#define CB_STACK_DEPTH 64
/* Prepares capture outside any counted region (the unwinder allocates on
 * first use). */
void cb_stack_init(void);
/* Return addresses of the calling thread, innermost first, after dropping
 * its own frame and `skip` more (the profiler measures how many with a
 * probe allocation); at most max. Never allocates once cb_stack_init ran. */
int cb_stack_capture(uintptr_t *pcs, int max, int skip);

/* ---- sampling and sites (cb_profile.c) ---- */
struct cb_site {
	uint64_t hash;
	uint64_t allocs, alloc_bytes; /* sampled allocations (unscaled) */
	uint64_t frees, free_bytes;   /* of those, freed while timed */
	int depth;
	uintptr_t pc[CB_STACK_DEPTH]; /* return addresses, leaf first */
};
/* Starts recording every counted allocation (rate 1) or a sample of one per
 * `rate` bytes on average (Go's MemProfileRate); seed makes the sampling
 * reproducible. Attaches the hooks' observer. Returns 0, or -1 with a
 * message. */
int cb_profile_start(int64_t rate, uint64_t seed, char *err, size_t errlen);
/* Stops recording (detaches the observer unless a retention run needs
 * it); the sites stay readable until cb_profile_reset. */
void cb_profile_stop(void);
int64_t cb_profile_rate(void);
size_t cb_profile_nsites(void);
const struct cb_site *cb_profile_site(size_t i);
/* True when the profiler ran out of memory (mmap) and dropped samples. */
bool cb_profile_lossy(void);
/* Forgets every site and pointer (tests; a second cb_main_io). */
void cb_profile_reset(void);
/* The seed cb_main_io passes to cb_profile_start; 0 means "from the clock".
 * Tests set it for reproducible sampling. */
extern uint64_t cb_profile_seed;
/* Go's scaleHeapSample: unsampled estimates of count and bytes. */
void cb_profile_scale(uint64_t count, uint64_t bytes, int64_t rate, double *count_out,
		      double *bytes_out);

/* Retained bytes: between begin and end every counted allocation is
 * remembered and every counted free forgets it; end stores in *bytes (an
 * output) the bytes still remembered, i.e. allocated and not freed while
 * the timer ran, and returns false when the map could not grow (mmap
 * failed), so that the figure is incomplete. */
void cb_retain_begin(void);
bool cb_retain_end(uint64_t *bytes);
/* cbench_reset_timer: what was allocated before it is not the loop's. */
void cb_retain_reset(void);
/* Drops the samples taken so far (counts, live pointers), keeping the
 * sites' stacks: a run that is not measured leaves nothing (cb_profwin.c). */
void cb_profile_forget_samples(void);
/* Restores the profiler's observer after another module borrowed it. */
void cb_profile_reattach(void);

/* ---- symbols (cb_symbol.c) ---- */
struct cb_symbolizer;
struct cb_frame {
	const char *function; /* NULL when unknown */
	const char *file;     /* NULL when unknown */
	int line;             /* 0 when unknown */
};
struct cb_mapping {
	uintptr_t start, limit, offset;
	char path[512];
	char build_id[129]; /* hex, "" when unknown */
};
/* Opens the running process's modules (libdw); NULL on failure. Strings it
 * returns live until cb_sym_close. */
struct cb_symbolizer *cb_sym_open(void);
/* The frames at pc, innermost first: calls inlined there, then the function
 * containing them (at most max, CB_MAX_INLINE at most). Returns how many;
 * 0 when nothing is known. Strings stay valid until the next lookup. */
#define CB_MAX_INLINE 8
int cb_sym_lookup(struct cb_symbolizer *s, uintptr_t pc, struct cb_frame *out, int max);
void cb_sym_close(struct cb_symbolizer *s);
/* The executable mappings of the process (/proc/self/maps), with build IDs
 * from s when given; returns how many were stored in out (at most max). */
size_t cb_sym_mappings(struct cb_symbolizer *s, struct cb_mapping *out, size_t max);

/* ---- the profile file (cb_pprof.c) ---- */
/* Writes the sites as a gzip-compressed profile.proto to path. Returns 0,
 * or -1 with "path: reason" in err. Call with counting off. */
int cb_pprof_write(const char *path, char *err, size_t errlen);

/* ---- crash isolation (cb_isolate.c): a child's samples reach the parent ---- */
/* In a child just forked: forgets the sites and pointers inherited from
 * the parent (the parent writes those) and draws this child's samples from
 * its own stream (salt: which child). Profiling stays on. */
void cb_profile_fork_child(uint64_t salt);
/* A child lost samples: so did the profile. */
void cb_profile_mark_lossy(void);

#endif
