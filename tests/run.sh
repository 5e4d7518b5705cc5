#!/usr/bin/env bash
# Runs groups of test commands quietly, one line each, and closes with the
# totals line "N passed, N failed".
# Usage: run.sh LABEL CMD... [-- LABEL CMD...]...   (a CMD may hold arguments)
#
# Each command runs with its stdout and stderr in a log file under
# $TEST_LOGS (default build/test-logs), after a first line "$ CMD", and
# passes when it exits 0:
#   ok   LABEL CMD  1.2s
#   FAIL LABEL CMD  (exit 1; log: build/test-logs/LABEL/CMD.log)
# and after a FAIL line the last lines of its output, indented. Beneath an
# ok line come the command's own "known difference ..." lines, and, for the
# group labelled "build", the compiler's warnings. A failing build ends the
# run: nothing after it could pass. The word FAIL is printed only for a
# failure. Exits 1 when any command failed.
set -u
logs=${TEST_LOGS:-build/test-logs}
tail_lines=60
passed=0
failed=0
failures=()
label=""
expect_label=1

# A file name for the command's log: its words joined by '_'.
log_name() {
  local name=${1//[^A-Za-z0-9._-]/_}
  printf '%s' "${name:0:100}"
}

now_ms() { date +%s%3N; }

run_one() { # label cmd
  local label=$1 cmd=$2 log start status=0 ms shown=$2
  log="$logs/$label/$(log_name "$cmd").log"
  # A long command (lint's file list) is shown by its start; the log has it.
  [ ${#shown} -le 100 ] || shown="${shown:0:96} ..."
  mkdir -p "$(dirname "$log")"
  start=$(now_ms)
  { printf '$ %s\n' "$cmd"; bash -c "$cmd" </dev/null 2>&1; } >"$log" || status=$?
  ms=$(($(now_ms) - start))
  if [ "$status" = 0 ]; then
    passed=$((passed + 1))
    printf 'ok   %-10s %s  %d.%ds\n' "$label" "$shown" $((ms / 1000)) $((ms % 1000 / 100))
    grep -E '^known difference' "$log" | sed 's/^/     /'
    if [ "$label" = build ]; then grep -E '^[^ :]+:[0-9]+:([0-9]+:)? warning:' "$log" | sed 's/^/     /'; fi
    return 0
  fi
  failed=$((failed + 1))
  failures+=("$label $shown")
  printf 'FAIL %-10s %s  (exit %d; log: %s)\n' "$label" "$shown" "$status" "$log"
  tail -n "$tail_lines" "$log" | sed 's/^/    | /'
  return 1
}

for arg in "$@"; do
  if [ "$arg" = "--" ]; then expect_label=1; continue; fi
  if [ $expect_label = 1 ]; then label=$arg; expect_label=0; continue; fi
  if ! run_one "$label" "$arg" && [ "$label" = build ]; then
    echo "the build failed: no test was run"
    break
  fi
done
if [ "$failed" != 0 ]; then
  echo "failed:"
  for f in "${failures[@]}"; do printf '  %s\n' "$f"; done
fi
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" = 0 ]
