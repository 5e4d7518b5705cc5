#!/usr/bin/env bash
# bstat's HTML pages in headless Chromium (Debian package chromium): a
# comparison report with -gate and a history of 24 commits, each loaded
# from a file:// URL and checked by bstat_html_browser.cjs against bstat's
# JSON for the same inputs (every plot present and visible, every sample
# drawn, deltas as the text table says them, no request leaving the page,
# no sideways overflow on a phone, dark mode). Screenshots land in
# $BUILD/html/; README's pictures are report.png and history.png from there.
# Skips (exit 0, with a message) when chromium or node is not installed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/${BUILD:-build}"
bstat="$build/bstat"
data="$root/tests/data/html"
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "SKIP bstat_html_browser: chromium is not installed (Debian package chromium)"
  exit 0
fi
if ! command -v node >/dev/null; then
  echo "SKIP bstat_html_browser: node is not installed (Debian package nodejs)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out="$build/html"
mkdir -p "$out"
fail=0

cd "$tmp" || exit 2
"$data/gen.sh" old >old.txt
"$data/gen.sh" new >new.txt
"$data/gen.sh" history 24 >history.txt

# The gate fails Decode's B/op here (exit 1): the page must say so and still draw.
status=0
"$bstat" -format html -gate old.txt new.txt >report.html || status=$?
[ "$status" = 1 ] || { echo "FAIL report: bstat exit $status, want 1"; fail=1; }
"$bstat" -format json old.txt new.txt >report.json || fail=1
"$bstat" -format html -history history.txt -rule sec/op=10% >history.html || fail=1
"$bstat" -format json -col time,commit history.txt >history.json || fail=1
cp report.html history.html "$out/"

for kind in report history; do
  if timeout 90 node "$root/tests/e2e/bstat_html_browser.cjs" "$chromium" \
      "$tmp/$kind.html" "$tmp/$kind.json" "$kind" "$out"; then
    echo "ok   $kind in chromium: $out/$kind.png"
  else
    echo "FAIL $kind in chromium"; fail=1
  fi
done
exit $fail
