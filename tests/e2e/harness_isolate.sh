#!/usr/bin/env bash
# Crash isolation end to end: a suite whose benchmarks segfault, abort,
# exit(3) and hang between healthy ones, run with -count 2. The healthy
# ones print both lines with exact counts, each broken one is named in a
# FAIL block with its signal or exit status (and its stderr), the exit
# status is 1, benchstat (when installed) reads the output without a
# warning, -json carries the same, and bstat -gate fails a head in which a
# benchmark started crashing (it is missing there). Also: the pkg: line is the same for
# two builds of one suite under other names and directories, -v names are
# flushed before a crash, and progress appears only on a terminal. Run
# from the repo root after make.
set -eu
BUILD=${BUILD:-build}
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
libs=("$root/$BUILD/libcbench.a" -lcjson -lpthread -ldw -lelf -lz -lm)
mkdir -p "$tmp/base/benches" "$tmp/head/benches" "$tmp/other/suite"
for d in base head; do cp tests/data/harness/crash_bench.c "$tmp/$d/benches/crash.c"; done
cp tests/data/harness/crash_bench.c "$tmp/other/suite/crash.c"
# two checkouts, two binary names, absolute and relative source paths
cc -O2 -I"$root/harness" "$tmp/base/benches/crash.c" "${libs[@]}" -o "$tmp/bench-base"
(cd "$tmp/head" && cc -O2 -I"$root/harness" benches/crash.c "${libs[@]}" -o "$tmp/new-bench")
(cd "$tmp/other" && cc -O2 -I"$root/harness" suite/crash.c "${libs[@]}" -o "$tmp/other-bench")
fail() { echo "FAIL: $*"; exit 1; }
bin=$tmp/bench-base

status=0
"$bin" -bench . -benchtime 100x -count 2 -cpu 1,2 -timeout 1s >"$tmp/out" 2>"$tmp/err" || status=$?
[ "$status" = 1 ] || fail "exit status $status, want 1: $(cat "$tmp/out" "$tmp/err")"
count() { grep -cE "$1" "$tmp/out" || true; }
want() { # want N REGEX: N lines of stdout match
  local n
  n=$(count "$2")
  [ "$n" = "$1" ] || fail "want $1 lines matching '$2', got $n: $(cat "$tmp/out")"
}
want 4 '^BenchmarkAlpha(-2)? +	 +100	 .* ns/op	 +13 B/op	 +1 allocs/op$'
want 4 '^BenchmarkOmega(-2)? +	 +100	 .* ns/op	 +13 B/op	 +1 allocs/op$'
want 4 '^BenchmarkSub/size=64(-2)? +	 +100	 .*	 +64 B/op	 +1 allocs/op$'
want 4 '^BenchmarkSub/size=256(-2)? +	 +100	 .*	 +256 B/op	 +1 allocs/op$'
want 4 '^BenchmarkParallel(-2)? +	 +100	 .*	 +40 B/op	 +1 allocs/op$'
grep -qxF -- '--- FAIL: BenchmarkSegv' "$tmp/out" || fail "no FAIL block for Segv"
grep -qxF '    signal: segmentation fault (SIGSEGV)' "$tmp/out" || fail "no signal for Segv"
grep -qxF -- '--- FAIL: BenchmarkAbort' "$tmp/out" || fail "no FAIL block for Abort"
grep -qxF '    signal: aborted (SIGABRT)' "$tmp/out" || fail "no signal for Abort"
grep -qxF '        abort: the input table is corrupt' "$tmp/out" || fail "no stderr tail for Abort"
grep -qxF -- '--- FAIL: BenchmarkExit' "$tmp/out" || fail "no FAIL block for Exit"
grep -qxF '    exit status 3' "$tmp/out" || fail "no exit status for Exit"
grep -qxF -- '--- FAIL: BenchmarkHang' "$tmp/out" || fail "no FAIL block for Hang"
grep -qxF '    test timed out after 1s; killed' "$tmp/out" || fail "no timeout for Hang"
[ "$(tail -n 1 "$tmp/out")" = FAIL ] || fail "last line is not FAIL"
grep -qx 'abort: the input table is corrupt' "$tmp/err" || fail "the child's stderr is not passed on"
grep -qx 'pkg: benches' "$tmp/out" || fail "pkg: $(grep pkg: "$tmp/out")"
echo "ok: every healthy line kept, every broken benchmark named"

