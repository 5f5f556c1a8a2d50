#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The HTML report in a real browser (Debian's chromium, headless), written
# by the commands themselves (report --html, watch --html, trace --stacks
# --html, investigate --html): for each page, a desktop screenshot, a phone screenshot (the
# page has no script at all, check_static: readable without; chromium 156
# takes no screenshot with --blink-settings=scriptEnabled=false) and a PDF print
# are produced (kept in build/html-shots/ to be looked at), the DOM
# (--dump-dom) holds every chart, the series' names, rates, confidences and
# bytes equal to `kleak report --json` on the same recording (the leaking
# series first, its name and rate those of --json), the components equal
# to its meminfo, kmemleak's groups equal to `kmemleak report --json` on
# the report the recording kept, trace's call sites equal to its --json,
# every string from the recording stays text (a cache named <script>), and
# no request leaves the page: the file names no http:/https: URL, and
# loaded with every request sent to a dead proxy (127.0.0.1:9, loopback
# included) the browser's net log shows none started by the page. A page
# that makes a request is checked first, so the check is seen to work.
# The folded stacks (trace --folded, kmemleak report --folded) obey the
# format line by line and add up to --json's bytes. investigate's page holds its
# verdict, chain of evidence and detect's growing series as its --json has them.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/folded.sh
K=${KLEAK:-./kleak}
GEN=${GEN_RECORDING:-build/san/tests/gen_recording}
L=build/leaker
SHOTS=${KLEAK_HTML_SHOTS:-build/html-shots}
W=$(mktemp -d /tmp/kleak-html.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT

need_bin "kleak binary" "$K" "make test-bins (KLEAK=build/san/kleak), or make"
need_bin "recording generator" "$GEN" "make test-bins"
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	skip "HTML report in a browser" "chromium not installed (make test installs TEST_DEPS)"
	exit 0
fi
command -v jq >/dev/null || tap_bail "jq installed" "jq is in TEST_DEPS"
mkdir -p "$SHOTS"

# chrome NAME ARGS... URL: headless, a fresh profile, no background
# traffic, every request (loopback too) to a port where nothing listens,
# and the net log kept in $W/NAME.netlog.
chrome() {
	local name=$1
	shift
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --disable-default-apps --user-data-dir="$W/profile-$name" \
		--proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' \
		--log-net-log="$W/$name.netlog" "$@" 2>>"$W/chrome.log"
}

# The URLs the page itself asked for (the browser's own update and account
# checks, also refused by the dead proxy, carry no file:// isolation key).
page_requests() {
	jq -r '.constants.logEventTypes.URL_REQUEST_START_JOB as $t |
		.events[] | select(.type == $t and ((.params.network_isolation_key // "") |
		startswith("file://"))) | .params.url' "$1"
}

# attr NAME TAG: an attribute's value, entities decoded.
attr() {
	sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p" <<<"$2" | sed -e 's/&lt;/</g' -e 's/&gt;/>/g' \
		-e 's/&quot;/"/g' -e "s/&#39;/'/g" -e 's/&amp;/\&/g'
}

# --- the network check works: a page that makes requests is caught ---
cat >"$W/bad.html" <<'HTML'
<!DOCTYPE html><html><body><img src="http://example.invalid/x.png">
<link rel="stylesheet" href="https://example.invalid/a.css"></body></html>
HTML
chrome bad --dump-dom "file://$W/bad.html" >/dev/null
n=$(page_requests "$W/bad.netlog" | grep -c example.invalid)
[ "$n" -ge 2 ] && ok "network check: a page's requests show in the net log ($n)" ||
	not_ok "network check: a page's requests show in the net log" "$(page_requests "$W/bad.netlog")"

# The page's rows against report --json: every number the same double.
check_rows() {
	local name=$1 dom=$2 json=$3 bad=0 n=0 row src nm rate conf bytes growth
	while IFS= read -r row; do
		n=$((n + 1))
		src=$(attr data-source "$row") nm=$(attr data-name "$row")
		rate=$(attr data-rate-bytes-per-hour "$row") conf=$(attr data-confidence "$row")
		bytes=$(attr data-bytes "$row") growth=$(attr data-growth-bytes "$row")
		jq_true --arg s "$src" --arg n "$nm" --arg r "$rate" --arg c "$conf" --arg b "$bytes" \
			--arg g "$growth" 'any(.leaks[]; .source == $s and .name == $n and
			.rate_bytes_per_hour == ($r | tonumber) and .confidence == ($c | tonumber) and
			.bytes == ($b | tonumber) and .growth_bytes == ($g | tonumber))' "$json" >/dev/null ||
			{ bad=$((bad + 1)); echo "# mismatch: $src $nm rate $rate conf $conf bytes $bytes"; }
	done < <(grep -o '<tr class="series"[^>]*>' "$dom")
	[ "$n" -gt 0 ] && [ "$bad" = 0 ] &&
		ok "$name: all $n series rows: rate, confidence, bytes, growth equal to report --json" ||
		not_ok "$name: series rows equal to report --json" "$n rows, $bad differ"
}

check_components() {
	local name=$1 dom=$2 json=$3 bad=0 n=0 row nm bytes
	while IFS= read -r row; do
		nm=$(attr data-name "$row") bytes=$(attr data-bytes "$row")
		jq_true --arg n "$nm" 'has("meminfo") and (.meminfo | has($n)) or $n == "Unaccounted"' \
			"$json" >/dev/null || continue # derived bands are not in the JSON
		n=$((n + 1))
		jq_true --arg n "$nm" --arg b "$bytes" '(if $n == "Unaccounted" then .unaccounted_bytes
			else .meminfo[$n] end) == ($b | tonumber)' "$json" >/dev/null ||
			{ bad=$((bad + 1)); echo "# component $nm: page $bytes"; }
	done < <(grep -o '<tr class="component"[^>]*>' "$dom")
	[ "$n" -gt 0 ] && [ "$bad" = 0 ] &&
		ok "$name: $n components equal to report --json's meminfo" ||
		not_ok "$name: components equal to report --json's meminfo" "$n compared, $bad differ"
}

