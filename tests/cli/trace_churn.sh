#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# No false leaks: 10 s of the churn workload (socket, pipe, open, stat of a
# missing name: it frees all it allocates but for at most 1,024 negative
# dentries) under `kleak trace -p`; what stays outstanding must be at most
# 0.1% of its allocations, and missed events must show in their counters.
# The churn is the shared benchmark's (../shared/bench/churn.c), compiled
# into build/; the test skips when it is absent. Needs root and BTF.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
SRC=../shared/bench/churn.c
T=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

if [ "$(id -u)" != 0 ] || [ ! -r /sys/kernel/btf/vmlinux ]; then
	skip "churn under trace" "needs root and BTF"
	tap_done
	exit
fi
if [ ! -f "$SRC" ]; then
	skip "churn under trace" "$SRC not found (the shared benchmark harness)"
	tap_done
	exit
fi
mkdir -p build
if [ ! -x build/churn ] || [ "$SRC" -nt build/churn ]; then
	gcc -O2 -o build/churn "$SRC" || { not_ok "churn builds"; tap_done; exit; }
fi

SECS=${TRACE_CHURN_SECONDS:-10}
rm -f "$T/gate"
mkfifo "$T/gate"
(read -r _ <"$T/gate"; exec build/churn "$SECS") >"$T/churn.out" 2>&1 &
CP=$!
PIDS+=("$CP")
"$K" trace -p "$CP" -i 2 --json >"$T/c.json" 2>"$T/c.err" &
KP=$!
PIDS+=("$KP")
sleep 2
kill -0 "$KP" 2>/dev/null || { not_ok "trace starts" "$(cat "$T/c.err")"; tap_done; exit; }
echo go >"$T/gate"
wait "$CP"
sleep 1 # RCU-deferred frees of the last objects
kill -INT "$KP"
wait "$KP"
f=$(tail -n 1 "$T/c.json")
ops=$(cat "$T/churn.out")
read -r allocs out missed rep unm < <(jq -r '[([.callsites[].allocs] | add), ([.callsites[].outstanding_count] | add),
	.recursion_misses, .repaired, .unmatched_frees] | @tsv' <<<"$f")
echo "# churn ${ops} ops/s for ${SECS}s: allocs $allocs, outstanding $out, recursion_misses $missed, repaired $rep, unmatched_frees $unm"
[ "${allocs:-0}" -gt 100000 ] && ok "churn traced: $allocs allocations" || not_ok "churn traced" "allocs=${allocs:-?} $(cat "$T/c.err")"
# 0.1% of allocations, plus the 1,024 negative dentries the churn keeps
limit=$((allocs / 1000 + 1024))
[ "${out:-999999999}" -le "$limit" ] && ok "no false leaks: $out outstanding <= $limit (0.1% + 1024 negative dentries)" ||
	not_ok "no false leaks: outstanding <= 0.1% of allocations" "outstanding $out, limit $limit" \
	"$(jq -c '[.callsites[] | select(.outstanding_count > 0) | {callsite, cache, outstanding_count, allocs, frees, repaired}] | .[:8]' <<<"$f")"
jq -e '(.recursion_misses | type == "number") and (.dropped == 0) and (.lost == 0)' <<<"$f" >/dev/null &&
	ok "missed events counted apart (recursion_misses $missed, dropped 0)" ||
	not_ok "missed events counted apart" "$(jq -c '{recursion_misses, dropped, lost}' <<<"$f")"
tap_done
