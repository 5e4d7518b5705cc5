#!/usr/bin/env bash
# Runs groups of test commands and prints one closing line, "N passed, N failed".
# Usage: run.sh LABEL CMD... [-- LABEL CMD...]...   (a CMD may hold arguments)
# Each command passes when it exits 0; the script exits 1 when any failed.
set -u
passed=0
failed=0
failures=()
label=""
expect_label=1
for arg in "$@"; do
  if [ "$arg" = "--" ]; then expect_label=1; continue; fi
  if [ $expect_label = 1 ]; then label=$arg; expect_label=0; continue; fi
  printf '=== %s: %s\n' "$label" "$arg"
  if bash -c "$arg"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$label: $arg")
  fi
done
for f in "${failures[@]+"${failures[@]}"}"; do printf 'FAILED %s\n' "$f"; done
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" = 0 ]
