#!/usr/bin/env bash
# Compares the benchmarks of two revisions and gates on allocation regressions.
#
# Builds the bench binary at BASE_REF and at HEAD_REF (default HEAD) in
# scratch git worktrees, runs them alternately -- base, head, base, head, ...
# one -count at a time, so that a machine that drifts (thermal throttling, a
# noisy neighbour) drifts for both -- and hands the two result files to
# `bstat -gate`. Its exit status is the gate's: 0 pass, 1 regression,
# 2 could not judge (bad arguments, a revision that does not build, a bench
# binary that fails). Works in any git repository whose benchmarks use cbench.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: bench-compare.sh [options] BASE_REF [HEAD_REF]

Builds and runs the benchmarks of BASE_REF and HEAD_REF (default HEAD)
alternately, then runs `bstat -gate` on the results.

options:
  --build CMD       command that builds the bench binary, run in each
                    revision's worktree (default: make bench-build)
  --bin PATH        the bench binary, relative to the worktree
                    (default: build/benches/cbench-examples)
  --count N         runs per revision (default: 10)
  --bench REGEX     benchmarks to run (default: .)
  --benchtime T     -benchtime for each run (default: the harness default, 1s;
                    1000x with --instructions)
  --instructions    also measure instructions/op (-instructions: hardware
                    counters, else callgrind, which needs valgrind); gated at
                    2% by default, exactly under callgrind with a fixed count
  --bstat PATH      the bstat binary (default: $BSTAT, else bstat on PATH,
                    else build/bstat of the current checkout)
  --out DIR         where base.txt, head.txt, gate.txt and gate.md go
                    (default: bench-compare)
  --gate-args ARGS  extra arguments for bstat -gate, split on spaces
                    (e.g. "-rule sec/op=20% -allow-missing")
  -- ARGS...        everything after -- goes to bstat -gate as it is
                    (for arguments with spaces: -- -gate-filter '.name:(A OR B)')
  -h, --help        this text

exit status: 0 no regression, 1 regression, 2 could not judge. A head whose
bench binary fails in runs where the base's does not is a regression too.
When GITHUB_STEP_SUMMARY is set, the markdown report is appended to it.
USAGE
}

die() { echo "bench-compare: $*" >&2; exit 2; }

build_cmd="make bench-build"
bin="build/benches/cbench-examples"
count=10
bench="."
benchtime=""
instructions=0
bstat="${BSTAT:-}"
out="bench-compare"
gate_args=""
gate_extra=()
refs=()

