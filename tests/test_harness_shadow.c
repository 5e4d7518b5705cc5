/* test_harness_shadow.c: the retention run's table of live blocks
 * (cb_shadow.c) against a plain list of (address, size) pairs that is
 * searched from end to end: every sequence of adds and removes must leave
 * the same sum of live sizes. The addresses are only numbers here (the
 * table never reads the blocks), chosen to land on the table's edges:
 * neighbouring granules, leaf and directory boundaries, the top of a 48-bit
 * address space and above it, blocks that are not 16-byte aligned, sizes
 * that do not fit a slot, and a block recorded again without its free. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>

#include "cb_profile.h"

/* The reference: live blocks in a list, one per address. */
struct model {
	uintptr_t addr[4096];
	uint64_t size[4096];
	size_t n;
	uint64_t bytes;
};

static void model_remove(struct model *m, uintptr_t addr)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->addr[i] == addr) {
			m->bytes -= m->size[i];
			m->n--;
			m->addr[i] = m->addr[m->n];
			m->size[i] = m->size[m->n];
			return;
		}
}

static void model_add(struct model *m, uintptr_t addr, uint64_t size)
{
	model_remove(m, addr); /* recorded again: its free was missed */
	assert_true(m->n < sizeof m->addr / sizeof m->addr[0]);
	m->addr[m->n] = addr;
	m->size[m->n] = size;
	m->n++;
	m->bytes += size;
}

#define LEAF_SPAN ((uintptr_t)1 << 24) /* address space one leaf covers */
#define DIR_SPAN ((uintptr_t)1 << 36)  /* and one directory */
#define TOP ((uintptr_t)1 << 48)

struct op {
	char kind; /* 'a' add, 'r' remove */
	uintptr_t addr;
	uint64_t size;
	uint64_t want; /* the sum after this op */
};

static void test_cases(void **state)
{
	(void)state;
	static struct op ops[] = {
		{'a', 0x555555560000u, 48, 48},
		{'a', 0x555555560010u, 16, 64},          /* the next granule */
		{'r', 0x555555560000u, 0, 16},
		{'r', 0x555555560000u, 0, 16},           /* freed twice: nothing */
		{'r', 0x555555570000u, 0, 16},           /* never added */
		{'a', 0x555555560010u, 100, 100},        /* added again: replaces */
		{'a', 0x555555560008u, 8, 108},          /* not aligned: the map */
		{'a', 0x555555560018u, 8, 116},          /* beside it, also the map */
		{'r', 0x555555560008u, 0, 108},
		{'a', LEAF_SPAN - 16, 7, 115},           /* last slot of a leaf */
		{'a', LEAF_SPAN, 9, 124},                /* first of the next */
		{'a', DIR_SPAN - 16, 1, 125},            /* last of a directory */
		{'a', DIR_SPAN, 2, 127},
		{'a', TOP - 16, 3, 130},                 /* the highest slot */
		{'a', TOP, 5, 135},                      /* above 2^48: the map */
		{'a', 0x7f0000000000u, UINT32_MAX - 1, 135 + (uint64_t)UINT32_MAX - 1},
		{'r', 0x7f0000000000u, 0, 135},
		{'a', 0x7f0000000000u, UINT32_MAX, 135 + (uint64_t)UINT32_MAX}, /* too big for a slot */
		{'a', 0x7f0000000000u, 10, 145},         /* replaces the big one */
		{'a', 0x7f0000000010u, (uint64_t)1 << 40, 145 + ((uint64_t)1 << 40)},
		{'r', 0x7f0000000010u, 0, 145},
		{'a', 0x7f0000000020u, 0, 145},          /* malloc(0): adds nothing */
		{'r', 0x7f0000000020u, 0, 145},
		{'r', TOP, 0, 140},
		{'r', LEAF_SPAN - 16, 0, 133},
	};
	struct cb_shadow s = {0};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (ops[i].kind == 'a')
			assert_true(cb_shadow_add(&s, ops[i].addr, ops[i].size));
		else
			cb_shadow_remove(&s, ops[i].addr);
		if (s.bytes != ops[i].want)
			fail_msg("op %zu (%c %#lx %llu): sum %llu, want %llu", i, ops[i].kind,
				 (unsigned long)ops[i].addr, (unsigned long long)ops[i].size,
				 (unsigned long long)s.bytes, (unsigned long long)ops[i].want);
	}
	cb_shadow_clear(&s);
	assert_int_equal(s.bytes, 0);
	assert_true(cb_shadow_add(&s, 0x555555560000u, 1)); /* usable after a clear */
	assert_int_equal(s.bytes, 1);
	cb_shadow_clear(&s);
}

/* An address near one of the edges above, or anywhere in a small heap. */
static uintptr_t random_addr(unsigned *seed)
{
	static const uintptr_t bases[] = {0x555555560000u, LEAF_SPAN, DIR_SPAN, 0x7ffff7a00000u,
					  TOP - 4096, TOP};
	uintptr_t base = bases[(size_t)rand_r(seed) % (sizeof bases / sizeof bases[0])];
	uintptr_t off = (uintptr_t)(rand_r(seed) % 512) * 8; /* half of them misaligned */
	return base - 2048 + off;
}

static uint64_t random_size(unsigned *seed)
{
	switch (rand_r(seed) % 8) {
	case 0:
		return 0;
	case 1:
		return (uint64_t)UINT32_MAX - 1 + (uint64_t)(rand_r(seed) % 3);
	default:
		return (uint64_t)(rand_r(seed) % 5000);
	}
}

static void test_random_against_list(void **state)
{
	(void)state;
	static struct model m;
	for (unsigned seed = 1; seed <= 40; seed++) {
		unsigned r = seed;
		struct cb_shadow s = {0};
		m.n = 0;
		m.bytes = 0;
		for (int i = 0; i < 3000; i++) {
			uintptr_t addr = random_addr(&r);
			if (rand_r(&r) % 3) {
				uint64_t size = random_size(&r);
				assert_true(cb_shadow_add(&s, addr, size));
				model_add(&m, addr, size);
			} else {
				cb_shadow_remove(&s, addr);
				model_remove(&m, addr);
			}
			if (s.bytes != m.bytes)
				fail_msg("seed %u op %d (%#lx): sum %llu, want %llu", seed, i,
					 (unsigned long)addr, (unsigned long long)s.bytes,
					 (unsigned long long)m.bytes);
		}
		cb_shadow_clear(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_random_against_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
