/* test_harness_hooks.c: the allocator hooks count exactly what the rules in
 * cbench.h say, for every replaced function, for allocations libc and a
 * shared library (cJSON) make inside, and across threads (eight at once,
 * exactly); allocations from a signal handler are not lost; an observer
 * detached while threads allocate is never called again; the fault switch
 * fails exactly the nth allocation, as glibc fails.
 *
 * Reference counts: known sizes for direct calls; for libc and cJSON
 * internals, `valgrind ./prog` (3.19, Debian 12, glibc 2.36, cJSON 1.7.15),
 * whose "total heap usage" counts realloc as one allocation of the new size
 * plus one free, and ignores free(NULL), which are also our rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cJSON.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cb_hooks.h"

struct counts {
	uint64_t allocs, bytes, frees;
};

/* Runs op with counting on and returns what was counted. */
static struct counts measure(void (*op)(void *), void *arg)
{
	struct cb_alloc_totals a, b;
	cb_hooks_read(&a);
	cb_hooks_set_counting(true);
	op(arg);
	cb_hooks_set_counting(false);
	cb_hooks_read(&b);
	return (struct counts){b.allocs - a.allocs, b.bytes - a.bytes, b.frees - a.frees};
}

/* Pointers the operations leave behind are freed uncounted afterwards. */
static void *leftover[4];

static void release_leftovers(void)
{
	for (int i = 0; i < 4; i++) {
		free(leftover[i]);
		leftover[i] = NULL;
	}
}

/* volatile function pointers keep the compiler from folding the calls */
static void *(*volatile v_malloc)(size_t) = malloc;
static void *(*volatile v_calloc)(size_t, size_t) = calloc;
static void *(*volatile v_realloc)(void *, size_t) = realloc;
static void (*volatile v_free)(void *) = free;
static volatile size_t huge = SIZE_MAX / 2;

static void op_malloc(void *a) { (void)a; leftover[0] = v_malloc(100); }
static void op_malloc_zero(void *a) { (void)a; leftover[0] = v_malloc(0); }
static void op_malloc_fail(void *a) { (void)a; leftover[0] = v_malloc(SIZE_MAX - 4096); }
static void op_calloc(void *a) { (void)a; leftover[0] = v_calloc(10, 8); }
static void op_calloc_overflow(void *a) { (void)a; leftover[0] = v_calloc(huge, 3); }
static void op_realloc_null(void *a) { (void)a; leftover[0] = v_realloc(NULL, 50); }
static void op_realloc_grow(void *a) { (void)a; leftover[0] = v_realloc(leftover[0], 4000); }
static void op_realloc_same(void *a) { (void)a; leftover[0] = v_realloc(leftover[0], 16); }
static void op_realloc_zero(void *a)
{
	(void)a;
	void *p = v_realloc(leftover[0], 0);
	leftover[0] = p; /* NULL: glibc freed the block */
}
static void op_realloc_fail(void *a)
{
	(void)a;
	void *p = v_realloc(leftover[0], SIZE_MAX - 4096);
	if (p)
		leftover[0] = p;
}
static void op_reallocarray(void *a) { (void)a; leftover[0] = reallocarray(NULL, 4, 8); }
static void op_reallocarray_overflow(void *a) { (void)a; leftover[0] = reallocarray(NULL, huge, 3); }
static void op_free(void *a) { (void)a; v_free(leftover[0]); leftover[0] = NULL; }
static void op_free_null(void *a) { (void)a; v_free(NULL); }
static void op_aligned_alloc(void *a) { (void)a; leftover[0] = aligned_alloc(64, 128); }
static volatile size_t odd_alignment = 3;
static void op_aligned_alloc_bad(void *a) { (void)a; leftover[0] = aligned_alloc(odd_alignment, 16); }
static void op_posix_memalign(void *a)
{
	(void)a;
	assert_int_equal(posix_memalign(&leftover[0], 64, 256), 0);
}
static void op_posix_memalign_bad(void *a)
{
	(void)a;
	assert_int_equal(posix_memalign(&leftover[0], 3, 16), EINVAL);
}
static void op_memalign(void *a) { (void)a; leftover[0] = memalign(32, 100); }
static void op_valloc(void *a) { (void)a; leftover[0] = valloc(10); }
static void op_pvalloc(void *a) { (void)a; leftover[0] = pvalloc(10); }
static void op_strdup(void *a) { (void)a; leftover[0] = strdup("hello, world"); }
static void op_asprintf(void *a)
{
	(void)a;
	char *s;
	assert_true(asprintf(&s, "hello %d %s", 42, "world") == 14);
	leftover[0] = s;
}
static void op_cjson_parse(void *a)
{
	(void)a;
	leftover[0] = cJSON_Parse("{\"a\":[1,2],\"b\":\"x\"}");
}
static void op_cjson_parse_print(void *a)
{
	(void)a;
	cJSON *j = cJSON_Parse("{\"a\":[1,2],\"b\":\"x\"}");
	leftover[1] = cJSON_PrintUnformatted(j);
	leftover[0] = j;
}
static void op_nothing(void *a) { (void)a; }

