/* alloc_bench.c: benchmarks whose B/op and allocs/op are known, built
 * against each allocator the program might run with (glibc, ASan,
 * jemalloc, tcmalloc) by tests/e2e/harness_allocators.sh. Some blocks come
 * from inside libc (strdup, asprintf) and are freed here, so a program that
 * mixed two allocators' pointers would crash. The program names, on
 * stderr, the allocator the hooks forward to. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, memalign, pvalloc */
#endif
#include <cbench.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cb_hooks.h"

/* 100 B/op, 1 allocs/op */
BENCH(Malloc)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc(100);
		cbench_keep(p);
		free(p);
	}
}

/* 13 B/op, 1 allocs/op, allocated inside libc */
BENCH(Strdup)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *s = strdup("hello, world");
		cbench_keep(s);
		free(s);
	}
}

/* malloc(16) then realloc to 4000: 4016 B/op, 2 allocs/op */
BENCH(Realloc)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *p = malloc(16);
		char *q = realloc(p, 4000);
		if (!q)
			cbench_fatal(b, "out of memory");
		cbench_keep(q);
		free(q);
	}
}

/* posix_memalign 256 + aligned_alloc 128 + memalign 100 + valloc 10 +
 * pvalloc 10 + calloc 4x8: 536 B/op, 6 allocs/op */
BENCH(Aligned)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p[6] = {0};
		if (posix_memalign(&p[0], 64, 256) != 0)
			cbench_fatal(b, "posix_memalign");
		p[1] = aligned_alloc(64, 128);
		p[2] = memalign(32, 100);
		p[3] = valloc(10);
		p[4] = pvalloc(10);
		p[5] = calloc(4, 8);
		for (int k = 0; k < 6; k++) {
			cbench_keep(p[k]);
			free(p[k]);
		}
	}
}

/* asprintf: libc allocates 100 bytes and shrinks them to 15 ("hello 42
 * world" and its NUL): 115 B/op, 2 allocs/op */
BENCH(Asprintf)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *s;
		if (asprintf(&s, "hello %d %s", 42, "world") < 0)
			cbench_fatal(b, "asprintf");
		cbench_keep(s);
		free(s);
	}
}

int main(int argc, char **argv)
{
	fprintf(stderr, "allocator: %s\n", cb_hooks_allocator());
	return cbench_main(argc, argv);
}
