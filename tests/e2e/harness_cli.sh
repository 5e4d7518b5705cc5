#!/usr/bin/env bash
# The benchmark binary as a process: the main() libcbench supplies, exit
# statuses (0 pass, 1 failure/skip/no match/timeout, 2 usage), the
# -timeout watchdog, and -json lines. Run from the repo root after make.
set -eu
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -Iharness tests/data/harness/cli_bench.c "$BUILD/libcbench.a" -lcjson -lpthread -ldw -lelf -lz -lm \
  -o "$tmp/cli_bench"
bin=$tmp/cli_bench
failures=0

# expect STATUS PATTERN ARGS...: exit status and a line of stdout+stderr
expect() {
  local want=$1 pattern=$2 got=0
  shift 2
  "$bin" "$@" >"$tmp/out" 2>&1 || got=$?
  if [ "$got" != "$want" ] || ! grep -qE -- "$pattern" "$tmp/out"; then
    echo "FAIL: cli_bench $* -> status $got (want $want), output:"
    cat "$tmp/out"
    failures=$((failures + 1))
  fi
}

expect 0 '^BenchmarkPass(-[0-9]+)? .*10 B/op.*1 allocs/op$' -bench Pass -benchtime 10x
expect 0 '^PASS$' -bench Pass -benchtime 10x
expect 1 '^--- SKIP: BenchmarkSkip$' -bench Skip -benchtime 10x
expect 1 'cli_bench.c:[0-9]+: not on this machine' -bench Skip -benchtime 10x
expect 1 'zero-allocation contract broken: 1 allocs/op \(10 B/op\), want 0' -bench Leak -benchtime 10x
expect 1 '^BenchmarkLeak(-[0-9]+)? .*1 allocs/op$' -bench Leak -benchtime 10x
expect 1 '^--- FAIL: BenchmarkFatal$' -bench Fatal -benchtime 10x
expect 1 'no benchmark matches -bench "Nothing"' -bench Nothing
expect 1 '^FAIL$' -bench .
expect 2 'flag provided but not defined: -nope' -nope
expect 2 'invalid value "fast" for flag -benchtime' -benchtime fast
expect 2 'invalid value "soon" for flag -timeout' -timeout soon
expect 0 '^Usage of cli_bench:' -h
expect 0 '^BenchmarkSlow$' -list Slow
# -timeout: with isolation it fails the benchmark and the run goes on; the
# watchdog of a run without isolation ends the whole run, naming it
expect 1 '^    test timed out after 300ms; killed$' -bench Slow -benchtime 10s -timeout 300ms
expect 1 '^BenchmarkThreadOnce(-[0-9]+)? ' -bench 'Slow|ThreadOnce' -benchtime 6x -timeout 300ms
expect 1 'test timed out after 300ms' -bench Slow -benchtime 10s -timeout 300ms -isolate=false
expect 1 '	running: BenchmarkSlow' -bench Slow -benchtime 10s -timeout 300ms -isolate=false
# exit() while a benchmark runs is a failure, also without isolation (Go
# reports an unexpected os.Exit during a test): a FAIL block, exit status 1
expect 1 '^--- FAIL: BenchmarkExit(-[0-9]+)?$' -bench Exit -benchtime 1x -isolate=false
expect 1 '^    cbench: the benchmark called exit\(0\) while running$' -bench Exit -benchtime 1x -isolate=false
expect 1 '^FAIL$' -bench Exit -benchtime 1x -isolate=false
CLI_EXIT_STATUS=7 expect 1 '^    cbench: the benchmark called exit\(7\) while running$' -bench Exit -isolate=false
expect 1 '^    exit status 0: the benchmark ended its process before finishing$' -bench Exit -benchtime 1x
# go test habits: -run '^$' (no tests here), -test. prefixes, -version, -h
expect 0 '^BenchmarkPass(-[0-9]+)? .*10 B/op.*1 allocs/op$' -run '^$' -bench Pass -benchtime 10x
expect 0 '^BenchmarkPass(-[0-9]+)? ' -test.run='^$' -test.bench=Pass -test.benchtime=10x
expect 2 '^cbench: -run: ' -run 'a(' -bench Pass
expect 0 '^cbench [0-9]+\.[0-9]+\.[0-9]+$' -version
for f in bench benchtime count cpu timeout isolate list run json v memprofile memprofilerate retained pkg version; do
  expect 0 "^  -$f( |$)" -h
done
# without the watchdog thread, the benchmark makes the first pthread_create:
# its one-time allocation falls in the unreported warm-up (Go would count it)
expect 0 'ThreadOnce(-[0-9]+)? .*[[:space:]]0 B/op[[:space:]]+0 allocs/op$' -bench ThreadOnce -benchtime 1x -timeout 0
expect 0 '^\{"name":"BenchmarkPass(-[0-9]+)?","status":"ok",.*"allocs_per_op":1,' -bench Pass -benchtime 10x -json

# a write error on stdout (a full disk) is an error, not a pass: exit 2 and
# say so, in text and -json, isolated or not, and for -list
full() { # STATUS PATTERN ARGS...: like expect, stdout to /dev/full
  local want=$1 pattern=$2 got=0
  shift 2
  "$bin" "$@" >/dev/full 2>"$tmp/err" || got=$?
  if [ "$got" != "$want" ] || ! grep -qE -- "$pattern" "$tmp/err"; then
    echo "FAIL: cli_bench $* >/dev/full -> status $got (want $want), stderr:"
    cat "$tmp/err"
    failures=$((failures + 1))
  fi
}
if [ -w /dev/full ]; then
  full 2 '^cbench: writing the results: No space left on device$' -bench Pass -benchtime 10x
  full 2 '^cbench: writing the results: No space left on device$' -bench Pass -benchtime 10x -json
  full 2 '^cbench: writing the results: No space left on device$' -bench Pass -benchtime 10x -isolate=false
  full 2 '^cbench: writing the results: ' -list .
else
  echo "skip: no writable /dev/full"
fi

[ "$failures" = 0 ] || exit 1
echo "ok: command-line behaviour"
