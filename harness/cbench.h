/* cbench.h: write benchmarks in C, get ns/op, B/op and allocs/op in Go's
 * benchmark format. This is the only public header of libcbench.
 *
 *   #include <cbench.h>
 *   BENCH(Strdup) {
 *       for (int64_t i = 0; i < b->n; i++) {
 *           char *s = strdup("hello, world");
 *           cbench_keep(s);
 *           free(s);
 *       }
 *   }
 *
 * Link with `pkg-config --cflags --libs cbench`; the library supplies main()
 * (a program with its own main calls cbench_main). Run `./prog -h` for flags.
 *
 * Ownership: the harness owns every cbench_b and cbench_pb; a benchmark only
 * borrows them for the duration of its call. Strings passed in are copied.
 *
 * Counting rules (allocator hooks replace malloc and friends in the program):
 *  - allocs/op = successful allocations / n, B/op = requested bytes / n,
 *    counted only while the timer runs, from every thread, including the
 *    allocations libc (strdup, fopen, getline, asprintf) and shared libraries
 *    make. realloc(NULL, s) is malloc(s); realloc(p, s) with s > 0 that
 *    succeeds is one allocation of s bytes plus one free, moved or not;
 *    realloc(p, 0) is a free; failed calls and free(NULL) count nothing.
 *  - One-time allocations: every benchmark (and every -count repetition) is
 *    first called once with n = 1 as a warm-up that is never reported; the
 *    reported line always comes from a later, calibrated run. So a lazily
 *    allocated buffer does not show up as allocations (unlike Go, #20590).
 *  - B/op and allocs/op are exact: an integer when the total divides by n;
 *    otherwise all the digits of the decimal when total/n terminates
 *    (9985/1000 prints 9.985), else the shortest decimal that reads back as
 *    the nearest double (1/3 prints 0.3333333333333333). Every form is a
 *    plain decimal that Go's strconv.ParseFloat (so benchstat) accepts.
 *  - Limits: the hooks need glibc linked dynamically (the default). A fully
 *    static program does not link: libc.a defines malloc in the same object
 *    as __libc_malloc ("multiple definition of malloc"). An allocator
 *    preloaded or linked in (jemalloc, tcmalloc) is used through the hooks
 *    and counted exactly. Under a sanitizer (ASan) the hooks forward to the
 *    sanitizer's allocator, whose interceptors also allocate past malloc, so
 *    the harness warns on stderr and omits B/op and allocs/op. Memory
 *    obtained with mmap or sbrk directly is not counted.
 *
 * Output: Go's format (goos/goarch/pkg/cpu header, one line per result,
 * "--- FAIL/SKIP/BENCH:" blocks, PASS or FAIL), which benchstat reads. With
 * -json, one JSON object per result instead (see harness/cb_json.c for the
 * fields): name, status ("ok", "fail", "skip"), n, ns_per_op, bytes_per_op,
 * allocs_per_op, the exact totals allocs and alloc_bytes, mb_per_s,
 * metrics, output, and the header values; no PASS/FAIL line. Text and JSON
 * come from one record and carry the same figures, reported metrics
 * included. pkg: is CBENCH_PKG if the benchmarks were compiled with it,
 * else the directory of their source file as given to the compiler
 * ("benches/x.c" -> "benches"), so two builds of one suite agree; -pkg
 * overrides it. On a terminal, stderr shows the running benchmark.
 *
 * Crash isolation: each top-level benchmark (with its sub-benchmarks, -cpu
 * values and -count repetitions) runs in a child process forked after the
 * harness is set up; its results, counts and profile samples are sent to
 * the parent, which prints them. A benchmark that dies by a signal, calls
 * exit() or _exit(), or runs longer than -timeout is reported as
 * "--- FAIL: Name" with the signal or exit status and the last lines it
 * wrote to stderr, and the next benchmark runs. So variables a benchmark
 * changes are the child's: the next benchmark does not see them. Programs
 * that cannot fork use -isolate=false (then a crash ends the run, and
 * -timeout bounds the whole run, as in Go).
 *
 * retained-B/op: when a benchmark's reported run allocated more blocks than
 * it freed, its line also shows the bytes allocated while the timer ran and
 * still not freed when it stopped, divided by n (printed like other
 * metrics; a leak of 48 bytes per iteration shows 48.00). Finding them needs
 * every pointer tracked, which would distort ns/op, so the harness repeats
 * such a benchmark once with tracking on, at half the n (at most 100000),
 * and keeps only that figure per op; a benchmark that frees as many blocks
 * as it allocates costs nothing extra and shows no column. A per-op leak
 * reads the same at any n; C bytes kept once per run read C over the
 * repeat's n. If the repeat fails or tracking runs out of memory, the
 * benchmark fails rather than print a line without the figure. Blind spot: a loop that frees blocks
 * from before the timer started as often as it keeps new ones. Allocations
 * before cbench_reset_timer are not counted. -retained=false turns it off.
 *
 * Allocation profiles: -memprofile FILE writes a gzip-compressed pprof
 * profile (go tool pprof, pprof -http) with Go's sample types alloc_objects,
 * alloc_space (the default), inuse_objects and inuse_space. It covers the
 * allocations made while a timer ran in the reported runs only (not the
 * warm-up, calibration or retained-B/op runs; Go's covers the whole
 * process), each sample labelled with its benchmark, repetition and
 * iterations; in use means not freed when the run's timer stopped. -memprofilerate N records one
 * allocation per N bytes on average, chosen by Go's exponential scheme and
 * scaled up as Go does (default 524288, Go's; 1 records every allocation).
 * Stacks: up to 64 frames, from glibc's backtrace. Names, files and lines,
 * inlined calls included, are resolved in the process with elfutils libdw:
 * build with -g for file:line; a shared library without debug information
 * shows its exported functions by name and its static ones as the library.
 * ns/op with -memprofile is slower and not comparable (as in Go).
 *
 * -instructions adds instructions/op: the instructions executed while the
 * timer ran in the reported run, divided by n. They come from hardware
 * counters (perf_event_open, user space only; with cycles/op and
 * branch-misses/op where granted), else the program runs itself again under
 * valgrind --tool=callgrind, where time is not real and ns/op is not
 * printed; the header line "instructions: perf|callgrind" says which. Under
 * callgrind with -benchtime Nx the figures repeat exactly and the header
 * declares "Unit instructions/op assume=exact". Allocation counts stay exact
 * on both paths.
 *
 * Exit status of cbench_main: 0 when every selected benchmark ran and
 * passed; 1 when one failed, crashed, was skipped, broke its zero-allocation
 * contract, when -bench selected nothing, or on -timeout; 2 on a usage error
 * (or a bad -run regexp) or when the -memprofile file cannot be created
 * (checked before anything runs) or written, or when -instructions has
 * nothing to count with (no counters granted, no valgrind).
 */
