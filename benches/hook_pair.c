/* hook_pair.c: the loop that `make bench-hooks` measures: n malloc(32)+free
 * pairs and nothing else, then the nanoseconds per pair of the thread's CPU
 * time on stdout (time spent preempted on a shared machine is not the
 * loop's). It is built twice from this file: plain, as a program without
 * cbench (glibc's malloc through the PLT), and linked with libcbench.a (the
 * hooks, with counting on as under a running timer, forwarding to glibc).
 * callgrind counts both programs' instructions and benches/hook_cost.sh
 * runs them interleaved, so the difference is what the hooks add to a pair. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef CBENCH_HOOKED
#include "cb_hooks.h"
#endif

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000000;
	if (n < 1)
		return 2;
#ifdef CBENCH_HOOKED
	struct cb_alloc_totals before, after;
	cb_hooks_set_counting(true);
	cb_hooks_read(&before);
#endif
	struct timespec t0, t1;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	for (long i = 0; i < n; i++) {
		void *p = malloc(32);
		__asm__ __volatile__("" : : "r"(p) : "memory");
		free(p);
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
#ifdef CBENCH_HOOKED
	cb_hooks_read(&after);
	if (after.allocs - before.allocs != (uint64_t)n) {
		fprintf(stderr, "hook_pair: the hooks did not count the loop\n");
		return 1;
	}
#endif
	double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	printf("%.3f\n", ns / (double)n);
	return 0;
}
