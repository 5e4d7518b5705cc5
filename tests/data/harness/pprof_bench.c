/* pprof_bench.c: a benchmark for tests/e2e/harness_pprof.sh whose
 * allocations come from a named function of the program (parse_record), from
 * libc (strdup) and from a shared library (cJSON), so the profile must name
 * all three. */
#include <cbench.h>
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

struct record {
	char *key;
	int *values;
};

__attribute__((noinline)) static struct record *parse_record(const char *key, int n)
{
	struct record *r = malloc(sizeof *r);
	r->key = strdup(key);
	r->values = calloc((size_t)n, sizeof *r->values);
	return r;
}

static void free_record(struct record *r)
{
	free(r->key);
	free(r->values);
	free(r);
}

BENCH(Parse)
{
	for (int64_t i = 0; i < b->n; i++) {
		struct record *r = parse_record("alpha", 250);
		cbench_keep(r);
		free_record(r);
	}
}

BENCH(JSON)
{
	for (int64_t i = 0; i < b->n; i++) {
		cJSON *j = cJSON_Parse("{\"a\":[1,2,3],\"b\":\"x\"}");
		cbench_keep(j);
		cJSON_Delete(j);
	}
}
