#!/usr/bin/env bash
# Runs README's quick start as written, block by block: the fenced blocks
# after `<!-- readme-test: NAME -->` markers (install, my_bench.c, run,
# compare, gate), then checks what they produced: ten exact result lines,
# the shape of the sample output (`<!-- readme-output: old.txt -->`), a
# bstat table, a gate that passes on unchanged code and fails once the
# benchmark allocates twice as much. Every fenced block of the quick start
# must carry one of the two markers, so a block added there without a test
# fails here. Last, README's API examples (api.c) build and run.
# `make` and `scripts/` lines run in the checkout, the others in a scratch
# folder that stands for the user's project; HOME points into it.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "readme_tour: $*" >&2; exit 1; }

# Prints the fenced block that follows the marker line.
block() {
  awk -v marker="<!-- readme-$1 -->" '
    $0 == marker { found = 1; next }
    found == 1 && /^```/ { found = 2; next }
    found == 2 && /^```/ { exit }
    found == 2 { print }
  ' "$root/README.md"
}

# Every fenced block of the quick start, with the marker before it (or none).
unmarked=$(awk '
  /^## / { in_qs = ($0 == "## Quick start"); next }
  !in_qs { next }
  /^<!-- readme-(test|output): / { marker = $0; next }
  /^```/ { if (open) { open = 0 } else { open = 1; if (marker == "") print NR; marker = "" } ; next }
  !open && NF { marker = "" }
' "$root/README.md")
[ -z "$unmarked" ] || fail "quick start blocks without a readme-test or readme-output marker at README.md lines: $unmarked"
tested=" install my_bench.c run compare gate "
for name in $(sed -n '/^## Quick start$/,/^## /s/^<!-- readme-test: \(.*\) -->$/\1/p' "$root/README.md"); do
  case $tested in *" $name "*) ;; *) fail "quick start block '$name' is not run by this test" ;; esac
done

# Every in-page link names a heading (GitHub's anchors: lower case, spaces
# to '-', other punctuation dropped), so moving a section cannot break one.
anchors=$(sed -n 's/^#\{1,6\} //p' "$root/README.md" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9 _-]//g; s/ /-/g')
for link in $(grep -o '](#[^)]*)' "$root/README.md" | sed 's/^](#//; s/)$//' | sort -u); do
  grep -qx -- "$link" <<<"$anchors" || fail "README links to #$link, which no heading has"
done

export HOME="$tmp/home"
mkdir -p "$HOME"
# run_block NAME: each line of the block as a command, echoed first.
run_block() {
  local text line
  text=$(block "test: $1")
  [ -n "$text" ] || fail "README has no '$1' block in its quick start"
  while IFS= read -r line; do
    line=${line%%  #*}
    [ -n "$line" ] || continue
    echo "+ $line"
    case "$line" in
      make\ * | scripts/*) (cd "$root" && eval "$line") >/dev/null ;;
      export\ *) eval "$line" ;;
      *) (cd "$tmp" && eval "$line") ;;
    esac
  done <<<"$text"
}

run_block install
block "test: my_bench.c" >"$tmp/my_bench.c"
[ -s "$tmp/my_bench.c" ] || fail "README has no my_bench.c block"
run_block run

lines=$(grep -c '^BenchmarkStrdup' "$tmp/old.txt") || true
[ "$lines" = 10 ] || fail "old.txt has $lines result lines, want 10"
bad=$(grep '^BenchmarkStrdup' "$tmp/old.txt" | grep -cv '	      13 B/op	       1 allocs/op$') || true
[ "$bad" = 0 ] || { cat "$tmp/old.txt" >&2; fail "$bad lines are not 13 B/op, 1 allocs/op"; }

# The sample output has the real output's shape: the same header keys and
# Unit lines, a result line of the same benchmark with the same units, PASS
# last.
block "output: old.txt" >"$tmp/sample.txt"
[ -s "$tmp/sample.txt" ] || fail "README has no old.txt sample"
shape() { # the header keys, then name and units of the first result, then the last line
  awk '/^[a-z]+: / { print $1; next }
       /^Unit / { print; next }
       /^Benchmark/ && !seen { seen = 1; n = $1; sub(/-[0-9]+$/, "", n); u = n
                               for (i = 4; i <= NF; i += 2) u = u " " $i; print u }
       $0 != "..." && NF { last = $0 }
       END { print last }' "$1"
}
[ "$(shape "$tmp/sample.txt")" = "$(shape "$tmp/old.txt")" ] ||
  { diff <(shape "$tmp/sample.txt") <(shape "$tmp/old.txt") >&2; fail "README's sample output does not have old.txt's shape"; }

[ "$(command -v bstat)" = "$HOME/.local/bin/bstat" ] || fail "the quick start does not put bstat on PATH"
run_block compare >"$tmp/compare.out"
grep -q 'Strdup' "$tmp/compare.out" || { cat "$tmp/compare.out" >&2; fail "bstat's table does not name Strdup"; }
run_block gate >/dev/null || fail "the gate failed on unchanged code"

# What the gate is for: the code changed in place to allocate twice per op,
# rebuilt with the run block's own compile line (same file, same binary).
sed -i 's/cbench_keep(s);/cbench_keep(s); free(strdup("hello, world"));/' "$tmp/my_bench.c"
compile=$(block "test: run" | grep '^cc ')
(cd "$tmp" && eval "$compile" && ./my_bench -benchtime 1000x -count 6 >new.txt)
read -r -a cbench_flags <<<"$(pkg-config --cflags --libs cbench)"
status=0
(cd "$tmp" && bstat -gate old.txt new.txt) >"$tmp/gate.out" || status=$?
[ "$status" = 1 ] || { cat "$tmp/gate.out" >&2; fail "the gate exits $status on twice the allocations, want 1"; }

# The API examples: every benchmark runs and passes, with the columns it shows.
block "test: api.c" >"$tmp/api.c"
[ -s "$tmp/api.c" ] || fail "README has no api.c block"
(cd "$tmp" && cc -std=c11 -O2 -Wall -Wextra -Werror api.c "${cbench_flags[@]}" -o api) \
  || fail "README's api.c does not compile cleanly"
(cd "$tmp" && ./api -benchtime 100x -cpu 1,2) >"$tmp/api.out" || { cat "$tmp/api.out" >&2; fail "api.c's benchmarks failed"; }
for want in 'BenchmarkParseLoop-2 .* 0 allocs/op' 'BenchmarkChecksum-2 .* 0 allocs/op' \
            'BenchmarkCopy-2 .* MB/s.* 4096 pages/op' 'BenchmarkMalloc/size=16-2 .* 16 B/op' \
            'BenchmarkMalloc/size=4096-2 .* 4096 B/op' 'BenchmarkStrdupParallel .* 6 B/op.* 1 allocs/op' \
            'BenchmarkStrdupParallel-2 .* 6 B/op.* 1 allocs/op'; do
  grep -Eq "$want" "$tmp/api.out" || { cat "$tmp/api.out" >&2; fail "api.c's output lacks /$want/"; }
done
echo "readme_tour: the quick start installed, built, ran, compared and gated as written (and the gate caught a regression); the API examples ran"
