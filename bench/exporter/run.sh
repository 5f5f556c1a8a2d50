#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The issue's load figure: wrk against /metrics for 60 s at 100 connections
# (loopback only), with a separate scrape every 0.5 s that must answer
# within 1 s, and the exporter's RSS sampled throughout. Prints one result
# line for bench/exporter/README.md. Needs root (the exporter reads
# slabinfo) and wrk. SECONDS_RUN=60 CONNS=100 by default.
set -u
cd "$(dirname "$0")/../.."
K=${KLEAK_OPT:-./kleak}
S=${SECONDS_RUN:-60} C=${CONNS:-100}
W=$(mktemp -d /tmp/kleak-bench-exporter.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$W"' EXIT
"$K" exporter --listen 127.0.0.1:0 -i 1 2>"$W/err" &
pid=$!
for i in $(seq 50); do
	port=$(sed -nE 's/.*\(port ([0-9]+)\).*/\1/p' "$W/err" 2>/dev/null)
	[ -n "$port" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" && break
	sleep 0.2
done
[ -n "${port:-}" ] || { echo "exporter did not start: $(cat "$W/err")"; exit 1; }
sleep 2
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
rss0=$(rss) max=$rss0 n=0 late=0 worst=0
wrk -t2 -c"$C" -d"${S}s" --timeout 5s --latency "http://127.0.0.1:$port/metrics" >"$W/wrk" 2>&1 &
wpid=$!
while kill -0 "$wpid" 2>/dev/null; do
	t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 1 "http://127.0.0.1:$port/metrics")
	n=$((n + 1))
	[[ "$t" == "200 "* ]] || late=$((late + 1))
	worst=$(awk -v a="$worst" -v b="${t#* }" 'BEGIN { print (b > a ? b : a) }')
	r=$(rss); [ "${r:-0}" -gt "$max" ] && max=$r
	sleep 0.5
done
wait "$wpid"
cat "$W/wrk"
body=$(curl -s "http://127.0.0.1:$port/metrics" | wc -c)
echo "result: ${S}s x $C connections: $(awk '/requests in/ { print $1 }' "$W/wrk") requests," \
	"$(awk '/Requests\/sec/ { print $2 }' "$W/wrk") req/s, p99 $(awk '$1 == "99%" { print $2 }' "$W/wrk")," \
	"errors: $(grep -cE 'Socket errors|Non-2xx' "$W/wrk"); body $body B; side scrapes $((n - late))/$n within 1 s" \
	"(worst ${worst}s); RSS $rss0 -> max $max kB"
kill "$pid"
