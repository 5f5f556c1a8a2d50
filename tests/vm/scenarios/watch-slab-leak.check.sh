# SPDX-License-Identifier: GPL-2.0
# Host checks for watch-slab-leak.sh (sourced by tests/vm/run.sh).
# A 10-sample watch is within the default --leak-window (10 min): the
# leakers are "growing" with reason window_too_short until the option is
# wired into the scenario (then a short window and "leak" only).
expect_rc0 twins.ndjson
# The twin's own cache must be no leak. kmalloc-512 is every kernel
# user's: in 10 s of a quiet VM it grew by a few slabs (24 KiB,
# monotonically) with no module loaded. The twin allocates at the leaker's
# pace, so had it leaked, kmalloc-512 would grow at the leaker's rate:
# judge it by that, under a tenth of the rate the leak phase measures.
expect_jq "watch: the twins alone: kleak_ok_cache is no leak, kmalloc-512 grows at < 1/10 of the leaker's rate" \
	twins.ndjson -s --slurpfile l "$OUT/leak.ndjson" '
	(last | .final and ([.leaks[] | select(.name == "kleak_ok_cache") |
	  select(.verdict == "leak" or .verdict == "growing" or .verdict == "possible_leak")] | length == 0)) and
	(([last.leaks[] | select(.name == "kmalloc-512") | .rate_bytes_per_hour] | .[0] // 0) <
	 0.1 * ([$l[-1].leaks[] | select(.name == "kmalloc-512") | .rate_bytes_per_hour] | .[0]))'
expect_rc0 leak.ndjson
expect_jq "watch: NDJSON, one object per sample, the last final" leak.ndjson -s \
	'length == 10 and (map(.final) | index(true)) == 9'
expect_jq "watch: kleak_leak_cache and kmalloc-512 rank first of the caches, verdict leak" leak.ndjson -s \
	'last | [[.leaks[] | select(.source == "slab")][:2][] | select(.verdict == "leak" or (.verdict == "growing" and .reason == "window_too_short")) | .name] | sort == ["kleak_leak_cache", "kmalloc-512"]'
# Above the two caches, only the leakers' own allocinfo sites (6.12).
# Specific series only: an aggregate meminfo series that nothing explains
# may lead (CONTRACTS), and on 6.1 Unaccounted (pages on the per-CPU free
# lists count as used) rose 6 MB in one 10 s window beside the leakers.
expect_jq "watch: no unexplained specific series ranks above them but the leakers' allocinfo sites" leak.ndjson '
	def cache: .source == "slab" and (.name == "kmalloc-512" or .name == "kleak_leak_cache");
	last | [.leaks[] | select(.source != "meminfo" and (.explained_by | length == 0) and
		(.verdict | test("leak|growing")))] as $l |
	([$l | to_entries[] | select(.value | cache) | .key]) as $k |
	($k | length) == 2 and ($l[:($k | max) + 1] | all(.[]; cache or .module == "kleak_kmalloc_leak" or .module == "kleak_cache_leak"))' -s
expect_jq "watch: the twin's kleak_ok_cache is no leak while the leakers run" leak.ndjson -s \
	'last | [.leaks[] | select(.name == "kleak_ok_cache" and (.verdict == "leak" or .verdict == "growing" or .verdict == "possible_leak"))] | length == 0'
# Ground truth: the modules' own counters, sampled twice a second beside
# the watch, over the watch's window (its elapsed_s, ending when it exited)
# x what one object adds to the cache's slabs.
wsl_truth() { # CACHE COLUMN: bytes per hour
	local per t1 el
	per=$(awk -v c="$1" '$1 == c { printf "%.3f\n", $6 * 4096 / $5 }' "$OUT/slabinfo-leak")
	t1=$(cat "$OUT/uptime-end")
	el=$(jq -s 'last | .elapsed_s' "$OUT/leak.ndjson")
	awk -v t0="$(echo "$t1 - $el - 0.5" | bc -l)" -v t1="$t1" -v col="$2" -v per="$per" '
		$1 >= t0 && $1 <= t1 { if (!n++) { a = $1; x = $col } b = $1; y = $col }
		END { if (n > 2 && b > a) printf "%.0f\n", (y - x) * per * 3600 / (b - a); else print 0 }' "$OUT/counters"
}
for c in "kleak_leak_cache 2" "kmalloc-512 3"; do
	set -- $c
	want=$(wsl_truth "$1" "$2")
	expect_jq "watch: $1 rate within 25% of its allocations (${want:-?} B/h)" leak.ndjson \
		'$w > 0 and (last | [.leaks[] | select(.name == $n and .source == "slab")][0].rate_bytes_per_hour | (. - $w) | fabs) <= 0.25 * $w' \
		-s --arg n "$1" --argjson w "${want:-0}"
done
expect_rc0 record.txt
if "${KLEAK:-./kleak}" report --json "$OUT/rec.kleak" >"$OUT/report.json" 2>"$OUT/report.json.err"; then
	ok "$VM_T: report on the host of the VM's recording: exit 0"
	expect_jq "report: kleak_leak_cache and kmalloc-512 rank first of the caches, verdict leak" report.json \
		'[[.leaks[] | select(.source == "slab")][:2][] | select(.verdict == "leak" or (.verdict == "growing" and .reason == "window_too_short")) | .name] | sort == ["kleak_leak_cache", "kmalloc-512"]'
	expect_jq "report: the recording names the VM's kernel" report.json \
		'.host.release | startswith($k)' --arg k "$KERNEL_NAME"
else
	not_ok "$VM_T: report on the host of the VM's recording: exit 0" "$(head -c 400 "$OUT/report.json.err")"
fi
