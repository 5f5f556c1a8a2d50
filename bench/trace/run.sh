#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Overhead of `kleak trace` against its peers and the floor, on the shared
# harness ../shared/bench/overhead.sh (nothing of it is copied here).
#
#   bench/trace/run.sh [ROUNDS] [SECONDS]     (root; default 3 rounds x 3 s)
#   UPDATE_DOCS=1 bench/trace/run.sh ...      also rewrite the table in
#                                             docs/performance.md ("## trace")
#   WORKLOADS=nginx bench/trace/run.sh ...    only that workload this time
#
# Two workloads (churn: ~27 kmem events per op, the worst case; nginx on
# loopback under wrk), each with every tracer interleaved in one run: none,
# floor-empty, floor-exact, bpftrace, perf-record, libbpf-tools memleak
# (when /tmp/peers/memleak-libbpf exists: ../shared/bench/build-libbpf-memleak.sh),
# kleak exact and kleak --sample 64; then a second run for kleak --stacks
# against floor-exact and memleak. Per-event cost comes from a short extra
# run with kernel.bpf_stats_enabled=1 (which itself adds cost, so never
# during the timed runs). Results: build/bench/trace/.
set -u
cd "$(dirname "$0")/../.."
top=$(pwd)
rounds=${1:-3} secs=${2:-3}
H=${KLEAK_BENCH_HARNESS:-$top/../shared/bench}
out=$top/build/bench/trace
K=$top/kleak
[ "$(id -u)" = 0 ] || { echo "bench/trace: needs root" >&2; exit 1; }
[ -x "$H/overhead.sh" ] || { echo "bench/trace: $H/overhead.sh not found" >&2; exit 1; }
[ -x "$K" ] || { echo "bench/trace: build ./kleak first (make)" >&2; exit 1; }
command -v bpftrace >/dev/null || echo "bench/trace: bpftrace not installed: no bpftrace row" >&2
[ -x /tmp/peers/memleak-libbpf ] || echo "bench/trace: no /tmp/peers/memleak-libbpf: no memleak row ($H/build-libbpf-memleak.sh)" >&2
mkdir -p "$out"

# the floor's object map holds 1M entries: kleak's too (its default is 256K)
exact="$K trace -i 5 --max-entries 1048576"
sampled="$K trace -i 5 --max-entries 1048576 --sample 64"
stacks="$K trace -i 5 --max-entries 1048576 --stacks"
# WORKLOADS="nginx" re-measures one workload; the table reads the others'
# last results from build/bench/trace/.
for w in ${WORKLOADS:-churn nginx}; do
	echo "== $w: all tracers ($rounds rounds x $secs s)" >&2
	WORKLOAD=$w KLEAK_CMD="$exact" KLEAK_SAMPLED_CMD="$sampled" \
		"$H/overhead.sh" "$rounds" "$secs" | tee "$out/$w.txt"
	echo "== $w: kleak --stacks" >&2
	WORKLOAD=$w KLEAK_CMD="$stacks" TRACERS="none floor-exact libbpf-memleak kleak" \
		"$H/overhead.sh" "$rounds" "$secs" | tee "$out/$w-stacks.txt"
done

# Per-event cost: BPF run-time statistics over a 3 s churn.
churn=/tmp/churn
[ -x $churn ] || gcc -O2 -o $churn "$H/churn.c"
old=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -q kernel.bpf_stats_enabled=1
for mode in exact sampled; do
	args=""; [ $mode = sampled ] && args="--sample 64"
	$K trace -i 60 --json $args >"$out/stats-$mode.json" 2>/dev/null &
	kp=$!
	sleep 3
	$churn 3 >/dev/null
	kill -INT $kp; wait $kp
done
for m in 0 1; do
	/tmp/peers/floor $m >"$out/stats-floor-$m.txt" 2>&1 &
	fp=$!
	sleep 3
	$churn 3 >/dev/null
	kill -INT $fp; wait $fp
done
sysctl -q kernel.bpf_stats_enabled="$old"

