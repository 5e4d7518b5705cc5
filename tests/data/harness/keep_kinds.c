/* keep_kinds.c: cbench_keep on every kind of expression cbench.h accepts,
 * in code that is both C and C++ (tests/e2e/header_modes.sh builds it as
 * C11, C17, GNU11 and C++17 with gcc and clang). Each Keep benchmark
 * allocates one 24-byte block per iteration that nothing but cbench_keep
 * uses, so at -O2 it reports 1 allocs/op only if the keep held; Unkept is
 * the same loop without it, which both compilers delete (0 allocs/op),
 * showing that the check can fail. */
#include <cbench.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK = 24 };

struct holder {
	void *p;
	int tag;
};

static struct holder make_holder(void *p)
{
	struct holder h = {p, 1};
	return h;
}

BENCH(KeepPointer)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc(BLOCK);
		cbench_keep(p);
		free(p);
	}
}

BENCH(KeepArray)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *slots[2] = {malloc(BLOCK), NULL};
		cbench_keep(slots);
		free(slots[0]);
	}
}

BENCH(KeepStruct)
{
	for (int64_t i = 0; i < b->n; i++) {
		struct holder h = make_holder(malloc(BLOCK));
		cbench_keep(h);
		free(h.p);
	}
}

BENCH(KeepStructRvalue)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc(BLOCK);
		cbench_keep(make_holder(p));
		free(p);
	}
}

BENCH(KeepScalar)
{
	for (int64_t i = 0; i < b->n; i++) {
		uintptr_t address = (uintptr_t)malloc(BLOCK);
		cbench_keep(address);
		free((void *)address);
	}
}

BENCH(KeepThenClobber)
{
	for (int64_t i = 0; i < b->n; i++) {
		char *p = (char *)malloc(BLOCK);
		cbench_keep(p);
		memset(p, (int)(i & 0x7f), BLOCK);
		cbench_clobber();
		free(p);
	}
}

BENCH(Unkept)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc(BLOCK);
		free(p);
	}
}

/* Compiled, never run: the other kinds must compile cleanly too. */
void keep_kinds_compile_only(const struct holder *h, double d);
void keep_kinds_compile_only(const struct holder *h, double d)
{
	static const char name[] = "kinds";
	cbench_keep(3);
	cbench_keep(d * 2.0);
	cbench_keep("a literal");
	cbench_keep(name);
	cbench_keep(*h);
	cbench_keep(h->tag);
	cbench_keep(&keep_kinds_compile_only);
	cbench_keep((const void *)0);
	cbench_clobber();
}
