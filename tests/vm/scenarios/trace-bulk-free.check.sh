# SPDX-License-Identifier: GPL-2.0
# Host checks for trace-bulk-free.sh (sourced by tests/vm/run.sh).
n=$(cat "$OUT/n" 2>/dev/null)
reused=$(cat "$OUT/trace-reused" 2>/dev/null)
expect_rc0 trace.json
expect "bulk: the module got bulk-freed addresses back (the repairs to come)" \
	test "${reused:-0}" -gt 0
expect_jq "trace --min-age: the bulk-freed objects are old, outstanding and all unconfirmed" trace.json -s \
	'last | [.callsites[] | select(.function == "bulk_alloc_one")] | length == 1 and
	 .[0].outstanding_count >= $n and .[0].unconfirmed_count == .[0].outstanding_count and
	 .[0].unconfirmed_bytes == .[0].outstanding_bytes and .[0].repaired >= $r' \
	--argjson n "${n:-1}" --argjson r "${reused:-1}"
expect_jq "trace --min-age: the totals say how much is unconfirmed" trace.json -s \
	'last | .unconfirmed_count >= $n and .unconfirmed_count <= .outstanding_count' --argjson n "${n:-1}"
# Traced system-wide: another site's aged objects may rank above the leak
# (a busy VM's long-lived allocations are confirmed too); what is checked is
# that confirmed objects outrank the bulk-freed, unconfirmed ones.
expect_jq "trace --min-age: the real leak's 60 confirmed objects rank before the bulk ones" trace.json -s \
	'last | [.callsites[] | .function] as $f |
	 ([.callsites[] | select(.function == "leak_cache_work")] | length == 1 and
	  .[0].outstanding_count == 60 and .[0].unconfirmed_count == 0) and
	 ($f | index("leak_cache_work")) < ($f | index("bulk_alloc_one"))'
echo "# [$KERNEL_NAME] trace-bulk-free: ranked first: $(jq -s -r 'last | .callsites[0:3] | map("\(.function) \(.outstanding_count)/\(.unconfirmed_count)") | join(", ")' "$OUT/trace.json" 2>/dev/null)"
expect_jq "trace: the traced frees of the cycle match its allocations" trace.json -s \
	'last | [.callsites[] | select(.function == "cycle_alloc_one")] | length == 0 or
	 (.[0].outstanding_count == 0)'
expect_rc0 count.json
creused=$(cat "$OUT/count-reused" 2>/dev/null)
expect_jq "count -p: the shell's $n objects, freed in bulk, are repaired by the other process's $creused allocations at their addresses, and none of its frees is the shell's" count.json -s \
	'last | .alloc == $n and .free == 0 and .repaired == $r and .outstanding == $n - $r' \
	--argjson n "${n:-1}" --argjson r "${creused:-0}"
expect "count: the other process got the shell's addresses back" test "${creused:-0}" -gt 0
