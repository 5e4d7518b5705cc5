#!/usr/bin/env bash
# cbench.h in every language mode it promises: tests/data/harness/keep_kinds.c
# built as C11, C17 and GNU11 with gcc and clang and as C++17 with g++ and
# clang++, at -O2 and -O3, with -Wall -Wextra -Werror -pedantic, then run:
# every Keep benchmark must report 1 allocs/op (the keep held the block the
# optimizer would otherwise delete) and Unkept 0 (the trap is real, so the
# check can fail). Run from the repo root after make.
set -eu
BUILD=${BUILD:-build}
read -r -a libs <<<"${CBENCH_LIBS:--lcjson -lpthread -ldw -lelf -lz -lm}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
builds=0

check() { # compiler std [-x c++]
  local cc=$1 std=$2 lang=${3:-}
  command -v "$cc" >/dev/null || { echo "FAIL: $cc not installed (scripts/deps.sh test)"; failures=$((failures + 1)); return; }
  for opt in -O2 -O3; do
    local what="$cc -std=$std $opt" out=$tmp/out
    # shellcheck disable=SC2086 # $lang is empty or "-x c++"
    if ! "$cc" -std="$std" $lang "$opt" -Wall -Wextra -Werror -pedantic -Iharness \
        tests/data/harness/keep_kinds.c -x none "$BUILD/libcbench.a" "${libs[@]}" \
        -o "$tmp/kinds" 2>"$tmp/cc.err"; then
      echo "FAIL: $what does not compile cleanly:"; cat "$tmp/cc.err"
      failures=$((failures + 1)); continue
    fi
    builds=$((builds + 1))
    if ! "$tmp/kinds" -benchtime 1000x -cpu 1 >"$out" 2>&1; then
      echo "FAIL: $what: the benchmarks failed:"; cat "$out"
      failures=$((failures + 1)); continue
    fi
    local bad
    bad=$(awk '/^Benchmark/ {
             want = ($1 ~ /^BenchmarkUnkept/) ? 0 : 1
             if ($(NF-1) != want) print $1 " reports " $(NF-1) " allocs/op, want " want
             n++
           }
           END { if (n != 7) print "want 7 result lines, got " n+0 }' "$out")
    if [ -n "$bad" ]; then
      echo "FAIL: $what:"; echo "$bad"; cat "$out"
      failures=$((failures + 1))
    fi
  done
}

for cc in gcc clang; do
  for std in c11 c17 gnu11; do check "$cc" "$std"; done
done
check g++ c++17 "-x c++"
check clang++ c++17 "-x c++"

[ "$failures" = 0 ] || { echo "header_modes: $failures failures"; exit 1; }
echo "header_modes: cbench.h builds cleanly in $builds modes and every cbench_keep held"
