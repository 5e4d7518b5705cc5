#!/usr/bin/env bash
# What measuring retained-B/op costs: a suite that leaks 64 bytes per op,
# run at a fixed n (so both variants leak the same) with and without
# tracking, interleaved, ROUNDS times each; prints wall time and peak RSS
# (GNU time) of each run, then the medians and their ratios. README's
# figures come from `bash benches/retained_cost.sh`.
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
TIMEFORMAT=%3R
for ((i = 1; i <= rounds; i++)); do
  for mode in tracked untracked; do
    flag=()
    [ "$mode" = untracked ] && flag=(-retained=false)
    { time /usr/bin/time -f "%M" -o "$tmp/rss" "$tmp/leak" -cpu 1 -benchtime "$benchtime" "${flag[@]}" \
        >/dev/null; } 2>"$tmp/wall"
    echo "$mode $(cat "$tmp/wall") $(cat "$tmp/rss")" | tee -a "$tmp/all" | awk '{ printf "%-9s %s s %s KB\n", $1, $2, $3 }'
  done
done
# Medians per mode, and tracked over untracked.
for mode in tracked untracked; do
  n=$(grep -c "^$mode " "$tmp/all")
  wall=$(awk -v m="$mode" '$1 == m { print $2 }' "$tmp/all" | sort -g | awk -v n="$n" 'NR == int((n + 1) / 2)')
  rss=$(awk -v m="$mode" '$1 == m { print $3 }' "$tmp/all" | sort -g | awk -v n="$n" 'NR == int((n + 1) / 2)')
  echo "$mode $wall $rss" >>"$tmp/median"
done
awk '{ w[$1] = $2; r[$1] = $3 }
     END { printf "median: tracked %.3f s %d KB, untracked %.3f s %d KB: %.2fx the time, %.2fx the memory\n",
                  w["tracked"], r["tracked"], w["untracked"], r["untracked"],
                  w["tracked"] / w["untracked"], r["tracked"] / r["untracked"] }' "$tmp/median"
