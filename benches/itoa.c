/*
 * itoa.c — formatting an integer. snprintf into a fresh heap buffer costs an
 * allocation per number (1 allocs/op, 24 B/op); formatting into a buffer the
 * caller owns, on its stack, costs none, and is declared zero-alloc so that a
 * change that makes it allocate fails the run.
 */
#include <cbench.h>
#include <stdio.h>
#include <stdlib.h>

enum { DIGITS_MAX = 24 };

static char *format_heap(long v)
{
	char *s = malloc(DIGITS_MAX);
	if (s)
		snprintf(s, DIGITS_MAX, "%ld", v);
	return s;
}

static int format_into(char *buf, size_t size, long v)
{
	return snprintf(buf, size, "%ld", v);
}

BENCH(ItoaHeap) {
	for (int64_t i = 0; i < b->n; i++) {
		char *s = format_heap((long)i * 7919);
		cbench_keep(s);
		free(s);
	}
}

BENCH_ZERO_ALLOC(ItoaStack) {
	char buf[DIGITS_MAX];
	for (int64_t i = 0; i < b->n; i++) {
		int n = format_into(buf, sizeof buf, (long)i * 7919);
		cbench_keep(n);
		cbench_clobber();
	}
}