static void setup_block(size_t size)
{
	leftover[0] = malloc(size);
}

struct hook_case {
	const char *what;
	size_t pre_alloc; /* a block of this size in leftover[0] first, if > 0 */
	void (*op)(void *);
	struct counts want;
};

static const struct hook_case cases[] = {
	{"malloc(100)", 0, op_malloc, {1, 100, 0}},
	{"malloc(0) succeeds", 0, op_malloc_zero, {1, 0, 0}},
	{"failed malloc", 0, op_malloc_fail, {0, 0, 0}},
	{"calloc(10, 8)", 0, op_calloc, {1, 80, 0}},
	{"calloc overflow fails", 0, op_calloc_overflow, {0, 0, 0}},
	{"realloc(NULL, 50) is malloc", 0, op_realloc_null, {1, 50, 0}},
	{"realloc grow: alloc of new size + free", 16, op_realloc_grow, {1, 4000, 1}},
	{"realloc same size still counts", 16, op_realloc_same, {1, 16, 1}},
	{"realloc(p, 0) is a free", 16, op_realloc_zero, {0, 0, 1}},
	{"failed realloc counts nothing", 16, op_realloc_fail, {0, 0, 0}},
	{"reallocarray(NULL, 4, 8)", 0, op_reallocarray, {1, 32, 0}},
	{"reallocarray overflow", 0, op_reallocarray_overflow, {0, 0, 0}},
	{"free(p)", 16, op_free, {0, 0, 1}},
	{"free(NULL) counts nothing", 0, op_free_null, {0, 0, 0}},
	{"aligned_alloc(64, 128)", 0, op_aligned_alloc, {1, 128, 0}},
	{"aligned_alloc bad alignment", 0, op_aligned_alloc_bad, {0, 0, 0}},
	{"posix_memalign(64, 256)", 0, op_posix_memalign, {1, 256, 0}},
	{"posix_memalign bad alignment", 0, op_posix_memalign_bad, {0, 0, 0}},
	{"memalign(32, 100)", 0, op_memalign, {1, 100, 0}},
	{"valloc(10)", 0, op_valloc, {1, 10, 0}},
	{"pvalloc(10) counts the requested size", 0, op_pvalloc, {1, 10, 0}},
	{"strdup inside libc", 0, op_strdup, {1, 13, 0}},
	/* valgrind: malloc(100) then realloc to 15 */
	{"asprintf inside libc", 0, op_asprintf, {2, 115, 1}},
	/* valgrind --trace-malloc: 5 nodes of 64, strings 3+2+2+3+3, 2 frees */
	{"cJSON_Parse in a shared library", 0, op_cjson_parse, {10, 333, 2}},
	/* valgrind: 12 allocs, 609 bytes, 12 frees for parse + print + delete +
	 * free of the text, of which delete and the text are 9 */
	{"cJSON_Parse + PrintUnformatted", 0, op_cjson_parse_print, {12, 609, 3}},
	{"nothing", 0, op_nothing, {0, 0, 0}},
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct hook_case *c = &cases[i];
		if (c->pre_alloc)
			setup_block(c->pre_alloc);
		struct counts got = measure(c->op, NULL);
		if (got.allocs != c->want.allocs || got.bytes != c->want.bytes ||
		    got.frees != c->want.frees)
			fail_msg("%s: got %llu allocs %llu bytes %llu frees, want %llu %llu %llu", c->what,
				 (unsigned long long)got.allocs, (unsigned long long)got.bytes,
				 (unsigned long long)got.frees, (unsigned long long)c->want.allocs,
				 (unsigned long long)c->want.bytes, (unsigned long long)c->want.frees);
		if (strncmp(c->what, "cJSON", 5) == 0) {
			free(leftover[1]);
			leftover[1] = NULL;
			cJSON_Delete(leftover[0]);
			leftover[0] = NULL;
		}
		release_leftovers();
	}
}

