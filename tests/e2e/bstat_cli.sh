#!/usr/bin/env bash
# bstat as a process: exit statuses, stdin, and hostile inputs (binary
# data, a huge line, NaN/Inf, enormous and negative numbers, thousands of
# units) that must neither crash nor hang.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bstat="$root/${BUILD:-build}/bstat"
data="$root/tests/data/bstat"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

expect() { # description expected-status command...
  local what=$1 want=$2 status=0
  shift 2
  timeout 60 "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
  if [ "$status" != "$want" ]; then
    echo "FAIL $what: exit $status, want $want"; head -5 "$tmp/err"; fail=1
  else
    echo "ok   $what"
  fi
}

expect "no arguments" 2 "$bstat"
grep -q '^Usage: bstat' "$tmp/err" || { echo "FAIL usage not on stderr"; fail=1; }
expect "-h" 0 "$bstat" -h
expect "unknown flag" 2 "$bstat" -nope "$data/go-old.txt"
expect "missing file" 2 "$bstat" "$tmp/missing.txt"
grep -q "missing.txt" "$tmp/err" || { echo "FAIL missing file not named"; fail=1; }
: >"$tmp/empty.txt"
expect "empty file" 2 "$bstat" "$tmp/empty.txt"
grep -q "empty.txt: no benchmark results" "$tmp/err" || { echo "FAIL empty file not named"; fail=1; }
expect "unreadable (directory)" 2 "$bstat" "$tmp"

expect "stdin" 0 "$bstat" - <"$data/go-old.txt"
grep -q 'Sprintf-2' "$tmp/out" || { echo "FAIL stdin output"; fail=1; }

head -c 300000 /dev/urandom >"$tmp/binary.txt"
printf '\nBenchmarkOK 1 1 ns/op\n' >>"$tmp/binary.txt"
expect "binary input" 0 "$bstat" "$tmp/binary.txt"

{ printf 'BenchmarkHuge 1 '; head -c 5000000 /dev/zero | tr '\0' '9'; printf ' ns/op\n';
  printf 'Benchmark%s 1 1 ns/op\n' "$(head -c 200000 /dev/zero | tr '\0' 'x')"; } >"$tmp/huge.txt"
expect "huge lines" 0 "$bstat" "$tmp/huge.txt"
grep -q 'huge.txt:1: parsing measurement: value out of range' "$tmp/err" ||
  { echo "FAIL huge number not reported"; fail=1; }

printf 'BenchmarkN 1 NaN ns/op\nBenchmarkN 1 +Inf ns/op\nBenchmarkN 1 -1e300 ns/op\nBenchmarkN 1 1e300 x\nBenchmarkN -5 4.9e-324 y\n' >"$tmp/nan.txt"
expect "NaN and Inf" 0 "$bstat" "$tmp/nan.txt" "$tmp/nan.txt"

awk 'BEGIN { for (r = 0; r < 3; r++) { printf "BenchmarkMany 1"; for (i = 0; i < 5000; i++) printf " %d u%d", i + r, i; printf "\n" } }' >"$tmp/units.txt"
expect "5000 units" 0 "$bstat" "$tmp/units.txt" "$tmp/units.txt"
[ "$(grep -c 'geomean\|Many' "$tmp/out")" -ge 5000 ] || { echo "FAIL units missing from output"; fail=1; }

expect "endless line (/dev/zero)" 2 "$bstat" /dev/zero
grep -q '/dev/zero:1: read error: line longer than 64 MiB' "$tmp/err" ||
  { echo "FAIL /dev/zero not reported as a read error"; fail=1; }
expect "-gate -gate-filter on stdin" 0 "$bstat" -gate -gate-filter .name:Greet \
  "$root/tests/data/gate/base.txt" - <"$root/tests/data/gate/same.txt"
expect "-gate report to a full disk" 2 sh -c '"$0" -gate "$1" "$1" >/dev/full' "$bstat" "$root/tests/data/gate/base.txt"

for fmt in text csv json markdown; do
  expect "go fixtures as $fmt" 0 "$bstat" -format "$fmt" "$data/go-old.txt" "$data/go-new.txt"
done
[ $fail = 0 ]