# The leading leak, by name and rate, as --json ranks it.
check_leader() {
	local name=$1 dom=$2 json=$3 row
	row=$(grep -o '<tr class="series"[^>]*>' "$dom" | head -n 1)
	jq_true --arg s "$(attr data-source "$row")" --arg n "$(attr data-name "$row")" \
		--arg v "$(attr data-verdict "$row")" --arg r "$(attr data-rate-bytes-per-hour "$row")" \
		'.leaks[0] | .verdict == "leak" and .source == $s and .name == $n and .verdict == $v and
		 .rate_bytes_per_hour == ($r | tonumber)' "$json" >/dev/null &&
		ok "$name: the leaking series first, its name and rate those of report --json" ||
		not_ok "$name: the leaking series first, name and rate as report --json" \
			"page: $row" "json: $(jq -c '.leaks[0]' "$json")"
}

check_charts() {
	local name=$1 dom=$2 json=$3 flames=$4 mem spark rows want fl
	mem=$(grep -o 'data-chart="memory"' "$dom" | wc -l)
	spark=$(grep -o 'data-chart="sparkline"' "$dom" | wc -l)
	rows=$(grep -o '<tr class="series"' "$dom" | wc -l)
	fl=$(grep -o 'data-chart="flame"' "$dom" | wc -l)
	want=$(jq '[.leaks | length, 20] | min' "$json")
	[ "$mem" = 1 ] && [ "$spark" = "$want" ] && [ "$rows" = "$want" ] && [ "$fl" = "$flames" ] &&
		ok "$name: every chart: memory 1, sparklines $spark, flame graphs $fl" ||
		not_ok "$name: every chart" "memory $mem, sparklines $spark, rows $rows (want $want), flame $fl (want $flames)"
}

