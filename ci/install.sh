#!/usr/bin/env bash
# The action's second step: builds and installs cbench (harness, header,
# pkg-config file, bstat) from the action's own checkout into
# $RUNNER_TEMP/cbench, and puts it on PKG_CONFIG_PATH and PATH for the
# steps that follow, so that a bench build can use
# `pkg-config --cflags --libs cbench`.
set -euo pipefail

: "${RUNNER_TEMP:?RUNNER_TEMP is not set (this runs as a GitHub Actions step)}"
: "${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set (this runs as a GitHub Actions step)}"
prefix="$RUNNER_TEMP/cbench"
command -v pkg-config >/dev/null 2>&1 \
  || { echo "::error::cbench: pkg-config is not installed; the action's first step installs it with apt-get install pkg-config"; exit 2; }
make -C "$GITHUB_ACTION_PATH/.." --no-print-directory -s -j"$(nproc 2>/dev/null || echo 2)" \
  BUILD="$RUNNER_TEMP/cbench-build" PREFIX="$prefix" install
echo "PKG_CONFIG_PATH=$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" >>"${GITHUB_ENV:-/dev/null}"
echo "$prefix/bin" >>"${GITHUB_PATH:-/dev/null}"
