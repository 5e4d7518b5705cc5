#!/usr/bin/env bash
# ci/comment.sh, the action's sticky-comment step, against a stand-in for
# `gh api` that keeps a pull request's comments in a JSON file: the first
# run posts one comment, the second updates that same comment (another
# comment in between is left alone), a fork's pull request posts nothing
# and says so in the step summary, a failing API warns without failing the
# step, and a report too long for GitHub loses its folded tables first.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
name=$(basename "$0" .sh)
command -v jq >/dev/null 2>&1 || { echo "$name: SKIP: jq is not installed (Debian package jq)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$name: $*" >&2; exit 1; }

mkdir -p "$tmp/bin"
cat >"$tmp/bin/gh" <<'EOF_GH'
#!/usr/bin/env bash
# Stand-in for `gh api` over $GH_STATE (a JSON array of {id, body}).
set -euo pipefail
[ "$1" = api ] || exit 64
shift
method=GET jq_expr="." body="" path=""
while [ $# -gt 0 ]; do
  case "$1" in
    -X) method=$2; shift 2 ;;
    --jq) jq_expr=$2; shift 2 ;;
    -f) body=${2#body=}; shift 2 ;;
    --paginate) shift ;;
    *) path=$1; shift ;;
  esac
done
echo "$method $path" >>"$GH_STATE.calls"
[ -z "${GH_FAIL:-}" ] || exit 1
case "$method $path" in
  "GET repos/"*/issues/*/comments) jq -r "$jq_expr" "$GH_STATE" ;;
  "POST repos/"*/issues/*/comments)
    jq --arg b "$body" '. + [{id: (length + 100), body: $b}]' "$GH_STATE" >"$GH_STATE.new" ;;
  "PATCH repos/"*/issues/comments/*)
    jq --arg b "$body" --argjson id "${path##*/}" 'map(if .id == $id then .body = $b else . end)' \
      "$GH_STATE" >"$GH_STATE.new" ;;
  *) exit 65 ;;
esac
[ ! -f "$GH_STATE.new" ] || mv "$GH_STATE.new" "$GH_STATE"
EOF_GH
chmod +x "$tmp/bin/gh"
export PATH="$tmp/bin:$PATH" GH_STATE="$tmp/comments.json" GITHUB_REPOSITORY=e2e/project
export HEAD_REPO=e2e/project PR_NUMBER=7 GITHUB_STEP_SUMMARY="$tmp/summary.md" GH_TOKEN=unused
echo '[]' >"$GH_STATE"
: >"$GITHUB_STEP_SUMMARY"

printf '## cbench: ✅ pass — first\n' >"$tmp/report.md"
"$root/ci/comment.sh" "$tmp/report.md"
[ "$(jq length "$GH_STATE")" = 1 ] || fail "the first run did not post one comment"
jq --arg b "$(printf '%s\n%s' '<!-- cbench-compare report -->' '## cbench: ✅ pass — first')" \
  '.[0].body == $b' "$GH_STATE" | grep -qx true || fail "the comment is not the marker and the report"

jq '. + [{id: 500, body: "a reviewer writes"}]' "$GH_STATE" >"$GH_STATE.x" && mv "$GH_STATE.x" "$GH_STATE"
printf '## cbench: ❌ regression — second\n' >"$tmp/report.md"
"$root/ci/comment.sh" "$tmp/report.md"
[ "$(jq length "$GH_STATE")" = 2 ] || fail "the second run did not update the comment in place"
jq -r '.[0].body' "$GH_STATE" | grep -q 'regression — second' || fail "the comment was not updated"
jq -r '.[1].body' "$GH_STATE" | grep -qx 'a reviewer writes' || fail "another comment was changed"
grep -q '^PATCH repos/e2e/project/issues/comments/100$' "$GH_STATE.calls" || fail "no PATCH of comment 100"

HEAD_REPO=someone/fork "$root/ci/comment.sh" "$tmp/report.md"
[ "$(jq length "$GH_STATE")" = 2 ] || fail "a fork's pull request was commented on"
grep -q 'no pull-request comment for a fork' "$GITHUB_STEP_SUMMARY" || fail "the fork case is not explained in the summary"

GH_FAIL=1 "$root/ci/comment.sh" "$tmp/report.md" >"$tmp/fail.out" || fail "a failing API failed the step"
grep -q '::warning::' "$tmp/fail.out" || fail "a failing API gave no warning"

{ printf '## cbench: ✅ pass — long\n\n<details><summary>tables</summary>\n\n'
  for i in $(seq 5000); do printf '| Benchmark%05d-2 | 1.000 | 1.000 | ~ |\n' "$i"; done
  printf '\n</details>\n'; } >"$tmp/report.md"
"$root/ci/comment.sh" "$tmp/report.md"
body=$(jq -r '.[0].body' "$GH_STATE")
[ "${#body}" -le 65536 ] || fail "a long report was posted at ${#body} characters"
grep -q 'long' <<<"$body" && grep -q 'The full tables are in the job summary' <<<"$body" \
  || fail "a long report did not keep its verdict and point to the summary"

echo "$name: posted once, updated in place, skipped a fork, warned on API failure, shortened a long report"
