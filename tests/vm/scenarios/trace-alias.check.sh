# SPDX-License-Identifier: GPL-2.0
# Host checks for trace-alias.sh (sourced by tests/vm/run.sh).
n=$(cat "$OUT/n" 2>/dev/null)
expect "alias: SLUB merged the nine names into kleak_zz_real, listed under it" \
	sh -c "grep -q '^kleak_zz_real ' '$OUT/slabinfo' && ! grep -q '^kleak_alias_' '$OUT/slabinfo' &&
	       [ \$(grep -c 'kleak_alias_.* -> ' '$OUT/sys-kernel-slab') = 9 ]"
expect_rc0 trace.json
expect_jq "trace --cache kleak_alias_4: its $n objects, under the cache slabinfo names" trace.json -s \
	'last | [.callsites[] | select(.function == "alias_alloc_one")] | length == 1 and
	 .[0].outstanding_count == $n and .[0].cache == "kleak_zz_real" and
	 (.[0].aliases | index("kleak_alias_4"))' --argjson n "${n:-1}"
expect_jq "trace --cache kleak_alias_4: nothing of another cache" trace.json -s \
	'last | [.callsites[] | select(.cache != "kleak_zz_real")] | length == 0'
expect_rc0 count.json
expect_jq "count --cache kleak_alias_4: the $n objects, cache kleak_zz_real" count.json -s \
	'last | .cache == "kleak_zz_real" and .alloc >= $n and .outstanding >= $n' --argjson n "${n:-1}"