# ---- the table ----
col() { awk -v t="$2" -v c="$3" '$1 == t { print $c }' "$out/$1.txt"; }
added() { [ -n "$1" ] && echo "$1 - 1" | bc -l; }
ns() { # mean ns per run of the alloc and free programs in a kleak JSON
	jq -r '.programs | map("\(.event) \(if .run_count > 0 then (.run_time_ns / .run_count | floor) else "-" end) ns") | join(", ")' "$out/stats-$1.json"
}
{
	echo "| tracer | churn slowdown | churn tracer CPU s | nginx slowdown | nginx tracer CPU s |"
	echo "|---|---|---|---|---|"
	for t in floor-empty floor-exact bpftrace perf-record libbpf-memleak kleak kleak-sampled; do
		name=$t
		case $t in kleak) name="kleak trace (exact)" ;; kleak-sampled) name="kleak trace --sample 64" ;; esac
		echo "| $name | $(col churn $t 3) | $(col churn $t 4) | $(col nginx $t 3) | $(col nginx $t 4) |"
	done
	echo "| kleak trace --stacks (own run) | $(col churn-stacks kleak 3) | $(col churn-stacks kleak 4) | $(col nginx-stacks kleak 3) | $(col nginx-stacks kleak 4) |"
	echo "| libbpf-tools memleak (same run as --stacks) | $(col churn-stacks libbpf-memleak 3) | $(col churn-stacks libbpf-memleak 4) | $(col nginx-stacks libbpf-memleak 3) | $(col nginx-stacks libbpf-memleak 4) |"
	echo
	echo "Targets, as added cost (slowdown - 1) against the same run's figures:"
	echo
	echo "| target | churn | nginx |"
	echo "|---|---|---|"
	verdict() { # verdict RUN TRACER REF FACTOR OP
		local a b
		a=$(added "$(col "$1" "$2" 3)") b=$(added "$(col "$1" "$3" 3)")
		[ -z "$a" ] || [ -z "$b" ] && { echo "n/a"; return; }
		awk -v a="$a" -v b="$b" -v f="$4" 'BEGIN { r = b > 0 ? a / b : 0;
			printf "%.3f vs %.3f x %s = %.3f: %s", a, b, f, b * f, (a <= b * f) ? "met" : "NOT met" }'
	}
	echo "| exact <= 1.25 x floor-exact | $(verdict churn kleak floor-exact 1.25) | $(verdict nginx kleak floor-exact 1.25) |"
	echo "| exact < bpftrace | $(verdict churn kleak bpftrace 1) | $(verdict nginx kleak bpftrace 1) |"
	echo "| exact <= memleak / 3 | $(verdict churn kleak libbpf-memleak 0.3333) | $(verdict nginx kleak libbpf-memleak 0.3333) |"
	echo "| --stacks <= memleak / 2 | $(verdict churn-stacks kleak libbpf-memleak 0.5) | $(verdict nginx-stacks kleak libbpf-memleak 0.5) |"
	echo "| --sample 64 <= 1.25 x floor-empty | $(verdict churn kleak-sampled floor-empty 1.25) | $(verdict nginx kleak-sampled floor-empty 1.25) |"
	echo
	echo "Per-event cost (kernel.bpf_stats_enabled=1, 3 s of churn): kleak exact: $(ns exact);"
	echo "kleak --sample 64: $(ns sampled); floor-exact: $(awk '/ns\/run/ { printf "%s%s %s ns", (n++ ? ", " : ""), $1, $5 }' "$out/stats-floor-1.txt");"
	echo "floor-empty: $(awk '/ns\/run/ { printf "%s%s %s ns", (n++ ? ", " : ""), $1, $5 }' "$out/stats-floor-0.txt")."
	echo "Recursion misses in the exact run: $(jq '.recursion_misses' "$out/stats-exact.json"), repaired $(jq '.repaired' "$out/stats-exact.json")."
} | tee "$out/results.md"

if [ "${UPDATE_DOCS:-}" = 1 ]; then
	f=docs/performance.md
	# replace the block between the two markers, or append the section
	if grep -q '<!-- trace-bench:begin -->' "$f"; then
		awk -v res="$out/results.md" '
			/<!-- trace-bench:begin -->/ { print; while ((getline l < res) > 0) print l; skip = 1; next }
			/<!-- trace-bench:end -->/ { skip = 0 }
			!skip' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
	else
		{ echo; echo "## trace"; echo; echo '<!-- trace-bench:begin -->'; cat "$out/results.md"; echo '<!-- trace-bench:end -->'; } >>"$f"
	fi
	echo "bench/trace: updated $f" >&2
fi