check_static() {
	local name=$1 page=$2 size
	if grep -qiE 'https?:' "$page"; then
		not_ok "$name: no http:/https: in the file" "$(grep -oiE '.{30}https?:.{30}' "$page" | head -3)"
	else
		ok "$name: no http:/https: in the file"
	fi
	# Nothing that could fetch: no script, no img, link, iframe, object, embed, src=, @import, url() but #ids.
	if grep -qiE "<(script|img|link|iframe|object|embed|audio|video|source|base)([^a-z-]|\$)|[ \"']src=|@import|url\(['\"]?[^#'\" ]" "$page"; then
		not_ok "$name: nothing in the file could fetch" "$(grep -oiE '.{20}(<script|<img|<link|src=|@import|url\().{20}' "$page" | head -3)"
	else
		ok "$name: nothing in the file could fetch (no script, img, link, src=, @import, url())"
	fi
	size=$(wc -c <"$page")
	[ "$size" -lt 5000000 ] && ok "$name: page under 5 MB ($size bytes)" ||
		not_ok "$name: page under 5 MB" "$size bytes"
}

check_pictures() {
	local name=$1 page=$2 png
	chrome "$name-desktop" --hide-scrollbars --window-size=1280,3600 \
		--screenshot="$SHOTS/$name-desktop.png" "file://$page" >/dev/null
	chrome "$name-phone" --hide-scrollbars --window-size=390,3600 \
		--screenshot="$SHOTS/$name-phone.png" "file://$page" >/dev/null
	chrome "$name-print" --no-pdf-header-footer --print-to-pdf="$SHOTS/$name.pdf" \
		"file://$page" >/dev/null
	for png in "$SHOTS/$name-desktop.png" "$SHOTS/$name-phone.png"; do
		if [ -s "$png" ] && head -c 8 "$png" | grep -q PNG && [ "$(wc -c <"$png")" -gt 20000 ]; then
			ok "$name: screenshot $(basename "$png") ($(wc -c <"$png") bytes)"
		else
			not_ok "$name: screenshot $(basename "$png")" "$(tail -n 3 "$W/chrome.log")"
		fi
	done
	head -c 5 "$SHOTS/$name.pdf" 2>/dev/null | grep -q '%PDF' && ok "$name: prints to PDF" ||
		not_ok "$name: prints to PDF"
}

# The page's kmemleak groups against kmemleak report --json of the same report.
check_groups() {
	local name=$1 dom=$2 json=$3 bad=0 n=0 row fn mod bytes count
	while IFS= read -r row; do
		n=$((n + 1))
		fn=$(attr data-function "$row") mod=$(attr data-module "$row")
		bytes=$(attr data-bytes "$row") count=$(attr data-count "$row")
		jq_true --arg f "$fn" --arg m "$mod" --arg b "$bytes" --arg c "$count" \
			'any(.groups[]; .function == $f and (.module // "") == $m and
			 .bytes == ($b | tonumber) and .count == ($c | tonumber))' "$json" >/dev/null ||
			{ bad=$((bad + 1)); echo "# group $fn [$mod]: page $bytes bytes, $count objects"; }
	done < <(grep -o '<tr class="group"[^>]*>' "$dom")
	[ "$n" -gt 0 ] && [ "$n" = "$(jq '.groups | length' "$json")" ] && [ "$bad" = 0 ] &&
		ok "$name: all $n kmemleak groups: bytes and objects equal to kmemleak report --json" ||
		not_ok "$name: kmemleak groups equal to kmemleak report --json" \
			"$n rows, $bad differ, json $(jq '.groups | length' "$json")"
}

# The page loaded in the browser with the network dead; its DOM in $W/NAME.dom.
check_load() {
	local name=$1 page=$2 req
	chrome "$name" --dump-dom "file://$page" >"$W/$name.dom"
	req=$(page_requests "$W/$name.netlog")
	[ -s "$W/$name.dom" ] && [ -z "$req" ] &&
		ok "$name: loaded with the network dead, no request from the page" ||
		not_ok "$name: no request leaves the page" "$req" "$(tail -n 3 "$W/chrome.log")"
}