while [ $# -gt 0 ]; do
  case "$1" in
    --build) [ $# -ge 2 ] || die "--build needs a value"; build_cmd=$2; shift 2 ;;
    --bin) [ $# -ge 2 ] || die "--bin needs a value"; bin=$2; shift 2 ;;
    --count) [ $# -ge 2 ] || die "--count needs a value"; count=$2; shift 2 ;;
    --bench) [ $# -ge 2 ] || die "--bench needs a value"; bench=$2; shift 2 ;;
    --benchtime) [ $# -ge 2 ] || die "--benchtime needs a value"; benchtime=$2; shift 2 ;;
    --instructions) instructions=1; shift ;;
    --bstat) [ $# -ge 2 ] || die "--bstat needs a value"; bstat=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || die "--out needs a value"; out=$2; shift 2 ;;
    --gate-args) [ $# -ge 2 ] || die "--gate-args needs a value"; gate_args=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; gate_extra=("$@"); break ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) refs+=("$1"); shift ;;
  esac
done

[ ${#refs[@]} -ge 1 ] && [ ${#refs[@]} -le 2 ] || { usage >&2; exit 2; }
case "$count" in ''|*[!0-9]*|0) die "--count must be a positive integer, not '$count'" ;; esac

repo=$(git rev-parse --show-toplevel 2>/dev/null) || die "not inside a git repository"
base_sha=$(git rev-parse --verify --quiet "${refs[0]}^{commit}") || die "unknown revision '${refs[0]}'"
head_sha=$(git rev-parse --verify --quiet "${refs[1]:-HEAD}^{commit}") || die "unknown revision '${refs[1]:-HEAD}'"

if [ -z "$bstat" ]; then
  if command -v bstat >/dev/null 2>&1; then
    bstat=bstat
  elif [ -x "$repo/build/bstat" ]; then
    bstat="$repo/build/bstat"
  else
    die "no bstat: pass --bstat PATH or set BSTAT"
  fi
fi
# bstat runs from the output folder: a relative path must not change meaning.
case "$bstat" in */*) bstat="$(cd "$(dirname "$bstat")" && pwd)/$(basename "$bstat")" ;; esac
[ -x "$bstat" ] || command -v "$bstat" >/dev/null 2>&1 || die "bstat '$bstat' is not executable"

mkdir -p "$out"
out=$(cd "$out" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")
cleanup() {
  git -C "$repo" worktree remove --force "$scratch/base" >/dev/null 2>&1 || true
  git -C "$repo" worktree remove --force "$scratch/head" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# Builds one revision in its own worktree; the build's output goes to a log
# that is shown only when the build fails.
build() {
  local side=$1 sha=$2
  git -C "$repo" worktree add --detach --quiet "$scratch/$side" "$sha" \
    || die "cannot check out $sha"
  echo "bench-compare: building $side ($sha)" >&2
  if ! (cd "$scratch/$side" && bash -c "$build_cmd") >"$scratch/$side.log" 2>&1; then
    cat "$scratch/$side.log" >&2
    die "build of $side ($sha) failed: $build_cmd"
  fi
  [ -x "$scratch/$side/$bin" ] || die "build of $side did not produce $bin"
}
build base "$base_sha"
build head "$head_sha"

run_args=(-bench "$bench" -count 1)
# A fixed count: under callgrind the same binary then repeats its counts
# exactly, which is what lets three runs a side judge them.
if [ "$instructions" = 1 ]; then
  run_args+=(-instructions)
  benchtime=${benchtime:-1000x}
fi
[ -n "$benchtime" ] && run_args+=(-benchtime "$benchtime")
: >"$out/base.txt"
: >"$out/head.txt"
declare -A failed=([base]=0 [head]=0)
for ((i = 1; i <= count; i++)); do
  for side in base head; do
    echo "bench-compare: run $i/$count $side" >&2
    # A failing run (a zero-alloc contract broken, a crash) still leaves its
    # result lines for the gate to read; the failures are judged below.
    if ! (cd "$scratch/$side" && "./$bin" "${run_args[@]}") >>"$out/$side.txt"; then
      echo "bench-compare: $side run $i exited nonzero" >&2
      failed[$side]=$((failed[$side] + 1))
    fi
  done
done
grep -q '^Benchmark' "$out/base.txt" || die "the base revision printed no benchmark results"
grep -q '^Benchmark' "$out/head.txt" || die "the head revision printed no benchmark results"

# gate_args is split on purpose: it carries several bstat flags.
read -r -a split_args <<<"$gate_args"
gate=("$bstat" -gate "${split_args[@]}" "${gate_extra[@]}")
set +e
(cd "$out" && "${gate[@]}" base.txt head.txt) | tee "$out/gate.txt"
status=${PIPESTATUS[0]}
(cd "$out" && "${gate[@]}" -format markdown base.txt head.txt) >"$out/gate.md"
set -e
case "$status" in 0|1) ;; *) status=2 ;; esac
# A crash can leave the gate nothing to see (the runs before it printed the
# same lines); a head that fails where the base did not has regressed.
if [ "${failed[head]}" -gt "${failed[base]}" ] && [ "$status" != 2 ]; then
  msg="the head's bench binary failed in ${failed[head]} of $count runs, the base's in ${failed[base]}"
  echo "bench-compare: FAIL: $msg" | tee -a "$out/gate.txt"
  printf '\n**FAIL: %s.**\n' "$msg" >>"$out/gate.md"
  status=1
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$out/gate.md" >>"$GITHUB_STEP_SUMMARY"
fi
exit "$status"
