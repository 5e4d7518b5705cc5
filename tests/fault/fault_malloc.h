/*
 * fault_malloc.h — the failing allocator of fault_malloc.c, for tests only.
 * Counts cover allocations made through malloc, calloc and realloc from the
 * objects linked with --wrap (not libc's own, nor other shared libraries').
 */
#ifndef CBENCH_TEST_FAULT_MALLOC_H
#define CBENCH_TEST_FAULT_MALLOC_H

/* The n-th allocation from now (n >= 1) fails; earlier and later ones do not. */
void fault_arm(long n);
void fault_disarm(void);
/* 1 when the armed failure happened. */
int fault_fired(void);
/* Allocations attempted since fault_arm. */
long fault_calls(void);
/* Blocks allocated and not yet freed, ever. */
long fault_live(void);

#endif