/* ---- files: fopen, getline ---- */

static char tmp_path[64];
static FILE *tmp_file;

static void op_fopen_read_close(void *a)
{
	(void)a;
	FILE *f = fopen(tmp_path, "r");
	assert_non_null(f);
	assert_int_equal(fgetc(f), 's');
	fclose(f);
}

static void op_getline(void *a)
{
	char **line = a;
	size_t cap = 0;
	while (getline(line, &cap, tmp_file) > 0)
		;
}

static void test_stdio(void **state)
{
	(void)state;
	snprintf(tmp_path, sizeof tmp_path, "/tmp/cbench-hooks-XXXXXX");
	int fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	/* a short line, then one of 301 bytes: getline starts with 120 bytes
	 * and reallocs to 302 (valgrind: 2 allocs, 422 bytes) */
	char long_line[302];
	memset(long_line, 'x', 300);
	long_line[300] = '\n';
	long_line[301] = 0;
	assert_true(write(fd, "short line\n", 11) == 11);
	assert_true(write(fd, long_line, 301) == 301);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);

	/* valgrind: fopen allocates its 472-byte FILE, the first read a
	 * st_blksize buffer; fclose frees both */
	struct counts got = measure(op_fopen_read_close, NULL);
	assert_int_equal(got.allocs, 2);
	assert_int_equal(got.bytes, 472 + (uint64_t)st.st_blksize);
	assert_int_equal(got.frees, 2);

	tmp_file = fopen(tmp_path, "r");
	assert_non_null(tmp_file);
	assert_int_equal(fgetc(tmp_file), 's'); /* the buffer, uncounted */
	ungetc('s', tmp_file);
	char *line = NULL;
	got = measure(op_getline, &line);
	assert_int_equal(got.allocs, 2);
	assert_int_equal(got.bytes, 120 + 302);
	assert_int_equal(got.frees, 1);
	free(line);
	fclose(tmp_file);
	unlink(tmp_path);
}

/* ---- errno and switches ---- */

static void test_free_preserves_errno(void **state)
{
	(void)state;
	void *p = malloc(32);
	cb_hooks_set_counting(true);
	errno = 1234;
	v_free(p);
	int after_free = errno;
	errno = 4321;
	v_free(NULL);
	int after_null = errno;
	cb_hooks_set_counting(false);
	assert_int_equal(after_free, 1234);
	assert_int_equal(after_null, 4321);
}

/* Successful calls leave errno alone, as glibc's do. */
static void test_success_keeps_errno(void **state)
{
	(void)state;
	cb_hooks_set_counting(true);
	errno = 4242;
	void *p = v_malloc(32);
	p = v_realloc(p, 64);
	void *q = v_calloc(4, 4);
	void *r = memalign(64, 64);
	void *s = NULL;
	int rc = posix_memalign(&s, 64, 64);
	v_free(p);
	v_free(q);
	v_free(r);
	v_free(s);
	int after = errno;
	cb_hooks_set_counting(false);
	assert_int_equal(rc, 0);
	assert_int_equal(after, 4242);
}

