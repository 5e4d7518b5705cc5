#!/usr/bin/env bash
# Runs README's tour as written: the fenced blocks marked
# `<!-- readme-test: my_bench.c -->` (the bench file) and
# `<!-- readme-test: run -->` (the commands), then bstat and the gate on the
# results. `make` lines run in the checkout, the others in a scratch folder
# that stands for the user's project; HOME points into the scratch folder.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "readme_tour: $*" >&2; exit 1; }

# Prints the fenced block that follows the marker line.
block() {
  awk -v marker="<!-- readme-test: $1 -->" '
    $0 == marker { found = 1; next }
    found == 1 && /^```/ { found = 2; next }
    found == 2 && /^```/ { exit }
    found == 2 { print }
  ' "$root/README.md"
}

block my_bench.c >"$tmp/my_bench.c"
block run >"$tmp/run.sh"
[ -s "$tmp/my_bench.c" ] || fail "README has no my_bench.c block"
[ -s "$tmp/run.sh" ] || fail "README has no run block"

export HOME="$tmp/home"
mkdir -p "$HOME"
while IFS= read -r line; do
  [ -n "$line" ] || continue
  echo "+ $line"
  case "$line" in
    make\ *) (cd "$root" && eval "$line") >/dev/null ;;
    export\ *) eval "$line" ;;
    *) (cd "$tmp" && eval "$line") ;;
  esac
done <"$tmp/run.sh"

lines=$(grep -c '^BenchmarkStrdup' "$tmp/old.txt") || true
[ "$lines" = 10 ] || fail "old.txt has $lines result lines, want 10"
bad=$(grep '^BenchmarkStrdup' "$tmp/old.txt" | grep -cv '	      13 B/op	       1 allocs/op$') || true
[ "$bad" = 0 ] || { cat "$tmp/old.txt" >&2; fail "$bad lines are not 13 B/op, 1 allocs/op"; }

cp "$tmp/old.txt" "$tmp/new.txt"
[ "$(command -v bstat)" = "$HOME/.local/bin/bstat" ] || fail "the tour does not put bstat on PATH"
(cd "$tmp" && bstat old.txt new.txt) >"$tmp/bstat.out" \
  || fail "bstat old.txt new.txt failed"
grep -q 'Strdup' "$tmp/bstat.out" || fail "bstat's table does not name Strdup"
(cd "$tmp" && bstat -gate old.txt new.txt) >/dev/null \
  || fail "the gate failed on identical runs"
# The API examples: every benchmark runs and passes, with the columns it shows.
block api.c >"$tmp/api.c"
[ -s "$tmp/api.c" ] || fail "README has no api.c block"
read -r -a cbench_flags <<<"$(pkg-config --cflags --libs cbench)"
(cd "$tmp" && cc -std=c11 -O2 -Wall -Wextra -Werror api.c "${cbench_flags[@]}" -o api) \
  || fail "README's api.c does not compile cleanly"
(cd "$tmp" && ./api -benchtime 100x -cpu 1,2) >"$tmp/api.out" || { cat "$tmp/api.out" >&2; fail "api.c's benchmarks failed"; }
for want in 'BenchmarkParseLoop-2 .* 0 allocs/op' 'BenchmarkChecksum-2 .* 0 allocs/op' \
            'BenchmarkCopy-2 .* MB/s.* 1024 pages/op' 'BenchmarkMalloc/size=16-2 .* 16 B/op' \
            'BenchmarkMalloc/size=4096-2 .* 4096 B/op' 'BenchmarkStrdupParallel .* 6 B/op.* 1 allocs/op' \
            'BenchmarkStrdupParallel-2 .* 6 B/op.* 1 allocs/op'; do
  grep -Eq "$want" "$tmp/api.out" || { cat "$tmp/api.out" >&2; fail "api.c's output lacks /$want/"; }
done
echo "readme_tour: the README's bench built, ran 10 times, and compared; its API examples ran"
