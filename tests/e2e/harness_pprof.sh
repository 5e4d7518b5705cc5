#!/usr/bin/env bash
# -memprofile end to end: a benchmark program built as a user builds it
# writes a gzip'd pprof profile; when Go is installed, `go tool pprof` reads
# it and names the allocating functions of the program, libc and cJSON, lists
# source lines, and diffs two profiles with -base. Run from the repo root.
set -eu
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2046 # pkg-config output is a list of words
cc -O2 -g -Iharness $(pkg-config --cflags libcjson) tests/data/harness/pprof_bench.c \
  "$BUILD/libcbench.a" -lcjson -lpthread -ldw -lelf -lz -lm -o "$tmp/pprof_bench"
bin=$tmp/pprof_bench
fail() { echo "FAIL: $*"; exit 1; }

"$bin" -bench . -benchtime 100x -memprofile "$tmp/old.pb.gz" -memprofilerate 1 >"$tmp/out"
"$bin" -bench . -benchtime 300x -memprofile "$tmp/new.pb.gz" -memprofilerate 1 >>"$tmp/out"
grep -qE '^BenchmarkParse(-[0-9]+)?[[:space:]].*[[:space:]]1022 B/op[[:space:]]+3 allocs/op$' "$tmp/out" || fail "result line: $(cat "$tmp/out")"
gzip -t "$tmp/new.pb.gz" || fail "profile is not gzip"
# the default rate samples too: the file is still a valid profile
"$bin" -bench Parse -benchtime 1000x -memprofile "$tmp/default.pb.gz" >/dev/null
gzip -t "$tmp/default.pb.gz" || fail "default-rate profile is not gzip"

if ! command -v go >/dev/null 2>&1; then
  echo "skip: go not installed; go tool pprof checks not run (apt-get install golang-go)"
  exit 0
fi
export PPROF_TMPDIR=$tmp HOME=${HOME:-$tmp}
top=$(go tool pprof -top -nodefraction=0 -sample_index=alloc_space "$bin" "$tmp/new.pb.gz" 2>&1) ||
  fail "pprof -top: $top"
for fn in parse_record strdup cJSON_Parse cbench_fn_Parse cbench_fn_JSON; do
  grep -q "$fn" <<<"$top" || fail "pprof -top lacks $fn: $top"
done
# parse_record's calloc of 250 ints is its biggest site: 1000 B x 300 calls
# (the measured run; the warm-up is not in the profile)
grep -qE '^ +2[0-9.]+kB .* parse_record$' <<<"$top" || fail "parse_record flat: $top"
list=$(go tool pprof -list 'parse_record' -sample_index=alloc_objects "$tmp/new.pb.gz" 2>&1) ||
  fail "pprof -list: $list"
grep -qE '300 +300 .*calloc\(\(size_t\)n' <<<"$list" || fail "pprof -list line: $list"
base=$(go tool pprof -top -sample_index=alloc_objects -base "$tmp/old.pb.gz" "$tmp/new.pb.gz" 2>&1) ||
  fail "pprof -base: $base"
# 200 more calls (new 300, old 100): 2 allocations in parse_record itself,
# a third in strdup below it
grep -qE '^ +400 +[0-9.]+% +[0-9.]+% +600 +[0-9.]+% +parse_record$' <<<"$base" || fail "pprof -base: $base"
echo "ok: go tool pprof reads cbench profiles"
