#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kleak exporter on the live kernel, on loopback only:
# - the text and OpenMetrics bodies: promtool check metrics, # EOF, units;
# - HTTP: GET/HEAD, 405/404/413/414/431/400 and the exporter survives them;
# - --textfile (exporter and watch): written atomically, promtool-clean,
#   the same metric families;
# - a real Prometheus (scrape_interval 1s, the contrib rules with short
#   `for`) scrapes the exporter directly (OpenMetrics) and through a proxy
#   that asks for the text format, while build/leaker makes the kernel hold
#   a growing number of threads: the query API returns the growing series,
#   `growing` before the leak window and `leak` after it, and KleakLeak fires;
# - load: wrk, 100 connections for 60 s (EXPORTER_WRK_SECONDS; bench/
#   exporter runs 60 s), no errors, RSS bounded, a separate scrape within 1 s;
#   500 slow connections sending a header byte a second: scrapes answered,
#   the slow ones cut at the request deadline;
# - TLS and basic auth from a --web.config.file (openssl, htpasswd -B).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
KOPT=${KLEAK_OPT:-./kleak}
LEAKER=${LEAKER:-build/leaker}
H=tests/cli/exporter
WRK_S=${EXPORTER_WRK_SECONDS:-60}
W=$(mktemp -d /tmp/kleak-exporter.XXXXXX)
cleanup() {
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	skip "kleak exporter live" "needs root (slabinfo, vmallocinfo)"
	tap_done
	exit
fi

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_exporter NAME BINARY ARGS...: starts it on a free port, sets PORT and PID.
start_exporter() {
	local name=$1 bin=$2 i
	shift 2
	"$bin" exporter --listen 127.0.0.1:0 "$@" >"$W/$name.out" 2>"$W/$name.err" &
	PID=$!
	for i in $(seq 100); do
		PORT=$(sed -nE 's/.*\(port ([0-9]+)\).*/\1/p' "$W/$name.err" 2>/dev/null)
		[ -n "$PORT" ] && curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics" && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }

# --- bodies and HTTP ---
if ! start_exporter plain "$K" -i 1 --leak-window 20s; then
	not_ok "exporter starts" "$(cat "$W/plain.err")"
	tap_done
	exit
fi
ok "exporter starts on 127.0.0.1 (port $PORT)"
E=http://127.0.0.1:$PORT
sleep 1.5
curl -s -D "$W/h.txt" "$E/metrics" >"$W/m.txt"
check "text format: promtool check metrics is clean" promtool check metrics <"$W/m.txt"
grep -qi '^content-type: text/plain; version=0.0.4' "$W/h.txt" && ok "text format Content-Type" ||
	not_ok "text format Content-Type" "$(cat "$W/h.txt")"
for m in kleak_build_info kleak_meminfo_bytes kleak_slab_cache_bytes kleak_slab_cache_objects \
	kleak_vmalloc_caller_bytes kleak_samples_total kleak_sample_duration_seconds \
	kleak_last_sample_timestamp_seconds kleak_source_ok; do
	grep -q "^$m[{ ]" "$W/m.txt" || missing="${missing:-} $m"
done
[ -z "${missing:-}" ] && ok "every base metric is present" || not_ok "metrics missing:$missing"
# top 30 + other, + the caches with a verdict (exported whatever their rank)
n=$(grep -c '^kleak_slab_cache_bytes{' "$W/m.txt")
pinned=$(grep -c '^kleak_verdict{source="slab",.*verdict="leak"}' "$W/m.txt")
grep -q '^kleak_slab_cache_bytes{cache="other"}' "$W/m.txt" && [ "$n" -le $((31 + pinned)) ] &&
	ok "slab caches bounded: $n rows (top 30 + other + $pinned with a verdict)" ||
	not_ok "slab caches bounded" "rows: $n, with a verdict: $pinned"
# Per-container kernel memory: this host's memory cgroups that hold some,
# by the name kleak cgroups gives them (its first, a specific cgroup).
want=$("$K" cgroups --json 2>/dev/null | jq -r '[.cgroups[] | select(.kernel_bytes > 0 and (.aggregate | not))][0] | (.name // .path) // empty' 2>/dev/null)
if [ -z "$want" ]; then
	skip "per-container kernel memory" "no memory cgroup holds kernel memory here"
else
	grep -qF "kleak_cgroup_kernel_bytes{name=\"$want\"}" "$W/m.txt" &&
		ok "per-container kernel memory: kleak_cgroup_kernel_bytes has $want" ||
		not_ok "per-container kernel memory: kleak_cgroup_kernel_bytes has $want" \
			"$(grep '^kleak_cgroup_kernel_bytes' "$W/m.txt" | head -5)"
fi
grep -qE '[{,][a-z_]+="(0x)?[0-9a-f]{12,}' "$W/m.txt" && not_ok "no raw addresses in labels" \
	"$(grep -E '="(0x)?[0-9a-f]{12,}' "$W/m.txt" | head -3)" || ok "no raw addresses in labels"
curl -s -D "$W/h.om" -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5' \
	"$E/metrics" >"$W/m.om"
if grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$W/h.om" &&
	[ "$(tail -n1 "$W/m.om")" = "# EOF" ] && grep -q '^# TYPE kleak_build info$' "$W/m.om" &&
	grep -q '^# UNIT kleak_slab_cache_bytes bytes$' "$W/m.om" &&
	grep -q '^# TYPE kleak_samples counter$' "$W/m.om" && grep -q '^kleak_samples_total ' "$W/m.om"; then
	ok "OpenMetrics on request: # EOF, info, unit, counter _total"
else
	not_ok "OpenMetrics on request" "$(head -5 "$W/h.om")" "$(tail -3 "$W/m.om")"
fi
# promtool check metrics reads the text format only; its OpenMetrics parser
# (the backfill's: # EOF, units as suffixes, types) needs timestamps, which
# are appended to every sample line.
sed -E '/^[^#]/ s/$/ 1700000000/' "$W/m.om" >"$W/m.om.ts"
check "OpenMetrics form: promtool's OpenMetrics parser reads it (tsdb create-blocks-from openmetrics)" \
	promtool tsdb create-blocks-from openmetrics "$W/m.om.ts" "$W/om-blocks"
[ "$(code "$E/")" = 200 ] && ok "GET / is 200" || not_ok "GET / is 200"
h=$(curl -s -I --max-time 5 "$E/metrics")
grep -q '^HTTP/1.1 200' <<<"$h" && grep -qi '^content-length: [1-9]' <<<"$h" &&
	ok "HEAD /metrics is 200 with the length of the body" || not_ok "HEAD /metrics" "$h"
for m in POST PUT DELETE OPTIONS TRACE PATCH; do
	c=$(code -X "$m" "$E/metrics")
	[ "$c" = 405 ] || bad="${bad:-} $m:$c"
done
[ -z "${bad:-}" ] && ok "other methods are 405" || not_ok "other methods are 405:$bad"
curl -s -D - -o /dev/null -X POST "$E/metrics" | grep -qi '^allow: GET, HEAD' && ok "405 says Allow: GET, HEAD" ||
	not_ok "405 says Allow"
[ "$(code "$E/nope")" = 404 ] && ok "unknown path is 404" || not_ok "unknown path is 404"
[ "$(code -X GET --data-binary 'hello' "$E/metrics")" = 413 ] && ok "GET with a body is 413" ||
	not_ok "GET with a body is 413"
c=$(code "$E/metrics?$(head -c 20000 /dev/zero | tr '\0' a)")
[[ "$c" == 4* ]] && ok "20 kB request line is 4xx ($c)" || not_ok "20 kB request line is 4xx" "got $c"
c=$(code -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" "$E/metrics")
[[ "$c" == 4* ]] && ok "20 kB header is 4xx ($c)" || not_ok "20 kB header is 4xx" "got $c"
raw() { python3 - "$PORT" "$1" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=13)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
try:
    print((s.recv(64) or b"(closed)").split(b"\r\n")[0].decode("latin-1"))
except TimeoutError:
    print("(open after 13 s)")
EOF
}
bad=""
for req in 'GARBAGE\r\n\r\n' 'GET /metrics HTTP/9.9\r\n\r\n' 'GET /metrics HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n' \
	'GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n' 'GET metrics HTTP/1.1\r\nHost: x\r\n\r\n' \
	'\x00\x01\x02\r\n\r\n' 'GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'; do
	got=$(raw "$req")
	# 505 is the status HTTP has for an unknown version (RFC 9110 15.6.6);
	# a request line of control bytes gets no answer, only the close at
	# the request deadline (10 s).
	[[ "$got" =~ ^HTTP/1\.[01]\ (4[0-9][0-9]|505) || "$got" = "(closed)" ]] || bad="$bad [$req -> $got]"
done
[ -z "$bad" ] && ok "malformed requests get 4xx (505 for HTTP/9.9) or a close within the deadline" ||
	not_ok "malformed requests get 4xx or a close" "$bad"
kill -0 "$PID" 2>/dev/null && [ "$(code "$E/metrics")" = 200 ] && ok "still serving after the abuse" ||
	not_ok "still serving after the abuse" "$(tail -5 "$W/plain.err")"
kill "$PID"
wait "$PID"
rc=$?
[ "$rc" = 0 ] && ok "SIGTERM: exit 0" || not_ok "SIGTERM: exit 0" "rc $rc; $(tail -5 "$W/plain.err")"

# --- usage and configuration errors ---
"$K" exporter --listen nowhere >/dev/null 2>"$W/e1"; rc=$?
[ "$rc" = 1 ] && grep -q 'HOST:PORT' "$W/e1" && ok "bad --listen: exit 1 with the reason" ||
	not_ok "bad --listen" "rc $rc $(cat "$W/e1")"
"$K" exporter --top 0 >/dev/null 2>&1; [ $? = 2 ] && ok "bad --top: exit 2" || not_ok "bad --top: exit 2"
printf 'tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n' >"$W/bad.yml"
"$K" exporter --listen 127.0.0.1:0 --web.config.file "$W/bad.yml" >/dev/null 2>"$W/e2"; rc=$?
[ "$rc" = 1 ] && grep -q "bad.yml:4: not supported by kleak: tls_server_config: client_ca_file" "$W/e2" &&
	ok "unsupported web config key: exit 1, file:line" || not_ok "unsupported web config key" "rc $rc $(cat "$W/e2")"
printf 'basic_auth_users:\n  alice: plaintext\n' >"$W/bad2.yml"
"$K" exporter --listen 127.0.0.1:0 --web.config.file "$W/bad2.yml" >/dev/null 2>"$W/e3"; rc=$?
[ "$rc" = 1 ] && grep -q "bad2.yml:2: not a bcrypt hash" "$W/e3" && ok "plaintext password refused" ||
	not_ok "plaintext password refused" "rc $rc $(cat "$W/e3")"

# --- the capabilities the systemd unit grants are enough (docs/exporter.md) ---
if command -v setpriv >/dev/null; then
	caps=""
	for c in "+dac_read_search,+syslog" ""; do
		set -- --reuid=65534 --regid=65534 --clear-groups
		[ -n "$c" ] && set -- "$@" --inh-caps="$c" --ambient-caps="$c" --bounding-set="-all,$c"
		setpriv "$@" "$K" exporter --listen 127.0.0.1:0 -i 0.5 >/dev/null 2>"$W/cap.err" &
		cpid=$!
		for i in $(seq 50); do
			p=$(sed -nE 's/.*\(port ([0-9]+)\).*/\1/p' "$W/cap.err" 2>/dev/null)
			[ -n "$p" ] && curl -sf "http://127.0.0.1:$p/metrics" >"$W/cap.txt" && [ -s "$W/cap.txt" ] && break
			sleep 0.2
		done
		kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null
		caps="$caps $(grep -E '^kleak_source_ok\{source="(slabinfo|vmallocinfo)"\}' "$W/cap.txt" | awk '{ printf "%s", $2 }')"
	done
	[ "$caps" = " 11 00" ] && ok "as nobody: CAP_DAC_READ_SEARCH+CAP_SYSLOG read slabinfo and vmallocinfo, no caps cannot" ||
		not_ok "capabilities of the unit" "with/without: $caps" "$(cat "$W/cap.err")"
else
	skip "capabilities of the unit" "setpriv missing"
fi

# --- textfile ---
mkdir "$W/tf"
if start_exporter tf "$K" -i 0.5 --textfile "$W/tf/kleak.prom"; then
	sleep 2
	kill "$PID"; wait "$PID" 2>/dev/null
	if [ -s "$W/tf/kleak.prom" ] && promtool check metrics <"$W/tf/kleak.prom" >/dev/null 2>&1 &&
		[ "$(ls -A "$W/tf")" = kleak.prom ] && [ "$(stat -c %a "$W/tf/kleak.prom")" = 644 ]; then
		ok "--textfile: one promtool-clean file, mode 644, no temporary left"
	else
		not_ok "--textfile" "$(ls -la "$W/tf")"
	fi
else
	not_ok "--textfile exporter starts"
fi
# The trend window slides (cmd/sampler.h): with --leak-window 1s and -i
# 0.2, P = 1.4 s; once the first set is P old a second starts, and at 2P
# it takes over, so the verdicts' window stays between P and 2P (plus a
# sample) instead of growing with the run.
mkdir "$W/slide"
"$K" exporter --listen 127.0.0.1:0 -i 0.2 --leak-window 1s -d 7 --textfile "$W/slide/k.prom" \
	2>"$W/slide.err" &
spid=$!
t0=$(date +%s.%N)
: >"$W/slide.tw"
while kill -0 "$spid" 2>/dev/null; do
	w=$(sed -n 's/^kleak_trend_window_seconds //p' "$W/slide/k.prom" 2>/dev/null)
	[ -n "$w" ] && echo "$(date +%s.%N) $w" >>"$W/slide.tw"
	sleep 0.1
done
wait "$spid"
awk -v t0="$t0" '{ print $1 - t0, $2 }' "$W/slide.tw" >"$W/slide.rel" && mv "$W/slide.rel" "$W/slide.tw"
# after 3 s: every window within [P - 2 intervals, 2P + one interval] (samples come
# on ticks, the switches on the first tick past P and 2P)
bad=$(awk '$1 > 3 && ($2 < 1.0 || $2 > 3.0)' "$W/slide.tw" | head -3)
late=$(awk '$1 > 3' "$W/slide.tw" | wc -l)
[ -z "$bad" ] && [ "$late" -gt 10 ] &&
	ok "sliding trend window: stays within 1.0-3.0 s over 7 s of samples ($late reads after 3 s, max $(awk '{ if ($2 > m) m = $2 } END { print m }' "$W/slide.tw") s)" ||
	not_ok "sliding trend window" "$late reads after 3 s; outside [1.0, 3.0]: $bad" "$(tail -3 "$W/slide.err")"

# watch --textfile: the same metrics, rewritten every sample (20 ms here);
# a reader never sees a file cut short (write, then rename).
mkdir "$W/wtf"
"$K" watch -i 20ms -d 4 --leak-window 1s --textfile "$W/wtf/kleak.prom" >"$W/wtf.out" 2>"$W/wtf.err" &
wpid=$!
reads=0 torn=0
while kill -0 "$wpid" 2>/dev/null; do
	if cp "$W/wtf/kleak.prom" "$W/wtf.read" 2>/dev/null; then
		reads=$((reads + 1))
		# whole: ends with a newline, has the first family and the tables' counts
		[ "$(tail -c 1 "$W/wtf.read" | od -An -c | tr -d ' ')" = '\n' ] &&
			grep -q '^kleak_build_info{' "$W/wtf.read" &&
			grep -q '^kleak_entries{table="slab_cache"}' "$W/wtf.read" || torn=$((torn + 1))
	fi
	sleep 0.01
done
wait "$wpid"; rc=$?
[ "$rc" = 0 ] && [ "$reads" -gt 20 ] && [ "$torn" = 0 ] &&
	ok "watch --textfile: $reads reads during 4 s of writes every 20 ms, none torn" ||
	not_ok "watch --textfile: whole files only" "rc $rc, $reads reads, $torn torn" "$(tail -3 "$W/wtf.err")"
check "watch --textfile: promtool check metrics is clean" promtool check metrics <"$W/wtf/kleak.prom"
# (the verdict families appear once a series has grown: left out here)
fam() { sed -n 's/^# TYPE \([^ ]*\) .*/\1/p' "$1" | grep -vE '^kleak_(verdict|growth_)' | sort; }
[ -s "$W/tf/kleak.prom" ] && [ "$(fam "$W/wtf/kleak.prom")" = "$(fam "$W/tf/kleak.prom")" ] &&
	ok "watch --textfile: the exporter's metric families ($(fam "$W/tf/kleak.prom" | wc -l))" ||
	not_ok "watch --textfile: the exporter's metric families" \
		"$(diff <(fam "$W/tf/kleak.prom") <(fam "$W/wtf/kleak.prom"))"
[ "$(ls -A "$W/wtf")" = kleak.prom ] && ok "watch --textfile: no temporary left" ||
	not_ok "watch --textfile: no temporary left" "$(ls -A "$W/wtf")"
"$K" watch -n 1 --textfile "$W/nodir/kleak.prom" >/dev/null 2>"$W/wtf2.err"; rc=$?
[ "$rc" = 1 ] && grep -q 'nodir' "$W/wtf2.err" && ok "watch --textfile into a missing directory: exit 1, named" ||
	not_ok "watch --textfile into a missing directory" "rc $rc: $(cat "$W/wtf2.err")"

# --- TLS and basic auth ---
if command -v openssl >/dev/null && command -v htpasswd >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$W/tls.key" -out "$W/tls.crt" 2>/dev/null
	hash=$(htpasswd -nbB -C 6 prom 's3cret pass' | cut -d: -f2-)
	printf 'tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  prom: %s\n' \
		"$hash" >"$W/web.yml"
	if start_exporter tls "$K" -i 1 --web.config.file "$W/web.yml"; then
		:
	fi
	# curl over plain http cannot reach it: the port speaks TLS only.
	PORT=$(sed -nE 's/.*\(port ([0-9]+)\).*/\1/p' "$W/tls.err")
	T=https://127.0.0.1:$PORT
	sleep 1.2
	c1=$(code --cacert "$W/tls.crt" "$T/metrics")
	c2=$(code --cacert "$W/tls.crt" -u prom:wrong "$T/metrics")
	c3=$(code --cacert "$W/tls.crt" -u nobody:'s3cret pass' "$T/metrics")
	c4=$(code --cacert "$W/tls.crt" -u 'prom:s3cret pass' "$T/metrics")
	c5=$(code -u 'prom:s3cret pass' "http://127.0.0.1:$PORT/metrics")
	c6=$(code --cacert "$W/tls.crt" -u 'prom:s3cret pass' "$T/metrics")
	if [ "$c1/$c2/$c3/$c4/$c6" = 401/401/401/200/200 ] && [ "$c5" != 200 ]; then
		ok "TLS + basic auth: no auth 401, wrong password 401, unknown user 401, right 200 (twice), plain HTTP refused"
	else
		not_ok "TLS + basic auth" "none $c1 wrong $c2 unknown $c3 right $c4 again $c6 plain $c5" "$(cat "$W/tls.err")"
	fi
	curl -s -D - -o /dev/null --cacert "$W/tls.crt" "$T/metrics" | grep -qi '^www-authenticate: basic' &&
		ok "401 asks for basic auth" || not_ok "401 asks for basic auth"
	kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null
else
	skip "TLS + basic auth" "openssl or htpasswd (apache2-utils) missing"
fi

# --- load and slow clients (the optimised binary: what users run) ---
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
if command -v wrk >/dev/null && start_exporter load "$KOPT" -i 1; then
	E=http://127.0.0.1:$PORT
	sleep 1.5
	rss0=$(rss "$PID")
	wrk -t2 -c100 -d"${WRK_S}s" --timeout 5s "$E/metrics" >"$W/wrk.out" 2>&1 &
	wpid=$!
	slow=0 n=0 maxrss=$rss0
	while kill -0 "$wpid" 2>/dev/null; do
		t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 1 "$E/metrics")
		n=$((n + 1))
		[[ "$t" == "200 "* ]] || slow=$((slow + 1))
		r=$(rss "$PID"); [ "${r:-0}" -gt "$maxrss" ] && maxrss=$r
		sleep 0.5
	done
	wait "$wpid"
	reqs=$(awk '/requests in/ { print $1 }' "$W/wrk.out")
	echo "# wrk ${WRK_S}s x 100 connections: $reqs requests, $(awk '/Requests\/sec/ { print $2 }' "$W/wrk.out") req/s; RSS $rss0 kB -> max $maxrss kB"
	if ! grep -qE 'Socket errors|Non-2xx' "$W/wrk.out" && [ "${reqs:-0}" -gt 0 ]; then
		ok "wrk: $reqs requests at 100 connections, no errors"
	else
		not_ok "wrk: no errors" "$(cat "$W/wrk.out")"
	fi
	[ "$slow" = 0 ] && [ "$n" -gt 2 ] && ok "a separate scrape answered within 1 s throughout ($n tries)" ||
		not_ok "a separate scrape answered within 1 s throughout" "$slow of $n failed"
	[ "$maxrss" -lt $((rss0 + 32768)) ] && [ "$maxrss" -lt 131072 ] &&
		ok "RSS bounded under load: $rss0 -> $maxrss kB" || not_ok "RSS bounded under load" "$rss0 -> $maxrss kB"
	# 500 slow clients for 14 s: past the 10 s request deadline.
	python3 $H/slowloris.py 127.0.0.1 "$PORT" 500 14 >"$W/slow.out" 2>&1 &
	spid=$!
	sleep 2
	slow=0 n=0
	while kill -0 "$spid" 2>/dev/null; do
		c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$E/metrics")
		n=$((n + 1)); [ "$c" = 200 ] || slow=$((slow + 1))
		sleep 0.5
	done
	wait "$spid"
	[ "$slow" = 0 ] && [ "$n" -gt 5 ] && ok "500 slow clients: every scrape answered within 1 s ($n)" ||
		not_ok "500 slow clients: scrapes answered" "$slow of $n failed; $(cat "$W/slow.out")"
	grep -q '^closed 500 of 500' "$W/slow.out" && ok "slow clients cut at the request deadline" ||
		not_ok "slow clients cut at the request deadline" "$(cat "$W/slow.out")"
	kill "$PID"; wait "$PID" 2>/dev/null
else
	skip "load and slow clients" "wrk not installed"
fi

# --- Prometheus, the leaker, the rules ---
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null || [ ! -x "$LEAKER" ]; then
	skip "Prometheus scrapes a real leak" "prometheus/promtool (Debian prometheus) or $LEAKER missing"
	tap_done
	exit
fi
check "contrib rules: promtool check rules" promtool check rules contrib/prometheus/kleak.rules.yml
check "contrib rules: promtool test rules (series recorded from a real leak)" \
	promtool test rules contrib/prometheus/kleak.rules.test.yml
if ! start_exporter prom "$K" -i 1 --leak-window 20s; then
	not_ok "exporter for Prometheus starts"
	tap_done
	exit
fi
EP=$PORT
PP=$(free_port)
XP=$(free_port)
python3 $H/accept-proxy.py "$XP" "$EP" &
sed -E 's/for: [0-9]+m/for: 5s/' contrib/prometheus/kleak.rules.yml >"$W/rules.yml"
cat >"$W/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [ "$W/rules.yml" ]
scrape_configs:
  - job_name: kleak
    static_configs: [ { targets: [ "127.0.0.1:$EP" ] } ]
  - job_name: kleak_text
    static_configs: [ { targets: [ "127.0.0.1:$XP" ] } ]
EOF
prometheus --config.file="$W/prometheus.yml" --storage.tsdb.path="$W/tsdb" \
	--web.listen-address="127.0.0.1:$PP" --log.level=warn >"$W/prom.log" 2>&1 &
P=http://127.0.0.1:$PP
pstart=$(date +%s)
q() { curl -s --max-time 5 --data-urlencode "query=$1" "$P/api/v1/query"; }
for i in $(seq 60); do q up >/dev/null 2>&1 && break; sleep 0.5; done
$LEAKER --threads 1500 --rate 30 --until-signal >"$W/leaker.out" 2>&1 &
lpid=$!
# Leak window 20 s: growing first, then leak; wait at most 90 s.
got=""
for i in $(seq 90); do
	got=$(q 'kleak_verdict{job="kleak",verdict="leak",source="slab",name="task_struct"} == 1' |
		jq -r '.data.result | length')
	[ "$got" = 1 ] && break
	sleep 1
done
[ "$got" = 1 ] && ok "Prometheus: task_struct judged leak after the window (${i}s)" ||
	not_ok "Prometheus: task_struct judged leak" "$(q 'kleak_verdict{job="kleak",name="task_struct"} == 1')"
g=$(q 'max_over_time(kleak_verdict{job="kleak",verdict="growing",source="slab",name="task_struct"}[5m])' |
	jq -r '.data.result[0].value[1] // "none"')
[ "$g" = 1 ] && ok "growing before the leak window" || not_ok "growing before the leak window" "got $g"
g=$(q 'max_over_time(kleak_verdict_reason{job="kleak",reason="window_too_short",source="slab",name="task_struct"}[5m])' |
	jq -r '.data.result[0].value[1] // "none"')
[ "$g" = 1 ] && ok "... with kleak_verdict_reason window_too_short" || not_ok "reason window_too_short before the window" "got $g"
# Every verdict but leak says why, a leak does not (CONTRACTS "Verdicts").
curl -s "http://127.0.0.1:$EP/metrics" >"$W/reasons.txt"
key() { sed -E 's/^[a-z_]+\{//; s/,?(verdict|reason)="[a-z_]+"//; s/\} .*//' | sort; }
grep -E '^kleak_verdict\{.*verdict="[a-z_]+"\} 1$' "$W/reasons.txt" | grep -v 'verdict="leak"' | key >"$W/nonleak"
grep -E '^kleak_verdict_reason\{' "$W/reasons.txt" | key >"$W/reasoned"
grep -E '^kleak_verdict\{.*verdict="leak"\} 1$' "$W/reasons.txt" | key >"$W/leaks"
[ -s "$W/nonleak" ] && [ -s "$W/leaks" ] && cmp -s "$W/nonleak" "$W/reasoned" &&
	ok "kleak_verdict_reason: a row for each of the $(wc -l <"$W/nonleak") series not leak, none for the $(wc -l <"$W/leaks") leaks" ||
	not_ok "kleak_verdict_reason: exactly the series not leak" "$(diff "$W/nonleak" "$W/reasoned")" \
		"leaks: $(cat "$W/leaks")"
v=$(q 'max_over_time(kleak_verdict{job="kleak",verdict="leak",source="vmalloc_caller",name="kernel_clone"}[5m])' |
	jq -r '.data.result[0].value[1] // "none"')
[ "$v" = 1 ] && ok "Prometheus: vmalloc_caller kernel_clone judged leak" || not_ok "kernel_clone leak" "got $v"
d=$(q 'delta(kleak_slab_cache_bytes{job="kleak",cache="task_struct"}[20s])' | jq -r '.data.result[0].value[1] // 0')
awk -v d="$d" 'BEGIN { exit !(d > 1000000) }' && ok "query API: task_struct bytes grew ${d} B in 20 s" ||
	not_ok "query API: task_struct grows" "delta $d"
r=$(q 'kleak_growth_bytes_per_second{job="kleak",source="slab",name="task_struct"}' | jq -r '.data.result[0].value[1] // 0')
awk -v r="$r" 'BEGIN { exit !(r > 10000) }' && ok "growth rate exported: $r B/s" || not_ok "growth rate" "$r"
# (over the run: the verdict of the moment moves on once the threads stop)
# The text job scrapes on its own clock: give it a few scrapes to see the
# leak the first job saw (CI once queried it before its next scrape).
for i in $(seq 15); do
	t=$(q 'max_over_time(kleak_verdict{job="kleak_text",verdict="leak",name="task_struct"}[5m])' |
		jq -r '.data.result[0].value[1] // "none"')
	[ "$t" = 1 ] && break
	sleep 1
done
u=$(q 'up' | jq -r '[.data.result[] | .value[1]] | join(",")')
[ "$t" = 1 ] && [ "$u" = "1,1" ] && ok "Prometheus parses both formats (up 1,1; text job sees the leak too)" ||
	not_ok "Prometheus parses both formats" "up $u, text job verdict $t"
a=""
for i in $(seq 30); do
	a=$(curl -s "$P/api/v1/alerts" | jq -r '[.data.alerts[] | select(.labels.alertname == "KleakLeak" and
		.labels.name == "task_struct" and .state == "firing")] | length')
	[ "$a" -ge 1 ] 2>/dev/null && break
	sleep 1
done
[ "${a:-0}" -ge 1 ] 2>/dev/null && ok "alert KleakLeak fires for task_struct (/api/v1/alerts)" ||
	not_ok "alert KleakLeak fires" "$(curl -s "$P/api/v1/alerts" | head -c 600)"
# For contrib/prometheus/record-series.sh: keep a dump when asked.
if [ -n "${EXPORTER_RECORD_DIR:-}" ]; then
	sleep 70 # the growth ends (1500 threads at 30/s) and leaves the window
	contrib/prometheus/record-series.sh "$P" $(($(date +%s) - pstart)) >"$EXPORTER_RECORD_DIR/recorded.yml" &&
		echo "# recorded series in $EXPORTER_RECORD_DIR/recorded.yml"
fi
kill "$lpid"
tap_done
