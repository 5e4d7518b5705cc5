#!/usr/bin/env bash
# bstat -format html and -history without a browser: exit statuses, the
# page's structure (counts of plots, rows, medians, deltas, flags), that it
# names no external URL and escapes what the inputs say, the history
# format's errors, and golden skeletons of a few pages (the HTML with
# coordinates and CSS taken out, so they pin structure and texts, not
# pixels). UPDATE=1 rewrites the skeletons (read the diff before committing).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bstat="$root/${BUILD:-build}/bstat"
data="$root/tests/data/html"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

expect() { # description expected-status command...
  local what=$1 want=$2 status=0
  shift 2
  timeout 60 "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
  if [ "$status" != "$want" ]; then
    echo "FAIL $what: exit $status, want $want"; head -5 "$tmp/err"; fail=1
  else
    echo "ok   $what"
  fi
}
count() { # pattern file -> number of matches (fixed string)
  grep -oF -- "$1" "$2" | wc -l
}
want_count() { # description pattern file n
  local got
  got=$(count "$2" "$3")
  if [ "$got" != "$4" ]; then echo "FAIL $1: $got × '$2', want $4"; fail=1; else echo "ok   $1"; fi
}
want_grep() { # description file extended-regex
  if grep -qE -- "$3" "$2"; then echo "ok   $1"; else echo "FAIL $1: no /$3/"; fail=1; fi
}
want_no_grep() { # description file extended-regex
  if grep -qiE -- "$3" "$2"; then echo "FAIL $1: found /$3/"; grep -oiE -- "$3" "$2" | head -3; fail=1
  else echo "ok   $1"; fi
}
self_contained() { # page
  want_grep "$1: CSP default-src 'none'" "$1" "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""
  want_no_grep "$1: nothing to fetch" "$1" "https?:|//[a-z]|<script|<link|<img|<iframe| src=| href=|url\\(|@import"
}
skeleton() { # page -> its structure: no CSS, no coordinates, one tag a line, runs counted
  sed '/^<style>$/,/^<\/style>$/d' "$1" |
    sed -E 's/ (x|y|x1|x2|y1|y2|cx|cy|r|width|height|d|viewBox)="[^"]*"//g; s/></>\n</g' |
    awk '$0 == prev { n++; next }
         { if (NR > 1) print (n > 1 ? prev " [x" n "]" : prev); prev = $0; n = 1 }
         END { print (n > 1 ? prev " [x" n "]" : prev) }'
}
golden() { # name page
  skeleton "$2" >"$tmp/$1.skeleton"
  if [ "${UPDATE:-0}" = 1 ]; then cp "$tmp/$1.skeleton" "$data/$1.skeleton"; fi
  if diff -u "$data/$1.skeleton" "$tmp/$1.skeleton" >"$tmp/diff"; then
    echo "ok   golden $1"
  else
    echo "FAIL golden $1 differs:"; head -40 "$tmp/diff"; fail=1
  fi
}

cd "$tmp" || exit 2
"$data/gen.sh" old >old.txt
"$data/gen.sh" new >new.txt
"$data/gen.sh" history 24 >history.txt
"$data/gen.sh" history 14 >short.txt