static void test_counting_off_and_suppressed(void **state)
{
	(void)state;
	struct cb_alloc_totals a, b;
	cb_hooks_read(&a);
	free(v_malloc(10)); /* counting off */
	cb_hooks_set_counting(true);
	cb_hooks_suppress_begin();
	free(v_malloc(10));
	cb_hooks_suppress_end();
	cb_hooks_set_counting(false);
	cb_hooks_read(&b);
	assert_int_equal(b.allocs - a.allocs, 0);
	assert_int_equal(b.frees - a.frees, 0);
	assert_true(cb_hooks_active());
}

/* ---- the observer point for allocation profiles ---- */

struct seen_events {
	int allocs, frees;
	size_t last_size;
	void *last_alloc, *last_free;
};

static void observe(void *ctx, enum cb_event kind, void *ptr, size_t size)
{
	struct seen_events *s = ctx;
	if (kind == CB_EV_ALLOC) {
		s->allocs++;
		s->last_size = size;
		s->last_alloc = ptr;
	} else {
		s->frees++;
		s->last_free = ptr;
	}
}

static void test_observer(void **state)
{
	(void)state;
	struct seen_events s = {0};
	cb_hooks_set_observer(observe, &s);
	void *before = v_malloc(5); /* counting off: not observed */
	cb_hooks_set_counting(true);
	void *p = v_malloc(77);
	v_free(p);
	cb_hooks_suppress_begin();
	v_free(v_malloc(9)); /* the harness's own: not observed */
	cb_hooks_suppress_end();
	cb_hooks_set_counting(false);
	cb_hooks_set_observer(NULL, NULL);
	free(before);
	assert_int_equal(s.allocs, 1);
	assert_int_equal(s.frees, 1);
	assert_int_equal(s.last_size, 77);
	assert_ptr_equal(s.last_alloc, p);
	assert_ptr_equal(s.last_free, p);
}

/* ---- threads ---- */

enum { THREADS = 4, PER_THREAD = 1000 };

struct gate {
	pthread_barrier_t start;
	int first_errno[THREADS];
};

static void *allocating_thread(void *arg)
{
	struct gate *g = arg;
	pthread_barrier_wait(&g->start);
	for (int i = 0; i < PER_THREAD; i++) {
		char *p = v_malloc(24);
		p[0] = 1;
		v_free(p);
	}
	return NULL;
}

/* Threads are created and exit while counting is off, so only their own
 * allocations between the barrier and the join are counted. Running the
 * round twice also covers tallies handed over from exited threads. */
static void thread_round(void)
{
	pthread_t t[THREADS];
	struct gate g;
	pthread_barrier_init(&g.start, NULL, THREADS + 1);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, allocating_thread, &g), 0);
	struct cb_alloc_totals a, b;
	cb_hooks_read(&a);
	cb_hooks_set_counting(true);
	pthread_barrier_wait(&g.start);
	/* wait for the workers' loops without joining under counting: the
	 * join itself is fine (frees only), but thread exit is not ours */
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	cb_hooks_set_counting(false);
	cb_hooks_read(&b);
	pthread_barrier_destroy(&g.start);
	assert_int_equal(b.allocs - a.allocs, THREADS * PER_THREAD);
	assert_int_equal(b.bytes - a.bytes, THREADS * PER_THREAD * 24);
	assert_true(b.frees - a.frees >= THREADS * PER_THREAD);
}

static void test_threads(void **state)
{
	(void)state;
	thread_round();
	thread_round();
}

static void *first_alloc_keeps_errno(void *arg)
{
	int *out = arg;
	errno = 777;
	free(v_malloc(8)); /* first counted event of this thread: slow path */
	*out = errno;
	return NULL;
}

