#!/usr/bin/env bash
# A short libFuzzer run of bstat's input pipeline (and -gate's fail-closed
# property) over the seed corpus tests/fuzz/corpus/bstat.
exec "$(dirname "$0")/fuzz_run.sh" "bstat fuzz" fuzz-bstat fuzz_bstat_parse \
  tests/fuzz/corpus/bstat "${BSTAT_FUZZ_SECONDS:-20}"
