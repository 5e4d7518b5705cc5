#!/usr/bin/env bash
# README's GitHub Actions workflow, pasted into a new repository with
# README's one-line bench target, run step by step as the runner would:
# the workflow block (after <!-- readme-test: ci-workflow -->) must be
# ci/workflow-template.yml; the Makefile is the block after
# <!-- readme-test: ci-bench-target -->; each cbench step runs its `run:` line from
# ci/action.yml with the `env:` that action.yml builds from the workflow's
# `with:` (expressions replaced by this scenario's values) and the inputs'
# defaults. The scenario:
#   pull request 1 adds the benchmarks (no baseline)      -> exit 0
#   pull request 2 adds an allocation per op              -> exit 1
#   pushes of both to the default branch, `history` job   -> two records
#     appended to gh-pages in a bare origin, which bstat reads
# shellcheck source=tests/e2e/ci_lib.sh
. "$(dirname "$0")/ci_lib.sh"

# The fenced block that follows marker $1 in README.md.
readme_block() {
  awk -v marker="<!-- readme-test: $1 -->" '
    $0 == marker { found = 1; next }
    found == 1 && /^```/ { found = 2; next }
    found == 2 && /^```/ { exit }
    found == 2 { print }' "$root/README.md"
}

readme_block ci-workflow >"$tmp/workflow.yml"
[ -s "$tmp/workflow.yml" ] || fail "README has no workflow block after <!-- readme-test: ci-workflow -->"
diff -u "$root/ci/workflow-template.yml" "$tmp/workflow.yml" >&2 \
  || fail "README's workflow is not ci/workflow-template.yml"
readme_block ci-bench-target >"$tmp/Makefile"
[ "$(grep -c . "$tmp/Makefile")" = 2 ] || fail "README's bench target is not a target and one line"