static void test_new_thread_slow_path_keeps_errno(void **state)
{
	(void)state;
	int got = 0;
	pthread_t t;
	cb_hooks_set_counting(true);
	assert_int_equal(pthread_create(&t, NULL, first_alloc_keeps_errno, &got), 0);
	pthread_join(t, NULL);
	cb_hooks_set_counting(false);
	assert_int_equal(got, 777);
}

/* ---- eight threads: exact counts of every kind of call ---- */

enum { WIDE = 8, WIDE_ITERS = 20000 };

struct wide {
	pthread_barrier_t start, done, leave;
	void *foreign[WIDE]; /* allocated by main, freed by worker i */
};

struct wide_arg {
	struct wide *w;
	int i;
};

static void *wide_worker(void *arg)
{
	struct wide_arg *a = arg;
	pthread_barrier_wait(&a->w->start);
	for (int k = 0; k < WIDE_ITERS; k++) {
		char *m = v_malloc(24);
		char *c = v_calloc(3, 8);
		c = v_realloc(c, 100);
		m[0] = c[0] = 1;
		v_free(m);
		v_free(c);
	}
	v_free(a->w->foreign[a->i]);
	pthread_barrier_wait(&a->w->done);
	/* Exiting is not the loop's: wait until counting is off. */
	pthread_barrier_wait(&a->w->leave);
	return NULL;
}

/* Each iteration: 3 allocations (malloc 24, calloc 24, realloc 100) and 3
 * frees (realloc's, then two); each worker also frees one block that the
 * main thread allocated. Threads start and exit with counting off, so the
 * counts are exact, frees included; the second round runs on tallies the
 * first round's threads handed back. */
static void wide_round(void)
{
	struct wide w;
	struct wide_arg args[WIDE];
	pthread_t t[WIDE];
	pthread_barrier_init(&w.start, NULL, WIDE + 1);
	pthread_barrier_init(&w.done, NULL, WIDE + 1);
	pthread_barrier_init(&w.leave, NULL, WIDE + 1);
	for (int i = 0; i < WIDE; i++) {
		w.foreign[i] = v_malloc(8);
		args[i] = (struct wide_arg){&w, i};
		assert_int_equal(pthread_create(&t[i], NULL, wide_worker, &args[i]), 0);
	}
	struct cb_alloc_totals a, b;
	cb_hooks_read(&a);
	cb_hooks_set_counting(true);
	pthread_barrier_wait(&w.start);
	pthread_barrier_wait(&w.done);
	cb_hooks_set_counting(false);
	cb_hooks_read(&b);
	pthread_barrier_wait(&w.leave);
	for (int i = 0; i < WIDE; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&w.start);
	pthread_barrier_destroy(&w.done);
	pthread_barrier_destroy(&w.leave);
	assert_int_equal(b.allocs - a.allocs, (uint64_t)WIDE * WIDE_ITERS * 3);
	assert_int_equal(b.bytes - a.bytes, (uint64_t)WIDE * WIDE_ITERS * (24 + 24 + 100));
	assert_int_equal(b.frees - a.frees, (uint64_t)WIDE * (WIDE_ITERS * 3 + 1));
}

static void test_eight_threads_exact(void **state)
{
	(void)state;
	wide_round();
	wide_round();
}

/* ---- a signal handler's allocations ---- */

/* The handler allocates in another size class than the interrupted loop,
 * so glibc's per-thread cache bins it touches are never the ones the loop
 * is in the middle of (malloc is not async-signal-safe in general). */
enum { LOOP_SIZE = 32, HANDLER_SIZE = 1000, SIGNAL_LOOP = 3000000 };
static volatile sig_atomic_t handler_runs;
static atomic_int signal_phase; /* 1: send, 2: stop sending, 3: exit */
static atomic_int sender_done;

static void on_usr1(int sig)
{
	(void)sig;
	char *p = v_malloc(HANDLER_SIZE);
	p[0] = 1;
	v_free(p);
	handler_runs = handler_runs + 1;
}

