#!/usr/bin/env bash
# make bench-hooks: what the allocator hooks add to a malloc(32)+free pair,
# from the two builds of benches/hook_pair.c (plain glibc, and hooked).
#  - instructions per pair, with valgrind's callgrind: each program runs
#    100000 and 200000 pairs, and the difference divided by 100000 leaves
#    out start-up, so the figures are exact and immune to the machine's load;
#  - nanoseconds of CPU time per pair: the two programs run alternately
#    (ROUNDS times, N pairs each), and the medians and the median of the
#    per-round differences and ratios are printed; on a shared machine only
#    the ratio means much.
# Usage: hook_cost.sh PLAIN HOOKED
set -eu
plain=$1
hooked=$2
rounds=${ROUNDS:-11}
n=${N:-20000000}

ir() { # total instructions of a run
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/Collected :/ { print $NF }'
}
per_pair() {
  local a b
  a=$(ir "$1" 100000)
  b=$(ir "$1" 200000)
  if [ -z "$a" ] || [ -z "$b" ]; then
    echo "hook_cost.sh: callgrind could not run $1 (valgrind 3.19 cannot read DWARF 5, clang's default: add -gdwarf-4)" >&2
    exit 1
  fi
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b - a) / 100000 }'
}
if command -v valgrind >/dev/null 2>&1; then
  p=$(per_pair "$plain")
  h=$(per_pair "$hooked")
  echo "instructions per malloc(32)+free pair (callgrind): plain $p, hooked $h, added" \
    "$(awk -v p="$p" -v h="$h" 'BEGIN { printf "%.2f", h - p }')"
else
  echo "instructions: skipped, valgrind is not installed (apt-get install valgrind)"
fi

: >"${TMPDIR:-/tmp}/hook_cost.$$"
for _ in $(seq "$rounds"); do
  tp=$("$plain" "$n")
  th=$("$hooked" "$n")
  echo "$tp $th" >>"${TMPDIR:-/tmp}/hook_cost.$$"
done
awk -v rounds="$rounds" -v n="$n" '
  function median(v, k,   i, j, t) {
    for (i = 2; i <= k; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
  }
  { p[NR] = $1; h[NR] = $2; d[NR] = $2 - $1; r[NR] = $2 / $1 }
  END {
    printf "ns per pair (median of %d interleaved runs of %d pairs): plain %.2f, hooked %.2f, added %.2f (hooked/plain %.3f)\n",
      rounds, n, median(p, NR), median(h, NR), median(d, NR), median(r, NR)
  }' "${TMPDIR:-/tmp}/hook_cost.$$"
rm -f "${TMPDIR:-/tmp}/hook_cost.$$"
