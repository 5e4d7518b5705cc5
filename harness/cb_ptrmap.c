/* cb_ptrmap.c: a hash map from live heap pointers to (size, site) for the
 * profiler and the retained-bytes run. It runs inside malloc and free, so
 * its memory comes from mmap, never from the hooked allocator. Open
 * addressing with linear probing and backward-shift deletion (no
 * tombstones), grown to keep the load under one half. Not thread-safe: the
 * caller holds its lock. */
#include "cb_profile.h"

#include <string.h>
#include <sys/mman.h>

enum { MIN_SLOTS = 1024 };

static size_t slot_of(uintptr_t key, size_t mask)
{
	/* Heap pointers are 16-byte aligned and clustered: mix every bit into
	 * the low ones the mask keeps (murmur3's finalizer). A multiply alone
	 * leaves the middle bits of evenly spaced pointers correlated, which
	 * made probe runs long: 83% of a leak's tracking time was probing. */
	uint64_t h = (uint64_t)key;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (size_t)h & mask;
}

static struct cb_ptr_entry *map_pages(size_t slots)
{
	void *p = mmap(NULL, slots * sizeof(struct cb_ptr_entry), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void insert_fresh(struct cb_ptrmap *m, struct cb_ptr_entry e)
{
	size_t mask = m->nslots - 1;
	size_t i = slot_of(e.key, mask);
	while (m->slots[i].key != 0)
		i = (i + 1) & mask;
	m->slots[i] = e;
	m->count++;
}

static bool grow(struct cb_ptrmap *m)
{
	size_t nslots = m->nslots ? 2 * m->nslots : MIN_SLOTS;
	struct cb_ptr_entry *fresh = map_pages(nslots);
	if (!fresh)
		return false;
	struct cb_ptr_entry *old = m->slots;
	size_t oldn = m->nslots;
	m->slots = fresh;
	m->nslots = nslots;
	m->count = 0;
	for (size_t i = 0; i < oldn; i++)
		if (old[i].key != 0)
			insert_fresh(m, old[i]);
	if (old)
		munmap(old, oldn * sizeof *old);
	return true;
}

static struct cb_ptr_entry *find(const struct cb_ptrmap *m, uintptr_t key)
{
	if (m->nslots == 0)
		return NULL;
	size_t mask = m->nslots - 1;
	for (size_t i = slot_of(key, mask);; i = (i + 1) & mask) {
		if (m->slots[i].key == key)
			return &m->slots[i];
		if (m->slots[i].key == 0)
			return NULL;
	}
}

bool cb_ptrmap_put(struct cb_ptrmap *m, struct cb_ptr_entry e, struct cb_ptr_entry *replaced)
{
	struct cb_ptr_entry *old = find(m, e.key);
	if (old) {
		if (replaced)
			*replaced = *old;
		m->bytes += e.size - old->size;
		*old = e;
		return true;
	}
	if (replaced)
		replaced->key = 0;
	if (2 * (m->count + 1) > m->nslots && !grow(m))
		return false;
	insert_fresh(m, e);
	m->bytes += e.size;
	return true;
}

bool cb_ptrmap_take(struct cb_ptrmap *m, uintptr_t key, struct cb_ptr_entry *out)
{
	struct cb_ptr_entry *hit = find(m, key);
	if (!hit)
		return false;
	if (out)
		*out = *hit;
	m->bytes -= hit->size;
	m->count--;
	/* Backward-shift: pull later entries of the probe run into the hole so
	 * that every entry stays reachable from its home slot without gaps. */
	size_t mask = m->nslots - 1;
	size_t hole = (size_t)(hit - m->slots);
	for (size_t i = (hole + 1) & mask; m->slots[i].key != 0; i = (i + 1) & mask) {
		size_t home = slot_of(m->slots[i].key, mask);
		bool movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
		if (movable) {
			m->slots[hole] = m->slots[i];
			hole = i;
		}
	}
	m->slots[hole].key = 0;
	return true;
}

void cb_ptrmap_clear(struct cb_ptrmap *m)
{
	if (m->slots)
		munmap(m->slots, m->nslots * sizeof *m->slots);
	memset(m, 0, sizeof *m);
}