static void *signal_sender(void *arg)
{
	pthread_t target = *(pthread_t *)arg;
	while (atomic_load(&signal_phase) == 0)
		sched_yield();
	while (atomic_load(&signal_phase) == 1)
		pthread_kill(target, SIGUSR1);
	atomic_store(&sender_done, 1);
	while (atomic_load(&signal_phase) != 3)
		sched_yield();
	return NULL;
}

/* Signals from another thread land anywhere in the loop, also between a
 * counter's load and its store if the update took two instructions: then
 * the handler's count would be lost and the totals come out short. */
static void test_signal_handler_allocations_counted(void **state)
{
	(void)state;
	struct sigaction sa = {.sa_handler = on_usr1}, old;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	v_free(v_malloc(HANDLER_SIZE)); /* the handler's bin has a block */
	pthread_t self = pthread_self(), sender;
	atomic_store(&signal_phase, 0);
	atomic_store(&sender_done, 0);
	handler_runs = 0;
	assert_int_equal(pthread_create(&sender, NULL, signal_sender, &self), 0);
	struct cb_alloc_totals a, b;
	cb_hooks_read(&a);
	cb_hooks_set_counting(true);
	atomic_store(&signal_phase, 1);
	/* At least SIGNAL_LOOP pairs and 1000 handler runs, on a loaded machine
	 * too; at most 50 times as many pairs. */
	uint64_t loops = 0;
	while (loops < SIGNAL_LOOP || (handler_runs < 1000 && loops < 50ULL * SIGNAL_LOOP)) {
		void *p = v_malloc(LOOP_SIZE);
		__asm__ __volatile__("" : : "g"(p) : "memory");
		v_free(p);
		loops++;
	}
	atomic_store(&signal_phase, 2);
	while (!atomic_load(&sender_done))
		sched_yield();
	/* Deliver a signal still pending before counting stops. */
	sigset_t usr1, prev;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, &prev);
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
	cb_hooks_set_counting(false);
	cb_hooks_read(&b);
	uint64_t runs = (uint64_t)handler_runs;
	atomic_store(&signal_phase, 3);
	pthread_join(sender, NULL);
	sigaction(SIGUSR1, &old, NULL);
	assert_true(runs > 0);
	assert_int_equal(b.allocs - a.allocs, loops + runs);
	assert_int_equal(b.bytes - a.bytes, loops * LOOP_SIZE + runs * HANDLER_SIZE);
	assert_int_equal(b.frees - a.frees, loops + runs);
}

/* ---- detaching an observer while other threads allocate ---- */

enum { BUSY_THREADS = 3, ATTACH_ROUNDS = 3000 };
static atomic_int busy_stop;

static void *busy_allocator(void *arg)
{
	(void)arg;
	for (unsigned k = 0; !atomic_load_explicit(&busy_stop, memory_order_relaxed); k++) {
		void *p = v_malloc(16 + k % 64);
		__asm__ __volatile__("" : : "g"(p) : "memory");
		v_free(p);
	}
	return NULL;
}

struct watched {
	atomic_int live; /* 0 once detached: the observer must not run */
	atomic_ulong calls;
};
static atomic_ulong stale_calls;

static void watching_observer(void *ctx, enum cb_event kind, void *ptr, size_t size)
{
	(void)kind;
	(void)ptr;
	(void)size;
	struct watched *w = ctx;
	if (!atomic_load(&w->live))
		atomic_fetch_add(&stale_calls, 1);
	/* As long as a profiler's unwinding, so that detach often finds a
	 * thread inside; then look again. */
	for (volatile int spin = 0; spin < 300; spin++)
		;
	if (!atomic_load(&w->live))
		atomic_fetch_add(&stale_calls, 1);
	atomic_fetch_add(&w->calls, 1);
}

/* After cb_hooks_set_observer returns, no thread may still run (or start
 * running) the old observer: here its context is marked dead at once and
 * every call that sees it dead is counted. Detaching alternately before
 * and after counting stops. */
