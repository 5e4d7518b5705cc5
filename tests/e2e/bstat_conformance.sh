#!/usr/bin/env bash
# bstat against benchstat's golden output, byte for byte.
#  1. Upstream's own cases in ../shared/conformance/benchstat (NAME.args is one
#     line of arguments, run in that folder); skipped when the folder is absent.
#  2. Our fixtures in tests/data/bstat (NAME.argv holds one argument per line;
#     expected output was produced by upstream benchstat, with its "benchstat:"
#     error prefix spelled "bstat:"). Cases named err_* must exit 2.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bstat="$root/${BUILD:-build}/bstat"
conf="${BSTAT_CONFORMANCE:-$root/../shared/conformance/benchstat}"
fail=0
pass=0
known_count=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # name dir expected-status args...
  local name=$1 dir=$2 want_status=$3 known=""
  shift 3
  if [ -f "$dir/KNOWN_DIFFS" ]; then
    known=$(grep "^$name:" "$dir/KNOWN_DIFFS" || true)
  fi
  local status=0
  (cd "$dir" && "$bstat" "$@") >"$tmp/out" 2>"$tmp/err" || status=$?
  local ok=1
  # A listed case's differences are expected: not worded as failures.
  local tag="FAIL"
  [ -z "$known" ] || tag="  differs (known):"
  if ! cmp -s "$tmp/out" "$dir/$name.stdout"; then
    echo "$tag $name: stdout differs"; diff "$dir/$name.stdout" "$tmp/out" | head -20; ok=0
  fi
  if [ -f "$dir/$name.stderr" ] && ! cmp -s "$tmp/err" "$dir/$name.stderr"; then
    echo "$tag $name: stderr differs"; diff "$dir/$name.stderr" "$tmp/err" | head -10; ok=0
  fi
  if [ "$status" != "$want_status" ]; then
    echo "$tag $name: exit status $status, want $want_status"; ok=0
  fi
  if [ -n "$known" ]; then
    if [ $ok = 1 ]; then
      echo "FAIL $name: listed in KNOWN_DIFFS but passes now; remove it"; fail=$((fail + 1))
    else
      echo "known difference $known (see ${dir#"$root"/}/KNOWN_DIFFS)"; known_count=$((known_count + 1))
    fi
  elif [ $ok = 1 ]; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); fi
}

if [ ! -x "$bstat" ]; then
  echo "bstat not built at $bstat"; exit 1
fi

if [ -d "$conf" ]; then
  for args in "$conf"/*.args; do
    name=$(basename "$args" .args)
    read -r -a argv <"$args"
    check "$name" "$conf" 0 "${argv[@]}"
  done
else
  echo "skipped: upstream conformance cases not found at $conf"
fi

data="$root/tests/data/bstat"
for argvf in "$data"/*.argv; do
  name=$(basename "$argvf" .argv)
  mapfile -t argv <"$argvf"
  want=0
  case $name in err_*) want=2 ;; esac
  check "$name" "$data" "$want" "${argv[@]}"
done

echo "bstat conformance: $pass passed, $fail failed, $known_count known differences"
[ "$fail" = 0 ]
