#!/usr/bin/env bash
# Writes one random differential-test case for bstat against benchstat:
#   gen_diff.sh SEED DIR
# DIR/args gets the arguments (one per line, run in DIR), DIR/*.txt the Go
# benchmark-format inputs they name. The same SEED always gives the same
# case: the random numbers come from a Park-Miller generator written out in
# awk (products stay below 2^53, so any POSIX awk computes them exactly),
# not from awk's rand(), which differs between awks.
#
# What a case may hold: 1-4 files, optional name=path labels; configuration
# lines (goos, pkg, cpu, a custom key), some changing between files or
# mid-file; benchmarks with sub-benchmark keys and -N suffixes; ns/op, B/op,
# allocs/op, MB/s and custom units (frobs/op, score), `Unit` metadata lines;
# ties, zeros, NaN samples, malformed lines; and random -row, -col, -table,
# -filter, -ignore, -alpha, -confidence and -format (text, csv, or an unknown
# format) settings, some of them invalid.
#
# Rules the cases keep so that upstream's known faults stay out of them
# (tests/e2e/bstat_diff.sh states how the rest are treated):
#  - every file holds at least one valid result (bstat refuses empty inputs);
#  - in cases whose benchmarks have unequal sample counts across files, every
#    value is distinct, so no comparison of unequal sizes has ties (there
#    upstream's p-values are wrong and bstat's exact ones differ);
#  - no iteration count <= 0 and no negative time, bytes or allocations
#    (bstat's gate rejects them; benchstat reads them).
set -eu
seed=${1:?usage: gen_diff.sh SEED DIR}
dir=${2:?usage: gen_diff.sh SEED DIR}
mkdir -p "$dir"
awk -v seed="$seed" -v dir="$dir" '
function rnd(n) {            # uniform integer in [0, n)
  st = (st * 48271) % 2147483647
  return int(st / 2147483647 * n)
}
function pick(list,    a, k) { k = split(list, a, "|"); return a[rnd(k) + 1] }
function chance(pct) { return rnd(100) < pct }
function emit(f, line) { lines[f, ++nl[f]] = line }
# A value of ns/op for benchmark b in file f, sample j.
function value(b, f, j,    v) {
  if (nan[b] && f == 1) return "NaN"
  if (zero[b] && chance(60)) return "0"
  v = base[b] * factor[b, f]
  if (distinct) return sprintf("%d.%05d", int(v), ++uniq)
  if (tiemode[b] == 1) return sprintf("%.1f", v * (1 + rnd(3) / 100))
  if (tiemode[b] == 2) return sprintf("%d", v)
  return sprintf("%.2f", v * (1 + rnd(1000) / 20000))
}
function resultline(b, f, j,    s, iters, mbs) {
  iters = pick("1|100|1000|2000000|5000")
  s = sprintf("%s\t%d\t%s ns/op", name[b], iters, value(b, f, j))
  if (!distinct && units ~ /B/) s = s sprintf("\t%d B/op", bytes[b] + (f > 1 && grow[b] ? 16 : 0))
  if (!distinct && units ~ /A/) s = s sprintf("\t%d allocs/op", allocs[b] + (f > 1 && grow[b] ? 1 : 0))
  mbs = 1000 / (1 + base[b] * factor[b, f] / 1000)
  if (units ~ /M/) s = s "\t" (distinct ? sprintf("%d.%05d", mbs, ++uniq) : sprintf("%.2f", mbs + rnd(3))) " MB/s"
  if (units ~ /F/) s = s sprintf("\t%s frobs/op", distinct ? sprintf("%d.%05d", 3 + rnd(3), ++uniq) : 3 + rnd(2))
  if (units ~ /S/) s = s sprintf("\t%s score", distinct ? sprintf("%d.%05d", 50 - rnd(100), ++uniq) : 50 - rnd(100))
  return s
}
function malformed() {
  return pick("BenchmarkBroken|BenchmarkBad\tabc\t5 ns/op|BenchmarkBad\t10\t5|BenchmarkBad\t10\tx ns/op|" \
              "BenchmarkBad\t10\t5 ns/op\t6|some text that is not a result|PASS|ok  \texample.com/p\t1.2s|" \
              "BenchmarkHuge\t10\t1e999 ns/op|Unit frobs/op assume=maybe|Unit|key-without-value:|" \
              "|   |BenchmarkSpaced   10   7.5e1  ns/op|Unit score better=higher assume=exact|" \
              "BenchmarkInf\t10\t+Inf ns/op|goos:linux|BenchmarkUnicode/ключ=знач-8\t10\t12 ns/op|" \
              "BenchmarkTab\t\t10\t\t3 ns/op|Unit ns/op|BenchmarkX\t10\t5 ns/op\t6 ns/op")
}
BEGIN {
  st = (seed * 7919 + 12345) % 2147483646 + 1
  for (i = 0; i < 5; i++) rnd(2)
  nfiles = 1 + rnd(3); if (chance(10)) nfiles = 4
  distinct = chance(20)
  units = pick("|B|BA|BA|BAM|F|S|BAFS|A")
  nb = 1 + rnd(5)
  split("Encode Decode Parse Sort Hash Walk", names, " ")
  sub1 = pick("|size=1,size=10,size=100|mode=a,mode=b|fast,slow|size=1,size=10")
  sub2 = pick("||k=x,k=y|")
  procs = pick("-8||-4|-8")
  n = 0
  for (i = 1; i <= nb; i++) {
    ns1 = split(sub1, s1, ","); if (ns1 == 0) { ns1 = 1; s1[1] = "" }
    ns2 = split(sub2, s2, ","); if (ns2 == 0) { ns2 = 1; s2[1] = "" }
    nm = names[1 + (i - 1 + rnd(2)) % 6]
    for (a = 1; a <= ns1; a++) for (c = 1; c <= ns2; c++) {
      if (ns1 * ns2 > 2 && chance(30)) continue
      full = "Benchmark" nm (s1[a] != "" ? "/" s1[a] : "") (s2[c] != "" ? "/" s2[c] : "") procs
      if (full in seen) continue
      seen[full] = 1
      name[++n] = full
    }
  }
  if (n == 0) name[++n] = "BenchmarkOnly" procs
  for (b = 1; b <= n; b++) {
    base[b] = (1 + rnd(900) / 100) * pick("1|10|100|1000|100000|10000000")
    tiemode[b] = rnd(3)
    nan[b] = chance(4); zero[b] = chance(4)
    bytes[b] = pick("0|16|64|1024"); allocs[b] = pick("0|1|2|5"); grow[b] = chance(30)
    for (f = 1; f <= nfiles; f++)
      factor[b, f] = f == 1 ? 1 : (chance(30) ? 1 : (chance(30) ? pick("0.5|2|1.5|0.9") : 1 + (rnd(41) - 20) / 100))
    only[b] = chance(10) ? 1 + rnd(nfiles) : 0      # benchmark in one file only
  }
  count = pick("1|3|5|6|6|8|10|60")
  pkgdiff = chance(15); midcfg = chance(15); custom = chance(25)
  for (f = 1; f <= nfiles; f++) {
    emit(f, "goos: linux"); emit(f, "goarch: amd64")
    emit(f, "pkg: example.com/" (pkgdiff && f > 1 ? "other" : "bench"))
    if (chance(70)) emit(f, "cpu: Generated CPU @ " (f == 2 && chance(20) ? "3.00GHz" : "2.00GHz"))
    if (custom) emit(f, "note: " pick("x|y|x"))
    if (chance(15)) emit(f, "Unit frobs/op assume=exact")
    if (chance(15)) emit(f, "Unit score better=higher")
    if (chance(10)) emit(f, "Unit ns/op assume=nothing")
    k = count
    for (b = 1; b <= n; b++) cnt[b] = distinct ? 1 + rnd(chance(10) ? 60 : 8) : k
    for (j = 1; j <= 60; j++) {
      if (j == 1 + int(k / 2) && midcfg && f == nfiles) emit(f, "note: second-half")
      if (chance(5)) emit(f, malformed())
      for (b = 1; b <= n; b++) {
        if (only[b] && only[b] != f) continue
        if (j <= cnt[b]) { emit(f, resultline(b, f, j)); results[f]++ }
      }
    }
    if (!results[f]) emit(f, resultline(1, f, 1))
    if (chance(20)) emit(f, "PASS")
  }
  for (f = 1; f <= nfiles; f++) {
    file = dir "/" substr("abcd", f, 1) ".txt"
    for (i = 1; i <= nl[f]; i++) print lines[f, i] > file
    close(file)
  }
  out = dir "/args"
  if (chance(30)) print "-row\n" pick(".name|.fullname|/size|.name,/size|.file|.config|/mode|goos|.name@alpha|/size@num|/size@(100 1 10)|.unit|pkg|/k|.name,/k") > out
  if (chance(25)) print "-col\n" pick(".file|/size|.config|goos|.name|note|/mode@(b a)|/k|.fullname|pkg") > out
  if (chance(15)) print "-table\n" pick(".config||pkg|/size|.unit|.name|note|(") > out
  if (chance(20)) print "-filter\n" pick("*|/size:1|.name:Encode|-.name:Decode|.unit:ns/op|goos:linux|bad(|note:(x OR y)|/mode:a AND .unit:B/op|-/k:x|.name:/^[DE]/") > out
  if (chance(15)) print "-ignore\n" pick("pkg|cpu|/k|note|pkg,cpu|.unit") > out
  if (chance(15)) print "-alpha\n" pick("0.1|0.01|0|1|2|0.5") > out
  if (chance(15)) print "-confidence\n" pick("0.9|0.99|0|1|1.5|0.5") > out
  if (chance(30)) print "-format\n" pick("csv|csv|text|xml") > out
  labels = chance(15)
  for (f = 1; f <= nfiles; f++)
    print (labels ? pick("old|new|base|head") f "=" : "") substr("abcd", f, 1) ".txt" > out
  close(out)
}'