if [ -x /tmp/benchstat ] || command -v benchstat >/dev/null 2>&1; then
  benchstat=$(command -v benchstat || echo /tmp/benchstat)
  "$benchstat" "$tmp/out" >"$tmp/bs.out" 2>"$tmp/bs.err" || fail "benchstat failed: $(cat "$tmp/bs.err")"
  [ ! -s "$tmp/bs.err" ] || fail "benchstat warns: $(cat "$tmp/bs.err")"
  grep -q 'Sub/size=256-2' "$tmp/bs.out" || fail "benchstat lacks a row: $(cat "$tmp/bs.out")"
  if grep -qiE 'syntax|parse|warning' "$tmp/bs.out"; then fail "benchstat complains: $(cat "$tmp/bs.out")"; fi
  echo "ok: benchstat reads it without a warning"
else
  echo "skip: no benchstat (set up /tmp/benchstat or put benchstat on PATH)"
fi

# the gate: a head whose benchmark now crashes lost that result, and the
# gate's missing-benchmark rule fails it (exit 1)
"$bin" -bench 'Alpha|Flaky|Segv' -benchtime 100x -count 6 >"$tmp/base.txt" 2>/dev/null || true
CRASH_FLAKY=1 "$bin" -bench 'Alpha|Flaky|Segv' -benchtime 100x -count 6 >"$tmp/head.txt" 2>/dev/null || true
status=0
"$BUILD/bstat" -gate "$tmp/base.txt" "$tmp/head.txt" >"$tmp/gate" 2>&1 || status=$?
[ "$status" = 1 ] || fail "gate exit status $status, want 1: $(cat "$tmp/gate")"
grep -qE '^gate: Flaky(-[0-9]+)? +missing from' "$tmp/gate" || fail "gate: $(cat "$tmp/gate")"
echo "ok: the gate fails a head whose benchmark crashed"

# -json: the same figures, the crashes as "fail" records
status=0
"$bin" -bench 'Alpha|Segv' -benchtime 100x -cpu 1 -json >"$tmp/json" 2>/dev/null || status=$?
[ "$status" = 1 ] || fail "-json exit status $status"
grep -qE '^\{"name":"BenchmarkAlpha","status":"ok",.*"bytes_per_op":13,.*"allocs_per_op":1,' "$tmp/json" ||
  fail "-json Alpha: $(cat "$tmp/json")"
grep -qE '^\{"name":"BenchmarkSegv","status":"fail",.*"output":"    signal: segmentation fault \(SIGSEGV\)\\n"\}$' "$tmp/json" ||
  fail "-json Segv: $(cat "$tmp/json")"

# pkg: the same for both builds, distinct for another suite, -pkg wins
for b in bench-base new-bench; do
  "$tmp/$b" -bench Alpha -benchtime 1x >"$tmp/pkg" 2>&1
  grep -qx 'pkg: benches' "$tmp/pkg" || fail "$b: $(cat "$tmp/pkg")"
done
"$tmp/other-bench" -bench Alpha -benchtime 1x >"$tmp/pkg" 2>&1
grep -qx 'pkg: suite' "$tmp/pkg" || fail "other suite: $(cat "$tmp/pkg")"
"$tmp/other-bench" -bench Alpha -benchtime 1x -pkg example.com/x >"$tmp/pkg" 2>&1
grep -qx 'pkg: example.com/x' "$tmp/pkg" || fail "-pkg: $(cat "$tmp/pkg")"
cc -O2 -I"$root/harness" -DCBENCH_PKG='"example.com/crash"' "$tmp/other/suite/crash.c" "${libs[@]}" -o "$tmp/named"
"$tmp/named" -bench Alpha -benchtime 1x >"$tmp/pkg" 2>&1
grep -qx 'pkg: example.com/crash' "$tmp/pkg" || fail "CBENCH_PKG: $(cat "$tmp/pkg")"
echo "ok: pkg: is the suite's, whatever the binary's name and directory"

# processes a benchmark leaves behind end with its process: -timeout kills
# its whole process group, and so does its end, so a pipe they hold closes
cc -O2 -I"$root/harness" tests/data/harness/orphan_bench.c "${libs[@]}" -o "$tmp/orphan"
status=0
timeout 20 bash -o pipefail -c "'$tmp/orphan' -timeout 1s -benchtime 10x -bench . 2>/dev/null | cat >'$tmp/orphan.out'" ||
  status=$?
