/*
 * pool.c — scratch buffers. Asking malloc for a 4 KiB buffer in every
 * operation costs one allocation per op (4096 B/op); keeping released buffers
 * on a free list and handing them out again costs an allocation only when the
 * list is empty, so after the first operation the count is zero.
 */
#include <cbench.h>
#include <stdlib.h>
#include <string.h>

enum { SCRATCH = 4096 };

/* A released buffer stores the link to the next one in its first bytes. */
struct pool {
	void *free_list;
};

static void *pool_get(struct pool *p)
{
	void *buf = p->free_list;
	if (buf) {
		memcpy(&p->free_list, buf, sizeof p->free_list);
		return buf;
	}
	return malloc(SCRATCH);
}

static void pool_put(struct pool *p, void *buf)
{
	memcpy(buf, &p->free_list, sizeof p->free_list);
	p->free_list = buf;
}

static void pool_drain(struct pool *p)
{
	while (p->free_list) {
		void *buf = p->free_list;
		memcpy(&p->free_list, buf, sizeof p->free_list);
		free(buf);
	}
}

/* The "work": fill the scratch buffer and fold it into a checksum. */
static unsigned use_scratch(unsigned char *buf, int64_t seed)
{
	memset(buf, (int)(seed & 0xff), 256);
	unsigned sum = 0;
	for (int i = 0; i < 256; i += 16)
		sum += buf[i];
	return sum;
}

BENCH(ScratchMalloc) {
	for (int64_t i = 0; i < b->n; i++) {
		unsigned char *buf = malloc(SCRATCH);
		if (!buf)
			cbench_fatal(b, "out of memory");
		/* Keeping only the checksum is not enough: clang then puts the
		 * buffer on the stack and deletes the malloc/free pair. */
		cbench_keep(buf);
		cbench_keep(use_scratch(buf, i));
		free(buf);
	}
}

BENCH(ScratchPool) {
	struct pool p = { NULL };
	for (int64_t i = 0; i < b->n; i++) {
		unsigned char *buf = pool_get(&p);
		if (!buf)
			cbench_fatal(b, "out of memory");
		cbench_keep(buf);
		cbench_keep(use_scratch(buf, i));
		pool_put(&p, buf);
	}
	/* Drained with the timer running: buffers freed after it stops would
	 * count as retained (retained-B/op). */
	pool_drain(&p);
}