#ifndef CBENCH_H
#define CBENCH_H

#include <stdbool.h>
#include <stdint.h>

#define CBENCH_VERSION "0.1.0" /* also cbench.pc's Version */

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CBENCH_PRINTF_(f, a) __attribute__((format(printf, f, a)))
#define CBENCH_NORETURN_ __attribute__((noreturn))
#define CBENCH_UNUSED_ __attribute__((unused))
#define CBENCH_CONSTRUCTOR_ __attribute__((constructor))
#else
#error "cbench needs gcc or clang (constructor attribute for BENCH registration)"
#endif

struct cb_run;

/* The benchmark handle. `n` is the number of iterations this call must run;
 * the fields ending in '_' belong to the harness. */
typedef struct cbench_b {
	int64_t n;
	int64_t loop_i_;
	struct cb_run *run_;
} cbench_b;

typedef void cbench_fn(cbench_b *b);
typedef void cbench_sub_fn(cbench_b *b, void *ctx);

/* Registration. BENCH(Name) defines BenchmarkName; BENCH_ZERO_ALLOC(Name)
 * also declares that it must not allocate in its measured loop. As in Go, a
 * name begins with "Benchmark", not followed by a lower-case letter, and is
 * unique: otherwise the program stops before running anything (exit status
 * 2, a message saying which). White space in a name becomes '_'. */
enum { CBENCH_ZERO_ALLOC = 1 };
void cbench_register(const char *name, cbench_fn *fn, unsigned flags);
/* What BENCH uses: also where it was compiled, for the default pkg: line
 * (the directory of __FILE__, or CBENCH_PKG when defined; see -pkg). */
void cbench_register_at_(const char *name, cbench_fn *fn, unsigned flags, const char *file,
			 const char *pkg);