# `with:` of the cbench step in job $1, as key=value lines.
step_with() {
  awk -v job="$1" '
    /^  [A-Za-z_-]+:/ { injob = ($0 ~ "^  " job ":") }
    injob && /uses: [^ ]*\/ci@/ { instep = 1; next }
    instep && /^ *with:/ { inwith = 1; indent = match($0, /[^ ]/); next }
    inwith {
      if (match($0, /[^ ]/) <= indent) exit
      line = $0
      sub(/^ +/, "", line); sub(/ +#.*$/, "", line)
      key = line; sub(/:.*/, "", key)
      value = line; sub(/^[^:]*: */, "", value); gsub(/^"|"$/, "", value)
      print key "=" value
    }' "$tmp/workflow.yml"
}

# Inputs' defaults in action.yml, as key=value lines.
input_defaults() {
  awk '
    /^inputs:/ { on = 1; next }
    /^runs:/ { exit }
    on && /^  [a-z-]+:$/ { name = $1; sub(/:$/, "", name) }
    on && /^    default:/ { v = $0; sub(/^    default: */, "", v); gsub(/^"|"$/, "", v); print name "=" v }' \
    "$root/ci/action.yml"
}

# The env: mapping (NAME=input) and the run: line of action.yml's step $1.
step_env() {
  awk -v step="$1" '
    $0 ~ "- name: " step "$" { on = 1; next }
    on && /^    - / { exit }
    on && /^        [A-Z_]+: \$\{\{ inputs\.[a-z-]+ \}\}$/ {
      name = $1; sub(/:$/, "", name); input = $3; sub(/^inputs\./, "", input); print name "=" input }' \
    "$root/ci/action.yml"
}
step_run() {
  awk -v step="$1" '
    $0 ~ "- name: " step "$" { on = 1; next }
    on && /^    - / { exit }
    on && /^      run: / { sub(/^      run: /, ""); gsub(/^\x27|\x27$/, ""); print; exit }' "$root/ci/action.yml"
}

# run_step STEP JOB DIR: runs action.yml's step STEP as the workflow's job
# JOB would, in DIR, with the runner's variables of this scenario; sets status.
run_step() {
  local step=$1 job=$2 dir=$3 kv name input value cmd
  local -A with=() defaults=()
  local -a envs=()
  while IFS= read -r kv; do with[${kv%%=*}]=${kv#*=}; done < <(step_with "$job")
  while IFS= read -r kv; do defaults[${kv%%=*}]=${kv#*=}; done < <(input_defaults)
  while IFS= read -r kv; do
    name=${kv%%=*} input=${kv#*=}
    if [ -n "${with[$input]+set}" ]; then value=${with[$input]}; else value=${defaults[$input]-}; fi
    value=${value//'${{ github.event.pull_request.base.sha }}'/$PR_BASE}
    value=${value//'${{ github.event.pull_request.head.sha }}'/$PR_HEAD}
    case "$value" in *'${{'*) fail "$job: no value for the expression in $input: $value" ;; esac
    envs+=("$name=$value")
  done < <(step_env "$step")
  cmd=$(step_run "$step")
  [ -n "$cmd" ] || fail "action.yml has no step '$step'"
  set +e
  (cd "$dir" && env "${envs[@]}" bash -c "$cmd") >"$tmp/step.stdout" 2>"$tmp/step.stderr"
  status=$?
  set -e
}
show_step() { cat "$tmp/step.stdout" "$tmp/step.stderr" "${GITHUB_STEP_SUMMARY:-/dev/null}" >&2; }

step_with compare | grep -q '^build-command=make benchmarks$' || fail "the compare job does not build with make benchmarks"
step_with history | grep -q '^history=true$' || fail "the history job does not enable the history"

# The runner: the action is this checkout's ci/; installing cbench is the
# action's own step, run as it is.
export RUNNER_TEMP="$tmp/runner" GITHUB_ACTION_PATH="$root/ci" GITHUB_REPOSITORY=e2e/project
export GITHUB_ENV="$tmp/runner/env" GITHUB_PATH="$tmp/runner/path"
mkdir -p "$RUNNER_TEMP"
: >"$GITHUB_ENV"
unset PKG_CONFIG_PATH
# The packages step would run apt-get where a package is missing; here (the
# tests' machine has them) it must notice and do nothing.
if dpkg-query -W libgsl-dev libcjson-dev libdw-dev zlib1g-dev pkg-config make gcc >/dev/null 2>&1; then
  PR_BASE="" PR_HEAD=""
  run_step "Install cbench's build dependencies" compare "$tmp"
  [ "$status" = 0 ] && grep -q "installed already" "$tmp/step.stdout" \
    || { show_step; fail "the packages step did not see the packages installed"; }
fi
PR_BASE="" PR_HEAD=""
run_step "Install cbench" compare "$tmp"
[ "$status" = 0 ] || { show_step; fail "Install cbench: exit $status"; }
PKG_CONFIG_PATH=$(sed -n 's/^PKG_CONFIG_PATH=//p' "$GITHUB_ENV")
PATH="$(cat "$GITHUB_PATH"):$PATH"
export PKG_CONFIG_PATH PATH

git init -q --bare "$tmp/origin.git"
new_repo project
git remote add origin "$tmp/origin.git"
echo "# project" >README.md
P0=$(commit "a project without benchmarks")
cp "$tmp/Makefile" Makefile
mkdir bench
cat >bench/bench.c <<'EOB'
#include <cbench.h>
#include <stdlib.h>

BENCH(Copy) {
	for (int64_t i = 0; i < b->n; i++) {
		char *p = malloc(64);
		cbench_keep(p);
		free(p);
	}
}
EOB
P1=$(commit "add benchmarks")
sed -i 's|cbench_keep(p);|char *q = malloc(64);\n\t\tcbench_keep(q);\n\t\tfree(q);\n\t\tcbench_keep(p);|' bench/bench.c
P2=$(commit "copy twice")

# pull_request events: the compare job.
export GITHUB_EVENT_NAME=pull_request GITHUB_STEP_SUMMARY="$tmp/summary.md"
: >"$GITHUB_STEP_SUMMARY"
PR_BASE=$P0 PR_HEAD=$P1
run_step "Compare base and head" compare "$tmp/project"
[ "$status" = 0 ] || { show_step; fail "first pull request: exit $status, want 0"; }
head -n 1 "$GITHUB_STEP_SUMMARY" | grep -q '^## cbench: .*pass.*no baseline' \
  || { show_step; fail "first pull request: the summary does not open with pass, no baseline"; }

: >"$GITHUB_STEP_SUMMARY"
PR_BASE=$P1 PR_HEAD=$P2
run_step "Compare base and head" compare "$tmp/project"
[ "$status" = 1 ] || { show_step; fail "second pull request: exit $status, want 1"; }
head -n 1 "$GITHUB_STEP_SUMMARY" | grep -q '^## cbench: .*regression' \
  || { show_step; fail "second pull request: the summary does not open with the regression"; }
grep -q 'Copy-[0-9]* | allocs/op | 1.000 | 2.000' "$GITHUB_STEP_SUMMARY" \
  || { show_step; fail "second pull request: the failing metric is not listed"; }

# push events on the default branch: the history job.
export GITHUB_EVENT_NAME=push
PR_BASE="" PR_HEAD=""
for sha in "$P1" "$P2"; do
  git -C "$tmp/project" checkout -q "$sha"
  : >"$GITHUB_STEP_SUMMARY"
  run_step "Compare base and head" history "$tmp/project"
  [ "$status" = 0 ] || { show_step; fail "push of $sha: exit $status, want 0"; }
  run_step "Append to the history" history "$tmp/project"
  [ "$status" = 0 ] || { show_step; fail "history for $sha: exit $status"; }
done
git -C "$tmp/origin.git" show gh-pages:cbench/history.txt >"$tmp/history.txt" \
  || fail "no cbench/history.txt on gh-pages"
[ "$(grep -c '^commit: ' "$tmp/history.txt")" = 2 ] || fail "the history does not hold two records"
[ "$(grep -m1 '^commit: ' "$tmp/history.txt")" = "commit: $P1" ] || fail "the first record is not $P1"
[ "$(sed -n '2p' "$tmp/history.txt")" = "time: $(TZ=UTC0 git -C "$tmp/project" log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd "$P1")" ] \
  || fail "the first record's time line is not the commit's time"
[ "$(git -C "$tmp/origin.git" rev-list --count gh-pages)" = 2 ] || fail "gh-pages does not have one commit per record"
bstat "$tmp/history.txt" >"$tmp/history.table" 2>&1 || { cat "$tmp/history.table" >&2; fail "bstat cannot read the history"; }
grep -q "commit: $P2" "$tmp/history.table" || fail "bstat does not see the records' commits"
# Running the step again for the same commit adds nothing.
run_step "Append to the history" history "$tmp/project"
[ "$(git -C "$tmp/origin.git" rev-list --count gh-pages)" = 2 ] || fail "a repeated record was appended"

echo "$name: README's workflow and bench target: first PR passed, regression failed, two history records on gh-pages"
