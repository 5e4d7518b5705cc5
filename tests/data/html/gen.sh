#!/bin/sh
# Deterministic inputs for the HTML tests and the README pictures.
#   gen.sh old | new      a comparison: Encode gets faster, Decode's B/op
#                         grows (a gate failure), the rest stays put
#   gen.sh history N      N commit records (N >= 20 for the test): Encode's
#                         sec/op steps up 25% at commit 12, Parse/size=large
#                         allocates more from commit 17, Decode improves at 8
# Noise comes from a Park-Miller generator in awk, exact in doubles, so
# every awk prints the same bytes.
set -eu
mode=${1:?usage: gen.sh old|new|history N}
n=${2:-0}
awk -v mode="$mode" -v ncommits="$n" '
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
# A sample around m with relative spread s.
function noisy(m, s) { return m * (1 + s * (rnd() + rnd() + rnd() - 1.5)) }
function result(name, ns, bytes, allocs) {
	printf "Benchmark%s-8\t%d\t%.2f ns/op\t%d B/op\t%d allocs/op\n", name, 100000, ns, bytes, allocs
}
function header() {
	print "goos: linux"; print "goarch: amd64"; print "pkg: example.com/codec"
	print "cpu: Example CPU @ 3.00GHz"
}
function run(encode, decode, decode_bytes, large_allocs,   i) {
	for (i = 0; i < 6; i++) {
		result("Encode", noisy(encode, 0.04), 64, 2)
		result("Decode", noisy(decode, 0.05), decode_bytes, 3)
		result("Parse/size=small", noisy(950, 0.03), 128, 4)
		result("Parse/size=large", noisy(48000, 0.03), 8192, large_allocs)
	}
}
BEGIN {
	if (mode == "old") {
		seed = 12345; header(); run(1200, 2300, 256, 16)
	} else if (mode == "new") {
		seed = 54321; header(); run(1010, 2290, 320, 16)
	} else if (mode == "history") {
		seed = 777
		for (c = 1; c <= ncommits; c++) {
			# A fake 40-digit hash: deterministic, distinct per commit.
			sha = ""
			for (k = 0; k < 5; k++) sha = sha sprintf("%08x", int(rnd() * 4294967295))
			printf "commit: %s\n", sha
			printf "time: 2026-11-%02dT%02d:%02d:00Z\n", 1 + int(c / 2), (c % 2) * 12 + 3, c % 60
			header()
			run(c < 12 ? 1200 : 1500, c < 8 ? 2300 : 1900, 256, c < 17 ? 16 : 20)
		}
	} else {
		print "gen.sh: unknown mode " mode > "/dev/stderr"; exit 2
	}
}'
