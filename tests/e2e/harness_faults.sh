#!/usr/bin/env bash
# Allocation failure through the whole harness: tests/data/harness/
# fault_bench.c runs with its nth allocation failing (the hooks' test-only
# switch, armed by the program from CBENCH_TEST_FAIL_NTH), for n = 1, 2, ...
# until a run completes before reaching the nth. Every run must end on its
# own (no signal, no hang past 20 s) and either print every result line of
# the reference run with status 0, or exit nonzero with a message (stderr,
# or a FAIL block): a failure must never be silent. Each bad n is listed,
# with its stack from gdb when gdb is installed. Run from the repo root;
# FAULT_ARGS overrides the benchmark flags.
#
# The walk runs twice: with -isolate=false, where every allocation of the
# runner and reporter happens in one process, and isolated (the default),
# where each benchmark's child inherits the armed switch, so an n past the
# parent's own allocations fails inside a child: that benchmark must then
# end in a FAIL block. The walk ends at the first n that no process
# reached, which must print what the reference run printed.
set -u
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
max=${FAULT_MAX:-5000}
# shellcheck disable=SC2046 # pkg-config output is a list of words
cc -O1 -g -Iharness tests/data/harness/fault_bench.c "$BUILD/libcbench.a" \
  $(pkg-config --libs libcjson 2>/dev/null || echo -lcjson) -lpthread -ldw -lelf -lz -lm \
  -o "$tmp/fault_bench" || { echo "FAIL: cannot build fault_bench"; exit 1; }
bin=$tmp/fault_bench

results() { grep -oE '^Benchmark[^[:space:]]+' "$1" | sort; }

stacks=0
stack() { # n: where the allocation failed, and where the run crashed (gdb)
  command -v gdb >/dev/null 2>&1 || return 0
  stacks=$((stacks + 1))
  [ "$stacks" -le 12 ] || return 0
  CBENCH_TEST_FAIL_NTH=$1 timeout 60 gdb -batch -ex 'set pagination off' -ex 'break fault_injected' \
    -ex run -ex 'bt 12' -ex continue -ex 'thread apply all bt 12' --args "$bin" "${args[@]}" 2>&1 </dev/null |
    grep -E '^(#|Thread .* (hit|received)|Program)' | grep -Ev '^#[0-9]+ .* (fault_injected|fault_now) ' | head -40 | sed 's/^/    /'
}

walk() {
  args=("$@")
"$bin" "${args[@]}" >"$tmp/ref" 2>"$tmp/ref.err" || { echo "FAIL: reference run: $(cat "$tmp/ref" "$tmp/ref.err")"; return 1; }
results "$tmp/ref" >"$tmp/ref.names"
[ -s "$tmp/ref.names" ] || { echo "FAIL: reference run printed no result"; return 1; }

bad=()
n=1
while [ "$n" -le "$max" ]; do
  rc=0
  CBENCH_TEST_FAIL_NTH=$n timeout 20 "$bin" "${args[@]}" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if grep -q '^fault-walk: not reached' "$tmp/err"; then
    if [ "$rc" = 0 ]; then
      results "$tmp/out" >"$tmp/names"
      cmp -s "$tmp/names" "$tmp/ref.names" ||
        bad+=("n=$n (reached by no process): results differ from the reference run")
      break
    fi
    # Reached only in a benchmark's child (isolation): it must say so.
    grep -q -- '^--- FAIL' "$tmp/out" || bad+=("n=$n (in a child): status $rc with no FAIL block")
    n=$((n + 1))
    continue
  fi
  if [ "$rc" = 124 ]; then
    bad+=("n=$n: hung (killed after 20 s)
$(stack "$n")")
  elif [ "$rc" -gt 128 ]; then
    bad+=("n=$n: killed by signal $((rc - 128))
$(grep -v '^fault-walk' "$tmp/err" | tail -3)
$(stack "$n")")
  elif ! grep -q '^fault-walk: failed' "$tmp/err"; then
    bad+=("n=$n: status $rc, exited before main returned: $(tail -3 "$tmp/err")")
  elif [ "$rc" = 0 ]; then
    results "$tmp/out" >"$tmp/names"
    cmp -s "$tmp/names" "$tmp/ref.names" ||
      bad+=("n=$n: status 0 but results missing: $(comm -23 "$tmp/ref.names" "$tmp/names" | tr '\n' ' ')
$(stack "$n")")
  elif [ "$(grep -cv '^fault-walk' "$tmp/err")" = 0 ] && ! grep -q -- '--- FAIL\|^FAIL' "$tmp/out"; then
    bad+=("n=$n: status $rc with no message
$(stack "$n")")
  fi
  n=$((n + 1))
done
[ "$n" -le "$max" ] || bad+=("still failing allocations after n=$max")
if [ "${#bad[@]}" -gt 0 ]; then
  printf 'FAIL: %s\n' "${bad[@]}"
  echo "FAIL: ${#bad[@]} of $((n - 1)) failing allocations handled badly (flags: ${args[*]})"
  return 1
fi
echo "ok: each of the $((n - 1)) allocations of a run failed in turn, each run ended cleanly (flags: ${args[*]})"
}

if [ -n "${FAULT_ARGS:-}" ]; then
  read -r -a custom <<<"$FAULT_ARGS"
  walk "${custom[@]}"
else
  walk -bench . -benchtime 20x -count 2 -isolate=false && walk -bench . -benchtime 20x -count 2
fi