[ "$status" = 1 ] || fail "orphans: exit status $status, want 1 (124: a leftover process held the pipe)"
grep -qxE -- '--- FAIL: BenchmarkForkHang(-[0-9]+)?' "$tmp/orphan.out" || fail "orphans: $(cat "$tmp/orphan.out")"
grep -qE '^BenchmarkForkLeave(-[0-9]+)? ' "$tmp/orphan.out" || fail "orphans: $(cat "$tmp/orphan.out")"
grep -qE '^BenchmarkAfter(-[0-9]+)? .* 8 B/op' "$tmp/orphan.out" || fail "orphans: $(cat "$tmp/orphan.out")"
echo "ok: a benchmark's leftover processes end with it"

# -v into a pipe, without isolation: the name is out before the crash
status=0
"$bin" -v -isolate=false -bench 'Alpha|Segv' -benchtime 10x 2>/dev/null | cat >"$tmp/v" || status=$?
grep -qx 'BenchmarkSegv' "$tmp/v" || fail "-v name lost in the crash: $(cat "$tmp/v")"
grep -qE '^BenchmarkAlpha(-[0-9]+)? .* 13 B/op' "$tmp/v" || fail "-v: result lost: $(cat "$tmp/v")"

# progress: nothing on a stderr that is not a terminal ...
"$bin" -bench 'Alpha|Omega' -benchtime 10x >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] || fail "stderr not empty off a terminal: $(cat "$tmp/err")"
# ... and the running benchmark, overwritten in place, on one
if command -v script >/dev/null 2>&1; then
  script -qec "$bin -bench 'Alpha|Omega' -benchtime 10x >$tmp/tty.out" "$tmp/typescript" >/dev/null
  grep -q $'\r\e\\[Kcbench: \\[1/2\\] BenchmarkAlpha' "$tmp/typescript" ||
    fail "no progress on the terminal: $(cat -v "$tmp/typescript")"
  grep -q $'\r\e\\[Kcbench: \\[2/2\\] BenchmarkOmega' "$tmp/typescript" || fail "no second step: $(cat -v "$tmp/typescript")"
  if grep -q $'\e' "$tmp/tty.out"; then fail "progress leaked into stdout"; fi
  echo "ok: progress on a terminal only"
else
  echo "skip: no script(1) (bsdutils): progress on a terminal not checked"
fi
# -memprofile: what the children sampled reaches the parent's profile, the
# same as without isolation (every allocation recorded: the totals are exact)
if command -v go >/dev/null 2>&1; then
  # shellcheck disable=SC2046 # pkg-config output is a list of words
  cc -O2 -g -I"$root/harness" $(pkg-config --cflags libcjson) tests/data/harness/pprof_bench.c \
    "${libs[@]}" -o "$tmp/pprof_bench"
  export PPROF_TMPDIR=$tmp HOME=${HOME:-$tmp}
  totals() { # samples, then the sums of the four sample values
    go tool pprof -raw "$1" 2>/dev/null |
      awk '/^Samples:/ {s = 1; next} /^Locations/ {s = 0}
           s && /^ *[0-9]/ {n++; a += $1; b += $2; c += $3; d += $4} END {print n, a, b, c, d}'
  }
  "$tmp/pprof_bench" -bench . -benchtime 100x -memprofile "$tmp/iso.pb.gz" -memprofilerate 1 >/dev/null
  "$tmp/pprof_bench" -bench . -benchtime 100x -memprofile "$tmp/inp.pb.gz" -memprofilerate 1 \
    -isolate=false >/dev/null
  iso=$(totals "$tmp/iso.pb.gz")
  inp=$(totals "$tmp/inp.pb.gz")
  [ "${iso%% *}" -gt 0 ] 2>/dev/null || fail "no samples in the isolated profile: $iso"
  [ "$iso" = "$inp" ] || fail "profile totals differ: isolated $iso, in process $inp"
  echo "ok: children's profile samples reach the parent ($iso)"
else
  echo "skip: go not installed; profile totals not compared (apt-get install golang-go)"
fi
echo "ok: isolation end to end"
