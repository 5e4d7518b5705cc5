#!/usr/bin/env bash
# The action's optional comment step: posts report.md as one comment on the
# pull request, or updates the one it posted before (found by a marker in
# its first line), so a pull request carries one current verdict. A fork's
# pull request gets a read-only token: the report stays in the step summary
# and this step says why. A comment that cannot be written warns, never
# fails the job: the verdict is the comparison step's.
# Usage: comment.sh REPORT.md   (env: GH_TOKEN, PR_NUMBER, HEAD_REPO,
# GITHUB_REPOSITORY; `gh` is preinstalled on GitHub's runners)
set -euo pipefail

report=$1
marker='<!-- cbench-compare report -->'
# GitHub refuses comments above 65536 characters; the folded tables go first.
limit=60000

note() { echo "$1"; [ -z "${GITHUB_STEP_SUMMARY:-}" ] || printf '\n> %s\n' "$1" >>"$GITHUB_STEP_SUMMARY"; }

if [ "${HEAD_REPO:-}" != "${GITHUB_REPOSITORY:-}" ]; then
  note "cbench: no pull-request comment for a fork ($HEAD_REPO): its token cannot write; the report is in this summary."
  exit 0
fi
[ -s "$report" ] || { note "cbench: no report to comment with ($report is missing)."; exit 0; }
command -v gh >/dev/null 2>&1 || { echo "::warning::cbench: gh is not installed: no pull-request comment"; exit 0; }

body=$(printf '%s\n%s' "$marker" "$(cat "$report")")
if [ "${#body}" -gt "$limit" ]; then
  body=$(printf '%s\n\nThe full tables are in the job summary and the artifact.\n' \
    "$(printf '%s' "$body" | awk '/^<details>/ { exit } { print }' | head -c "$limit")")
fi

api="repos/$GITHUB_REPOSITORY/issues"
existing=$(gh api --paginate "$api/$PR_NUMBER/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" 2>/dev/null | head -n 1) || existing=""
if [ -n "$existing" ]; then
  gh api -X PATCH "$api/comments/$existing" -f body="$body" >/dev/null \
    || echo "::warning::cbench: could not update comment $existing (the job needs pull-requests: write)"
else
  gh api -X POST "$api/$PR_NUMBER/comments" -f body="$body" >/dev/null \
    || echo "::warning::cbench: could not comment on pull request $PR_NUMBER (the job needs pull-requests: write)"
fi