# The comparison: 4 benchmarks x 3 units, 6 runs each side.
expect "report" 0 "$bstat" -format html old.txt new.txt
cp out report.html
self_contained report.html
want_count "report: a section per table" '<section class="table"' report.html 3
want_count "report: a card per benchmark and unit" '<div class="bench' report.html 12
want_count "report: a strip plot per card" '<svg class="plot strip"' report.html 12
want_count "report: two lanes per plot" '<g class="lane ' report.html 24
want_count "report: every sample drawn" '<circle class="s"' report.html 144
want_count "report: a median per lane" '<line class="m"' report.html 24
want_count "report: a table row per input" '<tr><td>' report.html 24
want_count "report: a delta per benchmark" '<td class="num delta' report.html 12
want_count "report: one significant delta (Encode faster)" '<td class="num delta better">-17.02%' report.html 1
want_count "report: one worse (Decode's B/op)" '<td class="num delta worse">+25.00%' report.html 1
want_count "report: the rest is ~" '<td class="num delta nosig">~' report.html 10
want_count "report: the geomean row" '<p class="geomean"><b>geomean</b>' report.html 3
want_grep "report: the text table's median" report.html '1\.223µ ± 2%'
want_grep "report: axis labels in SI prefixes" report.html '>1\.2µ<'
want_grep "report: B/op in binary prefixes" report.html '>256\.0 ± 0%<'
want_grep "report: footnotes" report.html '<li>all samples are equal</li>'
want_no_grep "report: no gate verdict without -gate" report.html 'id="verdict"'
# Every delta the page prints is the text table's, in the same order.
"$bstat" old.txt new.txt | grep -oE '(~|[+-][0-9.]+%) \(p=' | sed 's/ (p=//' >text-deltas
grep -oE '<td class="num delta [a-z]+">[^<]*' report.html | sed 's/.*">//' >html-deltas
if diff text-deltas html-deltas >/dev/null && [ -s text-deltas ]; then echo "ok   report: deltas match the text table"
else echo "FAIL report: deltas differ from the text table"; diff text-deltas html-deltas | head; fail=1; fi
golden report report.html

# With -gate: the gate's exit status, its verdict on top, the failing row marked.
expect "gated report exits as the gate" 1 "$bstat" -format html -gate old.txt new.txt
cp out gate.html
self_contained gate.html
want_grep "gate: verdict at the top" gate.html '<div class="verdict fail" id="verdict"><strong>Gate: regression</strong>'
want_grep "gate: its report" gate.html 'gate: Decode-8  B/op .*\+25\.00%'
want_count "gate: one card failed" '<div class="bench fail"' gate.html 1
want_count "gate: one row failed" '<tr class="fail">' gate.html 1
want_grep "gate: the failed card is Decode's B/op" gate.html '<div class="bench fail" data-unit="B/op" data-bench="Decode-8">'
expect "gate pass" 0 "$bstat" -format html -gate old.txt old.txt
want_grep "gate pass: verdict" out '<div class="verdict pass" id="verdict"><strong>Gate: pass</strong>'
want_count "gate pass: nothing failed" 'class="bench fail' out 0
expect "gate with an unreadable line" 2 "$bstat" -format html -gate old.txt "$root/tests/data/gate/base.txt" - <<<"BenchmarkX 1 x ns/op"
golden gate gate.html

# What the inputs say is text, never markup.
cat >hostile.txt <<'EOF'
note: <script>alert("x")</script> & 'q'
BenchmarkA<b>&"'-8 10 100 ns/op
BenchmarkA<b>&"'-8 10 110 ns/op
BenchmarkBad 1 1 nope/op x
EOF
expect "hostile names" 0 "$bstat" -format html "x<i>&\"y=hostile.txt" hostile.txt
cp out hostile.html
self_contained hostile.html
want_no_grep "hostile: no markup from the input" hostile.html '<script|A<b>|x<i>|alert\("'
want_grep "hostile: benchmark name escaped" hostile.html 'data-bench="A&lt;b&gt;&amp;&quot;&#39;-8"'
want_grep "hostile: config value escaped" hostile.html 'note: &lt;script&gt;alert\(&quot;x&quot;\)&lt;/script&gt; &amp; &#39;q&#39;'
want_grep "hostile: file label escaped" hostile.html '>x&lt;i&gt;&amp;&quot;y<'
want_grep "hostile: input warnings on the page" hostile.html 'hostile.txt:4: '
grep -q 'hostile.txt:4: ' err || { echo "FAIL hostile: warning not on stderr"; fail=1; }
golden hostile hostile.html

