#!/usr/bin/env bash
# Issue 9's case for bench-compare.sh: base and head crash at the same
# benchmark in every run. The gate alone sees identical partial results and
# passes; the comparison must fail (exit 1, the head failed) and name what
# neither side measured. The suite is Alpha, Crash (aborts), Omega. With a
# harness that dies at the crash Omega is lost on both sides and must be
# named too; with crash isolation Omega is measured and only Crash is lost:
# the test accepts either, and checks that what is missing is reported.
# Then a head that fixes the crash passes: Crash and Omega are new to it;
# a head killed mid-line has its half line dropped; a head that deletes
# what the base never measured cannot pass.
# shellcheck source=tests/e2e/ci_lib.sh
. "$(dirname "$0")/ci_lib.sh"

suite() {
  cat >bench.c <<EOB
#include <cbench.h>
#include <stdio.h>
#include <stdlib.h>

BENCH(Alpha) {
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc(32);
		cbench_keep(p);
		free(p);
	}
}

BENCH(Crash) {
	if ($1 == 2) {
		fputs("BenchmarkCrash-2 \\t 1", stdout);
		fflush(stdout);
	}
	if ($1)
		abort();
	for (int64_t i = 0; i < b->n; i++)
		cbench_keep(i);
}

BENCH(Omega) {
	for (int64_t i = 0; i < b->n; i++) {
		void *p = malloc(64);
		cbench_keep(p);
		free(p);
	}
}
EOB
}

new_repo repo
write_makefile
suite 1
BASE=$(commit "base: Crash aborts")
echo "/* still crashing */" >>bench.c
HEAD=$(commit "head: Crash still aborts")
git checkout -q "$BASE"
suite 0
FIXED=$(commit "head: Crash fixed")
suite 2
PARTIAL=$(commit "head: Crash writes half a line, then aborts")
git checkout -q "$BASE"
perl -0pi -e 's/BENCH\(Crash\).*//s' bench.c
DELETED=$(commit "head: Crash and Omega deleted")

compare both "$BASE" "$HEAD"
expect both 1 "base and head crash at the same benchmark"
has both '^## cbench: .*regression.*head.s bench binary failed in 6 of 6 runs, the base.s in 6' \
  "both crash: the verdict line does not name the failed runs"
has both '### head failed in 6 of 6 runs' "both crash: no section on the head's failure"
has both 'exit 134 \(SIGABRT\)|--- FAIL' "both crash: the failure is not described"
has both '### Not measured on either side' "both crash: the lost benchmarks are not reported"
has both '`BenchmarkCrash`' "both crash: Crash is not named as not measured"
grep -q '^BenchmarkAlpha' "$tmp/both/head.txt" || fail "both crash: Alpha was not measured"
if grep -q '^BenchmarkOmega' "$tmp/both/head.txt"; then
  has both '^\| Omega-[0-9]+ \| ' "both crash (isolated): Omega is not in the tables"
else
  has both '`BenchmarkOmega`' "both crash (binary died): Omega is not named as not measured"
fi
[ ! -e "$tmp/both/record.txt" ] || fail "both crash: a failed head wrote a history record"

compare fixed "$BASE" "$FIXED"
expect fixed 0 "a head that fixes the crash"
has fixed '### base failed in 6 of 6 runs' "fixed: the base's failure is not reported"
grep -q 'Not measured on either side' "$tmp/fixed.summary" && { show fixed; fail "fixed: claims benchmarks went unmeasured"; }
[ -s "$tmp/fixed/record.txt" ] || fail "fixed: no history record for a head that passed"

# A run killed mid-line: the half line is dropped, not read as a result.
compare partial "$BASE" "$PARTIAL"
expect partial 1 "a head killed mid-line"
if ! grep -q '^BenchmarkOmega' "$tmp/partial/head.txt"; then
  grep -q '^BenchmarkCrash' "$tmp/partial/head.txt" && fail "partial: the half line is in head.txt"
  grep -q 'dropped its unterminated last line' "$tmp/partial/head.run.log" || fail "partial: the drop is not logged"
  has partial '`BenchmarkCrash`' "partial: Crash is not named as not measured"
fi

# The head deletes Crash and Omega. A base that died at Crash never
# measured Omega, so the gate cannot see the deletion: exit 2, both named.
# (With crash isolation the base measures Omega and the gate fails it.)
compare deleted "$BASE" "$DELETED"
if grep -q '^BenchmarkOmega' "$tmp/deleted/base.txt"; then
  expect deleted 1 "a head that deletes a benchmark the base measured"
else
  expect deleted 2 "a head that deletes benchmarks the base never measured"
  has deleted '^## cbench: .*could not judge.*2 benchmark\(s\) not measured on either side' "deleted: the verdict does not say what was not measured"
  has deleted '`BenchmarkCrash`, `BenchmarkOmega`' "deleted: the unmeasured benchmarks are not named"
fi

# A base whose benchmarks exist (-list names them) but whose every run dies
# before printing a result is no first pull request: exit 2, not a pass.
new_repo lists
write_makefile
suite 0
cat >>bench.c <<'EOB'
#include <string.h>
__attribute__((constructor)) static void die_when_measuring(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-bench") == 0)
			abort();
}
EOB
LISTS=$(commit "base: lists its benchmarks, every run dies")
suite 0
OK=$(commit "head: runs")
compare lists "$LISTS" "$OK"
expect lists 2 "a base that lists benchmarks but measures none"
has lists '### Base not measured' "lists: the report does not say the base was not measured"

# A hang outside any benchmark (a destructor) is bounded by --timeout.
cat >>bench.c <<'EOB'
#include <unistd.h>
__attribute__((destructor)) static void hang(void)
{
	for (;;)
		pause();
}
EOB
HANG=$(commit "head: hangs at exit")
start=$(date +%s)
compare hang "$OK" "$HANG" --timeout 2s --count 4
expect hang 1 "a head that hangs at exit"
[ $(($(date +%s) - start)) -lt 120 ] || fail "hang: --timeout 2s did not bound the runs"
grep -q 'killed after' "$tmp/hang/head.run.log" || { show hang; fail "hang: the kill is not logged"; }

echo "$name: same crash on both sides failed and named the lost benchmarks; the fix passed; an unmeasured base and a hang at exit could not pass"
