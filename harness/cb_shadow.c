/* cb_shadow.c: the live blocks of a retention run (cb_retained.c) and the
 * sum of their sizes, in a table indexed by address rather than hashed.
 *
 * Why not the pointer map: a hash scatters the addresses of consecutive
 * allocations over the whole table, so once the table outgrows the cache
 * every malloc and free of a tracked run paid a cache miss (perf: 92% of
 * the map's time on one compare of the probe). Here a block's size sits at
 * a place computed from its address, so blocks that are neighbours in the
 * heap are neighbours in the table: a loop that allocates in address order
 * writes the table in order, and the table costs 4 bytes per 16 bytes of
 * heap the tracked blocks occupied, in pages that exist only where blocks
 * were.
 *
 * Shape: a radix tree over 48-bit addresses, as a page table is. The top
 * 12 bits pick a directory, the next 12 a leaf, and the low 24 a 4-byte
 * slot per 16-byte granule (glibc returns 16-byte-aligned blocks, so a
 * granule holds at most one block's start). Directories and leaves come
 * from mmap (this runs inside malloc and free) and are reserved, not
 * committed: the kernel supplies a leaf's pages as they are written.
 *
 * Whatever does not fit that shape goes to the exact pointer map instead:
 * a block that is not 16-byte aligned (an allocator other than glibc may
 * return 8-byte-aligned small blocks), an address above 2^48, a size that
 * does not fit in a slot. A slot holding SLOT_ELSEWHERE says "in the map".
 * A size of 0 needs no slot: it adds nothing to the sum.
 *
 * Not thread-safe: the caller holds its lock. */
#include "cb_profile.h"

#include <string.h>
#include <sys/mman.h>

enum {
	GRANULE_BITS = 4,
	LEAF_BITS = 20, /* slots per leaf: 16 MiB of address space */
	DIR_BITS = 12,  /* leaves per directory: 64 GiB */
	TOP_BITS = 48 - GRANULE_BITS - LEAF_BITS - DIR_BITS,
};
#define SLOT_ELSEWHERE UINT32_MAX

struct cb_shadow_dir {
	uint32_t *leaf[1u << DIR_BITS];
};

static void *map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static bool fits(uintptr_t addr)
{
	return (addr & ((1u << GRANULE_BITS) - 1)) == 0 && (uint64_t)addr >> 48 == 0;
}

/* The slot of addr, made if make is true; NULL when it is not there (or
 * mmap failed). */
static uint32_t *slot(struct cb_shadow *s, uintptr_t addr, bool make)
{
	uint64_t a = (uint64_t)addr >> GRANULE_BITS;
	size_t top = (size_t)(a >> (LEAF_BITS + DIR_BITS));
	size_t mid = (size_t)(a >> LEAF_BITS) & ((1u << DIR_BITS) - 1);
	size_t low = (size_t)a & ((1u << LEAF_BITS) - 1);
	if (!s->dir) {
		if (!make || !(s->dir = map(sizeof(struct cb_shadow_dir *) << TOP_BITS)))
			return NULL;
	}
	struct cb_shadow_dir *d = s->dir[top];
	if (!d) {
		if (!make || !(d = s->dir[top] = map(sizeof *d)))
			return NULL;
	}
	uint32_t *leaf = d->leaf[mid];
	if (!leaf) {
		if (!make || !(leaf = d->leaf[mid] = map(sizeof(uint32_t) << LEAF_BITS)))
			return NULL;
	}
	return &leaf[low];
}

/* Forgets the block whose (nonzero) slot is *at, taking it off the sum. */
static void drop(struct cb_shadow *s, uint32_t *at, uintptr_t addr)
{
	struct cb_ptr_entry old;
	if (*at != SLOT_ELSEWHERE)
		s->bytes -= *at;
	else if (cb_ptrmap_take(&s->elsewhere, addr, &old))
		s->bytes -= old.size;
	*at = 0;
}

/* The pointer map's share: blocks the tree has no slot for, or too large
 * for one. */
static bool add_elsewhere(struct cb_shadow *s, uintptr_t addr, uint64_t size)
{
	struct cb_ptr_entry e = {addr, size, 0}, old;
	if (!cb_ptrmap_put(&s->elsewhere, e, &old))
		return false;
	if (old.key) /* a missed free: the new block replaces it */
		s->bytes -= old.size;
	s->bytes += size;
	return true;
}

bool cb_shadow_add(struct cb_shadow *s, uintptr_t addr, uint64_t size)
{
	if (!fits(addr))
		return add_elsewhere(s, addr, size);
	if (size == 0) {
		cb_shadow_remove(s, addr);
		return true;
	}
	uint32_t *at = slot(s, addr, true);
	if (!at)
		return false;
	if (*at) /* a missed free: the new block replaces it */
		drop(s, at, addr);
	if (size >= SLOT_ELSEWHERE) {
		if (!add_elsewhere(s, addr, size))
			return false;
		*at = SLOT_ELSEWHERE;
		return true;
	}
	*at = (uint32_t)size;
	s->bytes += size;
	return true;
}

void cb_shadow_remove(struct cb_shadow *s, uintptr_t addr)
{
	struct cb_ptr_entry old;
	if (!fits(addr)) {
		if (cb_ptrmap_take(&s->elsewhere, addr, &old))
			s->bytes -= old.size;
		return;
	}
	uint32_t *at = slot(s, addr, false);
	if (at && *at)
		drop(s, at, addr);
}

void cb_shadow_clear(struct cb_shadow *s)
{
	if (s->dir) {
		for (size_t t = 0; t < (size_t)1 << TOP_BITS; t++) {
			struct cb_shadow_dir *d = s->dir[t];
			if (!d)
				continue;
			for (size_t m = 0; m < (size_t)1 << DIR_BITS; m++)
				if (d->leaf[m])
					munmap(d->leaf[m], sizeof(uint32_t) << LEAF_BITS);
			munmap(d, sizeof *d);
		}
		munmap(s->dir, sizeof(struct cb_shadow_dir *) << TOP_BITS);
	}
	cb_ptrmap_clear(&s->elsewhere);
	memset(s, 0, sizeof *s);
}
