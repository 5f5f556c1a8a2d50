# SPDX-License-Identifier: GPL-2.0
# Host checks for watch-slab-leak.sh (sourced by tests/vm/run.sh).
expect_rc0 twins.ndjson
expect_jq "watch: the twins alone: kmalloc-512 and kleak_ok_cache are no leak" twins.ndjson -s \
	'last | .final and ([.leaks[] | select(.name == "kmalloc-512" or .name == "kleak_ok_cache") |
	 select(.verdict == "leak" or .verdict == "possible_leak")] | length == 0)'
expect_rc0 leak.ndjson
expect_jq "watch: NDJSON, one object per sample, the last final" leak.ndjson -s \
	'length == 10 and (map(.final) | index(true)) == 9'
expect_jq "watch: kleak_leak_cache and kmalloc-512 rank first, verdict leak" leak.ndjson -s \
	'last | [.leaks[:2][] | select(.source == "slab" and .verdict == "leak") | .name] | sort == ["kleak_leak_cache", "kmalloc-512"]'
expect_jq "watch: the twin's kleak_ok_cache is no leak while the leakers run" leak.ndjson -s \
	'last | [.leaks[] | select(.name == "kleak_ok_cache" and (.verdict == "leak" or .verdict == "possible_leak"))] | length == 0'
# Ground truth: objects the module allocated over the watch (its counter,
# read just before and after) x what one object adds to the cache's slabs.
wsl_truth() { # CACHE COUNTER: bytes per hour
	local per n0 n1 t0 t1
	per=$(awk -v c="$1" '$1 == c { printf "%.3f\n", $6 * 4096 / $5 }' "$OUT/slabinfo-leak")
	n0=$(cat "$OUT/$2-allocs-start") n1=$(cat "$OUT/$2-allocs-end")
	t0=$(cut -d' ' -f1 "$OUT/uptime-start") t1=$(cut -d' ' -f1 "$OUT/uptime-end")
	echo "($n1 - $n0) * $per * 3600 / ($t1 - $t0)" | bc -l
}
for c in "kleak_leak_cache cache" "kmalloc-512 kmalloc"; do
	set -- $c
	want=$(wsl_truth "$1" "$2")
	expect_jq "watch: $1 rate within 25% of its allocations (${want%.*} B/h)" leak.ndjson \
		'$w > 0 and (last | [.leaks[] | select(.name == $n)][0].rate_bytes_per_hour | (. - $w) | fabs) <= 0.25 * $w' \
		-s --arg n "$1" --argjson w "${want:-0}"
done
expect "record alongside: exit 0" grep -qx 0 "$OUT/record.rc"
if "${KLEAK:-./kleak}" report --json "$OUT/rec.kleak" >"$OUT/report.json" 2>"$OUT/report.json.err"; then
	ok "$VM_T: report on the host of the VM's recording: exit 0"
	expect_jq "report: kleak_leak_cache and kmalloc-512 rank first, verdict leak" report.json \
		'[.leaks[:2][] | select(.source == "slab" and .verdict == "leak") | .name] | sort == ["kleak_leak_cache", "kmalloc-512"]'
	expect_jq "report: the recording names the VM's kernel" report.json \
		'.host.release | startswith($k)' --arg k "$KERNEL_NAME"
else
	not_ok "$VM_T: report on the host of the VM's recording: exit 0" "$(head -c 400 "$OUT/report.json.err")"
fi
