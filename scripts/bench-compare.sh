#!/usr/bin/env bash
# Compares the benchmarks of two revisions and gates on allocation regressions.
#
# Builds the bench binary at BASE_REF and at HEAD_REF (default HEAD) in
# scratch git worktrees, runs them alternately -- base, head, base, head, ...
# one -count at a time, so that a machine that drifts drifts for both, and a
# crash costs one run -- and hands the two result files to `bstat -gate`.
# Then it adds what the gate cannot see, since a run that dies takes its
# lines with it: a head that fails in any run fails (exit 1); a benchmark
# that `-list` names but that neither side measured after a failure cannot
# be judged (exit 2 at least). A base without a bench target, binary or
# results (the pull request that adds benchmarks) is "no baseline": the
# head's results are reported as the new baseline and the exit is 0, unless
# --require-base. The verdict comes first in report.md, which also goes to
# the step summary: verdict and counts, both revisions, the gate's findings,
# failures with the tail of their logs, then the full tables folded away.
#
# The defaults gate B/op and allocs/op, which are exact counts: a fixed
# iteration count (1000x) makes identical code give identical samples, and
# 6 runs a side let the U test reach p = 0.002 when all samples differ
# (4 a side is the least that reaches 0.05; 6 also gives bstat's intervals).
# With no noise to tolerate, the memory metrics' threshold is 5%, so that a
# 10% regression (10 -> 11 allocs/op) fails where bstat's "more than 10%"
# would pass it; other metrics keep bstat's rules (instructions/op 2%).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: bench-compare.sh [options] BASE_REF [HEAD_REF]
       bench-compare.sh [options] --no-base [HEAD_REF]

Builds and runs the benchmarks of BASE_REF and HEAD_REF (default HEAD)
alternately, then runs `bstat -gate` on the results.

options:
  --build CMD       command that builds the bench binary, run in each
                    revision's worktree (default: make bench-build)
  --bin PATH        the bench binary, relative to the worktree
                    (default: build/benches/cbench-examples)
  --count N         runs per revision, decimal (default: 6; the gate needs
                    at least 4 a side for its U test to reach p < 0.05)
  --bench REGEX     benchmarks to run (default: .)
  --benchtime T     -benchtime for each run (default: 1000x, a fixed
                    iteration count: exact allocation counts need no long
                    runs; give a duration such as 200ms to gate time)
  --threshold P     -threshold for bstat -gate (default: 5% for B/op,
                    allocs/op and retained-B/op, bstat's rules for the rest:
                    exact counts at a fixed iteration count have no noise to
                    tolerate, and bstat's own 10% means "more than 10%", which
                    would pass 10 -> 11 allocs/op); -threshold or -rule in
                    the gate arguments override it
  --timeout D       each benchmark's -timeout in the harness (default: 5m);
                    also bounds -list at D and a whole run at D per listed
                    benchmark, so a hang outside any benchmark ends too
  --instructions    also measure instructions/op (-instructions: hardware
                    counters, else callgrind, which needs valgrind); gated at
                    2% by default, exactly under callgrind at a fixed count
  --bstat PATH      the bstat binary (default: $BSTAT, else bstat on PATH,
                    else build/bstat of the current checkout)
  --out DIR         where the results and reports go (default: bench-compare)
  --require-base    a base without benchmarks is a failure (exit 2), not
                    a new baseline
  --no-base         measure the head only (a push to the default branch):
                    report its results and write record.txt for a history
  --summary FILE    append report.md to FILE (default: $GITHUB_STEP_SUMMARY)
  --gate-args ARGS  extra arguments for bstat -gate, split on spaces
                    (e.g. "-rule sec/op=20% -allow-missing")
  -- ARGS...        everything after -- goes to bstat -gate as it is
                    (for arguments with spaces: -- -gate-filter '.name:(A OR B)')
  -h, --help        this text

exit status: 0 no regression (or no baseline), 1 regression or a head
whose bench binary failed in any run, 2 could not judge (bad arguments,
a revision missing or not building, benchmarks never measured).
OUT holds base.txt, head.txt, gate.txt, gate.md (bstat's), report.md,
*.build.log and *.run.log, and record.txt (the head's results with
commit: and time: lines) when the head passed every run.
USAGE
}

