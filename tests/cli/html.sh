#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The HTML report in a real browser (Debian's chromium, headless): for each
# report, a desktop screenshot, a phone screenshot with scripts disabled
# (the page has none: readable without) and a PDF print are produced (kept
# in build/html-shots/ to be looked at), the DOM (--dump-dom) holds every
# chart, the series' names, rates, confidences and
# bytes equal to `kleak report --json` on the same recording, the
# components equal to its meminfo, every string from the recording stays
# text (a cache named <script>), and no request leaves the page: the file
# names no http:/https: URL, and loaded with every request sent to a dead
# proxy (127.0.0.1:9, loopback included) the browser's net log shows none
# started by the page. A page that makes a request is checked first, so
# the check is seen to work.
#
# Until `kleak report --html` is wired, the page comes from the stand-in
# build/san/tests/html_render; html_report() below is the one line to swap.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/folded.sh
K=${KLEAK:-./kleak}
RENDER=${HTML_RENDER:-build/san/tests/html_render}
GEN=${GEN_RECORDING:-build/san/tests/gen_recording}
SHOTS=${KLEAK_HTML_SHOTS:-build/html-shots}
W=$(mktemp -d /tmp/kleak-html.XXXXXX)
trap 'rm -rf "$W"' EXIT

# html_report OUT.html REC.kleak [extras]: the page for a recording.
# After wiring: html_report() { "$K" report --html "$1" "$2"; } (extras: trace, kmemleak).
html_report() { "$RENDER" "$@"; }

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	skip "HTML report in a browser" "chromium not installed (make test installs TEST_DEPS)"
	exit 0
fi
for b in "$RENDER" "$GEN"; do
	if [ ! -x "$b" ]; then
		not_ok "test programs built" "$b missing: make test-bins"
		exit 1
	fi
done
command -v jq >/dev/null || { not_ok "jq installed" "jq is in TEST_DEPS"; exit 1; }
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
		jq -e --arg s "$src" --arg n "$nm" --arg r "$rate" --arg c "$conf" --arg b "$bytes" \
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
		jq -e --arg n "$nm" 'has("meminfo") and (.meminfo | has($n)) or $n == "Unaccounted"' \
			"$json" >/dev/null || continue # derived bands are not in the JSON
		n=$((n + 1))
		jq -e --arg n "$nm" --arg b "$bytes" '(if $n == "Unaccounted" then .unaccounted_bytes
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
	jq -e --arg s "$(attr data-source "$row")" --arg n "$(attr data-name "$row")" \
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
	chrome "$name-phone" --hide-scrollbars --window-size=390,3600 --blink-settings=scriptEnabled=false \
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

# check_report NAME REC FLAMES [extras for the page]
check_report() {
	local name=$1 rec=$2 flames=$3 page="$W/$1.html" json="$W/$1.json" dom="$W/$1.dom" req
	shift 3
	if ! html_report "$page" "$rec" "$@" 2>"$W/$name.err"; then
		not_ok "$name: page written" "$(cat "$W/$name.err")"
		return
	fi
	ok "$name: page written"
	"$K" report --json "$rec" >"$json" 2>/dev/null || { not_ok "$name: report --json"; return; }
	check_static "$name" "$page"
	chrome "$name" --dump-dom "file://$page" >"$dom"
	req=$(page_requests "$W/$name.netlog")
	[ -s "$dom" ] && [ -z "$req" ] && ok "$name: loaded with the network dead, no request from the page" ||
		not_ok "$name: no request leaves the page" "$req" "$(tail -n 3 "$W/chrome.log")"
	check_charts "$name" "$dom" "$json" "$flames"
	[ "$(jq '.leaks[0].verdict' "$json")" = '"leak"' ] && check_leader "$name" "$dom" "$json"
	check_rows "$name" "$dom" "$json"
	check_components "$name" "$dom" "$json"
	check_pictures "$name" "$page"
}

C=tests/fuzz/corpus/recording
check_report fixture "$C/six-samples-closed" 0

"$GEN" -n 720 -i 10 "$W/gen.kleak" || not_ok "gen_recording" "exit $?"
check_report generated "$W/gen.kleak" 2 --kmemleak tests/fixtures/6.12/kmemleak \
	--trace-folded tests/html/fixtures/trace.folded
dom="$W/generated.dom"
grep -q 'data-frame="leak_kmalloc_work \[kleak_kmalloc_leak\]" data-bytes="655360"' "$dom" &&
	grep -q 'data-frame="leak_kmalloc_work \[kleak_kmalloc_leak\]" data-bytes="9728"' "$dom" &&
	ok "generated: flame graphs hold the leaker's frame with its bytes (trace, kmemleak)" ||
	not_ok "generated: flame graphs hold the leaker's frame with its bytes"

# kmemleak --folded (until `kleak kmemleak report --folded` is wired: the
# stand-in's --folded-kmemleak), against kleak kmemleak report --json.
KM=tests/fixtures/6.12/kmemleak
if html_report "$W/km.html" "$W/gen.kleak" --kmemleak "$KM" --folded-kmemleak "$W/km.folded" &&
	"$K" kmemleak report --from "$KM" --json >"$W/km.json" 2>/dev/null; then
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
else
	not_ok "kmemleak folded written"
fi

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
tap_done
