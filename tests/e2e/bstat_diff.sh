#!/usr/bin/env bash
# Differential test of bstat against upstream benchstat on random cases.
#
#   bstat_diff.sh                  run the checked-in cases (what make test does)
#   bstat_diff.sh -upstream BIN [-seeds FIRST-LAST] [-write] [-show]
#                                  compare with a benchstat binary live, print
#                                  the agreement rate by category; -write
#                                  stores the expectations of FIRST-LAST
#
# Each case is made by tests/data/bstat/gen_diff.sh from its seed; its
# expectation tests/data/bstat/diff/SEED.expect is a record of upstream's
# exit status, stdout and stderr (as "exit N", "stdout BYTES", the bytes,
# "stderr BYTES", the bytes), normalized for bstat's deliberate differences
# (README, "bstat and benchstat"):
#  N1. messages: upstream's "benchstat: " prefix is "bstat: ", and
#      "-format must be text or csv" names bstat's formats too;
#  N2. exit status: upstream exits 0 after a fatal error (a stderr line
#      starts "benchstat: "); bstat exits 2, so the expectation is 2.
# Cases are left out of the expectations, and counted by category, when:
#  X1. exact-p: upstream shows a comparison of samples of unequal size
#      (n=A+B, A != B) and the outputs differ. With ties upstream's U test
#      p-values are wrong there and bstat's exact ones differ (issue 3;
#      stats/udist.c is tested against brute-force enumeration instead);
#  X2. upstream-fault: upstream did not finish in 10 s, was killed, or
#      panicked (it hangs comparing NaN samples);
#  X3. p-above-1: the case runs at -alpha 1 and the outputs differ. Upstream's
#      summed two-sided p can come out one ulp above 1 (1.0000000000000002)
#      and so print "~" where bstat's exact p of 1 is <= alpha.
# The rule for empty inputs (an error in bstat) never applies: every
# generated file has a result. tests/data/bstat/diff/KNOWN lists cases that
# still differ, "SEED: reason"; like KNOWN_DIFFS, each must keep differing.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bstat="$root/${BUILD:-build}/bstat"
gen="$root/tests/data/bstat/gen_diff.sh"
data="$root/tests/data/bstat/diff"
upstream="" seeds="" write=0 show=0
while [ $# -gt 0 ]; do
  case $1 in
    -upstream) upstream=$2; shift 2 ;;
    -seeds) seeds=$2; shift 2 ;;
    -write) write=1; shift ;;
    -show) show=1; shift ;;
    *) echo "usage: $0 [-upstream BIN [-seeds FIRST-LAST] [-write] [-show]]" >&2; exit 2 ;;
  esac
done
if [ ! -x "$bstat" ]; then
  echo "bstat not built at $bstat"; exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

record() { # status stdout-file stderr-file
  printf 'exit %s\nstdout %s\n' "$1" "$(wc -c <"$2")"
  cat "$2"
  printf 'stderr %s\n' "$(wc -c <"$3")"
  cat "$3"
}

run_bstat() { # case-dir -> $tmp/bstat.rec
  local st=0 args
  mapfile -t args <"$1/args"
  (cd "$1" && "$bstat" "${args[@]}") >"$tmp/b.out" 2>"$tmp/b.err" || st=$?
  record "$st" "$tmp/b.out" "$tmp/b.err" >"$tmp/bstat.rec"
}

# Upstream's record, normalized (N1, N2), in $tmp/up.rec; returns 1 on X2.
run_upstream() {
  local st=0 args
  mapfile -t args <"$1/args"
  (cd "$1" && ulimit -v 4000000 && timeout 10 "$upstream" "${args[@]}") >"$tmp/u.out" 2>"$tmp/u.raw" || st=$?
  if [ "$st" -ge 124 ] || grep -q '^panic:\|^fatal error:' "$tmp/u.raw"; then return 1; fi
  sed -e 's/^benchstat: /bstat: /' \
      -e 's/^bstat: -format must be text or csv$/bstat: -format must be text, csv, json, markdown or html/' \
      "$tmp/u.raw" >"$tmp/u.err"
  if [ "$st" = 0 ] && grep -q "^benchstat: " "$tmp/u.raw"; then st=2; fi
  record "$st" "$tmp/u.out" "$tmp/u.err" >"$tmp/up.rec"
}

unequal_sizes() { # does upstream's output compare samples of unequal size?
  grep -o 'n=[0-9]*+[0-9]*' "$tmp/u.out" | awk -F'[=+]' '$2 != $3 { found = 1 } END { exit !found }'
}

if [ -n "$upstream" ]; then
  first=${seeds%-*} last=${seeds#*-}
  [ -n "$seeds" ] || { first=1; last=500; }
  agree=0 exactp=0 fault=0 above1=0 other=0
  : >"$tmp/others"
  for ((s = first; s <= last; s++)); do
    rm -rf "$tmp/case"
    "$gen" "$s" "$tmp/case"
    run_bstat "$tmp/case"
    if ! run_upstream "$tmp/case"; then
      fault=$((fault + 1)); echo "$s: upstream-fault" >>"$tmp/others"; continue
    fi
    if cmp -s "$tmp/up.rec" "$tmp/bstat.rec"; then
      agree=$((agree + 1))
    elif unequal_sizes; then
      exactp=$((exactp + 1)); echo "$s: exact-p" >>"$tmp/others"; continue
    elif grep -qx -- -alpha "$tmp/case/args" && grep -A1 -x -- -alpha "$tmp/case/args" | grep -qx 1; then
      above1=$((above1 + 1)); echo "$s: p-above-1" >>"$tmp/others"; continue
    else
      other=$((other + 1)); echo "$s: differs" >>"$tmp/others"
      if [ $show = 1 ]; then
        echo "=== seed $s: $(tr '\n' ' ' <"$tmp/case/args")"
        diff "$tmp/up.rec" "$tmp/bstat.rec" | head -20
      fi
    fi
    if [ $write = 1 ]; then
      mkdir -p "$data"
      cp "$tmp/up.rec" "$data/$s.expect"
    fi
  done
  total=$((last - first + 1))
  grep -v ': differs' "$tmp/others" || true
  grep ': differs' "$tmp/others" || true
  echo "seeds $first-$last: $total cases, $agree agree byte for byte ($((agree * 1000 / total / 10)).$((agree * 1000 / total % 10))%)," \
       "$exactp exact-p (X1), $fault upstream-fault (X2), $above1 p-above-1 (X3), $other other differences"
  exit 0
fi

pass=0 fail=0 known=0
for expect in "$data"/*.expect; do
  s=$(basename "$expect" .expect)
  rm -rf "$tmp/case"
  "$gen" "$s" "$tmp/case"
  run_bstat "$tmp/case"
  reason=$(grep "^$s:" "$data/KNOWN" 2>/dev/null || true)
  if cmp -s "$expect" "$tmp/bstat.rec"; then
    if [ -n "$reason" ]; then
      echo "FAIL seed $s: listed in KNOWN but passes now; remove it"; fail=$((fail + 1))
    else
      pass=$((pass + 1))
    fi
  elif [ -n "$reason" ]; then
    known=$((known + 1))
  else
    fail=$((fail + 1))
    echo "FAIL seed $s: $(tr '\n' ' ' <"$tmp/case/args")"
    diff "$expect" "$tmp/bstat.rec" | head -20
  fi
done
echo "bstat differential: $pass agree, $fail fail, $known known differences"
[ $fail = 0 ] && [ $pass -gt 0 ]
