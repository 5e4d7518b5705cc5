/* cb_profile.c: which allocations the memory profile records, and where
 * they came from; also the pointer tracking behind retained-B/op.
 *
 * Sampling follows Go's runtime (malloc.go nextSample, mprof.go): each
 * thread keeps a byte countdown drawn from an exponential distribution with
 * mean `rate`; an allocation smaller than what is left only decrements it,
 * any other is sampled and a new countdown is drawn. Sampling by bytes this
 * way is a Poisson process over allocated bytes, so an allocation of s
 * bytes is sampled with probability 1 - exp(-s/rate), and the writer scales
 * each site's counts by the inverse of that (Go's scaleHeapSample). Rate 1
 * samples every allocation and nothing is scaled.
 *
 * A sampled allocation's stack is interned in the site table and its
 * pointer goes into a pointer map, so that a free while the timer runs
 * credits the site's freed counts; in-use = sampled minus freed. All of it
 * runs inside the malloc hook: memory comes from mmap, one mutex guards the
 * tables and is never held while unwinding or calling anything that could
 * take another lock (fork waits for it, so a forked child finds it free),
 * and stack capture runs with counting suppressed on its thread, so
 * nothing it does can count or recurse. Frees and allocations are filtered
 * without the lock by a count of live sampled pointers per hash slot. */
#include "cb_profile.h"
#include "cb_hooks.h"
#include "cb_profwin.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { FILTER_BITS = 14, FILTER_SLOTS = 1 << FILTER_BITS, MIN_SITES = 256 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool profiling, retaining, probing, lossy;
static bool retain_lossy; /* under the lock: a retention run lost a pointer */
static int64_t sample_rate = 1;
static uint64_t base_seed;
static _Atomic uint64_t threads_seeded;
static int skip_frames;
uint64_t cb_profile_seed;

static struct cb_site *sites;        /* mmap'd, nsites used of capsites */
static size_t nsites, capsites;
static uint32_t *site_index;         /* open addressing: site number + 1 */
static size_t index_slots;
static struct cb_ptrmap sampled_live; /* sampled, not yet freed */
static struct cb_shadow retained;     /* every live block of a retention run */
/* How many sampled live pointers hash to each slot: a free or allocation
 * whose slot counts 0 needs no lock (the common case). */
static _Atomic uint32_t live_filter[FILTER_SLOTS];

/* A child forked while another thread holds the lock would find it held
 * forever and hang on its first profiled malloc: fork waits for the lock
 * instead (it is never held while calling out, so that cannot deadlock),
 * and both sides come out with it free. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&lock);
}

static void fork_child(void)
{
	pthread_mutex_init(&lock, NULL);
}

static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static void register_fork_handlers(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

static void prepare_for_fork(void)
{
	cb_hooks_suppress_begin();
	pthread_once(&fork_once, register_fork_handlers);
	cb_hooks_suppress_end();
}

static _Atomic unsigned generation; /* bumped by each start: threads reseed */
static __thread unsigned tls_generation;
static __thread uint64_t tls_rng;
static __thread int64_t tls_countdown;

/* A probe allocation made from here tells how many frames the hooks and
 * the observer put between the capture and the allocating function. */
static uintptr_t probe_pcs[CB_STACK_DEPTH];
static int probe_depth;

static uint64_t rng_next(void)
{
	/* xorshift64*: enough for exponential draws, tiny state per thread. */
	uint64_t x = tls_rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	tls_rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static int64_t next_countdown(void)
{
	double u = ((double)(rng_next() >> 11) + 1.0) / 9007199254740992.0; /* (0, 1] */
	return (int64_t)(-log(u) * (double)sample_rate) + 1;
}

static bool should_sample(size_t size)
{
	if (sample_rate <= 1)
		return true;
	unsigned gen = atomic_load_explicit(&generation, memory_order_relaxed);
	if (tls_generation != gen) {
		uint64_t k = atomic_fetch_add(&threads_seeded, 1) + 1;
		/* splitmix64 of seed and thread number; "| 1": xorshift needs a nonzero state */
		uint64_t z = base_seed + k * 0x9e3779b97f4a7c15ULL;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		tls_rng = (z ^ (z >> 31)) | 1;
		tls_countdown = next_countdown();
		tls_generation = gen;
	}
	if ((int64_t)size < tls_countdown) {
		tls_countdown -= (int64_t)size;
		return false;
	}
	tls_countdown = next_countdown();
	return true;
}

static uint64_t hash_stack(const uintptr_t *pcs, int depth)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (int i = 0; i < depth; i++)
		h = (h ^ (uint64_t)pcs[i]) * 0x100000001b3ULL;
	return h ^ (uint64_t)depth;
}