# check_report NAME REC FLAMES [report options]: report --html against report --json.
check_report() {
	local name=$1 rec=$2 flames=$3 page="$W/$1.html" json="$W/$1.json" dom="$W/$1.dom"
	shift 3
	if ! "$K" report --html "$page" "$rec" "$@" >/dev/null 2>"$W/$name.err"; then
		not_ok "$name: report --html writes the page" "$(cat "$W/$name.err")"
		return
	fi
	ok "$name: report --html writes the page"
	"$K" report --json "$rec" "$@" >"$json" 2>/dev/null || { not_ok "$name: report --json"; return; }
	check_static "$name" "$page"
	check_load "$name" "$page"
	check_charts "$name" "$dom" "$json" "$flames"
	[ "$(jq '.leaks[0].verdict' "$json")" = '"leak"' ] && check_leader "$name" "$dom" "$json"
	check_rows "$name" "$dom" "$json"
	check_components "$name" "$dom" "$json"
	check_pictures "$name" "$page"
}

C=tests/fuzz/corpus/recording
check_report fixture "$C/six-samples-closed" 0

# Two hours at 10 s with a slab cache leaking, and kmemleak's report of
# the 6.12 VM (the kmalloc leaker's objects) kept in the recording as
# `kleak record` keeps it: its groups and flame graph are on the page.
KM=tests/fixtures/6.12/kmemleak
"$GEN" -n 720 -i 10 --kmemleak "$KM" "$W/gen.kleak" || not_ok "gen_recording" "exit $?"
check_report generated "$W/gen.kleak" 1
jq_true '.leaks[0].verdict == "leak"' "$W/generated.json" >/dev/null &&
	ok "generated: report --json calls the leaking cache a leak (the leader check ran)" ||
	not_ok "generated: report --json calls the leaking cache a leak" "$(jq -c '.leaks[0]' "$W/generated.json")"
# kmemleak report --folded and --json in one run, over the same report
if "$K" kmemleak report --from "$KM" --folded="$W/km.folded" --json >"$W/km.json" 2>"$W/km.err"; then
	check_groups generated "$W/generated.dom" "$W/km.json"
	out=$(folded_check "$W/km.folded") && ok "kmemleak folded: every line obeys the format" ||
		not_ok "kmemleak folded: every line obeys the format" "$out"
	want=$(jq '[.groups[] | select(.function == "leak_kmalloc_work") | .bytes] | add' "$W/km.json")
	got=$(folded_bytes "$W/km.folded" ';leak_kmalloc_work \\[kleak_kmalloc_leak\\];')
	[ "$got" = "$want" ] && [ "$want" -gt 0 ] &&
		ok "kmemleak folded: leak_kmalloc_work [kleak_kmalloc_leak] holds $got bytes, as --json" ||
		not_ok "kmemleak folded: leaker's bytes as --json" "folded $got, json $want"
	[ "$(folded_bytes "$W/km.folded" .)" = "$(jq .bytes "$W/km.json")" ] &&
		ok "kmemleak folded: the lines add up to --json's bytes" ||
		not_ok "kmemleak folded: the lines add up to --json's bytes"
	grep -q "data-frame=\"leak_kmalloc_work \[kleak_kmalloc_leak\]\" data-bytes=\"$want\"" \
		"$W/generated.dom" && ok "generated: the flame graph holds the leaker's frame with its bytes" ||
		not_ok "generated: the flame graph holds the leaker's frame with its bytes ($want)"
else
	not_ok "kmemleak report --folded=FILE --json" "$(cat "$W/km.err")"
fi
"$K" kmemleak report --from "$KM" --folded >"$W/km-stdout.folded" 2>/dev/null &&
	cmp -s "$W/km-stdout.folded" "$W/km.folded" &&
	ok "kmemleak report --folded: stdout holds the same lines, and nothing else" ||
	not_ok "kmemleak report --folded: stdout holds the same lines, and nothing else"

