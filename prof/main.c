/* main.c: the cbprof command line.
 *   cbprof diff [-format text|markdown] [-bench NAME] [-rows N] [-trim PREFIX]...
 *               BASE HEAD
 *   cbprof totals [-bench NAME] PROFILE
 * diff prints, for each benchmark (or just NAME, as labelled: BenchmarkX-2),
 * the allocation sites whose allocs/op or B/op changed; totals prints what
 * each benchmark's measured runs allocated and left in use. */
#include "prof.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_TRIM = 8 };

struct args {
	const char *cmd, *bench, *files[2], *trim[MAX_TRIM];
	int ntrim;
	int nfiles, markdown;
	long rows;
};

static int usage(FILE *err, const char *why)
{
	if (why)
		fprintf(err, "cbprof: %s\n", why);
	fprintf(err, "usage: cbprof diff [-format text|markdown] [-bench NAME] [-rows N] [-trim PREFIX]... BASE HEAD\n"
		     "       cbprof totals [-bench NAME] PROFILE\n");
	return 2;
}

static int parse(int argc, char **argv, struct args *a, FILE *err)
{
	*a = (struct args){.rows = 10};
	if (argc < 2)
		return usage(err, NULL);
	a->cmd = argv[1];
	if (strcmp(a->cmd, "diff") != 0 && strcmp(a->cmd, "totals") != 0)
		return usage(err, "unknown command");
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];
		bool has = i + 1 < argc;
		if (strcmp(arg, "-bench") == 0 && has) {
			a->bench = argv[++i];
		} else if (strcmp(arg, "-format") == 0 && has) {
			const char *f = argv[++i];
			if (strcmp(f, "markdown") != 0 && strcmp(f, "text") != 0)
				return usage(err, "-format must be text or markdown");
			a->markdown = strcmp(f, "markdown") == 0;
		} else if (strcmp(arg, "-trim") == 0 && has) {
			if (a->ntrim == MAX_TRIM)
				return usage(err, "too many -trim prefixes");
			a->trim[a->ntrim++] = argv[++i];
		} else if (strcmp(arg, "-rows") == 0 && has) {
			char *end;
			a->rows = strtol(argv[++i], &end, 10);
			if (*end || a->rows < 1)
				return usage(err, "-rows must be a positive number");
		} else if (arg[0] == '-' && arg[1]) {
			return usage(err, "unknown or incomplete flag");
		} else if (a->nfiles < 2) {
			a->files[a->nfiles++] = arg;
		} else {
			return usage(err, "too many files");
		}
	}
	int want = strcmp(a->cmd, "diff") == 0 ? 2 : 1;
	return a->nfiles == want ? 0 : usage(err, want == 2 ? "diff needs BASE and HEAD" : "totals needs one profile");
}

static void print_totals(FILE *out, const char *bench, pf_totals t)
{
	fprintf(out, "%s\talloc_objects %lld\talloc_space %lld\tinuse_objects %lld\tinuse_space %lld\t"
		     "iterations %lld\truns %d\n",
		bench[0] ? bench : "(unlabelled)", (long long)t.alloc_objects, (long long)t.alloc_space,
		(long long)t.inuse_objects, (long long)t.inuse_space, (long long)t.iterations, t.runs);
}

static int totals(const struct args *a, pf_profile *p, FILE *out)
{
	size_t n;
	const char *const *names = pf_benchmarks(p, &n);
	for (size_t i = 0; i < n; i++)
		if (!a->bench || strcmp(a->bench, names[i]) == 0)
			print_totals(out, names[i], pf_benchmark_totals(p, names[i]));
	return 0;
}

static int diff_one(const struct args *a, pf_profile *base, pf_profile *head, const char *bench,
		    FILE *out, FILE *err, bool quiet)
{
	pf_diff d;
	char msg[512];
	if (pf_diff_benchmark(base, head, bench, &d, msg, sizeof msg)) {
		fprintf(err, "cbprof: %s\n", msg);
		return 2;
	}
	if (!quiet || d.n > 0)
		pf_render(out, bench, &d, a->markdown, (size_t)a->rows);
	pf_diff_free(&d);
	return 0;
}

static int diff(const struct args *a, pf_profile *base, pf_profile *head, FILE *out, FILE *err)
{
	if (pf_period(base) != 1 || pf_period(head) != 1)
		fprintf(out, "%s(sampled profiles, -memprofilerate %lld and %lld: the figures are estimates)\n",
			a->markdown ? "\n" : "", (long long)pf_period(base), (long long)pf_period(head));
	if (a->bench)
		return diff_one(a, base, head, a->bench, out, err, false);
	int rc = 0;
	for (int side = 0; side < 2; side++) {
		size_t n;
		const char *const *names = pf_benchmarks(side ? head : base, &n);
		for (size_t i = 0; i < n && rc == 0; i++) {
			size_t m;
			const char *const *other = pf_benchmarks(base, &m);
			bool in_base = false;
			for (size_t j = 0; j < m && side; j++)
				in_base = in_base || strcmp(other[j], names[i]) == 0;
			if (!in_base) /* each benchmark once */
				rc = diff_one(a, base, head, names[i], out, err, true);
		}
	}
	return rc;
}

int pf_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct args a;
	if (parse(argc, argv, &a, err))
		return 2;
	pf_profile *p[2] = {NULL, NULL};
	char msg[512];
	for (int i = 0; i < a.nfiles; i++) {
		if (!(p[i] = pf_read(a.files[i], msg, sizeof msg))) {
			fprintf(err, "cbprof: %s\n", msg);
			pf_free(p[0]);
			return 2;
		}
		for (int k = 0; k < a.ntrim; k++)
			pf_trim_paths(p[i], a.trim[k]);
	}
	int rc = a.nfiles == 1 ? totals(&a, p[0], out) : diff(&a, p[0], p[1], out, err);
	pf_free(p[0]);
	pf_free(p[1]);
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(err, "cbprof: write error\n");
		rc = 2;
	}
	return rc;
}