#ifdef CBENCH_PKG
#define CBENCH_PKG_ CBENCH_PKG
#else
#define CBENCH_PKG_ ((const char *)0)
#endif

#define CBENCH_DEFINE_(Name, flags)                                            \
	static void cbench_fn_##Name(cbench_b *b);                             \
	static CBENCH_CONSTRUCTOR_ void cbench_reg_##Name(void)                \
	{                                                                      \
		cbench_register_at_("Benchmark" #Name, cbench_fn_##Name, flags, \
				    __FILE__, CBENCH_PKG_);                     \
	}                                                                      \
	static void cbench_fn_##Name(cbench_b *b CBENCH_UNUSED_)
#define BENCH(Name) CBENCH_DEFINE_(Name, 0)
#define BENCH_ZERO_ALLOC(Name) CBENCH_DEFINE_(Name, CBENCH_ZERO_ALLOC)

/* Runs the registered benchmarks as the command line says; returns the exit
 * status (see above). Writes results to stdout and errors to stderr. */
int cbench_main(int argc, char **argv);

/* Timer control, as Go's ResetTimer/StopTimer/StartTimer. The timer runs
 * when the benchmark is called; reset zeroes elapsed time, allocation counts
 * and reported metrics. Allocations while the timer is stopped are not
 * counted. */
void cbench_reset_timer(cbench_b *b);
void cbench_stop_timer(cbench_b *b);
void cbench_start_timer(cbench_b *b);

/* while (cbench_loop(b)) { ... } runs the body b->n times; setup before the
 * first call and cleanup after the last are not timed (like Go's b.Loop,
 * except that the harness still calls the function once per calibration
 * step, and results must still be passed to cbench_keep). */
bool cbench_loop_slow_(cbench_b *b);
static inline bool cbench_loop(cbench_b *b)
{
	if (b->loop_i_ != 0 && b->loop_i_ < b->n) {
		b->loop_i_++;
		return true;
	}
	return cbench_loop_slow_(b);
}

/* Declares the benchmark must not allocate while timed (same as declaring
 * it with BENCH_ZERO_ALLOC). When it does, its result line is still printed,
 * followed by "--- FAIL: ..." naming allocs/op, and the program exits 1. */
void cbench_expect_zero_alloc(cbench_b *b);

/* Bytes processed per operation: adds an MB/s column. */
void cbench_set_bytes(cbench_b *b, int64_t bytes_per_op);

/* Adds "value unit" to the line (Go's ReportMetric): extra units print sorted
 * after the built-in ones; "ns/op", "MB/s", "B/op" or "allocs/op" override
 * the measured value, and ns/op set to 0 hides that column. A unit that is
 * empty, holds white space or is longer than 63 bytes fails the benchmark. */
void cbench_report_metric(cbench_b *b, double value, const char *unit);

/* Log, skip and fail. Messages are printed after the benchmark's line as
 * Go does ("--- BENCH:", "--- SKIP:", "--- FAIL:", each message indented
 * with its file:line). cbench_skip and cbench_fatal end the benchmark by
 * longjmp back to the harness, so the benchmark's own cleanup after the call
 * does not run; call them only from the thread that runs the benchmark (from
 * a parallel body they end that worker thread). cbench_error marks the
 * benchmark failed and continues. */
#define cbench_log(b, ...) cbench_log_at_(b, __FILE__, __LINE__, __VA_ARGS__)
#define cbench_error(b, ...) cbench_error_at_(b, __FILE__, __LINE__, __VA_ARGS__)
#define cbench_skip(b, ...) cbench_skip_at_(b, __FILE__, __LINE__, __VA_ARGS__)
#define cbench_fatal(b, ...) cbench_fatal_at_(b, __FILE__, __LINE__, __VA_ARGS__)
void cbench_log_at_(cbench_b *b, const char *file, int line, const char *fmt, ...)
	CBENCH_PRINTF_(4, 5);
void cbench_error_at_(cbench_b *b, const char *file, int line, const char *fmt, ...)
	CBENCH_PRINTF_(4, 5);
CBENCH_NORETURN_ void cbench_skip_at_(cbench_b *b, const char *file, int line,
				      const char *fmt, ...) CBENCH_PRINTF_(4, 5);
