/* hook_overhead.c: what cbench's allocator hooks add to a malloc(32)+free
 * pair, in nanoseconds, inside one benchmark program. The baseline calls
 * glibc's __libc_malloc and __libc_free through the PLT, which is what a
 * program without cbench runs when it calls malloc and free, and what the
 * hooks forward to when glibc is the allocator (with jemalloc, tcmalloc or
 * ASan in charge the baseline is not the same allocator, and the figures
 * mean nothing). So the difference is the hooks' own work: the thread's
 * counters and the forwarding pointer (counting is on, as whenever a
 * benchmark's timer runs). HookOverhead interleaves both loops in blocks so
 * that clock-frequency drift affects them alike, and reports the added
 * nanoseconds per pair as a metric. The instruction count of the same pair,
 * measured against a separate plain program, is `make bench-hooks`. */
#include <cbench.h>
#include <stdlib.h>
#include <time.h>

void *__libc_malloc(size_t size);
void __libc_free(void *ptr);

enum { PAIR_SIZE = 32, BLOCK = 1000 };

BENCH(MallocFreeHooked)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc(PAIR_SIZE);
		cbench_keep(p);
		free(p);
	}
}

BENCH(MallocFreeUnhooked)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = __libc_malloc(PAIR_SIZE);
		cbench_keep(p);
		__libc_free(p);
	}
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

BENCH(HookOverhead)
{
	int64_t hooked_ns = 0, plain_ns = 0;
	for (int64_t done = 0; done < b->n; done += BLOCK) {
		int64_t k = b->n - done < BLOCK ? b->n - done : BLOCK;
		int64_t t0 = now_ns();
		for (int64_t i = 0; i < k; i++) {
			void *p = malloc(PAIR_SIZE);
			cbench_keep(p);
			free(p);
		}
		int64_t t1 = now_ns();
		for (int64_t i = 0; i < k; i++) {
			void *p = __libc_malloc(PAIR_SIZE);
			cbench_keep(p);
			__libc_free(p);
		}
		int64_t t2 = now_ns();
		hooked_ns += t1 - t0;
		plain_ns += t2 - t1;
	}
	cbench_report_metric(b, (double)(hooked_ns - plain_ns) / (double)b->n, "ns-added/pair");
	cbench_report_metric(b, (double)plain_ns / (double)b->n, "ns-plain/pair");
}