# Strings from a recording are text: a cache and a host named with markup.
"$GEN" -n 30 -i 10 --evil "$W/evil.kleak" || not_ok "gen_recording --evil" "exit $?"
check_report evil "$W/evil.kleak" 0
dom="$W/evil.dom"
if grep -qi '<script' "$dom" || grep -q '<b>evil</b>' "$dom"; then
	not_ok "evil: markup from the recording stays text" "$(grep -oiE '.{20}(<script|<b>evil).{20}' "$dom" | head -3)"
elif grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$dom" && grep -q '&lt;b&gt;evil&lt;/b&gt;' "$dom"; then
	ok "evil: a cache named <script>alert(1)</script> and a host <b>evil</b> stay text"
else
	not_ok "evil: the escaped names are on the page"
fi

# --- watch --html: written when the watch ends, by -n and by SIGTERM ---
"$K" watch -i 0.2 -n 8 --json --html "$W/watch.html" >"$W/watch.json" 2>"$W/watch.err"
rc=$?
if [ $rc = 0 ] && [ -s "$W/watch.html" ]; then
	ok "watch -n 8 --html: the page written at the end"
	tail -n 1 "$W/watch.json" >"$W/watch-final.json"
	check_static watch "$W/watch.html"
	check_load watch "$W/watch.html"
	grep -q 'data-chart="memory"' "$W/watch.dom" && ok "watch: the memory chart" ||
		not_ok "watch: the memory chart"
	check_components watch "$W/watch.dom" "$W/watch-final.json"
	[ -z "$(grep -o '<tr class="series"' "$W/watch.dom")" ] ||
		check_rows watch "$W/watch.dom" "$W/watch-final.json"
	check_pictures watch "$W/watch.html"
else
	not_ok "watch -n 8 --html: the page written at the end" "rc=$rc $(cat "$W/watch.err")"
fi
"$K" watch -i 0.2 --html "$W/watch-term.html" >/dev/null 2>"$W/watch-term.err" &
wp=$!
PIDS+=("$wp")
sleep 1.5
kill -TERM "$wp"
wait "$wp"
rc=$?
[ $rc = 0 ] && grep -q 'data-chart="memory"' "$W/watch-term.html" 2>/dev/null &&
	grep -q '</html>' "$W/watch-term.html" &&
	ok "watch --html: SIGTERM ends the watch and the page is written, whole" ||
	not_ok "watch --html: SIGTERM writes the page" "rc=$rc $(cat "$W/watch-term.err")"

