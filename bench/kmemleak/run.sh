#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Grouping a 100,000-object kmemleak report: `kleak kmemleak report --from`
# (the optimised ./kleak, JSON for every group) against a grep/awk/sort
# pipeline doing the same grouping (awk-group.sh), one run each, same
# input, outputs compared so the two did the same work.
#   bench/kmemleak/run.sh [OBJECTS] [STACKS]
set -eu
cd "$(dirname "$0")/../.."
N=${1:-100000}
S=${2:-500}
K=${KLEAK_OPT:-./kleak}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

now() { date +%s.%N; }

awk -v n="$N" -v stacks="$S" -f bench/kmemleak/gen-report.awk >"$T/report"
size=$(stat -c %s "$T/report")
cat "$T/report" >/dev/null # both start from the page cache

t0=$(now)
"$K" kmemleak report --from "$T/report" --json >"$T/kleak.json"
t1=$(now)
bench/kmemleak/awk-group.sh "$T/report" >"$T/awk.txt"
t2=$(now)

jq -r '.groups[] | "\(.bytes) \(.count) \(.backtrace | join(";"))"' "$T/kleak.json" | sort >"$T/k.sorted"
sort "$T/awk.txt" >"$T/a.sorted"
if ! cmp -s "$T/k.sorted" "$T/a.sorted"; then
	echo "kleak and awk disagree:" >&2
	diff "$T/k.sorted" "$T/a.sorted" | head -5 >&2
	exit 1
fi
groups=$(wc -l <"$T/a.sorted")
awk -v n="$N" -v g="$groups" -v sz="$size" -v t0="$t0" -v t1="$t1" -v t2="$t2" 'BEGIN {
	tk = t1 - t0; ta = t2 - t1
	printf "input: %d objects, %d groups, %.1f MB\n", n, g, sz / 1e6
	printf "kleak kmemleak report --json: %.3f s\n", tk
	printf "grep | awk | sort:            %.3f s\n", ta
	printf "ratio (awk / kleak):          %.1fx\n", ta / tk }'
