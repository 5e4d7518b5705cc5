/* fuzz_prof_read.c: libFuzzer target over cbprof's profile reader. Every
 * input either is refused with a message naming it, or reads as a profile
 * whose every benchmark, diffed against the profile itself, shows no
 * changed site (the diff of identical inputs is empty, whatever they hold). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	pf_profile *p = pf_parse(data, size, "fuzz.pb", err, sizeof err);
	if (!p) {
		if (strncmp(err, "fuzz.pb: ", 9) != 0)
			abort(); /* refused without saying why */
		return 0;
	}
	size_t n;
	const char *const *names = pf_benchmarks(p, &n);
	for (size_t i = 0; i < n; i++) {
		pf_diff d;
		if (pf_diff_benchmark(p, p, names[i], &d, err, sizeof err) == 0) {
			if (d.n != 0)
				abort(); /* a profile differs from itself */
			pf_diff_free(&d);
		}
		(void)pf_benchmark_totals(p, names[i]);
	}
	pf_free(p);
	return 0;
}
