/*
 * retain.c — retention. An operation indexes a batch of 64 messages of
 * 1 MiB: it reads each and keeps its 100-byte header in the batch's index,
 * which replaces the previous batch's (freed then), as a server keeps the
 * index of the last batch it served. Keeping a pointer into a message keeps
 * the whole megabyte alive; copying the 100 bytes out lets the message go.
 * Both allocate about the same per op; what differs is what stays behind,
 * and it is the same whatever n is: one index, live when the run ends.
 *  - kept-B/op, reported by the benchmark itself: the bytes the index holds
 *    alive per header, 1048576 vs 100.
 *  - `-memprofile mem.pb.gz`: inuse_space is what each measured run left
 *    live, one index: 64 MiB at read_message vs 6.25 KiB at index_by_copy,
 *    at every -benchtime, times -count.
 *  - retained-B/op, measured by the harness with no help from the code:
 *    the bytes allocated in the timed loop and still live when the timer
 *    stopped, per iteration of its tracking run (half the reported n, at
 *    most 100000). One index per run is bounded retention, so it reads
 *    64 MiB or 6400 B over that n, not a per-op cost (README).
 */
#include <cbench.h>
#include <stdlib.h>
#include <string.h>

enum { MESSAGE = 1 << 20, HEADER = 100, BATCH = 64 };

struct index {
	void *block[BATCH];     /* the allocation a header keeps alive */
	size_t bytes[BATCH];    /* its size */
	const char *header[BATCH];
};

static char *read_message(int64_t seq)
{
	char *m = malloc(MESSAGE);
	if (m)
		memset(m, (int)('a' + seq % 26), HEADER);
	return m;
}

static void index_free(struct index *x)
{
	for (int i = 0; i < BATCH; i++)
		free(x->block[i]);
	memset(x, 0, sizeof *x);
}

static void index_by_pointer(struct index *x, int64_t batch)
{
	index_free(x);
	for (int i = 0; i < BATCH; i++) {
		char *m = read_message(batch * BATCH + i);
		x->block[i] = m;
		x->bytes[i] = MESSAGE;
		x->header[i] = m;
	}
}

static void index_by_copy(struct index *x, int64_t batch)
{
	index_free(x);
	for (int i = 0; i < BATCH; i++) {
		char *m = read_message(batch * BATCH + i);
		char *h = malloc(HEADER);
		if (h && m)
			memcpy(h, m, HEADER);
		free(m);
		x->block[i] = h;
		x->bytes[i] = HEADER;
		x->header[i] = h;
	}
}

/* Bytes held per header of the last index; frees it. Timer stopped by
 * the caller. */
static double index_release(struct index *x)
{
	double held = 0, used = 0;
	for (int i = 0; i < BATCH; i++)
		if (x->block[i]) {
			held += (double)x->bytes[i];
			used++;
		}
	index_free(x);
	return used > 0 ? held / used : 0;
}

BENCH(RetainByPointer) {
	struct index x = { { 0 }, { 0 }, { 0 } };
	for (int64_t i = 0; i < b->n; i++)
		index_by_pointer(&x, i);
	cbench_stop_timer(b);
	cbench_report_metric(b, index_release(&x), "kept-B/op");
}

BENCH(RetainByCopy) {
	struct index x = { { 0 }, { 0 }, { 0 } };
	for (int64_t i = 0; i < b->n; i++)
		index_by_copy(&x, i);
	cbench_stop_timer(b);
	cbench_report_metric(b, index_release(&x), "kept-B/op");
}
