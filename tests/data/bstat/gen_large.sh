#!/usr/bin/env bash
# Writes a large deterministic benchmark file for timing bstat:
#   gen_large.sh SEED [BENCHMARKS] [SAMPLES] > file
# BENCHMARKS names x SAMPLES result lines, each with sec/op, B/op and
# allocs/op (defaults 2000 x 30, so 180,000 values). A different SEED
# shifts the timings a little, as a second run of the same suite would.
set -eu
seed=${1:?usage: gen_large.sh SEED [BENCHMARKS] [SAMPLES]}
benchmarks=${2:-2000}
samples=${3:-30}
awk -v seed="$seed" -v nb="$benchmarks" -v ns="$samples" 'BEGIN {
  srand(seed)
  print "goos: linux"
  print "goarch: amd64"
  print "pkg: example.com/large"
  print "cpu: generated"
  for (s = 0; s < ns; s++)
    for (b = 0; b < nb; b++) {
      base = 100 + (b * 37) % 5000
      ns_op = base * (1 + 0.05 * rand() + 0.01 * seed)
      bytes = (b % 7) * 16 + (seed > 1 && b % 50 == 0 ? 8 : 0)
      printf "BenchmarkOp%d/size=%d-8\t%d\t%.2f ns/op\t%d B/op\t%d allocs/op\n",
        b, 1 + b % 64, 100000, ns_op, bytes, b % 7
    }
}'
