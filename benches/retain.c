/*
 * retain.c — retention. Each operation reads a 1 MiB message and keeps its
 * 100-byte header in a cache of the last 64 headers. Keeping a pointer into
 * the message keeps the whole megabyte alive; copying the 100 bytes out lets
 * the message go. Both allocate about the same per op; what differs is what
 * stays behind, and two columns show it:
 *  - kept-B/op, reported by the benchmark itself: the bytes the cache holds
 *    alive per cached header, 1048576 vs 100.
 *  - retained-B/op, measured by the harness with no help from the code: the
 *    bytes allocated in the timed loop and still live when the timer
 *    stopped, per iteration. The 64 slots still hold their blocks then (the
 *    cache is released after cbench_stop_timer), so it is 64 x 1048576 / n
 *    vs 64 x 100 / n: with -benchtime 1000x, 67109 (67108.864 rounded as
 *    metrics are) vs 6.400. Per kept header that is again 1 MiB vs 100
 *    bytes, a 10,000-fold difference the normal output shows without a
 *    profiler; `-memprofile mem.pb.gz` then shows inuse_space at
 *    read_message.
 */
#include <cbench.h>
#include <stdlib.h>
#include <string.h>

enum { MESSAGE = 1 << 20, HEADER = 100, SLOTS = 64 };

struct cache {
	void *block[SLOTS];     /* the allocation a slot keeps alive */
	size_t bytes[SLOTS];    /* its size */
	const char *header[SLOTS];
};

static char *read_message(int64_t seq)
{
	char *m = malloc(MESSAGE);
	if (m)
		memset(m, (int)('a' + seq % 26), HEADER);
	return m;
}

static void cache_put(struct cache *c, int64_t seq, void *block, size_t bytes, const char *header)
{
	size_t slot = (size_t)(seq % SLOTS);
	free(c->block[slot]);
	c->block[slot] = block;
	c->bytes[slot] = bytes;
	c->header[slot] = header;
}

/* Bytes held per cached header; frees the cache. Timer stopped by caller. */
static double cache_release(struct cache *c)
{
	double held = 0, used = 0;
	for (int i = 0; i < SLOTS; i++) {
		if (!c->block[i])
			continue;
		held += (double)c->bytes[i];
		used++;
		free(c->block[i]);
	}
	return used > 0 ? held / used : 0;
}

BENCH(RetainByPointer) {
	struct cache c = { { 0 }, { 0 }, { 0 } };
	for (int64_t i = 0; i < b->n; i++) {
		char *m = read_message(i);
		cache_put(&c, i, m, MESSAGE, m);
	}
	cbench_stop_timer(b);
	cbench_report_metric(b, cache_release(&c), "kept-B/op");
}

BENCH(RetainByCopy) {
	struct cache c = { { 0 }, { 0 }, { 0 } };
	for (int64_t i = 0; i < b->n; i++) {
		char *m = read_message(i);
		char *h = malloc(HEADER);
		memcpy(h, m, HEADER);
		free(m);
		cache_put(&c, i, h, HEADER, h);
	}
	cbench_stop_timer(b);
	cbench_report_metric(b, cache_release(&c), "kept-B/op");
}
