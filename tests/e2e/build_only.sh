#!/usr/bin/env bash
# A build that needs only the build. On a simulated machine that has the
# build's tools and libraries but none of the test tools and no dpkg or apt
# (another distribution, a container): PATH holds every command but
# dpkg-query, apt-get, shellcheck, clang, g++, node, npm, go and valgrind;
# pkg-config sees every module but cmocka, jemalloc and tcmalloc. There:
#  - scripts/deps.sh build passes and deps.sh test names what is missing;
#  - make, make install and make bench work from a clean build folder;
#  - make uninstall leaves no file of the install behind;
#  - with libdw's module gone too, make stops and names it by its
#    pkg-config name.
# Run from the repo root.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

hidden=" dpkg-query dpkg apt-get apt shellcheck clang clang-14 clang++ clang++-14 g++ g++-12 c++ node nodejs npm go valgrind "
mkdir "$tmp/bin"
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -d "$d" ] || continue
  for f in "$d"/*; do
    name=${f##*/}
    case $hidden in *" $name "*) continue ;; esac
    [ -x "$f" ] && [ ! -e "$tmp/bin/$name" ] && ln -s "$f" "$tmp/bin/$name"
  done
done
mkdir "$tmp/pc"
for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
  [ -d "$d" ] || continue
  for f in "$d"/*.pc; do
    [ -e "$f" ] || continue
    case ${f##*/} in cmocka.pc | jemalloc.pc | libtcmalloc* | libprofiler.pc) continue ;; esac
    [ -e "$tmp/pc/${f##*/}" ] || cp "$f" "$tmp/pc/"
  done
done
export PATH="$tmp/bin" PKG_CONFIG_LIBDIR="$tmp/pc"
unset PKG_CONFIG_PATH
command -v shellcheck >/dev/null && fail "the simulated machine still has shellcheck"
command -v dpkg-query >/dev/null && fail "the simulated machine still has dpkg-query"

scripts/deps.sh build 2>"$tmp/err" || { cat "$tmp/err"; fail "deps.sh build fails without the test tools"; }
status=0
scripts/deps.sh test 2>"$tmp/err" || status=$?
[ "$status" = 1 ] || fail "deps.sh test exits $status without the test tools, want 1"
for want in "command shellcheck" "command clang" "pkg-config module cmocka" "pkg-config module jemalloc" \
            "(Debian packages:.* libcmocka-dev"; do
  grep -q -- "$want" "$tmp/err" || { cat "$tmp/err"; fail "deps.sh test does not name '$want'"; }
done

build="$tmp/build" prefix="$tmp/prefix"
make --no-print-directory BUILD="$build" all >"$tmp/make.log" 2>&1 ||
  { tail -30 "$tmp/make.log"; fail "make fails with only the build's packages"; }
make --no-print-directory BUILD="$build" PREFIX="$prefix" install >"$tmp/make.log" 2>&1 ||
  { tail -30 "$tmp/make.log"; fail "make install fails with only the build's packages"; }
make --no-print-directory BUILD="$build" bench BENCHFLAGS='-bench ParseHeaders -benchtime 10x' \
  >"$tmp/make.log" 2>&1 || { tail -30 "$tmp/make.log"; fail "make bench fails with only the build's packages"; }
grep -q '^BenchmarkParseHeaders' "$tmp/make.log" || { cat "$tmp/make.log"; fail "make bench printed no result"; }

[ -n "$(find "$prefix" -type f)" ] || fail "make install installed nothing"
make --no-print-directory PREFIX="$prefix" uninstall >"$tmp/make.log" 2>&1 ||
  { cat "$tmp/make.log"; fail "make uninstall failed"; }
left=$(find "$prefix" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"

rm "$tmp/pc/libdw.pc"
status=0
make --no-print-directory BUILD="$build" all >"$tmp/make.log" 2>&1 || status=$?
[ "$status" != 0 ] || fail "make succeeds although libdw's pkg-config module is gone"
grep -q 'missing for build: pkg-config module libdw' "$tmp/make.log" ||
  { cat "$tmp/make.log"; fail "make does not name the missing module libdw"; }
echo "build_only: make, install, bench and uninstall need only the build's packages; a missing module is named"
