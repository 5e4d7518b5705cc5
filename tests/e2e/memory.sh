#!/usr/bin/env bash
# Memory you can act on, end to end, against references outside cbench:
#  1. a leak through the default gate: base and head differ by one free();
#     head shows retained-B/op, `bstat -gate` with no rule exits 1;
#  2. the profile holds the measured runs: a benchmark whose every run leaves
#     3 x 1000 bytes live reads 3000 B inuse_space in `go tool pprof` at
#     -benchtime 1x and 3x, 9000 B with -count 3 (skipped without go), and
#     the same in cbprof; alloc_space equals B/op x n of the printed lines;
#  3. the retention lesson (benches/retain.c) reads the same inuse_space at
#     every -benchtime, 64 MiB by pointer and 6400 B by copy per run, and
#     three times that with -count 3;
#  4. a two-commit repository whose head adds a needless strdup in make_key:
#     bench-compare.sh exits 1 and its report names make_key, +1 allocs/op.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "memory: $*" >&2; exit 1; }

make -C "$root" --no-print-directory -s build/libcbench.a build/bstat build/cbprof >/dev/null
bstat=$root/build/bstat
cbprof=$root/build/cbprof
libs="$root/build/libcbench.a -lcjson -lpthread -ldw -lelf -lz -lm"
compile() { # source output [cflags...]
  local src=$1 outp=$2
  shift 2
  # shellcheck disable=SC2086 # libs is a list of words
  cc -O2 -g -I"$root/harness" "$@" "$src" $libs -o "$outp"
}

# ---- 1. a new leak fails the default gate ----
cat >"$tmp/leak.c" <<'EOF'
#include <cbench.h>
#include <stdlib.h>
#include <string.h>
void *kept[1 << 16]; /* visible outside: the stores stay */
BENCH(Parse) {
	for (int64_t i = 0; i < b->n; i++) {
		char *buf = malloc(64);
		memset(buf, 0, 64);
		kept[i % (1 << 16)] = buf;
#ifndef LEAK
		free(buf);
#endif
	}
}
EOF
compile "$tmp/leak.c" "$tmp/leak-base"
compile "$tmp/leak.c" "$tmp/leak-head" -DLEAK
for side in base head; do
  "$tmp/leak-$side" -benchtime 1000x -count 5 -pkg leak >"$tmp/leak-$side.txt"
done
# The malloc(32) whose line moved is the same site, not a change.
grep -q cbench_fn_Key "$tmp/out/gate.txt" && { cat "$tmp/out/gate.txt"; fail "a moved line reads as a change"; }
grep -q 'retained-B/op' "$tmp/leak-base.txt" && fail "the base does not leak, yet shows retained-B/op"
grep -q ' 64.00 retained-B/op' "$tmp/leak-head.txt" || fail "head: want 64.00 retained-B/op"
set +e
"$bstat" -gate "$tmp/leak-base.txt" "$tmp/leak-head.txt" >"$tmp/leak-gate.txt" 2>&1
rc=$?
"$bstat" -gate "$tmp/leak-base.txt" "$tmp/leak-base.txt" >/dev/null 2>&1
same=$?
set -e
[ "$rc" = 1 ] || { cat "$tmp/leak-gate.txt"; fail "a new leak: want exit 1 from the default gate, got $rc"; }
grep -q 'Parse.*retained-B/op' "$tmp/leak-gate.txt" || fail "the gate does not name retained-B/op"
[ "$same" = 0 ] || fail "base against itself: want exit 0, got $same"