CBENCH_NORETURN_ void cbench_fatal_at_(cbench_b *b, const char *file, int line,
				       const char *fmt, ...) CBENCH_PRINTF_(4, 5);
bool cbench_failed(const cbench_b *b);

/* Sub-benchmark "Parent/name" (white space in name becomes '_'). A benchmark
 * that calls cbench_run is not measured itself; it is called once with
 * n = 1 and each sub-benchmark is calibrated and reported on its own.
 * Returns false when the sub-benchmark failed. */
bool cbench_run(cbench_b *b, const char *name, cbench_sub_fn *fn, void *ctx);

/* Parallel benchmarks (Go's RunParallel): body runs on (parallelism x the
 * current -cpu value) threads that share the b->n iterations; each loops
 * while (cbench_pb_next(pb)). ns/op is wall time over all threads; the
 * allocations of every thread are counted (thread creation is not). */
typedef struct cbench_pb {
	uint64_t cache_;
	uint64_t grain_;
	uint64_t total_;
	void *shared_;
} cbench_pb;
typedef void cbench_body_fn(cbench_pb *pb, void *ctx);
void cbench_run_parallel(cbench_b *b, cbench_body_fn *body, void *ctx);
void cbench_set_parallelism(cbench_b *b, int p);
bool cbench_pb_refill_(cbench_pb *pb);
static inline bool cbench_pb_next(cbench_pb *pb)
{
	if (pb->cache_ == 0 && !cbench_pb_refill_(pb))
		return false;
	pb->cache_--;
	return true;
}

/* The -cpu value the benchmark runs with now (default: the CPUs available). */
int cbench_procs(const cbench_b *b);

/* Keeping the optimizer from deleting the work (Google Benchmark's
 * DoNotOptimize and ClobberMemory). Both are empty asm statements: they cost
 * no instruction, only the loads and stores they force, and mean the same in
 * C (C11 or later, GNU dialects included) and C++.
 *
 * cbench_keep(x) guarantees, at the point where it stands:
 *  - x's value is used: x is evaluated exactly once, and the computation
 *    that produced it cannot be deleted. x may be a scalar, a pointer, an
 *    array or a struct or union lvalue or rvalue; not a bit-field (clang
 *    refuses those: keep the struct, or copy the field to a variable).
 *    A struct lvalue is not copied: the statement reads it where it is.
 *  - when x is a pointer, the memory it points to escapes (and all memory
 *    reachable from it); when x is an array or a struct, the object itself
 *    escapes. The compiler must assume the statement reads that memory, so
 *    stores to it before cannot be deleted, and that any later cbench_keep
 *    or cbench_clobber may read and write it, so stores before those are
 *    kept and loads after them are redone.
 *  - it is also a cbench_clobber().
 *  It does not make x's own value unknown afterwards: the compiler may still
 *  treat a kept scalar as the constant it knows. To stop an input from being
 *  folded or hoisted out of the loop, keep the memory that holds it inside
 *  the loop (cbench_keep(buf), cbench_keep(&input)): it may then have
 *  changed at every iteration. An object defined const can still be folded.
 *
 * cbench_clobber() guarantees that all memory that has escaped is read and
 * written at that point: objects with external linkage, and any memory whose
 * address was passed to cbench_keep or to a function the compiler cannot
 * see, or stored in memory that had escaped. It does not reach local
 * variables or static objects whose address never escaped: a loop that only
 * writes to `static char dst[4096]` is still deleted; cbench_keep(dst)
 * first (or instead) makes it count.
 *
 * Without them gcc and clang at -O2 delete malloc/free and strdup/free
 * pairs, memcpy into buffers nothing reads, and loops whose result is
 * unused; a benchmark of deleted work reports a fraction of a nanosecond
 * per op and MB/s beyond any memory system.
 *
 * This header needs only C11 (or C++17); it declares no libc function. A
 * benchmark built with -std=c11 rather than gnu11 gets no POSIX
 * declarations (strdup, clock_gettime, ...) unless it asks before its first
 * #include, e.g. `#define _POSIX_C_SOURCE 200809L`; an undeclared strdup is
 * an error under -Werror and a truncated pointer without it. */
#define cbench_keep(x) __asm__ __volatile__("" : : "g"(x) : "memory")
#define cbench_clobber() __asm__ __volatile__("" : : : "memory")

#ifdef __cplusplus
}
#endif
#endif
