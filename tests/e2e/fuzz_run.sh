#!/usr/bin/env bash
# A short, bounded libFuzzer run of one fuzz target over its seed corpus, so
# `make test` keeps exercising it (tests/e2e/bstat_fuzz.sh, prof_fuzz.sh).
# Usage: fuzz_run.sh LABEL MAKE-TARGET BINARY CORPUS SECONDS
# New inputs go to a scratch directory; crashes are kept in /tmp and fail.
set -u
label=$1 target=$2 binary=$3 corpus=$4 seconds=$5
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
build=${BUILD:-build}
if ! command -v clang >/dev/null 2>&1; then
  echo "skipped: clang not installed"; exit 0
fi
if ! make --no-print-directory -s BUILD="$build" "$target" >/dev/null; then
  echo "FAIL: could not build the fuzz target"; exit 1
fi
scratch=$(mktemp -d)
artifacts=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if "$build/fuzz/$binary" "$scratch" "$corpus" \
     -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=1024 \
     -timeout=10 -artifact_prefix="$artifacts/" >"$scratch.log" 2>&1; then
  grep -E '^Done' "$scratch.log"
  rm -rf "$artifacts" "$scratch.log"
  echo "ok   $label"
else
  tail -30 "$scratch.log"
  echo "FAIL: fuzzer found a problem; inputs kept in $artifacts"
  exit 1
fi
