#!/usr/bin/env bash
# Foreign allocators end to end: one counting suite (tests/data/harness/
# alloc_bench.c, whose B/op and allocs/op are known) built plain, under
# gcc's and clang's AddressSanitizer, and with jemalloc and tcmalloc
# preloaded and linked. Each build runs to completion with -memprofile,
# prints every result, names the allocator the hooks forward to, and either
# counts exactly or (under a sanitizer) leaves B/op and allocs/op out after
# a one-line warning. An allocator this machine lacks is skipped, naming the
# Debian package that brings it. Run from the repo root.
set -eu
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
src=tests/data/harness/alloc_bench.c
# shellcheck disable=SC2207 # pkg-config output is a list of words
libs=("$BUILD/libcbench.a" $(pkg-config --libs libcjson 2>/dev/null || echo -lcjson) -lpthread -ldw -lelf -lz -lm)
# name, B/op, allocs/op (see the comments in alloc_bench.c)
want="Malloc 100 1
Strdup 13 1
Realloc 4016 2
Aligned 536 6
Asprintf 115 2"
checked=0

# check LABEL exact|omitted ALLOCATOR CMD...
check() {
  local label=$1 mode=$2 allocator=$3
  shift 3
  local rc=0
  "$@" -bench . -benchtime 200x -count 2 -memprofile "$tmp/m.pb.gz" -memprofilerate 1 \
    >"$tmp/out" 2>"$tmp/err" || rc=$?
  [ "$rc" = 0 ] || fail "$label: status $rc
$(cat "$tmp/out" "$tmp/err")"
  grep -qx "allocator: $allocator" "$tmp/err" || fail "$label: want allocator $allocator: $(cat "$tmp/err")"
  gzip -t "$tmp/m.pb.gz" || fail "$label: the profile is not gzip"
  local name bytes allocs
  while read -r name bytes allocs; do
    local lines
    lines=$(grep -cE "^Benchmark$name(-[0-9]+)?[[:space:]]" "$tmp/out" || true)
    [ "$lines" = 2 ] || fail "$label: $lines result lines for $name, want 2: $(cat "$tmp/out")"
    if [ "$mode" = exact ]; then
      local exact
      exact=$(grep -cE "^Benchmark$name(-[0-9]+)?[[:space:]].*[[:space:]]$bytes B/op[[:space:]]+$allocs allocs/op$" "$tmp/out" || true)
      [ "$exact" = 2 ] || fail "$label: want $bytes B/op $allocs allocs/op for $name: $(cat "$tmp/out")"
    fi
  done <<<"$want"
  if [ "$mode" = omitted ]; then
    ! grep -q "B/op\|allocs/op" "$tmp/out" || fail "$label: memory columns printed: $(cat "$tmp/out")"
    [ "$(grep -c 'warning' "$tmp/err")" = 1 ] || fail "$label: want one warning: $(cat "$tmp/err")"
    grep -q "B/op and allocs/op are not reported" "$tmp/err" || fail "$label: warning: $(cat "$tmp/err")"
  else
    ! grep -q warning "$tmp/err" || fail "$label: unexpected warning: $(cat "$tmp/err")"
  fi
  checked=$((checked + 1))
  echo "ok: $label"
}

build() { # OUT CC EXTRA... (compile flags before the source, link flags after)
  local out=$1 cc=$2
  shift 2
  "$cc" -O1 -g -Iharness "$@" -o "$tmp/$out"
}

build plain cc "$src" "${libs[@]}"
check glibc exact libc.so.6 "$tmp/plain"

build gcc-asan gcc -fsanitize=address "$src" "${libs[@]}"
check "gcc -fsanitize=address" omitted libasan.so.8 "$tmp/gcc-asan"
if command -v clang >/dev/null 2>&1; then
  build clang-asan clang -fsanitize=address "$src" "${libs[@]}"
  # clang links its sanitizer runtime into the program itself
  check "clang -fsanitize=address" omitted clang-asan "$tmp/clang-asan"
else
  echo "skip: clang not installed (apt-get install clang)"
fi

# An allocator linked into a program that defines malloc is dropped by
# --as-needed (nothing refers to it): keep it, to have it loaded.
for lib in jemalloc:libjemalloc2:libjemalloc-dev tcmalloc_minimal:libtcmalloc-minimal4:libgoogle-perftools-dev; do
  IFS=: read -r name runtime_pkg dev_pkg <<<"$lib"
  so=$(cc -print-file-name="lib$name.so")
  so_versioned=$(cc -print-file-name="lib$name.so.$([ "$name" = jemalloc ] && echo 2 || echo 4)")
  if [ -e "$so_versioned" ]; then
    LD_PRELOAD=$so_versioned check "$name preloaded" exact "$(basename "$so_versioned")" "$tmp/plain"
  else
    echo "skip: lib$name not installed (apt-get install $runtime_pkg)"
  fi
  if [ -e "$so" ]; then
    build "linked-$name" cc "$src" "${libs[@]}" -Wl,--no-as-needed "-l$name" -Wl,--as-needed
    check "$name linked" exact "$(basename "$so_versioned")" "$tmp/linked-$name"
  else
    echo "skip: lib$name.so not installed, linking not checked (apt-get install $dev_pkg)"
  fi
done
echo "ok: $checked allocator setups run to completion and count exactly or say they cannot"
