#!/usr/bin/env bash
# Every example measures real work: README's C blocks (marked
# `<!-- readme-test: NAME.c -->`) and the benches/ suites (BENCH_SRCS), each
# built with gcc and clang at -O2 and -O3, print only physically possible
# figures.
#  - MB/s below 100 GB/s (100,000 MB/s): more than any memory system this
#    project runs on moves, and far more than the examples' real figures
#    (README's Copy of 16 MiB: 2-35 GB/s; cJSON: 40-100 MB/s). A benchmark
#    whose copies were deleted prints millions.
#  - ns/op at least 4 x the skeleton's. tests/data/harness/bounds_reference.c
#    links BoundsSkeleton into every binary: the loop that is all a benchmark
#    keeps when the optimizer deletes its work (counter, compare, branch, the
#    zero-instruction asm of cbench_keep/cbench_clobber), 1 cycle per
#    iteration. A deleted loop takes 1 to 2 cycles (BoundsDeletedCopy: up to
#    2.1 x the skeleton); the cheapest real work here, README's ParseLoop
#    (a strchr), costs 10 x or more. Each figure is a minimum over three
#    rounds seconds apart; the skeleton's and the control's over 60 short
#    samples. Load only adds time: it cannot push a real benchmark under its
#    floor, and lifts the floor (or the control over it) only if it slows
#    all 60 samples. Under heavy load a deleted benchmark of the examples
#    may escape the floor, never a real one fail it. The floor scales with
#    the machine's clock, as the work does.
#  - BoundsDeletedCopy, the README's old Copy (deleted by both compilers),
#    must break both rules: proof that each rule can fire.
# Run from the repo root after make.
set -eu
BUILD=${BUILD:-build}
read -r -a libs <<<"${CBENCH_LIBS:--lcjson -lpthread -ldw -lelf -lz -lm}"
# The suites the Makefile links into cbench-examples (make exports the
# list; benches/ may hold other programs with their own main).
read -r -a suites <<<"${BENCH_SRCS:-$(make --no-print-directory -s -p -q -n 2>/dev/null |
  sed -n 's/^BENCH_SRCS := //p' | head -n 1)}"
[ "${#suites[@]}" -gt 0 ] || { echo "FAIL: no BENCH_SRCS from the Makefile"; exit 1; }
read -r -a cjson <<<"$(pkg-config --cflags libcjson 2>/dev/null || echo -I/usr/include/cjson)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
checked=0
binaries=0

# The fenced block after each `<!-- readme-test: NAME.c -->`, as $tmp/NAME.c.
awk -v dir="$tmp" '
  /^<!-- readme-test: [A-Za-z0-9_]+\.c -->$/ { file = dir "/" $3; found = 1; next }
  found == 1 && /^```/ { found = 2; next }
  found == 2 && /^```/ { found = 0; close(file); next }
  found == 2 { print > file }
' README.md
readme_blocks=("$tmp"/*.c)
[ -e "${readme_blocks[0]}" ] || { echo "FAIL: README has no readme-test C blocks"; exit 1; }

# judge OUTPUT LABEL: applies the rules to one binary's results.
judge() {
  awk -v label="$2" -v bound=100000 -v factor=4 '
    /^Benchmark/ {
      name = $1; sub(/-[0-9]+$/, "", name)
      for (i = 3; i < NF; i += 2) {
        if ($(i + 1) == "ns/op" && (!(name in ns) || $i + 0 < ns[name])) ns[name] = $i + 0
        if ($(i + 1) == "MB/s" && (!(name in mbs) || $i + 0 > mbs[name])) mbs[name] = $i + 0
      }
    }
    END {
      skel = ns["BenchmarkBoundsSkeleton"]
      if (skel == "" || skel <= 0) { print label ": no BoundsSkeleton result"; exit }
      floor = factor * skel
      for (name in ns) {
        if (name == "BenchmarkBoundsSkeleton") continue
        bad = ""
        if (ns[name] < floor)
          bad = sprintf("%.4g ns/op is below the floor %.4g (4 x skeleton %.4g): its work was deleted", ns[name], floor, skel)
        if ((name in mbs) && mbs[name] >= bound)
          bad = bad (bad == "" ? "" : "; ") sprintf("%.2f MB/s is above 100 GB/s", mbs[name])
        if (name == "BenchmarkBoundsDeletedCopy") {
          if (ns[name] >= floor || mbs[name] < bound)
            print label ": the deleted control passed a rule (" ns[name] " ns/op, " mbs[name] " MB/s, floor " floor "): the check cannot catch deletion"
        } else if (bad != "") {
          print label ": " name ": " bad
        } else {
          n++
        }
      }
      print "checked " n + 0 > "/dev/stderr"
    }' "$1"
}

# run LABEL BINARY: three rounds, each twenty 5 ms samples of the skeleton
# and of the deleted control, and one short run of everything, on one
# thread. Rounds are seconds apart, so a burst of load that slows one
# round's samples spares another's.
run() {
  local label=$1 bin=$2 out=$tmp/out verdict round
  : >"$out"
  for round in 1 2 3; do
    if ! "$bin" -bench 'Bounds(Skeleton|DeletedCopy)' -benchtime 5ms -count 20 -cpu 1 >>"$out" 2>&1 ||
       ! "$bin" -bench . -benchtime 10ms -cpu 1 >>"$out" 2>&1; then
      echo "FAIL: $label: the benchmarks failed (round $round):"; cat "$out"
      failures=$((failures + 1)); return
    fi
  done
  binaries=$((binaries + 1))
  verdict=$(judge "$out" "$label" 2>"$tmp/count")
  checked=$((checked + $(sed 's/checked //' "$tmp/count")))
  if [ -n "$verdict" ]; then
    echo "FAIL: $verdict" | sed '2,$s/^/FAIL: /'; cat "$out"
    failures=$((failures + 1))
  fi
}

build() { # label output sources... (compiler flags in $flags)
  local label=$1 bin=$2
  shift 2
  if ! "$cc" "${flags[@]}" "$@" tests/data/harness/bounds_reference.c "$BUILD/libcbench.a" "${libs[@]}" \
      -o "$bin" 2>"$tmp/cc.err"; then
    echo "FAIL: $label does not compile cleanly:"; cat "$tmp/cc.err"
    failures=$((failures + 1)); return 1
  fi
}

for cc in gcc clang; do
  command -v "$cc" >/dev/null || { echo "FAIL: $cc not installed (scripts/deps.sh test)"; exit 1; }
  for opt in -O2 -O3; do
    # README's examples as a user builds them: strict C11, nothing predefined.
    flags=(-std=c11 "$opt" -Wall -Wextra -Werror -Iharness)
    for src in "${readme_blocks[@]}"; do
      name=$(basename "$src" .c)
      build "README $name.c, $cc $opt" "$tmp/$name" "$src" && run "README $name.c, $cc $opt" "$tmp/$name"
    done
    # The suites as the Makefile builds them.
    flags=(-std=c11 -D_GNU_SOURCE "$opt" -Wall -Wextra -Werror -Iharness "${cjson[@]}")
    build "benches, $cc $opt" "$tmp/benches" "${suites[@]}" && run "benches, $cc $opt" "$tmp/benches"
  done
done

[ "$failures" = 0 ] || { echo "bench_bounds: $failures failures"; exit 1; }
echo "bench_bounds: $checked benchmarks in $binaries binaries (gcc, clang; -O2, -O3) within bounds; the deleted control caught in each"
