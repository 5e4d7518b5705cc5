# shellcheck shell=bash
# Shared by tests/e2e/ci_*.sh (sourced, not run): a scratch directory that
# holds cbench installed as a user would, a throwaway git repository whose
# benchmarks link it through pkg-config, and compare(), which runs
# scripts/bench-compare.sh with the step summary captured.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=$(basename "$0" .sh)
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail() { echo "$name: $*" >&2; exit 1; }
[ -z "${KEEP:-}" ] || echo "$name: keeping $tmp" >&2

make -C "$root" --no-print-directory -s install PREFIX="$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"

# A fresh repository in $tmp/$1, entered.
new_repo() {
  mkdir -p "$tmp/$1"
  cd "$tmp/$1"
  git init -q
  git config user.email e2e@example.invalid
  git config user.name e2e
}

# Commits everything with message $1 and prints the commit's SHA.
commit() { git add -A && git commit -qm "$1" && git rev-parse HEAD; }

# The suite: Pieces makes $1 16-byte allocations per op (10 in the
# baseline, so one more is a 10% regression), Zero makes none.
write_bench() {
  cat >bench.c <<EOB
#include <cbench.h>
#include <stdlib.h>

BENCH(Pieces) {
	for (int64_t i = 0; i < b->n; i++) {
		void *p[$1];
		for (int k = 0; k < $1; k++)
			p[k] = malloc(16);
		cbench_keep(p[0]);
		for (int k = 0; k < $1; k++)
			free(p[k]);
	}
}

BENCH_ZERO_ALLOC(Zero) {
	unsigned sum = 0;
	for (int64_t i = 0; i < b->n; i++)
		sum = sum * 31 + (unsigned)i;
	cbench_keep(sum);
}
EOB
}

write_makefile() {
  cat >Makefile <<'EOB'
bench-build:
	mkdir -p build
	$(CC) -O2 bench.c $$(pkg-config --cflags --libs cbench) -o build/bench
EOB
}

# compare OUT ARGS...: bench-compare.sh with this suite's build, the
# defaults otherwise; sets status, leaves $tmp/OUT/ and $tmp/OUT.summary.
compare() {
  local out=$1
  shift
  : >"$tmp/$out.summary"
  set +e
  GITHUB_STEP_SUMMARY="$tmp/$out.summary" "$root/scripts/bench-compare.sh" \
    --bstat "$root/build/bstat" --build "make -s bench-build" --bin build/bench \
    --out "$tmp/$out" "$@" >"$tmp/$out.stdout" 2>"$tmp/$out.stderr"
  status=$?
  set -e
}
show() { cat "$tmp/$1.stdout" "$tmp/$1.stderr" "$tmp/$1.summary" >&2; }

# expect OUT STATUS WHAT: the last compare exited STATUS.
expect() { [ "$status" = "$2" ] || { show "$1"; fail "$3: exit $status, want $2"; }; }

# has OUT PATTERN WHAT: the step summary matches the extended regex.
has() { grep -qE -- "$2" "$tmp/$1.summary" || { show "$1"; fail "$3"; }; }
