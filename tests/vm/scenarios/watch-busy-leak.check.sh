# SPDX-License-Identifier: GPL-2.0
# Host checks for watch-busy-leak.sh (sourced by tests/vm/run.sh).
expect_rc0 busy.ndjson
# The leaker's true rate, from its own counter: 512 bytes an allocation.
a0=$(cat "$OUT/allocs-start") a1=$(cat "$OUT/allocs-end")
t0=$(cat "$OUT/uptime-start") t1=$(cat "$OUT/uptime-end")
want=$(awk -v a="$a0" -v b="$a1" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.0f", (b - a) * 512 * 3600 / (e - s) }')
expect "the leaker ran at a low rate (< 20 MB/h: $want B/h)" test "${want:-0}" -gt 0 -a "${want:-0}" -lt 20000000
# The first specific series (not meminfo, not a cgroup, not an aggregate):
# the leaker's allocinfo site (6.10+) or kmalloc-512, verdict leak.
expect_jq "watch: the leaker's series is the first specific one, verdict leak" busy.ndjson -s '
	last | [.leaks[] | select(.source != "meminfo" and .source != "cgroup" and (.aggregate | not))][0] |
	.verdict == "leak" and
	((.source == "allocinfo" and (.name | startswith("leak_kmalloc_work "))) or
	 (.source == "slab" and .name == "kmalloc-512"))'
expect_jq "watch: its rate within 50% of the leaker's ($want B/h)" busy.ndjson -s --argjson w "${want:-0}" '
	last | [.leaks[] | select((.source == "allocinfo" and (.name | startswith("leak_kmalloc_work "))) or
	  (.source == "slab" and .name == "kmalloc-512"))][0] |
	(.rate_bytes_per_hour - $w | fabs) <= 0.5 * $w'
# The twin's site is no leak (it frees what it allocates). Other series
# may be: in 150 s the kernel's lazily purged vmalloc areas (vmap_area,
# alloc_vmap_area, __pte_alloc_kernel) only grow, and kleak cannot tell
# that from a leak within the window (docs/verdicts.md).
expect_jq "watch: the twin's site (ok_kmalloc_work) is no leak" busy.ndjson -s '
	[last.leaks[] | select(.name | startswith("ok_kmalloc_work ")) | select(.verdict == "leak")] | length == 0'
