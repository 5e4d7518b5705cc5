#!/usr/bin/env bash
# A short libFuzzer run of cbprof's profile reader over the seed corpus
# tests/fuzz/corpus/prof.
exec "$(dirname "$0")/fuzz_run.sh" "cbprof reader fuzz" fuzz-prof fuzz_prof_read \
  tests/fuzz/corpus/prof "${PROF_FUZZ_SECONDS:-10}"
