#!/usr/bin/env bash
# Installs cbench into a temporary prefix and builds the example
# (tests/data/harness/my_bench.c) exactly as a user would, with pkg-config;
# then checks its output lines and exit status, and that make uninstall
# removes what make install put in place. Run from the repo root.
set -eu
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make --no-print-directory install PREFIX="$tmp" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; echo "FAIL: make install"; exit 1; }
for f in include/cbench.h lib/libcbench.a lib/pkgconfig/cbench.pc; do
  [ -f "$tmp/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done

flags=$(PKG_CONFIG_PATH="$tmp/lib/pkgconfig" pkg-config --cflags --libs cbench)
case "$flags" in
  *"-I$tmp/include"*"-L$tmp/lib"*-lcbench*) ;;
  *) echo "FAIL: pkg-config gives: $flags"; exit 1 ;;
esac

cp tests/data/harness/my_bench.c "$tmp/my_bench.c"
cd "$tmp"
# shellcheck disable=SC2086 # pkg-config output is a list of words
cc -O2 my_bench.c $flags -o my_bench
status=0
./my_bench -bench . -benchtime 100x -count 3 >new.txt || status=$?
[ "$status" = 0 ] || { cat new.txt; echo "FAIL: exit status $status"; exit 1; }

fail() { echo "FAIL: $1"; cat new.txt; exit 1; }
grep -qx 'goos: linux' new.txt || fail "no goos line"
grep -q '^goarch: ' new.txt || fail "no goarch line"
grep -qx 'pkg: my_bench' new.txt || fail "no pkg line"
lines=$(grep -cE '^BenchmarkStrdup(-[0-9]+)? +	 +100	 +[0-9.]+ ns/op	 +13 B/op	 +1 allocs/op$' new.txt || true)
[ "$lines" = 3 ] || fail "want 3 result lines with 13 B/op and 1 allocs/op, got $lines"
[ "$(tail -n 1 new.txt)" = PASS ] || fail "last line is not PASS"

cd "$root"
make --no-print-directory uninstall PREFIX="$tmp" >"$tmp/uninstall.log" 2>&1 ||
  { cat "$tmp/uninstall.log"; echo "FAIL: make uninstall"; exit 1; }
for f in include/cbench.h lib/libcbench.a lib/pkgconfig/cbench.pc bin/bstat; do
  [ ! -e "$tmp/$f" ] || { echo "FAIL: make uninstall left $f"; exit 1; }
done
echo "ok: installed example prints 3 exact lines; uninstall removes the install"