static void test_detach_while_threads_allocate(void **state)
{
	(void)state;
	pthread_t t[BUSY_THREADS];
	atomic_store(&busy_stop, 0);
	atomic_store(&stale_calls, 0);
	for (int i = 0; i < BUSY_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, busy_allocator, NULL), 0);
	static struct watched w[2];
	unsigned long calls = 0;
	for (int r = 0; r < ATTACH_ROUNDS; r++) {
		struct watched *now = &w[r % 2];
		atomic_store(&now->live, 1);
		atomic_store(&now->calls, 0);
		cb_hooks_set_observer(watching_observer, now);
		cb_hooks_set_counting(true);
		for (int k = 0; k < 20; k++)
			v_free(v_malloc(8));
		if (r % 2) {
			cb_hooks_set_counting(false);
			cb_hooks_set_observer(NULL, NULL);
		} else {
			cb_hooks_set_observer(NULL, NULL);
			cb_hooks_set_counting(false);
		}
		atomic_store(&now->live, 0);
		calls += atomic_load(&now->calls);
	}
	atomic_store(&busy_stop, 1);
	for (int i = 0; i < BUSY_THREADS; i++)
		pthread_join(t[i], NULL);
	assert_true(calls >= 40UL * ATTACH_ROUNDS);
	assert_int_equal(atomic_load(&stale_calls), 0);
}

/* ---- fault injection ---- */

static void test_fail_nth(void **state)
{
	(void)state;
	void *keep = v_malloc(16);
	struct cb_alloc_totals a, b;
	cb_hooks_read(&a);
	cb_hooks_set_counting(true);
	cb_hooks_fail_nth(3);
	void *p1 = v_malloc(10);
	void *p2 = v_calloc(2, 5);
	errno = 0;
	void *p3 = v_realloc(keep, 100); /* the third: fails, keep stays valid */
	int err3 = errno;
	bool fired = cb_hooks_fail_fired();
	void *p4 = v_malloc(10); /* once only */
	void *z = v_realloc(NULL, 0);
	cb_hooks_fail_nth(1);
	void *q = NULL;
	int rc = posix_memalign(&q, 64, 64);
	errno = 0;
	void *r = aligned_alloc(64, 64);
	int err_r = errno;
	cb_hooks_fail_nth(0);
	cb_hooks_set_counting(false);
	cb_hooks_read(&b);
	assert_non_null(p1);
	assert_non_null(p2);
	assert_null(p3);
	assert_int_equal(err3, ENOMEM);
	assert_true(fired);
	assert_non_null(p4);
	assert_int_equal(rc, ENOMEM);
	assert_null(q);
	assert_non_null(r); /* the armed failure was spent on posix_memalign */
	assert_int_equal(err_r, 0);
	/* the failed calls count nothing: p1, p2, p4, realloc(NULL, 0), r */
	assert_int_equal(b.allocs - a.allocs, 5);
	assert_int_equal(b.bytes - a.bytes, 10 + 10 + 10 + 0 + 64);
	v_free(keep);
	v_free(p1);
	v_free(p2);
	v_free(p4);
	v_free(z);
	free(r);
	cb_hooks_fail_nth(0);
	assert_false(cb_hooks_fail_fired());
}

static void test_allocator_and_exactness(void **state)
{
	(void)state;
	const char *why = "unset";
	assert_true(cb_hooks_exact(&why));
	assert_null(why);
	assert_string_equal(cb_hooks_allocator(), "libc.so.6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_stdio),
		cmocka_unit_test(test_free_preserves_errno),
		cmocka_unit_test(test_success_keeps_errno),
		cmocka_unit_test(test_counting_off_and_suppressed),
		cmocka_unit_test(test_observer),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_new_thread_slow_path_keeps_errno),
		cmocka_unit_test(test_eight_threads_exact),
		cmocka_unit_test(test_signal_handler_allocations_counted),
		cmocka_unit_test(test_detach_while_threads_allocate),
		cmocka_unit_test(test_fail_nth),
		cmocka_unit_test(test_allocator_and_exactness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
