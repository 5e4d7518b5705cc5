#!/usr/bin/env bash
# A short, bounded libFuzzer run of cbprof's profile reader over the seed
# corpus (tests/fuzz/corpus/prof), so `make test` keeps exercising it.
# New inputs go to a scratch directory; crashes are kept in /tmp and fail.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
build=${BUILD:-build}
if ! command -v clang >/dev/null 2>&1; then
  echo "skipped: clang not installed"; exit 0
fi
if ! make --no-print-directory -s BUILD="$build" fuzz-prof >/dev/null; then
  echo "FAIL: could not build the fuzz target"; exit 1
fi
scratch=$(mktemp -d)
artifacts=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if "$build/fuzz/fuzz_prof_read" "$scratch" tests/fuzz/corpus/prof \
     -max_total_time="${PROF_FUZZ_SECONDS:-10}" -max_len=8192 -rss_limit_mb=1024 \
     -timeout=10 -artifact_prefix="$artifacts/" >"$scratch.log" 2>&1; then
  grep -E '^Done' "$scratch.log"
  rm -rf "$artifacts" "$scratch.log"
  echo "ok   cbprof reader fuzz"
else
  tail -30 "$scratch.log"
  echo "FAIL: fuzzer found a problem; inputs kept in $artifacts"
  exit 1
fi