static void *grow_pages(void *old, size_t old_bytes, size_t new_bytes)
{
	void *p = mmap(NULL, new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (old) {
		memcpy(p, old, old_bytes);
		munmap(old, old_bytes);
	}
	return p;
}

static bool rebuild_index(size_t slots)
{
	uint32_t *idx = grow_pages(NULL, 0, slots * sizeof *idx);
	if (!idx)
		return false;
	for (size_t s = 0; s < nsites; s++) {
		size_t i = (size_t)sites[s].hash & (slots - 1);
		while (idx[i])
			i = (i + 1) & (slots - 1);
		idx[i] = (uint32_t)s + 1;
	}
	if (site_index)
		munmap(site_index, index_slots * sizeof *site_index);
	site_index = idx;
	index_slots = slots;
	return true;
}

/* The site for this stack, created on first sight; -1 when out of memory.
 * Called with the lock held. */
static long intern(const uintptr_t *pcs, int depth)
{
	uint64_t h = hash_stack(pcs, depth);
	for (size_t i = index_slots ? (size_t)h & (index_slots - 1) : 0;
	     index_slots && site_index[i]; i = (i + 1) & (index_slots - 1)) {
		struct cb_site *s = &sites[site_index[i] - 1];
		if (s->hash == h && s->depth == depth &&
		    memcmp(s->pc, pcs, (size_t)depth * sizeof *pcs) == 0)
			return (long)(site_index[i] - 1);
	}
	if (nsites == capsites) {
		size_t cap = capsites ? 2 * capsites : MIN_SITES;
		struct cb_site *p = grow_pages(sites, capsites * sizeof *sites, cap * sizeof *sites);
		if (!p)
			return -1;
		sites = p;
		capsites = cap;
	}
	if (2 * (nsites + 1) > index_slots && !rebuild_index(index_slots ? 2 * index_slots : 2 * MIN_SITES))
		return -1;
	struct cb_site *s = &sites[nsites];
	memset(s, 0, sizeof *s);
	s->hash = h;
	s->depth = depth;
	memcpy(s->pc, pcs, (size_t)depth * sizeof *pcs);
	size_t i = (size_t)h & (index_slots - 1);
	while (site_index[i])
		i = (i + 1) & (index_slots - 1);
	site_index[i] = (uint32_t)nsites + 1;
	return (long)nsites++;
}

static _Atomic uint32_t *filter_slot(void *p)
{
	return &live_filter[((uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL) >> (64 - FILTER_BITS)];
}

/* Never inlined: the probe measures the frames above it and must see the
 * same ones a real sample does. Putting the pointer replaces a stale entry
 * at the same address (see forget_stale). */
static __attribute__((noinline)) void record_alloc(void *ptr, size_t size)
{
	uintptr_t pcs[CB_STACK_DEPTH];
	/* Only the unwinder could allocate (it should not after cb_stack_init):
	 * if it does, suppression keeps that from counting or recursing. */
	cb_hooks_suppress_begin();
	bool probe = atomic_load_explicit(&probing, memory_order_relaxed);
	int depth = cb_stack_capture(probe ? probe_pcs : pcs, CB_STACK_DEPTH, probe ? 0 : skip_frames);
	cb_hooks_suppress_end();
	if (probe) {
		probe_depth = depth;
		return;
	}
	pthread_mutex_lock(&lock);
	long site = intern(pcs, depth);
	if (site >= 0) {
		sites[site].allocs++;
		sites[site].alloc_bytes += size;
		struct cb_ptr_entry e = {(uintptr_t)ptr, size, (uint32_t)site};
		struct cb_ptr_entry old;
		if (cb_ptrmap_put(&sampled_live, e, &old)) {
			if (old.key == 0)
				atomic_fetch_add_explicit(filter_slot(ptr), 1, memory_order_relaxed);
		} else {
			atomic_store(&lossy, true);
		}
	} else {
		atomic_store(&lossy, true);
	}
	pthread_mutex_unlock(&lock);
}

static bool maybe_sampled(void *ptr)
{
	return atomic_load_explicit(filter_slot(ptr), memory_order_relaxed) != 0;
}

/* Called with the lock held. */
static bool take_sampled(void *ptr, struct cb_ptr_entry *e)
{
	if (!cb_ptrmap_take(&sampled_live, (uintptr_t)ptr, e))
		return false;
	atomic_fetch_sub_explicit(filter_slot(ptr), 1, memory_order_relaxed);
	return true;
}

/* A new block at the address of a sampled one means the sampled block was
 * freed while the timer was off: it stays in use, but a later free at this
 * address belongs to the new block, not to it. */
static void forget_stale(void *ptr)
{
	if (!maybe_sampled(ptr))
		return;
	pthread_mutex_lock(&lock);
	struct cb_ptr_entry e;
	take_sampled(ptr, &e);
	pthread_mutex_unlock(&lock);
}

static void record_free(void *ptr)
{
	if (!maybe_sampled(ptr))
		return;
	struct cb_ptr_entry e;
	pthread_mutex_lock(&lock);
	if (take_sampled(ptr, &e)) {
		sites[e.site].frees++;
		sites[e.site].free_bytes += e.size;
	}
	pthread_mutex_unlock(&lock);
}

static void track_retained(enum cb_event kind, void *ptr, size_t size)
{
	pthread_mutex_lock(&lock);
	if (kind == CB_EV_ALLOC) {
		if (!cb_shadow_add(&retained, (uintptr_t)ptr, size))
			retain_lossy = true;
	} else {
		cb_shadow_remove(&retained, (uintptr_t)ptr);
	}
	pthread_mutex_unlock(&lock);
}

static void observe(void *ctx, enum cb_event kind, void *ptr, size_t size)
{
	(void)ctx;
	bool probe = atomic_load_explicit(&probing, memory_order_relaxed);
	bool retain = atomic_load_explicit(&retaining, memory_order_relaxed);
	bool profile = atomic_load_explicit(&profiling, memory_order_relaxed);
	if (probe) {
		if (kind == CB_EV_ALLOC)
			record_alloc(ptr, size); /* the same frames as a real sample */
		return;
	}
	if (retain)
		track_retained(kind, ptr, size);
	/* A retention run repeats a measured run: it is not sampled, but it
	 * may free or reuse the addresses of blocks sampled earlier. */
	if (profile && kind == CB_EV_FREE)
		record_free(ptr);
	else if (profile && !retain && should_sample(size))
		record_alloc(ptr, size);
	else if (profile)
		forget_stale(ptr);
}

static void attach_or_detach(void)
{
	bool need = atomic_load(&profiling) || atomic_load(&retaining) || atomic_load(&probing);
	cb_hooks_set_observer(need ? observe : NULL, NULL);
}

static uintptr_t probe_return;

static __attribute__((noinline)) void *probe_alloc(void)
{
	probe_return = (uintptr_t)__builtin_return_address(0);
	void *p = malloc(1);
	/* Keeps the call a call (not a tail jump), so this frame shows. */
	__asm__ __volatile__("" : : "g"(p) : "memory");
	return p;
}

/* How many captured frames precede the caller of malloc: the frame before
 * the one returning to measure_skip is probe_alloc, the caller. An exact
 * return address, not an address range: the compiler may place any
 * function right after probe_alloc. */
static int measure_skip(void)
{
	probe_depth = 0;
	atomic_store(&probing, true);
	attach_or_detach();
	cb_hooks_set_counting(true);
	void *p = probe_alloc();
	cb_hooks_set_counting(false);
	atomic_store(&probing, false);
	attach_or_detach();
	free(p);
	for (int i = 1; i < probe_depth; i++)
		if (probe_pcs[i] == probe_return)
			return i - 1;
	return -1;
}

int cb_profile_start(int64_t rate, uint64_t seed, char *err, size_t errlen)
{
	if (rate < 1) {
		snprintf(err, errlen, "-memprofilerate must be at least 1, got %lld", (long long)rate);
		return -1;
	}
	prepare_for_fork();
	cb_profile_reset();
	cb_stack_init();
	int skip = measure_skip();
	if (skip < 0) {
		snprintf(err, errlen, "cannot capture call stacks from the allocator hooks "
				      "(hooks inactive or unwinder missing)");
		return -1;
	}
	skip_frames = skip;
	sample_rate = rate;
	base_seed = seed;
	atomic_store(&threads_seeded, 0);
	atomic_fetch_add(&generation, 1);
	atomic_store(&profiling, true);
	attach_or_detach();
	return 0;
}

void cb_profile_stop(void)
{
	atomic_store(&profiling, false);
	attach_or_detach();
}

int64_t cb_profile_rate(void)
{
	return sample_rate;
}

size_t cb_profile_nsites(void)
{
	return nsites;
}

const struct cb_site *cb_profile_site(size_t i)
{
	return i < nsites ? &sites[i] : NULL;
}

bool cb_profile_lossy(void)
{
	return atomic_load(&lossy) || cb_profwin_lossy();
}

void cb_profile_reset(void)
{
	cb_profwin_reset();
	pthread_mutex_lock(&lock);
	if (sites)
		munmap(sites, capsites * sizeof *sites);
	if (site_index)
		munmap(site_index, index_slots * sizeof *site_index);
	sites = NULL;
	site_index = NULL;
	nsites = capsites = index_slots = 0;
	cb_ptrmap_clear(&sampled_live);
	cb_shadow_clear(&retained);
	for (size_t i = 0; i < FILTER_SLOTS; i++)
		atomic_store(&live_filter[i], 0);
	atomic_store(&lossy, false);
	pthread_mutex_unlock(&lock);
}

void cb_profile_scale(uint64_t count, uint64_t bytes, int64_t rate, double *count_out,
		      double *bytes_out)
{
	if (count == 0 || rate <= 1) {
		*count_out = (double)count;
		*bytes_out = (double)bytes;
		return;
	}
	double avg = (double)bytes / (double)count;
	double scale = 1 / (1 - exp(-avg / (double)rate));
	*count_out = (double)count * scale;
	*bytes_out = (double)bytes * scale;
}

void cb_retain_begin(void)
{
	prepare_for_fork();
	pthread_mutex_lock(&lock);
	cb_shadow_clear(&retained);
	retain_lossy = false;
	pthread_mutex_unlock(&lock);
	atomic_store(&retaining, true);
	attach_or_detach();
}

bool cb_retain_end(uint64_t *bytes)
{
	atomic_store(&retaining, false);
	attach_or_detach();
	pthread_mutex_lock(&lock);
	*bytes = retained.bytes;
	bool complete = !retain_lossy;
	cb_shadow_clear(&retained);
	pthread_mutex_unlock(&lock);
	return complete;
}

void cb_retain_reset(void)
{
	if (!atomic_load(&retaining))
		return;
	pthread_mutex_lock(&lock);
	cb_shadow_clear(&retained);
	pthread_mutex_unlock(&lock);
}

/* ---- crash isolation: a child's profile joins its parent's. The child
 * is the same program forked, so its return addresses mean the same in
 * the parent and its sites can be interned there as they are. */

void cb_profile_fork_child(uint64_t salt)
{
	/* The parent forks between benchmarks, from the runner's thread: no
	 * hook holds the lock, and what is inherited is the parent's to write. */
	cb_profile_reset();
	uint64_t z = base_seed ^ (salt * 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	base_seed = z ^ (z >> 27);
	atomic_store(&threads_seeded, 0);
	atomic_fetch_add(&generation, 1);
}

void cb_profile_mark_lossy(void)
{
	atomic_store(&lossy, true);
}

/* The start of every run and cbench_reset_timer (cb_timer.c): what was
 * sampled before belongs to no measured run, so that the profile can hold
 * the measured runs only (cb_profwin.c keeps each of them when it ends).
 * Sites keep their stacks, since the next run usually allocates at the
 * same ones; their counts, the live-pointer map and its filter start over.
 * Safe while other threads allocate: all of it is under the lock, and a
 * filter that reads nonzero only sends a free to the (now empty) map. */
void cb_profile_forget_samples(void)
{
	if (!atomic_load(&profiling))
		return;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nsites; i++)
		sites[i].allocs = sites[i].alloc_bytes = sites[i].frees = sites[i].free_bytes = 0;
	cb_ptrmap_clear(&sampled_live);
	for (size_t i = 0; i < FILTER_SLOTS; i++)
		atomic_store_explicit(&live_filter[i], 0, memory_order_relaxed);
	pthread_mutex_unlock(&lock);
}

/* Puts back the observer this module needs (or none) after another module
 * (cb_firstalloc.c) borrowed the hooks' single observer slot for a re-run. */
void cb_profile_reattach(void)
{
	attach_or_detach();
}
