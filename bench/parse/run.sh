#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Parser throughput against `wc -l` and awk, in one run, on inputs built from
# real captures (gen.sh). Prints a markdown table; `make bench` appends
# nothing by itself: copy the table into docs/performance.md.
set -eu
cd "$(dirname "$0")/../.."
W=${BENCH_DIR:-/tmp/kleak-bench-parse}
R=${ROUNDS:-5}
bench/parse/gen.sh "$W" "${LINES:-1000000}" "${CACHES:-100000}"
B=build/bench/bench_parsers
# The fastest of R runs for every contender: on a shared machine the
# minimum is the least disturbed figure, and each side gets the same rule.
best() { sort -n | head -n 1; }
timeit() { # best wall seconds of R runs of "$@" (output discarded)
	for _ in $(seq "$R"); do
		s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
		awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f\n", e - s }'
	done | best
}
vm=$W/vmallocinfo
printf '%s lines, %s MB vmallocinfo; %s caches slabinfo; best of %s runs\n\n' \
	"$(wc -l <"$vm")" "$(($(stat -c %s "$vm") / 1000000))" "$(($(wc -l <"$W/slabinfo") - 2))" "$R"
wc_s=$(timeit wc -l "$vm")
awk_s=$(timeit bench/parse/awk-vmalloc.sh "$vm")
mkdir -p "$W/dir" && cp "$vm" "$W/meminfo" "$W/dir/"
kleak_s=$(timeit ./kleak check --from "$W/dir" --json)
agg_s=$($B "$R" vmalloc_group "$vm" | awk '{print $(NF-1)}')
parse_s=$($B "$R" vmallocinfo "$vm" | awk '{print $(NF-1)}')
slab_s=$($B "$R" slabinfo "$W/slabinfo" | awk '{print $(NF-1)}')
slab_awk=$(timeit awk 'NR > 2 { s[$1] += $15 * $6 * 4096 } END { for (k in s) print k, s[k] }' "$W/slabinfo")
mem_s=$($B 1000 meminfo "$W/meminfo" | awk '{print $(NF-1)}')
r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
cat <<TABLE
| what | seconds | vs kleak |
|---|---|---|
| \`wc -l\` vmallocinfo | $wc_s | $(r "$wc_s" "$agg_s")x of kleak's aggregation |
| awk aggregation by caller and module (bench/parse/awk-vmalloc.sh) | $awk_s | kleak aggregation is $(r "$awk_s" "$agg_s")x faster |
| kleak: vmallocinfo parse only (callback walk) | $parse_s | |
| kleak: vmalloc_group (parse + by caller + by module) | $agg_s | |
| \`kleak check --from DIR --json\` end to end (read, aggregate, JSON) | $kleak_s | $(r "$awk_s" "$kleak_s")x faster than awk |
| kleak slabinfo parse | $slab_s | |
| awk slab bytes by cache | $slab_awk | kleak $(r "$slab_awk" "$slab_s")x faster |
| kleak meminfo parse (one /proc/meminfo) | $mem_s | |
TABLE
