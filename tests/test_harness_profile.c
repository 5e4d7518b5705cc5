/* test_harness_profile.c: -memprofile and retained-B/op through cb_main_io.
 * Profiles are decoded here independently of the writer (gunzip with zlib,
 * a small protobuf reader) and checked against counts the benchmarks keep
 * themselves: sample types, totals with rate 1, in-use, the allocating
 * function with its file:line, inlined calls as frames, sampled totals
 * within a stated tolerance, threads, address reuse, that profiling adds no
 * counted allocation; then retained-B/op on known retention patterns, and
 * the new flags; retention re-runs while other threads allocate, a fork
 * while another thread is inside a profiled malloc, and the profile writer
 * with each of its allocations failing in turn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "cb_internal.h"
#include "harness_run.h"
#include "cb_profile.h"

static void *(*volatile v_malloc)(size_t) = malloc;
static void (*volatile v_free)(void *) = free;

/* ---- running the harness ---- */

static char profile_path[64];

static int setup(void **state)
{
	(void)state;
	cb_registry_reset();
	cb_profile_seed = 12345;
	snprintf(profile_path, sizeof profile_path, "/tmp/cbench-prof-%d.pb.gz", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(profile_path);
	return 0;
}

/* ---- a profile.proto reader, just what the checks need ---- */
#define MAXN 4096
struct profile {
	char *strings[MAXN];
	int nstrings;
	int64_t types[4][2]; /* sample_type: type, unit string indices */
	int ntypes;
	struct {
		uint64_t loc[CB_STACK_DEPTH];
		int nloc;
		int64_t v[4];
	} samples[MAXN];
	int nsamples;
	struct {
		uint64_t id, function; /* the first line: innermost inlined call */
		int64_t line;
		uint64_t outer_function; /* the last line: the containing function */
		int64_t outer_line;
		int nlines;
	} locs[MAXN];
	int nlocs;
	struct {
		uint64_t id;
		int64_t name, file;
	} funcs[MAXN];
	int nfuncs;
	int64_t period_type[2], period, default_type;
};

struct reader {
	const unsigned char *p, *end;
};

static uint64_t varint(struct reader *r)
{
	uint64_t v = 0;
	for (int shift = 0; r->p < r->end; shift += 7) {
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	fail_msg("truncated varint");
	return 0;
}

/* Next field of r: its number, and a sub-reader (wire type 2) or value. */
static int field(struct reader *r, struct reader *sub, uint64_t *value)
{
	uint64_t key = varint(r);
	if ((key & 7) == 0) {
		*value = varint(r);
	} else if ((key & 7) == 2) {
		uint64_t len = varint(r);
		assert_true(len <= (uint64_t)(r->end - r->p));
		sub->p = r->p;
		sub->end = r->p + len;
		r->p += len;
	} else {
		fail_msg("unexpected wire type %d", (int)(key & 7));
	}
	return (int)(key >> 3);
}

/* Packed or single repeated integers. */
static int ints(struct reader *sub, uint64_t value, int wire_bytes, uint64_t *out, int max)
{
	if (!wire_bytes) {
		out[0] = value;
		return 1;
	}
	int n = 0;
	while (sub->p < sub->end && n < max)
		out[n++] = varint(sub);
	return n;
}

static void read_sample(struct profile *pr, struct reader *m)
{
	assert_true(pr->nsamples < MAXN);
	int k = pr->nsamples++;
	while (m->p < m->end) {
		struct reader sub = {0};
		uint64_t v = 0;
		const unsigned char *at = m->p;
		int f = field(m, &sub, &v);
		bool bytes = (*at & 7) == 2;
		if (f == 1) {
			pr->samples[k].nloc += ints(&sub, v, bytes, pr->samples[k].loc + pr->samples[k].nloc,
						    CB_STACK_DEPTH - pr->samples[k].nloc);
		} else if (f == 2) {
			uint64_t vals[4] = {0};
			assert_int_equal(ints(&sub, v, bytes, vals, 4), 4);
			for (int i = 0; i < 4; i++)
				pr->samples[k].v[i] = (int64_t)vals[i];
		}
	}
}

static void read_location(struct profile *pr, struct reader *m)
{
	assert_true(pr->nlocs < MAXN);
	int k = pr->nlocs++;
	while (m->p < m->end) {
		struct reader sub = {0};
		uint64_t v = 0;
		int f = field(m, &sub, &v);
		if (f == 1)
			pr->locs[k].id = v;
		if (f == 4) {
			uint64_t fn = 0;
			int64_t line = 0;
			while (sub.p < sub.end) {
				struct reader x;
				uint64_t lv = 0;
				int lf = field(&sub, &x, &lv);
				if (lf == 1)
					fn = lv;
				if (lf == 2)
					line = (int64_t)lv;
			}
			if (pr->locs[k].nlines++ == 0) {
				pr->locs[k].function = fn;
				pr->locs[k].line = line;
			}
			pr->locs[k].outer_function = fn;
			pr->locs[k].outer_line = line;
		}
	}
}

static void read_function(struct profile *pr, struct reader *m)
{
	assert_true(pr->nfuncs < MAXN);
	int k = pr->nfuncs++;
	while (m->p < m->end) {
		struct reader sub;
		uint64_t v = 0;
		int f = field(m, &sub, &v);
		if (f == 1)
			pr->funcs[k].id = v;
		if (f == 2)
			pr->funcs[k].name = (int64_t)v;
		if (f == 4)
			pr->funcs[k].file = (int64_t)v;
	}
}

static void read_pair(struct reader *m, int64_t out[2])
{
	while (m->p < m->end) {
		struct reader sub;
		uint64_t v = 0;
		int f = field(m, &sub, &v);
		if (f == 1 || f == 2)
			out[f - 1] = (int64_t)v;
	}
}

static struct profile *load_profile(const char *path)
{
	gzFile gz = gzopen(path, "rb");
	assert_non_null(gz);
	size_t cap = 1 << 20, len = 0;
	unsigned char *buf = malloc(cap);
	int n;
	while ((n = gzread(gz, buf + len, (unsigned)(cap - len))) > 0) {
		len += (size_t)n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	assert_int_equal(gzclose(gz), Z_OK);
	struct profile *pr = calloc(1, sizeof *pr);
	assert_non_null(pr);
	struct reader r = {buf, buf + len};
	while (r.p < r.end) {
		struct reader sub = {0};
		uint64_t v = 0;
		switch (field(&r, &sub, &v)) {
		case 1:
			assert_true(pr->ntypes < 4);
			read_pair(&sub, pr->types[pr->ntypes++]);
			break;
		case 2: read_sample(pr, &sub); break;
		case 4: read_location(pr, &sub); break;
		case 5: read_function(pr, &sub); break;
		case 6:
			assert_true(pr->nstrings < MAXN);
			pr->strings[pr->nstrings++] = strndup((const char *)sub.p, (size_t)(sub.end - sub.p));
			break;
		case 11: read_pair(&sub, pr->period_type); break;
		case 12: pr->period = (int64_t)v; break;
		case 14: pr->default_type = (int64_t)v; break;
		default: break;
		}
	}
	free(buf);
	return pr;
}

static void free_profile(struct profile *pr)
{
	for (int i = 0; i < pr->nstrings; i++)
		free(pr->strings[i]);
	free(pr);
}

static const char *str(const struct profile *pr, int64_t i)
{
	assert_true(i >= 0 && i < pr->nstrings);
	return pr->strings[i];
}

static void totals(const struct profile *pr, int64_t t[4])
{
	memset(t, 0, 4 * sizeof *t);
	for (int i = 0; i < pr->nsamples; i++)
		for (int k = 0; k < 4; k++)
			t[k] += pr->samples[i].v[k];
}

/* The function and line of a location id. */
static void location_of(const struct profile *pr, uint64_t id, const char **fn, const char **file,
			int64_t *line)
{
	*fn = *file = "";
	*line = 0;
	for (int i = 0; i < pr->nlocs; i++) {
		if (pr->locs[i].id != id)
			continue;
		*line = pr->locs[i].line;
		for (int f = 0; f < pr->nfuncs; f++) {
			if (pr->funcs[f].id == pr->locs[i].function) {
				*fn = str(pr, pr->funcs[f].name);
				*file = str(pr, pr->funcs[f].file);
			}
		}
	}
}

/* Sum of alloc_objects over samples whose leaf is function fn. */
static int64_t leaf_objects(const struct profile *pr, const char *fn, int64_t *line_out,
			    const char **file_out)
{
	int64_t sum = 0;
	for (int i = 0; i < pr->nsamples; i++) {
		const char *name, *file;
		int64_t line;
		if (pr->samples[i].nloc == 0)
			continue;
		location_of(pr, pr->samples[i].loc[0], &name, &file, &line);
		if (strcmp(name, fn) == 0) {
			sum += pr->samples[i].v[0];
			*line_out = line;
			*file_out = file;
		}
	}
	return sum;
}

/* ---- benchmarks with their own bookkeeping ---- */
static int64_t iterations; /* sum of b->n over every timed call */
static int make_block_line;

static __attribute__((noinline)) void *make_block(size_t size)
{
	make_block_line = __LINE__ + 1;
	void *p = v_malloc(size);
	__asm__ __volatile__("" : : "g"(p) : "memory");
	return p;
}

static void bench_three(cbench_b *b)
{
	iterations += b->n;
	for (int64_t i = 0; i < b->n; i++) {
		void *x = make_block(10), *y = make_block(20), *z = make_block(30);
		v_free(x);
		v_free(y);
		v_free(z);
	}
}

static void test_rate_one_totals_and_site(void **state)
{
	(void)state;
	cbench_register("BenchmarkThree", bench_three, 0);
	iterations = 0;
	struct outcome o;
	run(&o, "-bench", "Three", "-benchtime", "100x", "-memprofile", profile_path,
	    "-memprofilerate", "1", NULL);
	assert_int_equal(o.rc, 0);
	assert_string_equal(o.err, "");
	assert_non_null(strstr(o.out, " 60 B/op"));
	assert_non_null(strstr(o.out, " 3 allocs/op"));
	assert_null(strstr(o.out, "retained"));
	assert_int_equal(iterations, 101); /* warm-up n=1, then 100 */

	struct profile *pr = load_profile(profile_path);
	static const char *want[4][2] = {{"alloc_objects", "count"}, {"alloc_space", "bytes"},
					 {"inuse_objects", "count"}, {"inuse_space", "bytes"}};
	assert_int_equal(pr->ntypes, 4);
	assert_string_equal(str(pr, 0), "");
	for (int k = 0; k < 4; k++) {
		assert_string_equal(str(pr, pr->types[k][0]), want[k][0]);
		assert_string_equal(str(pr, pr->types[k][1]), want[k][1]);
	}
	assert_string_equal(str(pr, pr->default_type), "alloc_space");
	assert_string_equal(str(pr, pr->period_type[0]), "space");
	assert_string_equal(str(pr, pr->period_type[1]), "bytes");
	assert_int_equal(pr->period, 1);

	int64_t t[4];
	totals(pr, t);
	/* The profile holds the measured run (n = 100), not the warm-up. */
	assert_int_equal(t[0], 3 * 100);
	assert_int_equal(t[1], 60 * 100);
	assert_int_equal(t[2], 0);
	assert_int_equal(t[3], 0);

	int64_t line = 0;
	const char *file = "";
	assert_int_equal(leaf_objects(pr, "make_block", &line, &file), 3 * 100);
	assert_int_equal(line, make_block_line);
	assert_non_null(strstr(file, "test_harness_profile.c"));
	free_profile(pr);
}

/* Profiling must not change what the harness counts. */
static void test_profiling_adds_no_allocations(void **state)
{
	(void)state;
	cbench_register("BenchmarkThree", bench_three, 0);
	struct outcome plain, profiled;
	run(&plain, "-bench", "Three", "-benchtime", "50x", NULL);
	run(&profiled, "-bench", "Three", "-benchtime", "50x", "-memprofile", profile_path,
	    "-memprofilerate", "1", NULL);
	assert_int_equal(plain.rc, 0);
	assert_int_equal(profiled.rc, 0);
	const char *a = strstr(plain.out, " ns/op"), *b = strstr(profiled.out, " ns/op");
	assert_non_null(a);
	assert_non_null(b);
	/* Everything after ns/op (B/op, allocs/op) is identical. */
	assert_string_equal(a, b);
}

/* Each iteration keeps one 40-byte block until after the timer stops and
 * frees one 24-byte block inside the loop. */
static void *kept[4096];

static void bench_keep_some(cbench_b *b)
{
	iterations += b->n;
	int64_t n = b->n < 4096 ? b->n : 4096;
	for (int64_t i = 0; i < n; i++) {
		kept[i] = make_block(40);
		v_free(make_block(24));
	}
	cbench_stop_timer(b);
	for (int64_t i = 0; i < n; i++)
		v_free(kept[i]);
}

static void test_inuse_is_what_the_timer_did_not_free(void **state)
{
	(void)state;
	cbench_register("BenchmarkKeep", bench_keep_some, 0);
	iterations = 0;
	struct outcome o;
	run(&o, "-bench", "Keep", "-benchtime", "200x", "-memprofile", profile_path,
	    "-memprofilerate", "1", "-retained=false", NULL);
	assert_int_equal(o.rc, 0);
	struct profile *pr = load_profile(profile_path);
	int64_t t[4];
	totals(pr, t);
	assert_int_equal(iterations, 1 + 200);
	assert_int_equal(t[0], 2 * 200); /* the measured run only */
	assert_int_equal(t[1], 64 * 200);
	assert_int_equal(t[2], 200);
	assert_int_equal(t[3], 40 * 200);
	free_profile(pr);
}

/* A ring of 8 blocks released after the timer stops: the next run (and the
 * retained-B/op rerun) get the same addresses back from malloc and free
 * them while timed, which must not count as freeing the earlier blocks. */
static void bench_ring8(cbench_b *b)
{
	iterations += b->n;
	void *ring[8] = {0};
	for (int64_t i = 0; i < b->n; i++) {
		v_free(ring[i % 8]);
		ring[i % 8] = make_block(4000);
	}
	cbench_stop_timer(b);
	for (int i = 0; i < 8; i++)
		v_free(ring[i]);
}

static void test_inuse_survives_address_reuse(void **state)
{
	(void)state;
	cbench_register("BenchmarkRing8", bench_ring8, 0);
	iterations = 0;
	struct outcome o;
	run(&o, "-bench", "Ring8", "-benchtime", "100x", "-memprofile", profile_path,
	    "-memprofilerate", "1", NULL);
	assert_int_equal(o.rc, 0);
	/* The rerun has half the iterations: 8 x 4000 / 50. */
	assert_non_null(strstr(o.out, " 640.0 retained-B/op"));
	assert_int_equal(iterations, 1 + 100 + 50); /* warm-up, reported, rerun */
	struct profile *pr = load_profile(profile_path);
	int64_t t[4];
	totals(pr, t);
	assert_int_equal(t[0], 100); /* the reported run: not the warm-up, not the rerun */
	assert_int_equal(t[2], 8);   /* the ring it left */
	assert_int_equal(t[3], 8 * 4000);
	free_profile(pr);
}

/* Inlined calls are frames of their own: the location of an allocation in
 * an always-inlined helper has two lines, the helper at its malloc line and
 * the function it was inlined into at the call's line. */
static int inlined_alloc_line, inlined_call_line;

static inline __attribute__((always_inline)) void *inlined_helper(size_t size)
{
	inlined_alloc_line = __LINE__ + 1;
	void *p = v_malloc(size);
	__asm__ __volatile__("" : : "g"(p) : "memory");
	return p;
}

static __attribute__((noinline)) void *calls_inlined(void)
{
	inlined_call_line = __LINE__ + 1;
	void *p = inlined_helper(33);
	__asm__ __volatile__("" : : "g"(p) : "memory");
	return p;
}

static void bench_inlined(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++)
		v_free(calls_inlined());
}

static const char *function_name(const struct profile *pr, uint64_t id)
{
	for (int f = 0; f < pr->nfuncs; f++)
		if (pr->funcs[f].id == id)
			return str(pr, pr->funcs[f].name);
	return "";
}

static void test_inlined_frames(void **state)
{
	(void)state;
	cbench_register("BenchmarkInlined", bench_inlined, 0);
	struct outcome o;
	run(&o, "-bench", "Inlined", "-benchtime", "10x", "-memprofile", profile_path,
	    "-memprofilerate", "1", NULL);
	assert_int_equal(o.rc, 0);
	struct profile *pr = load_profile(profile_path);
	int found = 0;
	for (int i = 0; i < pr->nlocs; i++) {
		if (strcmp(function_name(pr, pr->locs[i].function), "inlined_helper") != 0)
			continue;
		found++;
		assert_int_equal(pr->locs[i].nlines, 2);
		assert_int_equal(pr->locs[i].line, inlined_alloc_line);
		assert_string_equal(function_name(pr, pr->locs[i].outer_function), "calls_inlined");
		assert_int_equal(pr->locs[i].outer_line, inlined_call_line);
	}
	assert_int_equal(found, 1);
	free_profile(pr);
}

/* Sampling: three sites of one size each, rate 4096. Over 20001 iterations
 * about 23000 samples are taken; the standard error of the scaled bytes is
 * under 1% and of the scaled counts about 2% (dominated by the 64-byte
 * site, sampled 1.6% of the time), so the tolerances below are 4-5
 * standard errors. The seed makes the run reproducible. */
static __attribute__((noinline)) void *small_site(void) { return make_block(64); }
static __attribute__((noinline)) void *medium_site(void) { return make_block(512); }
static __attribute__((noinline)) void *large_site(void) { return make_block(4096); }

static void bench_sizes(cbench_b *b)
{
	iterations += b->n;
	for (int64_t i = 0; i < b->n; i++) {
		v_free(small_site());
		v_free(medium_site());
		v_free(large_site());
	}
}

static void test_sampled_totals_within_tolerance(void **state)
{
	(void)state;
	cbench_register("BenchmarkSizes", bench_sizes, 0);
	iterations = 0;
	struct outcome o;
	run(&o, "-bench", "Sizes", "-benchtime", "20000x", "-memprofile", profile_path,
	    "-memprofilerate", "4096", NULL);
	assert_int_equal(o.rc, 0);
	struct profile *pr = load_profile(profile_path);
	assert_int_equal(pr->period, 4096);
	int64_t t[4];
	totals(pr, t);
	double objects = 3.0 * (double)iterations, bytes = 4672.0 * (double)iterations;
	double obj_err = ((double)t[0] - objects) / objects, byte_err = ((double)t[1] - bytes) / bytes;
	if (obj_err < -0.10 || obj_err > 0.10 || byte_err < -0.04 || byte_err > 0.04)
		fail_msg("sampled totals %lld objects, %lld bytes; exact %.0f, %.0f", (long long)t[0],
			 (long long)t[1], objects, bytes);
	/* Fewer samples than allocations: it really sampled. */
	assert_true(pr->nsamples > 0);
	free_profile(pr);
}

/* Threads: every allocation of every worker is recorded, none deadlocks. */
static _Atomic int64_t parallel_iters;

static void parallel_body(cbench_pb *pb, void *ctx)
{
	(void)ctx;
	while (cbench_pb_next(pb)) {
		v_free(make_block(48));
		atomic_fetch_add(&parallel_iters, 1);
	}
}

static void bench_parallel(cbench_b *b)
{
	cbench_run_parallel(b, parallel_body, NULL);
}

static void test_threads(void **state)
{
	(void)state;
	cbench_register("BenchmarkPar", bench_parallel, 0);
	atomic_store(&parallel_iters, 0);
	struct outcome o;
	run(&o, "-bench", "Par", "-benchtime", "20000x", "-cpu", "4", "-memprofile", profile_path,
	    "-memprofilerate", "1", NULL);
	assert_int_equal(o.rc, 0);
	assert_non_null(strstr(o.out, " 48 B/op"));
	struct profile *pr = load_profile(profile_path);
	int64_t t[4];
	totals(pr, t);
	assert_int_equal(atomic_load(&parallel_iters), 1 + 20000); /* warm-up, measured */
	assert_int_equal(t[0], 20000);
	assert_int_equal(t[1], 48 * 20000);
	free_profile(pr);
}

/* ---- retained-B/op: known retention patterns ---- */
static void *leaked[200000];
static size_t nleaked;

static void release_leaked(void)
{
	for (size_t i = 0; i < nleaked; i++)
		v_free(leaked[i]);
	nleaked = 0;
}

static void bench_leak48(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++)
		leaked[nleaked++] = v_malloc(48);
}

static void bench_free_all(cbench_b *b)
{
	for (int64_t i = 0; i < b->n; i++)
		v_free(v_malloc(48));
}

/* A ring of the last 10 blocks of 100 bytes, released after the timer. */
static void bench_ring10(cbench_b *b)
{
	void *ring[10] = {0};
	for (int64_t i = 0; i < b->n; i++) {
		v_free(ring[i % 10]);
		ring[i % 10] = v_malloc(100);
	}
	cbench_stop_timer(b);
	for (int i = 0; i < 10; i++)
		v_free(ring[i]);
}

/* Setup before cbench_reset_timer is not the loop's, even if kept. */
static void bench_setup_kept(cbench_b *b)
{
	leaked[nleaked++] = v_malloc(4096);
	cbench_reset_timer(b);
	for (int64_t i = 0; i < b->n; i++)
		leaked[nleaked++] = v_malloc(8);
}

/* realloc grows one block per iteration; the final block is kept. */
static void bench_grow(cbench_b *b)
{
	char *p = v_malloc(1);
	for (int64_t i = 0; i < b->n; i++)
		p = realloc(p, (size_t)(i + 2));
	leaked[nleaked++] = p;
}

static void test_retained(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		cbench_fn *fn;
		const char *want; /* the retained column, NULL: none */
	} cases[] = {
		{"BenchmarkLeak48", bench_leak48, " 48.00 retained-B/op"},
		{"BenchmarkFreeAll", bench_free_all, NULL},
		/* Bounded retention reads its size over the rerun's n, half
		 * the reported 100: 10 x 100 / 50. */
		{"BenchmarkRing10", bench_ring10, " 20.00 retained-B/op"},
		{"BenchmarkSetupKept", bench_setup_kept, " 8.000 retained-B/op"},
		/* The rerun's 50 iterations leave one block of 51 bytes; the
		 * first malloc(1) was realloc'd away. */
		{"BenchmarkGrow", bench_grow, " 1.020 retained-B/op"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cb_registry_reset();
		cbench_register(cases[i].name, cases[i].fn, 0);
		struct outcome o;
		run(&o, "-benchtime", "100x", "-cpu", "1", NULL);
		release_leaked();
		if (o.rc != 0)
			fail_msg("%s: status %d\n%s%s", cases[i].name, o.rc, o.out, o.err);
		if (cases[i].want && !strstr(o.out, cases[i].want))
			fail_msg("%s: want \"%s\" in:\n%s", cases[i].name, cases[i].want, o.out);
		if (!cases[i].want && strstr(o.out, "retained"))
			fail_msg("%s: want no retained column in:\n%s", cases[i].name, o.out);
	}
}

/* The extra retention run must leave the reported line as it was. */
static void test_retention_run_changes_nothing_reported(void **state)
{
	(void)state;
	cbench_register("BenchmarkLeak48", bench_leak48, 0);
	struct outcome with, without;
	run(&with, "-benchtime", "100x", "-cpu", "1", NULL);
	release_leaked();
	run(&without, "-benchtime", "100x", "-cpu", "1", "-retained=false", NULL);
	release_leaked();
	assert_non_null(strstr(with.out, "48.00 retained-B/op"));
	assert_null(strstr(without.out, "retained"));
	assert_non_null(strstr(with.out, "48 B/op"));
	assert_non_null(strstr(without.out, "48 B/op"));
	assert_non_null(strstr(with.out, " 1 allocs/op"));
}

/* A leak whose tracking run cannot give the figure must not print a line
 * that reads "retains nothing" (the gate would pass it): the benchmark
 * fails. Here the third call (warm-up, reported, tracking run) fails. */
static int leak_calls;

static void bench_leak_then_fail(cbench_b *b)
{
	if (++leak_calls == 3)
		cbench_fatal(b, "only twice");
	bench_leak48(b);
}

static void test_retention_run_that_fails_fails(void **state)
{
	(void)state;
	cbench_register("BenchmarkLeakThenFail", bench_leak_then_fail, 0);
	leak_calls = 0;
	struct outcome o;
	run(&o, "-benchtime", "100x", "-cpu", "1", NULL);
	release_leaked();
	assert_int_equal(o.rc, 1);
	assert_non_null(strstr(o.out, "--- FAIL: BenchmarkLeakThenFail"));
	assert_non_null(strstr(o.out, "the run that measures retained-B/op failed"));
	assert_null(strstr(o.out, " allocs/op\n")); /* no result line */
}

/* Out of address space for the tracking table (a 4 MiB leaf is its first
 * mapping): the benchmark fails with that reason. In a child, whose
 * address space is capped at what it uses plus 1 MiB. */
static void test_retention_out_of_memory_fails(void **state)
{
	(void)state;
	cbench_register("BenchmarkLeak48", bench_leak48, 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		long pages = 0;
		FILE *f = fopen("/proc/self/statm", "r");
		if (!f || fscanf(f, "%ld", &pages) != 1)
			_exit(10);
		fclose(f);
		struct rlimit lim;
		lim.rlim_cur = lim.rlim_max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (1 << 20);
		if (setrlimit(RLIMIT_AS, &lim) != 0)
			_exit(11);
		struct outcome o;
		run(&o, "-benchtime", "100x", "-cpu", "1", NULL);
		if (o.rc != 1)
			_exit(12);
		if (!strstr(o.out, "--- FAIL: BenchmarkLeak48") ||
		    !strstr(o.out, "out of memory tracking retained-B/op"))
			_exit(13);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_bad_input(void **state)
{
	(void)state;
	cbench_register("BenchmarkThree", bench_three, 0);
	struct outcome o;
	run(&o, "-memprofilerate", "0", NULL);
	assert_int_equal(o.rc, 2);
	assert_non_null(strstr(o.err, "invalid value \"0\" for flag -memprofilerate"));
	run(&o, "-memprofilerate", "lots", NULL);
	assert_int_equal(o.rc, 2);
	run(&o, "-memprofile", NULL);
	assert_int_equal(o.rc, 2);
	assert_non_null(strstr(o.err, "flag needs an argument: -memprofile"));
	run(&o, "-benchtime", "1x", "-memprofile", "/nonexistent-dir/mem.pb.gz", NULL);
	assert_int_equal(o.rc, 2);
	assert_non_null(strstr(o.err, "cbench: -memprofile: /nonexistent-dir/mem.pb.gz: "));
	assert_null(strstr(o.out, "BenchmarkThree")); /* failed before running */
}

/* The flags' defaults and forms, through the parser itself. */
static void test_flag_values(void **state)
{
	(void)state;
	static const struct {
		const char *argv[4];
		int rc;
		int64_t rate;
		bool retained;
		const char *file;
	} cases[] = {
		{{"p", NULL}, 0, 524288, true, NULL},
		{{"p", "-memprofile", "m.pb.gz", NULL}, 0, 524288, true, "m.pb.gz"},
		{{"p", "-memprofile=x", "-memprofilerate=1", NULL}, 0, 1, true, "x"},
		{{"p", "-test.memprofilerate", "4096", NULL}, 0, 4096, true, NULL},
		{{"p", "-retained=false", NULL}, 0, 524288, false, NULL},
		{{"p", "-memprofilerate", "-1", NULL}, -1, 0, true, NULL},
		{{"p", "-memprofilerate", "2147483648", NULL}, -1, 0, true, NULL},
		{{"p", "-retained=maybe", NULL}, -1, 0, true, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int argc = 0;
		while (cases[i].argv[argc])
			argc++;
		struct cb_config cfg;
		char err[256] = "";
		int rc = cb_flags_parse(argc, (char **)cases[i].argv, 1, &cfg, err, sizeof err);
		assert_int_equal(rc, cases[i].rc);
		if (rc != 0) {
			assert_non_null(strstr(err, "invalid value"));
			continue;
		}
		assert_int_equal(cfg.memprofilerate, cases[i].rate);
		assert_int_equal(cfg.retained, cases[i].retained);
		if (cases[i].file)
			assert_string_equal(cfg.memprofile, cases[i].file);
		else
			assert_null(cfg.memprofile);
	}
}

/* The unwinder allocates nothing once initialised, also on a thread that
 * never unwound before (counting on, nothing suppressed). */
static void *capture_counting(void *arg)
{
	uint64_t *allocs = arg;
	struct cb_alloc_totals before, after;
	uintptr_t pcs[CB_STACK_DEPTH];
	cb_hooks_read(&before);
	int n = cb_stack_capture(pcs, CB_STACK_DEPTH, 0);
	cb_hooks_read(&after);
	*allocs = after.allocs - before.allocs;
	return n > 1 ? arg : NULL;
}

static void test_capture_does_not_allocate(void **state)
{
	(void)state;
	cb_stack_init();
	uint64_t here = 99, there = 99;
	pthread_t tid;
	void *ok_there;
	cb_hooks_set_counting(true);
	cb_hooks_suppress_begin(); /* thread creation is not the unwinder */
	int rc = pthread_create(&tid, NULL, capture_counting, &there);
	cb_hooks_suppress_end();
	assert_int_equal(rc, 0);
	void *ok_here = capture_counting(&here);
	assert_int_equal(pthread_join(tid, &ok_there), 0);
	cb_hooks_set_counting(false);
	assert_non_null(ok_here);
	assert_non_null(ok_there);
	assert_int_equal(here, 0);
	assert_int_equal(there, 0);
}

/* Go's scaleHeapSample, by hand: 2 samples of 1000 bytes at rate 1000 stand
 * for 2 / (1 - e^-1) = 3.1640 objects. */
static void test_scale(void **state)
{
	(void)state;
	double c, b;
	cb_profile_scale(2, 2000, 1000, &c, &b);
	assert_float_equal(c, 3.16395, 1e-4);
	assert_float_equal(b, 3163.95, 1e-1);
	cb_profile_scale(7, 70, 1, &c, &b);
	assert_float_equal(c, 7, 0);
	assert_float_equal(b, 70, 0);
}

/* ---- observers attached and detached while other threads allocate ---- */

static atomic_int busy_stop;

static void *busy_allocator(void *arg)
{
	(void)arg;
	for (unsigned k = 0; !atomic_load_explicit(&busy_stop, memory_order_relaxed); k++) {
		void *p = v_malloc(16 + k % 200);
		__asm__ __volatile__("" : : "g"(p) : "memory");
		v_free(p);
	}
	return NULL;
}

static void busy_start(pthread_t *t, int n)
{
	atomic_store(&busy_stop, 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(pthread_create(&t[i], NULL, busy_allocator, NULL), 0);
}

static void busy_stop_all(pthread_t *t, int n)
{
	atomic_store(&busy_stop, 1);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* Runs the harness with output to a file and counts the lines that hold
 * `needle` (the outcome buffers are too small for -count 300). */
static int run_counting_lines(const char *needle, int *rc, ...)
{
	char *argv[32] = {"test"};
	int argc = 1;
	va_list ap;
	va_start(ap, rc);
	for (char *a; (a = va_arg(ap, char *)) != NULL && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	FILE *out = tmpfile(), *err = tmpfile();
	assert_non_null(out);
	assert_non_null(err);
	*rc = cb_main_io(argc, argv, out, err);
	rewind(out);
	char line[1024];
	int n = 0;
	while (fgets(line, sizeof line, out))
		n += strstr(line, needle) != NULL;
	fclose(out);
	fclose(err);
	return n;
}

/* A leaking benchmark gets a retention re-run after each of its 300
 * results, so the observer is attached and detached 300 times while three
 * threads allocate without pause (their blocks are counted too). Before
 * the detach waited for threads inside the observer, this crashed within a
 * few runs calling a NULL observer. */
static void test_retained_reruns_while_threads_allocate(void **state)
{
	(void)state;
	cbench_register("BenchmarkLeak48", bench_leak48, 0);
	pthread_t t[3];
	busy_start(t, 3);
	for (int round = 0; round < 3; round++) {
		int rc;
		int lines = run_counting_lines("retained-B/op", &rc, "-benchtime", "100x", "-count", "300",
					       "-cpu", "1", NULL);
		release_leaked();
		assert_int_equal(rc, 0);
		assert_int_equal(lines, 300);
	}
	busy_stop_all(t, 3);
}

/* ---- fork while another thread is inside a profiled malloc ---- */

static void *profiled_allocator(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&busy_stop, memory_order_relaxed))
		v_free(make_block(64));
	return NULL;
}


/* Crash isolation: the samples of a printed run reach the parent when the
 * run is kept, so a crash later in the same child (a later repetition, a
 * later sub-benchmark) loses none of them, and the profile says it is
 * incomplete (the run that died is not in it). */
static int late_runs; /* per child: each starts from the parent's 0 */

static void die_by_abort(void)
{
	signal(SIGABRT, SIG_DFL); /* cmocka catches it to report a failed test */
	abort();
}

static void bench_late_crash(cbench_b *b)
{
	if (b->n == 100 && ++late_runs == 2)
		die_by_abort();
	for (int64_t i = 0; i < b->n; i++)
		v_free(make_block(32));
}

static void sub_ok(cbench_b *b, void *ctx)
{
	(void)ctx;
	for (int64_t i = 0; i < b->n; i++)
		v_free(make_block(16));
}

static void sub_boom(cbench_b *b, void *ctx)
{
	(void)ctx;
	if (b->n == 100)
		die_by_abort();
}

static void bench_subs_crash(cbench_b *b)
{
	cbench_run(b, "ok", sub_ok, NULL);
	cbench_run(b, "boom", sub_boom, NULL);
}

static void test_crash_keeps_printed_samples(void **state)
{
	(void)state;
	cbench_register("BenchmarkLate", bench_late_crash, 0);
	cbench_register("BenchmarkSubs", bench_subs_crash, 0);
	struct outcome o;
	harness_isolated = true;
	run(&o, "-benchtime", "100x", "-count", "3", "-cpu", "1", "-retained=false", "-memprofile",
	    profile_path, "-memprofilerate", "1", NULL);
	harness_isolated = false;
	assert_int_equal(o.rc, 1);
	assert_non_null(strstr(o.out, "BenchmarkLate \t     100\t"));
	assert_non_null(strstr(o.out, "BenchmarkSubs/ok         \t     100\t"));
	assert_non_null(strstr(o.err, "cbench: warning: -memprofile: the profile is incomplete"));
	struct profile *pr = load_profile(profile_path);
	int64_t t[4];
	totals(pr, t);
	/* the printed lines: one of 100 blocks of 32 bytes, three of 100 of 16 */
	assert_int_equal(t[0], 100 + 3 * 100);
	assert_int_equal(t[1], 100 * 32 + 3 * 100 * 16);
	free_profile(pr);
}
/* The child of a fork must find the profiler usable: its own profiled
 * allocations must not wait for a lock another thread held at the fork,
 * and detaching must not wait for threads that were inside the observer
 * then. A hung child is killed after 10 s and fails the test. */
static void test_fork_while_profiling(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(cb_profile_start(1, 5, err, sizeof err), 0);
	cb_hooks_set_counting(true);
	pthread_t t[2];
	atomic_store(&busy_stop, 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, profiled_allocator, NULL), 0);
	for (int k = 0; k < 40; k++) {
		usleep(1000);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			for (int i = 0; i < 50; i++)
				v_free(make_block(32));
			cb_hooks_set_counting(false);
			cb_profile_stop();
			_exit(cb_profile_nsites() > 0 ? 0 : 3);
		}
		int status = 0;
		pid_t got = 0;
		for (int waited = 0; waited < 10000 && got == 0; waited += 5) {
			got = waitpid(pid, &status, WNOHANG);
			if (got == 0)
				usleep(5000);
		}
		if (got == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("fork %d: the child hung", k);
		}
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	atomic_store(&busy_stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	cb_hooks_set_counting(false);
	cb_profile_stop();
	cb_profile_reset();
}

/* ---- the profile writer under allocation failure ---- */

/* The nth allocation of cb_pprof_write fails, for every n until a write
 * makes no allocation that could fail: each write either reports
 * "path: reason" or (when the failure was absorbed, as stdio does without a
 * buffer) writes the same profile; none leaks a block. */
static void test_pprof_writer_allocation_failures(void **state)
{
	(void)state;
	char err[512];
	assert_int_equal(cb_profile_start(1, 9, err, sizeof err), 0);
	cb_hooks_set_counting(true);
	void *kept_block = make_block(100);
	for (int i = 0; i < 20; i++)
		v_free(make_block(10));
	cb_hooks_set_counting(false);
	cb_profile_stop();
	assert_int_equal(cb_pprof_write(profile_path, err, sizeof err), 0);
	struct profile *ref = load_profile(profile_path);
	int64_t want[4];
	totals(ref, want);
	int nsamples = ref->nsamples;
	free_profile(ref);
	int failed = 0, absorbed = 0;
	uint64_t n;
	for (n = 1; n < 100000; n++) {
		struct cb_alloc_totals a, b;
		err[0] = 0;
		cb_hooks_set_counting(true);
		cb_hooks_read(&a);
		cb_hooks_fail_nth(n);
		int rc = cb_pprof_write(profile_path, err, sizeof err);
		bool fired = cb_hooks_fail_fired();
		cb_hooks_fail_nth(0);
		cb_hooks_read(&b);
		cb_hooks_set_counting(false);
		if (b.allocs - a.allocs != b.frees - a.frees)
			fail_msg("n=%llu: %llu allocations, %llu frees (rc %d: %s)", (unsigned long long)n,
				 (unsigned long long)(b.allocs - a.allocs),
				 (unsigned long long)(b.frees - a.frees), rc, err);
		if (!fired) {
			assert_int_equal(rc, 0);
			break;
		}
		if (rc != 0) {
			failed++;
			if (strncmp(err, profile_path, strlen(profile_path)) != 0 ||
			    strlen(err) <= strlen(profile_path) + 2)
				fail_msg("n=%llu: message \"%s\"", (unsigned long long)n, err);
			continue;
		}
		absorbed++;
		struct profile *pr = load_profile(profile_path);
		int64_t got[4];
		totals(pr, got);
		assert_int_equal(pr->nsamples, nsamples);
		for (int k = 0; k < 4; k++)
			assert_int_equal(got[k], want[k]);
		free_profile(pr);
	}
	v_free(kept_block);
	cb_profile_reset();
	assert_true(n > 10);
	assert_true(failed > 0);
	(void)absorbed;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rate_one_totals_and_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profiling_adds_no_allocations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inuse_is_what_the_timer_did_not_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inuse_survives_address_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inlined_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sampled_totals_within_tolerance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention_run_changes_nothing_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention_run_that_fails_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention_out_of_memory_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_capture_does_not_allocate),
		cmocka_unit_test(test_flag_values),
		cmocka_unit_test_setup_teardown(test_retained_reruns_while_threads_allocate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_while_profiling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_keeps_printed_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pprof_writer_allocation_failures, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