# --- investigate --html: the report page filled from the run ---
# Works without a leak (-d 20 s, no confirm step): the page is the report
# page (static checks, loads with the network dead, a memory chart), its
# summary is investigate's verdict and sentence, its chain of evidence has
# --json's links, and every series detect lists as growing is a row of the
# page with --json's source, name, rate, bytes and growth.
check_investigate() {
	local dom=$1 json=$2 p got want n
	p=$(grep -o '<p class="summary conclusion[^>]*>' "$dom")
	want=$(jq -r '.verdict.verdict // .verdict.reason' "$json")
	[ -n "$p" ] && [ "$(attr data-verdict "$p")" = "$want" ] &&
		ok "investigate: the page's verdict is --json's ($want)" ||
		not_ok "investigate: the page's verdict is --json's" "page: $p" "json: $want"
	got=$(sed -n 's/.*<p class="summary conclusion[^>]*><strong>\([^<]*\)<\/strong>.*/\1/p' "$dom" |
		sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e 's/&amp;/\&/g')
	want=$(jq -r .verdict.summary "$json")
	[ -n "$got" ] && [ "$got" = "$want" ] && ok "investigate: the verdict's sentence is --json's" ||
		not_ok "investigate: the verdict's sentence is --json's" "page: $got" "json: $want"
	n=$(grep -o '<li data-step=' "$dom" | wc -l)
	[ "$n" = "$(jq '.verdict.chain | length' "$json")" ] && [ "$n" -gt 0 ] &&
		ok "investigate: the chain of evidence, $n links as in --json" ||
		not_ok "investigate: the chain of evidence as in --json" "page $n, json $(jq '.verdict.chain | length' "$json")"
	grep -q 'data-chart="memory"' "$dom" && grep -q '<section id="chain"' "$dom" &&
		ok "investigate: the memory chart and the chain-of-evidence section" ||
		not_ok "investigate: the memory chart and the chain-of-evidence section"
	grep -o '<tr class="series"[^>]*>' "$dom" | while IFS= read -r row; do
		jq -nc --arg s "$(attr data-source "$row")" --arg n "$(attr data-name "$row")" \
			--arg r "$(attr data-rate-bytes-per-hour "$row")" --arg b "$(attr data-bytes "$row")" \
			--arg g "$(attr data-growth-bytes "$row")" \
			'{source: $s, name: $n, rate: ($r | tonumber), bytes: ($b | tonumber), growth: ($g | tonumber)}'
	done >"$W/investigate.rows"
	n=$(jq '.detect.growing | length' "$json")
	if [ "$n" = 0 ]; then # nothing grew: then no row of the page is a growing series either
		p=$(grep -o '<tr class="series"[^>]*>' "$dom" | grep 'data-aggregate="false"' |
			grep -E 'data-verdict="(leak|growing|growing_reclaimable|possible_leak)"')
		[ -z "$p" ] && ok "investigate: --json lists no growing series, nor does the page" ||
			not_ok "investigate: --json lists no growing series, nor does the page" "$p"
		return
	fi
	jq_true --slurpfile p "$W/investigate.rows" '[.detect.growing[] | . as $x | any($p[];
		.source == $x.source and .name == $x.name and .rate == $x.rate_bytes_per_hour and
		.bytes == $x.bytes and .growth == $x.growth_bytes)] | all' "$json" >/dev/null &&
		ok "investigate: all $n growing series of --json are rows with its rate, bytes, growth" ||
		not_ok "investigate: the growing series of --json are rows of the page" \
			"json: $(jq -c '[.detect.growing[] | [.source, .name, .rate_bytes_per_hour]]' "$json")" \
			"page: $(head -c 600 "$W/investigate.rows")"
}

if "$K" investigate -d 20s --confirm none --html "$W/investigate.html" --json \
	>"$W/investigate.json" 2>"$W/investigate.err" && [ -s "$W/investigate.html" ]; then
	ok "investigate --html --json: both written"
	check_static investigate "$W/investigate.html"
	check_load investigate "$W/investigate.html"
	check_investigate "$W/investigate.dom" "$W/investigate.json"
	check_pictures investigate "$W/investigate.html"
else
	not_ok "investigate --html --json: both written" "$(tail -n 3 "$W/investigate.err")"
fi

# --- trace --stacks --html and --folded: a process holding sockets ---
# The page's call sites are those of --json holding memory; the folded
# stacks add up to --json's outstanding bytes, per call site and in all.
if [ "$(id -u)" != 0 ] || [ ! -r /sys/kernel/btf/vmlinux ]; then
	skip "trace --stacks --html and --folded" "needs root and BTF (BPF tracing)"
	tap_done
	exit
fi
need_bin "leaker helper" "$L" "make test-bins"
N=600
rm -f "$W/gate"
mkfifo "$W/gate"
(read -r _ <"$W/gate"; exec "$L" --sockets $N --hold 12) >"$W/leaker.out" 2>&1 &
LP=$!
PIDS+=("$LP")
"$K" trace -p "$LP" -d 6 --stacks --folded="$W/trace.folded" --html "$W/trace.html" --json \
	>"$W/trace.json" 2>"$W/trace.err" &