# History: 24 commits. Encode's sec/op steps up 25% at commit 12 (flagged when
# sec/op is gated), Parse/size=large's allocs/op grows 25% at commit 17 (the
# default rules gate it), Decode improves at commit 8.
expect "history" 0 "$bstat" -format html -history history.txt
cp out history-default.html
want_count "history (default rules): one regression" '<circle class="pt fail"' history-default.html 1
expect "history -rule sec/op=10%" 0 "$bstat" -format html -history history.txt -rule sec/op=10%
cp out history.html
self_contained history.html
want_count "history: a chart per benchmark and unit" '<svg class="plot trend"' history.html 12
want_count "history: a point per commit and chart" '<circle class="pt' history.html 288
want_count "history: two regressions marked" '<circle class="pt fail"' history.html 2
want_count "history: two listed" '<li class="worse">' history.html 2
want_count "history: two cards failed" '<div class="bench trend fail"' history.html 2
want_grep "history: Encode flagged at commit 12" history.html "<code>$(grep '^commit:' history.txt | sed -n 12p | cut -c9-)</code> Encode-8 sec/op: regressed, \+"
want_grep "history: allocs flagged at commit 17" history.html "<code>$(grep '^commit:' history.txt | sed -n 17p | cut -c9-)</code> Parse/size=large-8 allocs/op: regressed, \+25\.00%"
want_grep "history: Decode's improvement marked" history.html '<circle class="pt better"'
want_grep "history: span of commits" history.html '24 commits, from <code>'
# The same history split over a directory (in name order) draws the same page.
mkdir hist.d
awk '/^commit:/ { n++ } { print > ("hist.d/" (n <= 9 ? "a" : "b") ".txt") }' history.txt
expect "history from a directory" 0 "$bstat" -format html -history hist.d -rule sec/op=10%
if diff <(sed 1,/\<h1\>/d history.html) <(sed 1,/\<h1\>/d out) >/dev/null; then echo "ok   history: file and dir agree"
else echo "FAIL history: the directory's page differs"; fail=1; fi
# Records in any order: time orders them.
awk '/^commit:/ { n++ } { print > ("rec" sprintf("%02d", n)) }' history.txt
cat rec2? rec1? rec0? >shuffled.txt
expect "history out of order" 0 "$bstat" -format html -history shuffled.txt -rule sec/op=10%
want_count "history out of order: same regressions" '<circle class="pt fail"' out 2
expect "short history" 0 "$bstat" -format html -history short.txt -rule sec/op=10%
cp out short.html
golden history short.html

# The history format's errors name the line.
printf 'BenchmarkA 1 1 ns/op\n' >nocommit.txt
expect "history: result outside a record" 2 "$bstat" -format html -history nocommit.txt
want_grep "  ... named" err '^nocommit.txt:1: a result outside any record'
printf 'commit: abc\nBenchmarkA 1 1 ns/op\n' >notime.txt
expect "history: record without time" 2 "$bstat" -format html -history notime.txt
want_grep "  ... named" err '^notime.txt:2: the record has no "time:" line'
printf 'commit: abc\ntime: 2026-02-30T00:00:00Z\nBenchmarkA 1 1 ns/op\n' >badtime.txt
expect "history: impossible time" 2 "$bstat" -format html -history badtime.txt
want_grep "  ... named" err '^badtime.txt:3: time: "2026-02-30T00:00:00Z" is not an RFC 3339 time'
expect "history: missing file" 2 "$bstat" -format html -history missing.txt
want_grep "  ... named" err 'missing.txt: No such file'
mkdir empty.d
expect "history: empty directory" 2 "$bstat" -format html -history empty.d
expect "history: no results" 2 "$bstat" -format html -history /dev/null
expect "history without -format html" 2 "$bstat" -history history.txt
want_grep "  ... said" err '\-history needs -format html'
expect "history with inputs" 2 "$bstat" -format html -history history.txt old.txt
expect "history with -col" 2 "$bstat" -format html -col goos -history history.txt
expect "history with -gate" 2 "$bstat" -format html -gate -history history.txt
expect "history with -allow-missing" 2 "$bstat" -format html -allow-missing -history history.txt
expect "html to a full disk" 2 sh -c '"$0" -format html "$1" >/dev/full' "$bstat" old.txt
expect "bad format named" 2 "$bstat" -format htm old.txt
want_grep "  ... lists html" err 'markdown or html'

exit $fail