# Stops before anything was measured; the step summary still says why.
# "90s", "5m", "1h" or plain seconds -> seconds (what -timeout and
# timeout(1) both accept; checked when the options are read).
duration_seconds() {
  local d=$1
  case $d in
    *s) echo $((10#${d%s})) ;;
    *m) echo $((10#${d%m} * 60)) ;;
    *h) echo $((10#${d%h} * 3600)) ;;
    *) echo $((10#$d)) ;;
  esac
}

die() {
  echo "bench-compare: $*" >&2
  [ -z "${summary:-}" ] || printf '## cbench: ⚠️ could not judge — %s\n' "$*" >>"$summary"
  exit 2
}

build_cmd="make bench-build"
bin="build/benches/cbench-examples"
count=6
bench="."
benchtime="1000x"
timeout="5m"
threshold=""
instructions=0
bstat="${BSTAT:-}"
out="bench-compare"
summary="${GITHUB_STEP_SUMMARY:-}"
require_base=0
no_base=0
gate_args=""
gate_extra=()
refs=()

while [ $# -gt 0 ]; do
  case "$1" in
    --build) [ $# -ge 2 ] || die "--build needs a value"; build_cmd=$2; shift 2 ;;
    --bin) [ $# -ge 2 ] || die "--bin needs a value"; bin=$2; shift 2 ;;
    --count) [ $# -ge 2 ] || die "--count needs a value"; count=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || die "--timeout needs a value"; timeout=$2; shift 2 ;;
    --bench) [ $# -ge 2 ] || die "--bench needs a value"; bench=$2; shift 2 ;;
    --benchtime) [ $# -ge 2 ] || die "--benchtime needs a value"; benchtime=$2; shift 2 ;;
    --threshold) [ $# -ge 2 ] || die "--threshold needs a value"; threshold=$2; shift 2 ;;
    --instructions) instructions=1; shift ;;
    --bstat) [ $# -ge 2 ] || die "--bstat needs a value"; bstat=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || die "--out needs a value"; out=$2; shift 2 ;;
    --summary) [ $# -ge 2 ] || die "--summary needs a value"; summary=$2; shift 2 ;;
    --gate-args) [ $# -ge 2 ] || die "--gate-args needs a value"; gate_args=$2; shift 2 ;;
    --require-base) require_base=1; shift ;;
    --no-base) no_base=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; gate_extra=("$@"); break ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) refs+=("$1"); shift ;;
  esac
done

if [ "$no_base" = 1 ]; then
  [ ${#refs[@]} -le 1 ] || { usage >&2; die "--no-base takes at most one revision (the head)"; }
  refs=("" "${refs[@]}")
else
  [ ${#refs[@]} -ge 1 ] && [ ${#refs[@]} -le 2 ] || { usage >&2; exit 2; }
fi
# Decimal, whatever the leading zeros: bash reads 010 as octal 8 and 08 as
# an error. The bound keeps 10#N far from overflow.
[[ "$count" =~ ^[0-9]{1,6}$ ]] || die "--count must be a decimal integer from 1 to 999999, not '$count'"
count=$((10#$count))
[[ "$timeout" =~ ^[0-9]+[smh]?$ ]] && [ "$(duration_seconds "$timeout")" -gt 0 ] \
  || die "--timeout wants a whole number of seconds, minutes or hours (90s, 5m, 1h), not '$timeout'"
[ "$count" -ge 1 ] || die "--count must be at least 1, not '$count'"
[ -n "$benchtime" ] || die "--benchtime must not be empty"

repo=$(git rev-parse --show-toplevel 2>/dev/null) || die "not inside a git repository"

# A revision missing from a shallow clone (actions/checkout fetches one
# commit unless told otherwise) is the common case: say how to fix it.
resolve() {
  local ref=$1 sha
  if sha=$(git rev-parse --verify --quiet "$ref^{commit}"); then
    echo "$sha"
    return
  fi
  if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    die "revision '$ref' is not in this clone, which is shallow: fetch the history (actions/checkout with 'fetch-depth: 0', or 'git fetch --unshallow')"
  fi
  die "unknown revision '$ref'"
}
base_sha=""
[ "$no_base" = 1 ] || base_sha=$(resolve "${refs[0]}")
head_sha=$(resolve "${refs[1]:-HEAD}")

if [ -z "$bstat" ]; then
  if command -v bstat >/dev/null 2>&1; then
    bstat=bstat
  elif [ -x "$repo/build/bstat" ]; then
    bstat="$repo/build/bstat"
  else
    die "no bstat: pass --bstat PATH or set BSTAT (the cbench action installs it; elsewhere 'make install' in a cbench checkout)"
  fi
fi
# bstat runs from the output folder: a relative path must not change meaning.
case "$bstat" in */*) bstat="$(cd "$(dirname "$bstat")" && pwd)/$(basename "$bstat")" ;; esac
[ -x "$bstat" ] || command -v "$bstat" >/dev/null 2>&1 || die "bstat '$bstat' is not executable"

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/{base,head}.txt "$out"/{base,head}.{build,run}.log "$out"/{gate.txt,gate.md,report.md,record.txt}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")
cleanup() {
  git -C "$repo" worktree remove --force "$scratch/base" >/dev/null 2>&1 || true
  git -C "$repo" worktree remove --force "$scratch/head" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# --- the report -------------------------------------------------------------
# Sections are gathered in $scratch/sections.md as they arise; finish writes
# report.md with the verdict first and exits with the status.
notes=()          # phrases for the verdict line, besides the gate's counts
gate_counts=""    # the gate's own verdict line, without "gate: "
: >"$scratch/sections.md"

# Markdown- and HTML-safe text for a table cell (subjects come from the PR).
md_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/|/\\|/g' -e 's/@/\&#64;/g'; }

section() { printf '%s\n\n' "$*" >>"$scratch/sections.md"; }

# The last lines of a log, verbatim inside <pre> (HTML-escaped, so no fence
# in the log can end the block).
log_tail() {
  local file=$1 lines=${2:-30}
  {
    printf '<pre>\n'
    tail -n "$lines" "$file" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
    printf '</pre>\n\n'
  } >>"$scratch/sections.md"
}

# ---- where allocations changed (issue 12) --------------------------------
# When the gate failed on B/op, allocs/op or retained-B/op, each failing
# benchmark is run once more on both sides with every allocation profiled,
# and cbprof (prof/, no Go needed) lists the allocation sites whose
# allocs/op or B/op changed, base -> head, biggest first, into gate.txt and
# gate.md. A report, not a verdict: it never changes the exit status.
find_cbprof() {
  if [ -n "${CBPROF:-}" ]; then echo "$CBPROF"
  elif [ -x "$(dirname "$bstat")/cbprof" ]; then echo "$(dirname "$bstat")/cbprof"
  elif command -v cbprof >/dev/null 2>&1; then command -v cbprof
  fi
}

# "Key/small-2" -> "^BenchmarkKey$/^small$" (one anchored pattern per level).
bench_regex() {
  local name=${1%-[0-9]*} re="" part
  local IFS=/
  for part in $name; do
    part=$(printf '%s' "$part" | sed 's/[][\\.*^$+?(){}|]/\\&/g')
    re+="${re:+/}^${part}\$"
  done
  printf '^Benchmark%s' "${re#^}"
}

explain_allocations() {
  local cbprof names name side re
  local trim=(-trim "$scratch/base/" -trim "$scratch/head/") # one checkout each
  cbprof=$(find_cbprof)
  names=$(awk '$1 == "gate:" && ($3 == "B/op" || $3 == "allocs/op" || $3 == "retained-B/op") &&
               /worse|rose from|appeared/ { print $2 }' "$out/gate.txt" | sort -u | head -n 10)
  [ -n "$names" ] || return 0
  if [ -z "$cbprof" ]; then
    echo "bench-compare: no cbprof (build/cbprof, CBPROF or PATH): allocation sites not shown" >&2
    return 0
  fi
  printf '\n**Where allocations changed** (one more run per side, -memprofilerate 1):\n' \
    | tee -a "$scratch/findings.md" >>"$out/gate.md"
  echo "bench-compare: where allocations changed (one more run per side, -memprofilerate 1):" >>"$out/gate.txt"
  for name in $names; do
    re=$(bench_regex "$name")
    for side in base head; do
      (cd "$scratch/$side" && "./$bin" -bench "$re" -count 1 ${benchtime:+-benchtime "$benchtime"} \
        -memprofile "$scratch/$side.pb.gz" -memprofilerate 1) >/dev/null 2>&1 || true
    done
    if [ -s "$scratch/base.pb.gz" ] && [ -s "$scratch/head.pb.gz" ]; then
      "$cbprof" diff "${trim[@]}" -bench "Benchmark$name" "$scratch/base.pb.gz" "$scratch/head.pb.gz" \
        2>&1 | tee -a "$out/gate.txt" || true
      "$cbprof" diff "${trim[@]}" -format markdown -bench "Benchmark$name" "$scratch/base.pb.gz" \
        "$scratch/head.pb.gz" 2>&1 | tee -a "$scratch/findings.md" >>"$out/gate.md" || true
    else
      echo "bench-compare: Benchmark$name: no profile from the re-run" | tee -a "$out/gate.txt"
    fi
    rm -f "$scratch/base.pb.gz" "$scratch/head.pb.gz"
  done
}
# ---- end of where allocations changed -------------------------------------

revision_row() {
  local side=$1 sha=$2
  printf '| %s | `%s` | %s |\n' "$side" "$(git rev-parse --short "$sha")" \
    "$(git log -1 --format=%s "$sha" | md_escape)"
}

finish() {
  local status=$1 word counts
  case "$status" in
    0) word="✅ pass" ;;
    1) word="❌ regression" ;;
    *) word="⚠️ could not judge" ;;
  esac
  # What overrode the gate comes first; the gate's own counts close.
  counts=""
  for n in "${notes[@]+"${notes[@]}"}"; do counts="${counts:+$counts; }$n"; done
  if [ -n "$gate_counts" ]; then
    if [ -n "$counts" ]; then counts="$counts; gate: $gate_counts"; else counts=$gate_counts; fi
  fi
  {
    printf '## cbench: %s — %s\n\n' "$word" "${counts:-no details}"
    printf '| | commit | subject |\n| --- | --- | --- |\n'
    [ -z "$base_sha" ] || revision_row base "$base_sha"
    revision_row head "$head_sha"
    printf '\n'
    cat "$scratch/sections.md"
    if [ -s "$scratch/findings.md" ]; then cat "$scratch/findings.md"; printf '\n'; fi
    if [ -s "$scratch/tables.md" ]; then
      printf '<details><summary>Full comparison (bstat)</summary>\n\n'
      cat "$scratch/tables.md"
      printf '\n</details>\n'
    fi
  } >"$out/report.md"
  [ -z "$summary" ] || cat "$out/report.md" >>"$summary"
  echo "bench-compare: ${word#* }: ${counts:-no details}" >&2
  exit "$status"
}

# Stops with exit 2 and a report naming what went wrong.
fail_report() { notes+=("$1"); finish 2; }

# --- building ---------------------------------------------------------------
# What a failed build's log says a user can do about it.
build_remedy() {
  local log=$1
  if grep -qE 'pkg-config: (command )?not found|pkg-config: No such file' "$log"; then
    echo "pkg-config is not installed: the cbench action installs it (apt-get install pkg-config)."
  elif grep -qE "Package '?cbench'? was not found|cbench\.h: No such file|cannot find -lcbench" "$log"; then
    echo "the cbench harness is not installed where the build looks: the cbench action installs it and puts it on PKG_CONFIG_PATH; elsewhere run 'make install PREFIX=DIR' in a cbench checkout and export PKG_CONFIG_PATH=DIR/lib/pkgconfig."
  fi
}

# A base with no bench target: make's own words for a missing goal (not a
# missing prerequisite, which says "needed by"), or a build command or
# script that does not exist there (127).
no_target() {
  local log=$1 rc=$2
  [ "$rc" = 127 ] && return 0
  grep -E "No rule to make target '[^']*'\.  Stop\." "$log" | grep -qv 'needed by'
}

# Checks out and builds one side; prints nothing, sets build_state[side]:
# ok, or absent (no target, or no binary) for the base. A head that does
# not build, or a base that fails otherwise, ends the run with exit 2.
declare -A build_state=()
build() {
  local side=$1 sha=$2 short rc=0 remedy
  short=$(git rev-parse --short "$sha")
  git -C "$repo" worktree add --detach --quiet "$scratch/$side" "$sha" >"$scratch/$side.wt.log" 2>&1 \
    || { cat "$scratch/$side.wt.log" >&2; fail_report "cannot check out $side ($short)"; }
  echo "bench-compare: building $side ($short): $build_cmd" >&2
  (cd "$scratch/$side" && bash -c "$build_cmd") >"$out/$side.build.log" 2>&1 || rc=$?
  if [ "$rc" = 0 ] && [ -x "$scratch/$side/$bin" ]; then
    build_state[$side]=ok
    return
  fi
  if [ "$side" = base ] && { [ "$rc" = 0 ] || no_target "$out/$side.build.log" "$rc"; }; then
    build_state[$side]=absent
    if [ "$rc" = 0 ]; then
      no_base_reason="its build ($build_cmd) did not produce $bin"
    else
      no_base_reason="it has no bench target ($(grep -E 'No rule to make target|not found|No such file' "$out/$side.build.log" | tail -n 1 | sed -E 's/^[^ ]*: \*\*\* //; s/[.] +Stop[.]$//'))"
    fi
    return
  fi
  if [ "$rc" = 0 ]; then
    section "### $side \`$short\` built but did not produce \`$bin\`"
    fail_report "the $side ($short) built but did not produce $bin"
  fi
  tail -n 30 "$out/$side.build.log" >&2
  section "### $side \`$short\` did not build"
  section "\`$build_cmd\` exited with status $rc. The last lines of its log ($side.build.log in the artifact):"
  log_tail "$out/$side.build.log"
  remedy=$(build_remedy "$out/$side.build.log")
  [ -z "$remedy" ] || section "**Remedy:** $remedy"
  fail_report "the $side ($short) did not build${remedy:+: $remedy}"
}

no_base_reason=""
build head "$head_sha"
[ "$no_base" = 1 ] || build base "$base_sha"

# --- running ----------------------------------------------------------------
# The benchmarks a side's binary says it has, top-level names, one a line.
# A binary whose -list fails lists nothing (its runs will show why).
declare -A failed=([base]=0 [head]=0) last_rc=() last_run=()
list_side() {
  local side=$1 rc=0
  (cd "$scratch/$side" && timeout -k 10s "$timeout" "./$bin" -list "$bench") >"$scratch/$side.list" \
    2>>"$out/$side.run.log" || rc=$?
  if [ "$rc" != 0 ]; then
    echo "== -list: exit $rc$([ "$rc" != 124 ] || echo ": killed after $timeout")" >>"$out/$side.run.log"
    : >"$scratch/$side.list"
  fi
  grep "^Benchmark" "$scratch/$side.list" | LC_ALL=C sort -u >"$scratch/$side.listed" || true
}

# The top-level names a result file measured (BenchmarkX/sub-2 -> BenchmarkX):
# lines with an iteration count and at least one value and unit.
measured() {
  awk '/^Benchmark[^ \t]*[ \t]+[0-9]+[ \t]+[-+.0-9eE]+[ \t]+[^ \t]/ { n = $1; if (!sub(/\/.*/, "", n)) sub(/-[0-9]+$/, "", n); print n }' "$1" | LC_ALL=C sort -u
}

run_side() {
  local side=$1 i=$2 rc=0
  echo "bench-compare: run $i/$count $side" >&2
  # A failing run (a zero-alloc contract broken, a crash) still leaves its
  # result lines for the gate to read; the failures are judged below.
  local extra=()
  # At a fixed count the same binary repeats its callgrind counts exactly,
  # which is what lets a few runs a side judge them.
  [ "$instructions" = 0 ] || extra=(-instructions)
  # The harness bounds each benchmark; the outer bound catches a hang
  # outside them (a constructor, a destructor) after D per benchmark.
  local listed bound
  listed=$(wc -l <"$scratch/$side.listed")
  bound=$(( $(duration_seconds "$timeout") * (listed + 1) ))
  (cd "$scratch/$side" && timeout -k 10s "$bound" "./$bin" -bench "$bench" -benchtime "$benchtime" \
    -count 1 -timeout "$timeout" "${extra[@]+"${extra[@]}"}") \
    >"$scratch/$side.run.out" 2>"$scratch/$side.run.err" || rc=$?
  [ "$rc" != 124 ] || echo "bench-compare: $side run $i killed after ${bound}s" >>"$scratch/$side.run.err"
  # A run killed while writing leaves half a line, which is no result and
  # which the gate would rightly refuse as a syntax error.
  if [ "$rc" != 0 ] && [ -n "$(tail -c 1 "$scratch/$side.run.out")" ]; then
    echo "bench-compare: $side run $i: dropped its unterminated last line" >>"$scratch/$side.run.err"
    sed -i '$d' "$scratch/$side.run.out"
  fi
  cat "$scratch/$side.run.out" >>"$out/$side.txt"
  { echo "== run $i: exit $rc"; cat "$scratch/$side.run.err"; grep -A5 '^--- FAIL' "$scratch/$side.run.out" || true; } \
    >>"$out/$side.run.log"
  if [ "$rc" != 0 ]; then
    echo "bench-compare: $side run $i exited with status $rc" >&2
    failed[$side]=$((failed[$side] + 1)); last_rc[$side]=$rc; last_run[$side]=$i
  fi
}

# "exit 134 (SIGABRT)" for a status the shell reports for a signal.
describe_rc() {
  local rc=$1
  if [ "$rc" -gt 128 ] && [ "$rc" -lt 160 ]; then
    echo "exit $rc (SIG$(kill -l $((rc - 128)) 2>/dev/null || echo "?"))"
  else
    echo "exit $rc"
  fi
}

: >"$out/head.txt"
: >"$scratch/base.listed"
list_side head
have_base=0
if [ "${build_state[base]:-}" = ok ]; then
  : >"$out/base.txt"
  list_side base
  if [ -s "$scratch/base.listed" ]; then
    have_base=1
  else
    no_base_reason="its bench binary lists no benchmark matching '$bench'"
  fi
fi
for ((i = 1; i <= count; i++)); do
  [ "$have_base" = 0 ] || run_side base "$i"
  run_side head "$i"
done
# A base that lists benchmarks has them: if none of its runs printed a
# result, the comparison could not be made, which is no first pull request.
base_unmeasured=0
if [ "$have_base" = 1 ] && ! grep -q '^Benchmark' "$out/base.txt"; then
  have_base=0
  base_unmeasured=1
fi

# --- judging ----------------------------------------------------------------
status=0
if [ "$have_base" = 1 ]; then
  # gate_args is split on purpose: it carries several bstat flags.
  read -r -a split_args <<<"$gate_args"
  if [ -n "$threshold" ]; then
    gate_defaults=(-threshold "$threshold")
  elif [[ "$gate_args" == *-threshold* ]]; then
    gate_defaults=()
  else
    gate_defaults=(-rule B/op=5% -rule allocs/op=5% -rule retained-B/op=5%)
  fi
  gate=("$bstat" -gate "${gate_defaults[@]+"${gate_defaults[@]}"}" "${split_args[@]+"${split_args[@]}"}" "${gate_extra[@]+"${gate_extra[@]}"}")
  (cd "$out" && "${gate[@]}" base.txt head.txt) >"$out/gate.txt" 2>&1 || status=$?
  cat "$out/gate.txt"
  (cd "$out" && "${gate[@]}" -format markdown base.txt head.txt) >"$out/gate.md" 2>/dev/null || true
  case "$status" in 0|1) ;; *) status=2 ;; esac
  gate_counts=$(grep '^gate: ' "$out/gate.txt" | tail -n 1 | sed -E 's/^gate: //; s/^(PASS|FAIL|could not judge): //') || true
  [ -n "$gate_counts" ] || gate_counts="bstat -gate exited with status $status: $(tail -n 1 "$out/gate.txt")"
  # bstat's markdown: the tables, then "### Gate: ..." with the findings
  # table and a bold verdict line, which the report's first line replaces.
  awk '/^### Gate/ { exit } { print }' "$out/gate.md" >"$scratch/tables.md"
  awk '/^### Gate/ { on = 1; print "### Gate findings"; next } on && !/^\*\*.*\*\*$/ { print }' \
    "$out/gate.md" >"$scratch/findings.md"
  grep -q '^|' "$scratch/findings.md" || : >"$scratch/findings.md"
else
  if ! grep -q '^Benchmark' "$out/head.txt"; then
    notes+=("the head printed no benchmark results")
    status=2
  elif [ "$base_unmeasured" = 1 ]; then
    section "### Base not measured"
    section "The base's bench binary lists $(wc -l <"$scratch/base.listed") benchmark(s) but printed no result in any of its $count runs (see base.run.log), so nothing could be compared."
    notes+=("the base lists benchmarks but printed no result in ${failed[base]} failed of $count runs")
    status=2
  elif [ "$no_base" = 1 ]; then
    notes+=("head only (no base revision given): its results are recorded, nothing was gated")
    (cd "$out" && "$bstat" -format markdown head.txt) >"$scratch/tables.md" 2>/dev/null || true
  else
    section "### No baseline"
    section "The base has no benchmarks to compare with: $no_base_reason. The head's results below are the new baseline; nothing was gated."
    notes+=("no baseline: $no_base_reason; the head's results are the new baseline")
    if [ "$require_base" = 1 ]; then
      notes+=("--require-base makes a missing baseline a failure")
      status=2
    fi
    (cd "$out" && "$bstat" -format markdown head.txt) >"$scratch/tables.md" 2>/dev/null || true
  fi
fi

# Failed runs: the gate sees only the lines a run printed before it died.
any_failed=$((failed[base] + failed[head]))
for side in head base; do
  [ "${failed[$side]}" -gt 0 ] || continue
  section "### $side failed in ${failed[$side]} of $count runs"
  section "Its last failure (run ${last_run[$side]}): $(describe_rc "${last_rc[$side]}"). The last lines of its log ($side.run.log in the artifact):"
  log_tail "$out/$side.run.log" 20
done
if [ "${failed[head]}" -gt 0 ]; then
  notes+=("the head's bench binary failed in ${failed[head]} of $count runs, the base's in ${failed[base]}")
  status=1
fi

# Benchmarks a binary lists but no run of either side measured.
measured "$out/head.txt" >"$scratch/measured"
[ ! -f "$out/base.txt" ] || measured "$out/base.txt" >>"$scratch/measured"
LC_ALL=C sort -u -o "$scratch/measured" "$scratch/measured"
cat "$scratch/head.listed" "$scratch/base.listed" | LC_ALL=C sort -u \
  | LC_ALL=C comm -23 - "$scratch/measured" >"$scratch/unmeasured"
if [ -s "$scratch/unmeasured" ]; then
  n=$(wc -l <"$scratch/unmeasured")
  names=$(sed 's/^/`/; s/$/`/' "$scratch/unmeasured" | paste -sd, - | sed 's/,/, /g')
  if [ "$any_failed" -gt 0 ]; then
    section "### Not measured on either side"
    section "$n benchmark(s) that the bench binaries list printed no result in any run, so nothing judged them: $names. A run that dies loses every benchmark after the one it died in."
    notes+=("$n benchmark(s) not measured on either side")
    [ "$status" != 0 ] || status=2
  else
    section "Listed but printed no result (no run failed, so -bench selected none of their sub-benchmarks): $names."
  fi
fi
if [ "$status" = 1 ]; then explain_allocations; fi # where allocations changed

# The history record: the head's results under its commit and time.
if [ "${failed[head]}" = 0 ] && grep -q '^Benchmark' "$out/head.txt"; then
  {
    printf 'commit: %s\n' "$head_sha"
    printf 'time: %s\n' "$(TZ=UTC0 git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd "$head_sha")"
    cat "$out/head.txt"
  } >"$out/record.txt"
fi
finish "$status"
