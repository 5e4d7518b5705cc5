#!/usr/bin/env bash
# What measuring retained-B/op costs: a suite that leaks 64 bytes per op,
# run at a fixed n (so both variants leak the same) with and without
# tracking, interleaved, ROUNDS times each; prints wall time and peak RSS
# (GNU time). README's figures come from `bash benches/retained_cost.sh`.
#   usage: benches/retained_cost.sh [ROUNDS] [BENCHTIME]   (default 3 3000000x)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
benchtime=${2:-3000000x}
[ -x /usr/bin/time ] || { echo "retained_cost: needs GNU time (/usr/bin/time, package time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -C "$root" --no-print-directory -s build/libcbench.a
cat >"$tmp/leak.c" <<'EOF'
#include <cbench.h>
#include <stdlib.h>
#include <string.h>
void *sink; /* visible outside: the stores stay */
BENCH(Leak64) {
	for (int64_t i = 0; i < b->n; i++) {
		char *p = malloc(64);
		memset(p, 1, 8);
		sink = p;
	}
}
EOF
cc -O2 -I"$root/harness" "$tmp/leak.c" "$root/build/libcbench.a" -lcjson -lpthread -ldw -lelf -lz -lm \
  -o "$tmp/leak"
for ((i = 1; i <= rounds; i++)); do
  for mode in tracked untracked; do
    flag=()
    [ "$mode" = untracked ] && flag=(-retained=false)
    /usr/bin/time -f "%e s %M KB  $mode" "$tmp/leak" -cpu 1 -benchtime "$benchtime" "${flag[@]}" >/dev/null
  done
done
