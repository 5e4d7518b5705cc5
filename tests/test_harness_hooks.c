/* test_harness_hooks.c: the allocator hooks count exactly what the rules in
 * cbench.h say, for every replaced function, for allocations libc and a
 * shared library (cJSON) make inside, and across threads.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_stdio),
		cmocka_unit_test(test_free_preserves_errno),
		cmocka_unit_test(test_counting_off_and_suppressed),
		cmocka_unit_test(test_observer),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_new_thread_slow_path_keeps_errno),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
