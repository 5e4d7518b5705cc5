/* isolate_cost.c: what crash isolation costs per benchmark. 100 empty
 * benchmarks: with -benchtime 1x the run is nothing but the harness's own
 * work per benchmark, so the wall time of a run with isolation (the
 * default) minus that of one with -isolate=false, over 100, is the cost of
 * one child process: fork, pipes, records, wait. README quotes it;
 * the command is there. */
#include <cbench.h>

#define EMPTY(N) BENCH(Empty##N) { for (int64_t i = 0; i < b->n; i++) cbench_keep(i); }
#define TEN(D) EMPTY(D##0) EMPTY(D##1) EMPTY(D##2) EMPTY(D##3) EMPTY(D##4) \
	EMPTY(D##5) EMPTY(D##6) EMPTY(D##7) EMPTY(D##8) EMPTY(D##9)
TEN(0)
TEN(1)
TEN(2)
TEN(3)
TEN(4)
TEN(5)
TEN(6)
TEN(7)
TEN(8)
TEN(9)
