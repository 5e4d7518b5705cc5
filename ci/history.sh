#!/usr/bin/env bash
# The action's optional history step: appends one record (record.txt from
# bench-compare.sh: a `commit:` and a `time:` configuration line, then the
# head's result lines in Go's benchmark format) to FILE on BRANCH of the
# `origin` remote, creating the branch if it does not exist. The commit is
# built with plumbing on a scratch index, so the checkout is left alone;
# a push that loses a race with another run refetches and tries again.
# Needs a token that can push (the job's permissions: contents: write, and
# actions/checkout's default persist-credentials).
# Usage: history.sh RECORD BRANCH FILE
set -euo pipefail

[ $# = 3 ] || { echo "usage: history.sh RECORD BRANCH FILE" >&2; exit 2; }
record=$1 branch=$2 file=$3
if [ ! -s "$record" ]; then
  echo "cbench: no record to add (the head failed a run or measured nothing): history unchanged"
  exit 0
fi
case "$file" in /*|*..*|'') echo "cbench: history file must be a relative path inside the branch, not '$file'" >&2; exit 2 ;; esac
commit=$(sed -n 's/^commit: //p' "$record" | head -n 1)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export GIT_INDEX_FILE="$scratch/index"
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-github-actions[bot]}"
export GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-41898282+github-actions[bot]@users.noreply.github.com}"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

for attempt in 1 2 3 4 5; do
  parent="" found=0
  git ls-remote --exit-code -q origin "refs/heads/$branch" >/dev/null || found=$?
  case "$found" in
    0|2) ;;
    *) echo "::error::cbench: cannot reach the origin remote (git ls-remote exited $found)"; exit 1 ;;
  esac
  if [ "$found" = 0 ]; then
    git fetch -q origin "+refs/heads/$branch:refs/cbench-history/$branch"
    parent=$(git rev-parse "refs/cbench-history/$branch")
    git read-tree "$parent"
    git show "$parent:$file" >"$scratch/history" 2>/dev/null || : >"$scratch/history"
  else
    git read-tree --empty
    : >"$scratch/history"
  fi
  if grep -qxF "commit: $commit" "$scratch/history"; then
    echo "cbench: $file on $branch already has commit $commit"
    exit 0
  fi
  # Records are separated by a blank line; each starts with its commit.
  [ ! -s "$scratch/history" ] || echo >>"$scratch/history"
  cat "$record" >>"$scratch/history"
  blob=$(git hash-object -w "$scratch/history")
  git update-index --add --cacheinfo "100644,$blob,$file"
  tree=$(git write-tree)
  new=$(git commit-tree "$tree" ${parent:+-p "$parent"} -m "cbench history: ${commit:0:12}")
  if git push -q origin "$new:refs/heads/$branch"; then
    echo "cbench: appended ${commit:0:12} to $file on $branch"
    exit 0
  fi
  echo "cbench: push to $branch rejected (attempt $attempt), refetching" >&2
  sleep "$attempt"
done
echo "::error::cbench: could not push the history to $branch (the job needs permissions: contents: write)"
exit 1
