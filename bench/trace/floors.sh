#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The two targets that judge kleak against the floor, measured alone with
# many rounds: bench/trace/run.sh's full run interleaves nine tracers, so a
# few rounds of each is all it can afford, and on nginx the targets judge
# differences of a few hundredths that move as much between runs.
#
#   bench/trace/floors.sh [ROUNDS] [SECONDS] [WORKLOAD]   (root; default 15 x 3 s, nginx)
#
# Tracers, interleaved per round on ../shared/bench/overhead.sh: none,
# floor-empty, floor-exact, kleak trace exact and --sample 64, each kleak at
# the floor's map size. Prints the medians and the two targets; keeps the
# harness output as build/bench/trace/WORKLOAD-floors.txt.
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
rounds=${1:-15} secs=${2:-3} w=${3:-nginx}
H=${KLEAK_BENCH_HARNESS:-$top/../shared/bench}
out=$top/build/bench/trace
K=$top/kleak
[ "$(id -u)" = 0 ] || { echo "bench/trace: needs root" >&2; exit 1; }
[ -x "$K" ] || { echo "bench/trace: build ./kleak first (make)" >&2; exit 1; }
mkdir -p "$out"
echo "# $(date -u +%FT%TZ), kleak $(git rev-parse --short HEAD), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
WORKLOAD=$w TRACERS="none floor-empty floor-exact kleak kleak-sampled" \
	KLEAK_CMD="$K trace -i 5 --max-entries 1048576" \
	KLEAK_SAMPLED_CMD="$K trace -i 5 --max-entries 1048576 --sample 64" \
	"$H/overhead.sh" "$rounds" "$secs" | tee "$out/$w-floors.txt"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
col() { awk -v t="$1" '$1 == t { print $3 }' "$out/$w-floors.txt"; }
target() { # NAME TRACER REF FACTOR
	awk -v n="$1" -v a="$(col "$2")" -v b="$(col "$3")" -v f="$4" 'BEGIN { a -= 1; b -= 1;
		printf "%s: %.3f vs %.3f x %s = %.3f: %s\n", n, a, b, f, b * f, (a <= b * f) ? "met" : "NOT met" }'
}
target "exact <= 1.25 x floor-exact" kleak floor-exact 1.25
target "--sample 64 <= 1.25 x floor-empty" kleak-sampled floor-empty 1.25