# ---- 2. the profile holds the measured runs ----
cat >"$tmp/live.c" <<'EOF'
#include <cbench.h>
#include <stdlib.h>
void *volatile sink; /* keeps the compiler from eliding malloc+free */
/* Every run keeps 3 x 1000 bytes until its timer stopped, whatever n is. */
BENCH(LiveFixed) {
	void *kept[3] = {0};
	for (int64_t i = 0; i < b->n; i++) {
		if (i == 0)
			for (int k = 0; k < 3; k++)
				kept[k] = malloc(1000);
		sink = malloc(24);
		free(sink);
	}
	cbench_stop_timer(b);
	for (int k = 0; k < 3; k++)
		free(kept[k]);
}
EOF
compile "$tmp/live.c" "$tmp/live"
check_live() { # want_inuse flags...
  local want=$1
  shift
  "$tmp/live" -cpu 1 -memprofile "$tmp/live.pb.gz" -memprofilerate 1 "$@" >"$tmp/live.txt"
  local got
  got=$("$cbprof" totals "$tmp/live.pb.gz" | awk -F'\t' '{ split($5, f, " "); print f[2] }')
  [ "$got" = "$want" ] || fail "cbprof: $*: inuse_space $got, want $want"
  # alloc_space is B/op x n summed over the printed lines
  local printed profiled
  printed=$(awk '/^BenchmarkLiveFixed/ { for (i = 4; i <= NF; i++) if ($i == "B/op") s += $2 * $(i - 1) }
                END { printf "%.0f", s }' "$tmp/live.txt")
  profiled=$("$cbprof" totals "$tmp/live.pb.gz" | awk -F'\t' '{ split($3, f, " "); print f[2] }')
  [ "$printed" = "$profiled" ] || fail "$*: alloc_space $profiled, B/op x n $printed"
  if command -v go >/dev/null 2>&1; then
    local top
    top=$(go tool pprof -sample_index=inuse_space -unit=B -top "$tmp/live" "$tmp/live.pb.gz" 2>/dev/null)
    grep -q "of ${want}B total" <<<"$top" || { echo "$top" >&2; fail "go tool pprof: $*: want ${want}B in use"; }
  fi
}
command -v go >/dev/null 2>&1 || echo "memory: go not installed: go tool pprof checks skipped (cbprof's still run)"
check_live 3000 -benchtime 1x
check_live 3000 -benchtime 3x
check_live 9000 -benchtime 3x -count 3
check_live 3000 -benchtime 10ms

# ---- 3. the retention lesson: what a run leaves is one index ----
compile "$root/benches/retain.c" "$tmp/retain"
check_lesson() { # want_pointer want_copy flags...
  local want_pointer=$1 want_copy=$2
  shift 2
  "$tmp/retain" -cpu 1 -memprofile "$tmp/retain.pb.gz" -memprofilerate 1 "$@" >/dev/null
  local got
  got=$("$cbprof" totals "$tmp/retain.pb.gz" |
    awk -F'\t' '{ split($5, f, " "); v[$1] = f[2] }
                END { print v["BenchmarkRetainByPointer"] " " v["BenchmarkRetainByCopy"] }')
  [ "$got" = "$want_pointer $want_copy" ] ||
    fail "retain.c $*: inuse_space by pointer, by copy: $got, want $want_pointer $want_copy"
}
check_lesson 67108864 6400 -benchtime 1x
check_lesson 67108864 6400 -benchtime 3x
check_lesson 67108864 6400 -benchtime 20ms
check_lesson 201326592 19200 -benchtime 2x -count 3

# ---- 4. bench-compare names the allocation site that changed ----
repo=$tmp/repo
mkdir -p "$repo"
cd "$repo"
git init -q
git config user.email e2e@example.invalid
git config user.name e2e
cat >Makefile <<EOF
bench:
	cc -O2 -g -I$root/harness key.c $libs -o bench
EOF
cat >key.c <<'EOF'
#include <cbench.h>
#include <stdlib.h>
#include <string.h>
static char name[] = "user:42";
static __attribute__((noinline)) const char *make_key(void)
{
	return name;
}
BENCH(Key) {
	for (int64_t i = 0; i < b->n; i++) {
		char *slot = malloc(32);
		strcpy(slot, make_key());
		cbench_keep(slot);
		free(slot);
	}
}
EOF
git add -A
git commit -qm base
# Work after the call keeps strdup from being a tail call, so make_key has
# a frame of its own (as in real code).
sed -i 's|\treturn name;|\tchar *copy = strdup(name); /* needless, and leaked */\n\tcopy[0] = name[0];\n\treturn copy;|' key.c
git commit -qam head
set +e
"$root/scripts/bench-compare.sh" --build "make -s bench" --bin bench --count 5 --benchtime 2000x \
  --bstat "$bstat" --out "$tmp/out" HEAD~1 HEAD >"$tmp/compare.log" 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$tmp/compare.log"; fail "bench-compare: want exit 1, got $rc"; }
grep -q 'make_key key.c:[0-9]* *allocs/op 0 → 1 (+1)' "$tmp/out/gate.txt" \
  || { cat "$tmp/out/gate.txt"; fail "gate.txt does not name make_key with +1 allocs/op"; }
grep -q '| `make_key` key.c:[0-9]* | 0 → 1 (+1) | 0 → 8 (+8) |' "$tmp/out/gate.md" \
  || { cat "$tmp/out/gate.md"; fail "gate.md has no make_key row"; }
cat "$tmp/out/gate.md" >&2 # shown when run by hand
echo "memory: ok"
