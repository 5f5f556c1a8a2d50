#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# CPU time per churn operation under each tracer: a second view of the
# overhead that holds up on a machine shared with other jobs, where
# throughput (overhead.sh) mostly measures who else got the CPU. BPF
# programs run in the context of the task that allocates, so their cost is
# charged to the churn process's own utime+stime; waiting for a CPU is not.
# (Frees deferred to softirq may be charged to whatever task they
# interrupt: part of the free path's cost can escape this measure.)
#
#   bench/trace/cpu-per-op.sh [ROUNDS] [SECONDS]     (root; default 5 x 3)
# Tracers: none, floor-empty, floor-exact (../shared/bench/floor), bpftrace,
# libbpf-tools memleak (when built in /tmp/peers), kleak exact, --sample 64
# and --stacks; rounds interleaved, medians printed.
set -u
cd "$(dirname "$0")/../.."
top=$(pwd)
rounds=${1:-5} secs=${2:-3}
H=${KLEAK_BENCH_HARNESS:-$top/../shared/bench}
K=$top/kleak
out=$top/build/bench/trace
mkdir -p "$out"
[ "$(id -u)" = 0 ] || { echo "cpu-per-op: needs root" >&2; exit 1; }
churn=/tmp/churn
[ -x $churn ] || gcc -O2 -o $churn "$H/churn.c"
[ -x /tmp/peers/floor ] || "$H/floor/build.sh" >/dev/null
declare -A cmd=(
	[none]=""
	[floor-empty]="/tmp/peers/floor 0"
	[floor-exact]="/tmp/peers/floor 1"
	[kleak]="$K trace -i 5"
	[kleak-sampled]="$K trace -i 5 --sample 64"
	[kleak-stacks]="$K trace -i 5 --stacks"
)
command -v bpftrace >/dev/null && cmd[bpftrace]="env BPFTRACE_MAP_KEYS_MAX=1048576 bpftrace $H/bt-outstanding.bt"
[ -x /tmp/peers/memleak-libbpf ] && cmd[libbpf-memleak]="/tmp/peers/memleak-libbpf 5"
if [ -n "${TRACERS:-}" ]; then for t in "${!cmd[@]}"; do [[ " $TRACERS " == *" $t "* ]] || unset "cmd[$t]"; done; fi
declare -A res
for r in $(seq "$rounds"); do
	for t in "${!cmd[@]}"; do
		pid=""
		if [ -n "${cmd[$t]}" ]; then
			${cmd[$t]} >/tmp/cpu-per-op-$t.out 2>&1 & pid=$!
			sleep 3
		fi
		# the churn's own CPU (bash `time`: the child's rusage)
		TIMEFORMAT='%U %S'
		{ time $churn "$secs" >"$out/churn.ops"; } 2>"$out/churn.cpu"
		ops=$(cat "$out/churn.ops")
		cpu=$(awk '{ print $1 + $2 }' "$out/churn.cpu")
		res[$t]="${res[$t]:-} $(echo "$cpu * 1000000 / ($ops * $secs)" | bc -l)"
		if [ -n "$pid" ]; then
			# SIGINT, as a user would; a tracer still starting may have it
			# ignored (background job): then SIGTERM, then SIGKILL
			kill -INT $pid
			for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
			kill -TERM $pid 2>/dev/null && sleep 2 && kill -KILL $pid 2>/dev/null
			wait $pid 2>/dev/null
		fi
	done
done
med() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
base=$(med "${res[none]}")
{
	printf '%-15s %12s %14s\n' tracer "cpu_us/op" "added_us/op"
	for t in none floor-empty floor-exact bpftrace libbpf-memleak kleak kleak-sampled kleak-stacks; do
		[ -n "${res[$t]:-}" ] || continue
		m=$(med "${res[$t]}")
		printf '%-15s %12.3f %14.3f\n' "$t" "$m" "$(echo "$m - $base" | bc -l)"
	done
} | tee "$out/cpu-per-op.txt"
