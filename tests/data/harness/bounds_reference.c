/* bounds_reference.c: the two reference benchmarks tests/e2e/bench_bounds.sh
 * links into every binary it checks.
 *  - BoundsSkeleton is what a benchmark is left with when the optimizer has
 *    deleted its work: the loop counter, compare and branch, and the empty
 *    asm of cbench_keep and cbench_clobber. Its ns/op, measured in the same
 *    binary on the same machine, sets the floor.
 *  - BoundsDeletedCopy is the README's old Copy example, whose copies both
 *    compilers delete (the buffers never escape, and cbench_clobber does
 *    not reach them): the check must flag it, or it could not catch the
 *    real examples either. */
#include <cbench.h>
#include <string.h>

BENCH(BoundsSkeleton)
{
	for (int64_t i = 0; i < b->n; i++) {
		cbench_keep(i);
		cbench_clobber();
	}
}

BENCH(BoundsDeletedCopy)
{
	static char src[4096];
	cbench_set_bytes(b, sizeof src);
	for (int64_t i = 0; i < b->n; i++) {
		char dst[sizeof src];
		memcpy(dst, src, sizeof src);
		cbench_clobber();
	}
}
