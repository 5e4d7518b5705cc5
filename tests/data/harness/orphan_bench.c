/* orphan_bench.c: benchmarks that leave a process behind, for
 * tests/e2e/harness_isolate.sh. Each forks a process that holds the
 * benchmark's stdout (a pipe into `| cat`, say) and ignores SIGTERM; one
 * then hangs until -timeout kills it, one finishes normally. When the
 * benchmark's process ends, its leftovers must end with it, or the pipe
 * never closes and the suite never ends. */
#include <cbench.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void leave_a_process(void)
{
	if (fork() == 0) {
		signal(SIGTERM, SIG_IGN);
		for (;;)
			pause();
	}
}

BENCH(ForkHang)
{
	(void)b;
	leave_a_process();
	for (;;)
		pause();
}

static int forked; /* per benchmark process: the warm-up forks, once */

BENCH(ForkLeave)
{
	if (!forked++)
		leave_a_process();
	for (int64_t i = 0; i < b->n; i++)
		cbench_keep(i);
}

BENCH(After)
{
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc(8);
		cbench_keep(p);
		free(p);
	}
}
