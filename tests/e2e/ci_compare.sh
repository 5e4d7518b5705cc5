#!/usr/bin/env bash
# bench-compare.sh as a pull request meets it, in a throwaway repository:
#   P0 no benchmarks yet (make has no bench-build target)
#   P1 adds them (first PR)     -> exit 0, "no baseline"; --require-base: 2
#   P2 a comment changes        -> exit 0 with the defaults
#   P3 Pieces allocates 11, not 10 (+10%) -> exit 1 with the defaults,
#      the verdict on the summary's first line, both short SHAs
#   P4 does not compile         -> exit 2, names the head and the error
#      (and as the base of P1: exit 2, names the base)
# plus the harness missing from pkg-config (remedy named), a shallow clone
# (exit 2, names fetch-depth) and --count read as decimal (010 is 10).
# shellcheck source=tests/e2e/ci_lib.sh
. "$(dirname "$0")/ci_lib.sh"

new_repo repo
printf 'all:\n\ttrue\n' >Makefile
P0=$(commit "P0 project without benchmarks")
write_makefile
write_bench 10
P1=$(commit "P1 add benchmarks")
sed -i 's|^BENCH(Pieces)|/* Ten pieces per op. */\nBENCH(Pieces)|' bench.c
P2=$(commit "P2 comment only")
git checkout -q "$P1"
write_bench 11
P3=$(commit "P3 one more piece | <b>per op</b>")
git branch -q regress
git checkout -q "$P1"
sed -i 's/cbench_keep(sum);/cbench_keep(sum)/' bench.c
P4=$(commit "P4 broken")
short() { git rev-parse --short "$1"; }

compare first "$P0" "$P1"
expect first 0 "first PR"
has first '^## cbench: .*pass.*no baseline' "first PR: the verdict line does not say pass, no baseline"
has first "no bench target" "first PR: the summary does not say why there is no baseline"
has first 'Pieces' "first PR: the head's results are not in the summary"
cmp -s "$tmp/first.summary" "$tmp/first/report.md" || fail "first PR: report.md differs from the step summary"

compare first-required --require-base "$P0" "$P1"
expect first-required 2 "first PR with --require-base"
has first-required 'could not judge.*require-base' "--require-base: the verdict does not name it"

compare same "$P1" "$P2"
expect same 0 "comment-only change"
has same '^## cbench: .*pass' "comment-only change: the first line is not the verdict"

compare regress "$P1" "$P3"
expect regress 1 "10% allocs/op regression"
[ "$(head -n 1 "$tmp/regress.summary" | grep -cE '^## cbench: .*regression.*regressed')" = 1 ] \
  || { show regress; fail "regression: the first summary line is not the verdict with counts"; }
has regress "\`$(short "$P1")\`" "regression: the base's short SHA is missing"
has regress "\`$(short "$P3")\`" "regression: the head's short SHA is missing"
has regress 'one more piece \\\| &lt;b&gt;per op&lt;/b&gt;' "regression: the head's subject is missing or unescaped"
has regress 'Pieces.*allocs/op.*10\.00.*11\.00' "regression: the failing metric is not listed"
has regress '<details>' "regression: the full tables are not folded"
runs=$(grep -c '^goos:' "$tmp/regress/base.txt")
[ "$runs" = 6 ] || fail "regression: base.txt holds $runs runs, want the default 6"
grep -q '^BenchmarkPieces-[0-9]*[[:space:]]*1000[[:space:]]' "$tmp/regress/head.txt" \
  || fail "regression: the runs did not use the default 1000x"

compare broken "$P1" "$P4"
expect broken 2 "head that does not compile"
has broken "^## cbench: .*could not judge.*head \($(short "$P4")\) did not build" "broken head: the verdict does not name the head"
has broken "error: expected .;" "broken head: the compiler's error is not in the summary"

compare broken-base "$P4" "$P1"
expect broken-base 2 "base that does not compile"
has broken-base "^## cbench: .*could not judge.*base \($(short "$P4")\) did not build" "broken base: the verdict does not name the base"

PKG_CONFIG_PATH="$tmp/nowhere" compare nopkg "$P1" "$P2"
expect nopkg 2 "harness not on PKG_CONFIG_PATH"
has nopkg "PKG_CONFIG_PATH=DIR/lib/pkgconfig" "missing harness: no remedy"

# --count is decimal: 010 is ten runs, 08 eight; hex and signs are refused.
compare c010 --count 010 "$P1" "$P2"
expect c010 0 "--count 010"
[ "$(grep -c '^goos:' "$tmp/c010/head.txt")" = 10 ] || fail "--count 010 did not run 10 times"
compare c08 --count 08 "$P1" "$P2"
expect c08 0 "--count 08"
[ "$(grep -c '^goos:' "$tmp/c08/head.txt")" = 8 ] || fail "--count 08 did not run 8 times"
for bad in 0x10 -1 0 ''; do
  compare cbad --count "$bad" "$P1" "$P2"
  expect cbad 2 "--count '$bad'"
done

# A shallow clone (actions/checkout's default) lacks the base.
git clone -q --depth 1 --branch regress "file://$tmp/repo" "$tmp/shallow"
cd "$tmp/shallow"
compare shallow "$P1" "$P3"
expect shallow 2 "shallow clone"
grep -q 'fetch-depth: 0' "$tmp/shallow.stderr" || { show shallow; fail "shallow clone: the error does not name fetch-depth"; }
has shallow 'could not judge.*fetch-depth: 0' "shallow clone: the summary does not name fetch-depth"

echo "$name: first PR, require-base, identical, 10% regression, broken head, missing harness, decimal counts, shallow clone"
