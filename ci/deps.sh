#!/usr/bin/env bash
# The action's first step: the Debian packages cbench's build needs (GSL,
# cJSON, libdw, zlib) and pkg-config, through which a bench build finds the
# harness. On a runner without apt-get it checks instead, and names what is
# missing.
set -euo pipefail

packages=(libgsl-dev libcjson-dev libdw-dev zlib1g-dev pkg-config make gcc)
# -instructions on runners without hardware counters runs under callgrind;
# valgrind comes before cbench is built, so its callgrind.h compiles that
# path in.
case "${INSTRUCTIONS:-false}" in
  true) packages+=(valgrind) ;;
  false) ;;
  *) echo "::error::cbench: instructions must be \"true\" or \"false\", not \"$INSTRUCTIONS\""; exit 2 ;;
esac
if command -v apt-get >/dev/null 2>&1; then
  # Installed already (a self-hosted runner, a cached image): no apt-get update.
  installed=$(dpkg-query -W -f='${db:Status-Status}\n' "${packages[@]}" 2>/dev/null | grep -cx installed || true)
  if [ "$installed" = "${#packages[@]}" ]; then
    echo "cbench: the build's packages are installed already"
    exit 0
  fi
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}"
  exit 0
fi
for tool in pkg-config make cc; do
  command -v "$tool" >/dev/null 2>&1 \
    || { echo "::error::cbench: $tool is missing and this runner has no apt-get: install the equivalents of ${packages[*]}"; exit 2; }
done
