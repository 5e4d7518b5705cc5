/* prof.h: reading cbench's memory profiles (pprof profile.proto, gzip or
 * plain) and diffing two of them by allocation site, per op, for each
 * benchmark; what `cbprof diff` prints and bench-compare.sh puts into its
 * report when the gate fails on B/op, allocs/op or retained-B/op. No Go or
 * pprof needed.
 *
 * A site is where the program's own code allocates: the innermost frame of
 * a sample's stack that lies in the main executable (so strdup's malloc is
 * charged to the caller of strdup), its function and file:line (function
 * only when the binary has no DWARF, -g). Per op means summed over the
 * benchmark's samples and divided by the iterations of its measured runs
 * (the harness labels every sample with benchmark, repetition, iterations).
 *
 * Ownership: pf_read returns a profile the caller frees with pf_free; the
 * strings of a pf_diff point into the two profiles and stay valid while
 * they do; pf_diff_free frees the diff. Module prefix pf_. */
#ifndef CBENCH_PROF_H
#define CBENCH_PROF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct pf_profile pf_profile;

/* Reads path; NULL with "path: what is wrong" in err on failure. */
pf_profile *pf_read(const char *path, char *err, size_t errlen);
/* The same from bytes in memory (gzip or plain); name is used in messages. */
pf_profile *pf_parse(const unsigned char *data, size_t len, const char *name, char *err,
		     size_t errlen);
void pf_free(pf_profile *p);
/* Removes prefix from the front of every source file name in p that has
 * it (repeat for several); before diffing two checkouts' profiles. */
void pf_trim_paths(pf_profile *p, const char *prefix);
int64_t pf_period(const pf_profile *p); /* the sampling rate; 1: every allocation */

/* Totals of one benchmark (label "benchmark"; NULL: every sample) over its
 * measured runs: alloc_objects, alloc_space, inuse_objects, inuse_space and
 * the iterations of the runs (0 when the samples carry no iteration label). */
typedef struct pf_totals {
	int64_t alloc_objects, alloc_space, inuse_objects, inuse_space, iterations;
	int runs; /* distinct repetitions seen */
} pf_totals;
pf_totals pf_benchmark_totals(const pf_profile *p, const char *bench);

/* One site of one benchmark whose allocations per op changed. */
typedef struct pf_change {
	const char *function, *file; /* file NULL without DWARF */
	int64_t line;                /* 0 when unknown */
	double base_allocs, head_allocs; /* per op */
	double base_bytes, head_bytes;
} pf_change;

typedef struct pf_diff {
	pf_change *changes; /* biggest |B/op change| first, then |allocs/op| */
	size_t n;
	int64_t base_iterations, head_iterations;
	int per_op; /* 0: a side had no iteration labels; values are totals */
} pf_diff;

/* Sites of benchmark bench (as labelled, e.g. "BenchmarkKey-2") whose
 * allocs/op moved by at least 0.01 or B/op by at least 1 between base and
 * head (the gate's smallest changes). Returns 0, or -1 with a message (out
 * of memory, benchmark in neither profile). */
int pf_diff_benchmark(const pf_profile *base, const pf_profile *head, const char *bench,
		      pf_diff *out, char *err, size_t errlen);
void pf_diff_free(pf_diff *d);

/* The labels "benchmark" found in p, each once, in order of appearance;
 * *n receives how many. Borrowed from p. */
const char *const *pf_benchmarks(const pf_profile *p, size_t *n);

/* Renders d for bench: a table (markdown != 0: a GitHub table) with at most
 * max_rows rows, then a line saying how many more changed. */
void pf_render(FILE *out, const char *bench, const pf_diff *d, int markdown, size_t max_rows);

/* The command line: `cbprof diff [-format text|markdown] [-bench NAME]
 * [-rows N] [-trim PREFIX]... BASE HEAD` and `cbprof totals [-bench NAME]
 * PROFILE`. Exit status 0, 2 on bad usage or unreadable input. */
int pf_main(int argc, char **argv, FILE *out, FILE *err);

#endif
