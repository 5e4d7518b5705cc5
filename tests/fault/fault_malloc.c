/*
 * fault_malloc.c — a test-only failing allocator. Linked into a test with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free, it stands
 * between the code under test (and any library that allocates through it)
 * and the real allocator: fault_arm(n) makes the n-th allocation from now
 * fail as glibc's does (NULL, errno ENOMEM), and fault_live() counts the
 * blocks handed out and not yet freed, so a test can see leaks. It wraps
 * at link time rather than replacing malloc, so it also works under
 * AddressSanitizer, whose allocator stays the real one underneath.
 */
#include "fault_malloc.h"

#include <errno.h>
#include <stddef.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static long countdown = -1;     /* allocations left before the failure; -1: none */
static long calls, live;
static int fired;

void fault_arm(long n)
{
	countdown = n;
	calls = 0;
	fired = 0;
}

void fault_disarm(void)
{
	countdown = -1;
}

int fault_fired(void)
{
	return fired;
}

long fault_calls(void)
{
	return calls;
}

long fault_live(void)
{
	return live;
}

/* 1 when this allocation is the one to fail. */
static int fail_now(void)
{
	calls++;
	if (countdown < 0)
		return 0;
	if (--countdown > 0)
		return 0;
	countdown = -1;
	fired = 1;
	errno = ENOMEM;
	return 1;
}

void *__wrap_malloc(size_t n)
{
	if (fail_now())
		return NULL;
	void *p = __real_malloc(n);
	live += p != NULL;
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	if (fail_now())
		return NULL;
	void *p = __real_calloc(n, size);
	live += p != NULL;
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	if (fail_now())
		return NULL;
	void *q = __real_realloc(p, n);
	live += p == NULL && q != NULL;
	return q;
}

void __wrap_free(void *p)
{
	live -= p != NULL;
	__real_free(p);
}
