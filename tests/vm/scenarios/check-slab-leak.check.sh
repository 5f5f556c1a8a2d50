# SPDX-License-Identifier: GPL-2.0
# Host checks for check-slab-leak.sh (sourced by tests/vm/run.sh).
n=$(cat "$OUT/n")
# objects_bytes of a cache in a kleak JSON output (0 if absent).
cache_obj() { jqv "$1" "[.slab.caches[] | select(.name == \$c) | .objects_bytes] | add // 0" --arg c "$2"; }

expect_rc0 before.json
expect_rc0 loaded.json
expect_rc0 after.json
expect_jq "loaded: kleak_leak_cache holds >= $n x 320 bytes" \
	loaded.json '[.slab.caches[] | select(.name == "kleak_leak_cache")] | length == 1 and .[0].objects_bytes >= ($n | tonumber) * 320' \
	--arg n "$n"
# kmem_cache_destroy() of a cache with objects left: 6.1 keeps it in
# slabinfo; 6.12 drops it from the list (and sysfs) and the memory stays,
# visible only in meminfo's SUnreclaim. kleak must follow the raw file.
if grep -q '^kleak_leak_cache ' "$OUT/slabinfo-after"; then
	expect_jq "after rmmod: kleak_leak_cache is still reported with its objects" \
		after.json '[.slab.caches[] | select(.name == "kleak_leak_cache")] | length == 1 and .[0].objects_bytes >= ($n | tonumber) * 320' \
		--arg n "$n"
else
	expect_jq "after rmmod: kleak_leak_cache gone from slabinfo, not reported" \
		after.json '[.slab.caches[] | select(.name == "kleak_leak_cache")] | length == 0'
fi
# Both leaks stay in SUnreclaim after rmmod (others may free some: 90 %).
expect_jq "after rmmod: meminfo SUnreclaim grew by >= 90% of $n x (320 + 512) bytes" \
	after.json '.meminfo.SUnreclaim - $b[0].meminfo.SUnreclaim >= ($n | tonumber) * 832 * 0.9' \
	--arg n "$n" --slurpfile b "$OUT/before.json"
# kmalloc-512 grew by the leaked objects (others may free a few: 90 %).
b=$(cache_obj before.json kmalloc-512) a=$(cache_obj after.json kmalloc-512)
expect "after rmmod: kmalloc-512 grew by >= 90% of $n x 512 bytes (${b:-?} -> ${a:-?})" \
	test "$(( ${a:-0} - ${b:-0} ))" -ge $((n * 512 * 9 / 10))
