#!/usr/bin/env bash
# The action's comparison step: turns the inputs (given as environment
# variables by action.yml, never spliced into the script) into a
# scripts/bench-compare.sh command line. Results and report.md go to
# $RUNNER_TEMP/cbench-results, the report also to the step summary.
set -euo pipefail

: "${RUNNER_TEMP:?RUNNER_TEMP is not set (this runs as a GitHub Actions step)}"
: "${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set (this runs as a GitHub Actions step)}"
args=(--bstat "$RUNNER_TEMP/cbench/bin/bstat" --out "$RUNNER_TEMP/cbench-results"
      --build "$BUILD_COMMAND" --bin "$BENCH_BINARY" --bench "$BENCH")
if [ -n "${COUNT:-}" ]; then args+=(--count "$COUNT"); fi
if [ -n "${BENCHTIME:-}" ]; then args+=(--benchtime "$BENCHTIME"); fi
if [ -n "${THRESHOLD:-}" ]; then args+=(--threshold "$THRESHOLD"); fi
if [ -n "${GATE_ARGS:-}" ]; then args+=(--gate-args "$GATE_ARGS"); fi
if [ "${INSTRUCTIONS:-false}" = true ]; then args+=(--instructions); fi
case "${REQUIRE_BASE:-false}" in
  true) args+=(--require-base) ;;
  false) ;;
  *) echo "::error::cbench: require-base must be \"true\" or \"false\", not \"$REQUIRE_BASE\""; exit 2 ;;
esac
if [ -n "${BASE_REF:-}" ]; then
  exec "$GITHUB_ACTION_PATH/../scripts/bench-compare.sh" "${args[@]}" "$BASE_REF" "$HEAD_REF"
fi
# No base: fine for a push (the history measures the head alone), never for
# a pull request, where an empty base would pass everything unjudged.
case "${GITHUB_EVENT_NAME:-}" in
  pull_request*) echo "::error::cbench: base-ref is empty; for a pull request pass \${{ github.event.pull_request.base.sha }}"; exit 2 ;;
esac
exec "$GITHUB_ACTION_PATH/../scripts/bench-compare.sh" "${args[@]}" --no-base "$HEAD_REF"