KP=$!
PIDS+=("$KP")
sleep 2
echo go >"$W/gate"
wait "$KP"
rc=$?
tail -n 1 "$W/trace.json" >"$W/trace-final.json"
if [ $rc != 0 ] || [ ! -s "$W/trace.html" ] || [ ! -s "$W/trace.folded" ]; then
	not_ok "trace --stacks --folded=FILE --html FILE --json: all three written" "rc=$rc $(tail -n 3 "$W/trace.err")"
	tap_done
	exit
fi
ok "trace --stacks --folded=FILE --html FILE --json: all three written"
out=$(folded_check "$W/trace.folded") && ok "trace folded: every line obeys the format" ||
	not_ok "trace folded: every line obeys the format" "$out"
want=$(jq '[.callsites[] | select(.function == "sock_alloc_inode") | .outstanding_bytes] | add // 0' \
	"$W/trace-final.json")
got=$(folded_bytes "$W/trace.folded" '(^|;)sock_alloc_inode$')
[ "$want" -gt 0 ] && [ "$got" = "$want" ] &&
	ok "trace folded: stacks ending in sock_alloc_inode hold $got bytes, --json's outstanding_bytes" ||
	not_ok "trace folded: sock_alloc_inode's stacks hold --json's outstanding_bytes" "folded $got, json $want"
# A stack the kernel's stack map could not hold (its bucket taken by another
# stack, -EEXIST) is folded as the bare call site; that is honest only when
# --json counts it, so a bare line passes only beside a counted stack error.
stack_errors=$(jq '.stack_errors' "$W/trace-final.json")
if grep -qE '^[^ ]+;.*;sock_alloc_inode [0-9]+$' "$W/trace.folded"; then
	ok "trace folded: sock_alloc_inode has a kernel stack, root first"
elif [ "${stack_errors:-0}" -gt 0 ]; then
	ok "trace folded: sock_alloc_inode's stack not recorded, and --json counts it (stack_errors $stack_errors, collisions $(jq .stack_collisions "$W/trace-final.json"))"
else
	not_ok "trace folded: sock_alloc_inode has a kernel stack" "$(grep sock_alloc_inode "$W/trace.folded")" \
		"stack_errors $stack_errors: a stack missing and not counted"
fi
[ "$(folded_bytes "$W/trace.folded" .)" = "$(jq .outstanding_bytes "$W/trace-final.json")" ] &&
	ok "trace folded: the lines add up to --json's outstanding_bytes" ||
	not_ok "trace folded: the lines add up to --json's outstanding_bytes" \
		"folded $(folded_bytes "$W/trace.folded" .), json $(jq .outstanding_bytes "$W/trace-final.json")"
check_static trace "$W/trace.html"
check_load trace "$W/trace.html"
bad=0 n=0
while IFS= read -r row; do
	n=$((n + 1))
	jq_true --arg c "$(attr data-callsite "$row")" --arg b "$(attr data-outstanding-bytes "$row")" \
		--arg o "$(attr data-outstanding-count "$row")" 'any(.callsites[]; .callsite == $c and
		.outstanding_bytes == ($b | tonumber) and .outstanding_count == ($o | tonumber))' \
		"$W/trace-final.json" >/dev/null || bad=$((bad + 1))
done < <(grep -o '<tr class="callsite"[^>]*>' "$W/trace.dom")
want=$(jq '[.callsites[] | select(.outstanding_bytes > 0)] | length' "$W/trace-final.json")
[ "$n" = "$want" ] && [ "$bad" = 0 ] && [ "$n" -gt 0 ] &&
	ok "trace: all $n call sites holding memory, bytes and objects equal to --json" ||
	not_ok "trace: call sites equal to --json" "$n rows ($want in --json), $bad differ"
[ "$(grep -o 'data-chart="flame"' "$W/trace.dom" | wc -l)" = 1 ] &&
	grep -q 'data-frame="sock_alloc_inode"' "$W/trace.dom" &&
	ok "trace: the flame graph, with sock_alloc_inode" || not_ok "trace: the flame graph, with sock_alloc_inode"
check_pictures trace "$W/trace.html"
tap_done
