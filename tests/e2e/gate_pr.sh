#!/usr/bin/env bash
# Reproduces a pull request end to end: a scratch repository whose benchmarks
# use an installed cbench, four commits, and scripts/bench-compare.sh judging
# each against the baseline:
#   A  baseline
#   B  Greet makes a needless copy           -> exit 1, names Greet and allocs/op
#   C  a comment changes, nothing measurable -> exit 0
#   D  the zero-alloc Checksum allocates     -> exit 1, names Checksum
#   F  Checksum crashes in every run but the first, so the gate alone would
#      see too few samples to object         -> exit 1, names the failed runs
#      (a head that fails in any run fails)
# plus a revision that does not exist        -> exit 2.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "gate_pr: $*" >&2; exit 1; }

make -C "$root" --no-print-directory -s install PREFIX="$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"

repo="$tmp/repo"
mkdir -p "$repo"
cd "$repo"
git init -q
git config user.email e2e@example.invalid
git config user.name e2e
cat >Makefile <<'EOF'
bench-build:
	mkdir -p build
	$(CC) -O2 bench.c $$(pkg-config --cflags --libs cbench) -o build/bench
EOF
cat >bench.c <<'EOF'
#include <cbench.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *greet(const char *name)
{
	size_t n = strlen(name) + 8;
	char *s = malloc(n);
	snprintf(s, n, "hello, %s", name);
	return s;
}

BENCH(Greet) {
	for (int64_t i = 0; i < b->n; i++) {
		char *s = greet("world");
		cbench_keep(s);
		free(s);
	}
}

static unsigned checksum(const unsigned char *p, size_t n)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++)
		sum = sum * 31 + p[i];
	return sum;
}

BENCH_ZERO_ALLOC(Checksum) {
	static const unsigned char data[64] = "a fixed header of sixty-four bytes, more or less";
	for (int64_t i = 0; i < b->n; i++) {
		unsigned sum = checksum(data, sizeof data);
		cbench_keep(sum);
	}
}
EOF
git add -A && git commit -qm A && A=$(git rev-parse HEAD)

perl -0pi -e 's/\treturn s;\n\}\n\nBENCH\(Greet\)/\tchar *copy = strdup(s);\n\tfree(s);\n\treturn copy;\n}\n\nBENCH(Greet)/' bench.c
git commit -qam B && B=$(git rev-parse HEAD)
git checkout -q "$A"
perl -0pi -e 's/static char \*greet/\/* Builds a greeting on the heap. *\/\nstatic char *greet/' bench.c
git commit -qam C && C=$(git rev-parse HEAD)
git checkout -q "$A"
perl -0pi -e 's/\t\tunsigned sum = checksum\(data, sizeof data\);/\t\tunsigned char *copy = malloc(sizeof data);\n\t\tmemcpy(copy, data, sizeof data);\n\t\tunsigned sum = checksum(copy, sizeof data);\n\t\tfree(copy);/' bench.c
git commit -qam D && D=$(git rev-parse HEAD)
git checkout -q "$A"
perl -0pi -e 's/(BENCH_ZERO_ALLOC\(Checksum\) \{\n)/$1\tstatic int first_call = 1;\n\tif (first_call) {\n\t\tfirst_call = 0;\n\t\tcbench_stop_timer(b);\n\t\tif (access("ran-once", F_OK) == 0)\n\t\t\tabort();\n\t\tfclose(fopen("ran-once", "w"));\n\t\tcbench_start_timer(b);\n\t}\n/; s/#include <string.h>\n/#include <string.h>\n#include <unistd.h>\n/' bench.c
git commit -qam F && F=$(git rev-parse HEAD)

compare() {
  local out=$1 head=$2
  set +e
  "$root/scripts/bench-compare.sh" --bstat "$root/build/bstat" --build "make -s bench-build" \
    --bin build/bench --count 5 --benchtime 2000x --out "$tmp/$out" "$A" "$head" \
    >"$tmp/$out.stdout" 2>"$tmp/$out.stderr"
  status=$?
  set -e
}
show() { cat "$tmp/$1.stdout" "$tmp/$1.stderr" >&2; }

compare B "$B"
[ "$status" = 1 ] || { show B; fail "B: exit $status, want 1"; }
grep -q 'Greet.*allocs/op' "$tmp/B/gate.txt" || { show B; fail "B: no violation naming Greet and allocs/op"; }
grep -q 'Checksum' "$tmp/B/gate.txt" && grep 'Checksum' "$tmp/B/gate.txt" | grep -qi 'regress' \
  && { show B; fail "B: Checksum did not change but was reported"; }
grep -q 'allocs/op' "$tmp/B/gate.md" || { show B; fail "B: the markdown report lacks the violation"; }

compare C "$C"
[ "$status" = 0 ] || { show C; fail "C: exit $status, want 0"; }

compare D "$D"
[ "$status" = 1 ] || { show D; fail "D: exit $status, want 1"; }
grep -q 'Checksum' "$tmp/D/gate.txt" || { show D; fail "D: no violation naming Checksum"; }

compare F "$F"
[ "$status" = 1 ] || { show F; fail "F: exit $status, want 1"; }
grep -q "the head's bench binary failed in 4 of 5 runs, the base's in 0" "$tmp/F/report.md" \
  || { show F; fail "F: the failed runs are not named"; }

compare E no-such-revision
[ "$status" = 2 ] || { show E; fail "bad revision: exit $status, want 2"; }

# The runs alternate: each result file holds one block per run.
runs=$(grep -c '^goos:' "$tmp/B/base.txt")
[ "$runs" = 5 ] || fail "B: base.txt holds $runs runs, want 5"

echo "gate_pr: A->B regressed, A->C passed, A->D broke zero-alloc, A->F crashed, bad revision could not judge"
