#!/usr/bin/env bash
# Times bstat (and benchstat, when given) on generated input pairs of 1k,
# 10k, 100k and 1M result lines per file (gen_large.sh: N/10 benchmarks x 10
# samples x 3 units):
#   bench_bstat.sh BSTAT [BENCHSTAT]     (make bench-bstat [BENCHSTAT=path])
# Reports per size the median CPU time (user + system) of one run, the peak
# resident memory, and with BENCHSTAT the same for it, the ratios, and
# whether the two printed the same bytes. Runs of the two programs are
# interleaved, so load on a shared machine hits both alike; small sizes
# loop several runs under one timer (whose CPU time includes the loop's
# own fork and exec of each run, about 1 ms, as a shell user would pay).
# SIZES and REPS override the defaults.
set -eu
bstat=${1:?usage: bench_bstat.sh BSTAT [BENCHSTAT]}
benchstat=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
work=${BENCH_DIR:-$(dirname "$bstat")/bench}
sizes=${SIZES:-1000 10000 100000 1000000}
mkdir -p "$work"

# CPU seconds (user + system) per run of "$@" over $loops runs.
cpu_per_run() {
  local loops=$1
  shift
  /usr/bin/time -f "%U %S" -o "$work/time.txt" \
    bash -c 'for ((i = 0; i < $0; i++)); do "$@" >/dev/null; done' "$loops" "$@"
  awk -v n="$loops" '{ printf "%.6f\n", ($1 + $2) / n }' "$work/time.txt"
}

peak_kb() {
  /usr/bin/time -f "%M" -o "$work/time.txt" "$@" >/dev/null
  cat "$work/time.txt"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-8s %12s %10s' lines bstat-cpu bstat-rss
[ -n "$benchstat" ] && printf ' %14s %13s %8s %7s %s' benchstat-cpu benchstat-rss speedup memory output
printf '\n'
for n in $sizes; do
  old="$work/old-$n.txt" new="$work/new-$n.txt"
  if [ ! -s "$old" ] || [ ! -s "$new" ]; then
    "$here/gen_large.sh" 1 $((n / 10)) 10 >"$old"
    "$here/gen_large.sh" 2 $((n / 10)) 10 >"$new"
  fi
  # time(1) reports CPU seconds to 10 ms: loops long enough that a step
  # is at most 0.1 ms of one small run (bstat takes about 3 ms on 1k).
  case $n in
    1000) loops=100 reps=${REPS:-5} ;;
    10000) loops=10 reps=${REPS:-5} ;;
    *) loops=1 reps=${REPS:-3} ;;
  esac
  : >"$work/b.cpu"
  : >"$work/u.cpu"
  for ((r = 0; r < reps; r++)); do
    cpu_per_run $loops "$bstat" "$old" "$new" >>"$work/b.cpu"
    [ -z "$benchstat" ] || cpu_per_run $loops "$benchstat" "$old" "$new" >>"$work/u.cpu"
  done
  b_cpu=$(median <"$work/b.cpu")
  b_rss=$(peak_kb "$bstat" "$old" "$new")
  printf '%-8s %11.4fs %8dMB' "$n" "$b_cpu" $((b_rss / 1024))
  if [ -n "$benchstat" ]; then
    u_cpu=$(median <"$work/u.cpu")
    u_rss=$(peak_kb "$benchstat" "$old" "$new")
    "$bstat" "$old" "$new" >"$work/b.out"
    "$benchstat" "$old" "$new" >"$work/u.out"
    same=differs
    cmp -s "$work/b.out" "$work/u.out" && same=identical
    printf ' %13.4fs %11dMB %7.1fx %6.2f %s' "$u_cpu" $((u_rss / 1024)) \
      "$(awk -v a="$u_cpu" -v b="$b_cpu" 'BEGIN { print a / b }')" \
      "$(awk -v a="$b_rss" -v b="$u_rss" 'BEGIN { print a / b }')" "$same"
  fi
  printf '\n'
done
