/*
 * sizes.c — the allocator's size regimes. glibc serves small requests from
 * per-thread caches and bins, and requests above its mmap threshold (128 KiB
 * at start) with a fresh mmap: 16 B, 1 KiB, 64 KiB and 1 MiB show the steps
 * in ns/op. There is no MB/s column: a request moves no bytes (the loop
 * touches two of them), and bytes requested per second would be a rate of
 * nothing, 2 TB/s for a 64 KiB block. Left alone, glibc raises the threshold
 * when a mapped chunk is freed (its "dynamic mmap threshold"), and from the
 * second round on 1 MiB would come from the heap like the rest; this file
 * pins the threshold with mallopt when the program starts, so that every
 * 1 MiB request in it pays for its mmap and munmap, and each sub-benchmark
 * first checks that glibc really serves its size in the regime it names.
 * allocs/op is 1 and B/op the size in every case.
 */
#include <cbench.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdlib.h>

enum { MMAP_THRESHOLD = 128 * 1024 };

/* Pinned before any benchmark runs, not when MallocSize starts: by then an
 * earlier benchmark (retain.c's 1 MiB messages) may have raised the dynamic
 * threshold and left megabytes free in the heap, which serve 1 MiB requests
 * without consulting the threshold. Pinning at start also gives retain.c
 * the same regime whichever benchmarks -bench selects. */
__attribute__((constructor)) static void pin_mmap_threshold(void)
{
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
}

/* Whether glibc serves a request of this size with its own mmap now. */
static bool served_by_mmap(size_t size)
{
	size_t before = mallinfo2().hblks;
	void *p = malloc(size);
	cbench_keep(p);
	bool mapped = mallinfo2().hblks > before;
	free(p);
	return mapped;
}

static void alloc_touch_free(cbench_b *b, void *ctx)
{
	size_t size = *(const size_t *)ctx;
	/* A free chunk big enough in the heap's bins or top serves the request
	 * before the threshold is consulted; then 1 MiB would time the heap
	 * under the name of the mmap regime. */
	if (served_by_mmap(size) != (size >= MMAP_THRESHOLD))
		cbench_fatal(b, "glibc serves %zu bytes %s, not the regime this benchmark shows",
			     size, size >= MMAP_THRESHOLD ? "from its heap" : "with mmap");
	cbench_reset_timer(b);
	for (int64_t i = 0; i < b->n; i++) {
		char *p = malloc(size);
		if (!p)
			cbench_fatal(b, "out of memory");
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
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t size = sizes[i].size;
		cbench_run(b, sizes[i].name, alloc_touch_free, &size);
	}
}
