/*
 * sizes.c — the allocator's size regimes. glibc serves small requests from
 * per-thread caches and bins, and requests above its mmap threshold (128 KiB
 * at start) with a fresh mmap: 16 B, 1 KiB, 64 KiB and 1 MiB show the steps.
 * Each sub-benchmark reports MB/s for the bytes it asks for, so the cost per
 * byte can be read across sizes. Left alone, glibc raises the threshold
 * when a mapped chunk is freed (its "dynamic mmap threshold"), and from the
 * second round on 1 MiB would come from the heap like the rest; the
 * benchmark pins the threshold with mallopt so that every 1 MiB request
 * pays for its mmap and munmap. That setting holds for the rest of the
 * process. allocs/op is 1 and B/op the size in every case.
 */
#include <cbench.h>
#include <malloc.h>
#include <stdlib.h>

static void alloc_touch_free(cbench_b *b, void *ctx)
{
	size_t size = *(const size_t *)ctx;
	cbench_set_bytes(b, (int64_t)size);
	for (int64_t i = 0; i < b->n; i++) {
		char *p = malloc(size);
		/* One write per page would measure page faults; the first and
		 * last bytes are enough to make the memory real to the compiler. */
		p[0] = 1;
		p[size - 1] = 2;
		cbench_keep(p);
		free(p);
	}
}

BENCH(MallocSize) {
	static const struct { const char *name; size_t size; } sizes[] = {
		{ "size=16B", 16 },
		{ "size=1KiB", 1024 },
		{ "size=64KiB", 64 * 1024 },
		{ "size=1MiB", 1024 * 1024 },
	};
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t size = sizes[i].size;
		cbench_run(b, sizes[i].name, alloc_touch_free, &size);
	}
}
