# SPDX-License-Identifier: GPL-2.0
# Host checks for watch-allocinfo.sh (sourced by tests/vm/run.sh).
# The sites' lines come from the module sources, the rate from the
# module's allocs counter, the twin's steadiness from the raw allocinfo.
# A 10-sample watch is within the default --leak-window (10 min): the
# leakers are "growing" with reason window_too_short until the option is
# wired into the scenario (then a short window and "leak" only).
wai_line() { # FILE PATTERN: line number of the allocation in a module source
	grep -n "$2" "tests/vm/modules/$1" | head -n 1 | cut -d: -f1
}
wai_leak_site="tests/vm/modules/kleak_kmalloc_leak.c:$(wai_line kleak_kmalloc_leak.c 'kmalloc(size')"
wai_ok_site="tests/vm/modules/kleak_kmalloc_ok.c:$(wai_line kleak_kmalloc_ok.c 'kmalloc(size')"
wai_leak="leak_kmalloc_work $wai_leak_site [kleak_kmalloc_leak]"
wai_ok="ok_kmalloc_work $wai_ok_site [kleak_kmalloc_ok]"
wai_raw() { # FILE FUNC: the raw allocinfo line's "bytes file:line"
	awk -v f="func:$2" '$0 ~ f { print $1, $3 }' "$OUT/$1"
}
expect "raw allocinfo has the leaker's site at the source's line ($wai_leak_site)" \
	test "$(wai_raw allocinfo-end leak_kmalloc_work | cut -d' ' -f2)" = "$wai_leak_site"
expect "raw allocinfo has the twin's site at the source's line ($wai_ok_site)" \
	test "$(wai_raw allocinfo-end ok_kmalloc_work | cut -d' ' -f2)" = "$wai_ok_site"
wai_ok0=$(wai_raw allocinfo-start ok_kmalloc_work | cut -d' ' -f1)
wai_ok1=$(wai_raw allocinfo-end ok_kmalloc_work | cut -d' ' -f1)
expect "raw allocinfo: the twin's site holds the same bytes before and after ($wai_ok0)" \
	test -n "$wai_ok0" -a "$wai_ok0" = "$wai_ok1"

expect_rc0 watch.ndjson
expect_jq "watch: the leaker's site is a leak, source allocinfo, with its module" watch.ndjson -s \
	'last | .final and .sources.allocinfo.ok and
	 ([.leaks[] | select(.source == "allocinfo" and .name == $n and .module == "kleak_kmalloc_leak" and (.verdict == "leak" or (.verdict == "growing" and .reason == "window_too_short")))] | length == 1)' \
	--arg n "$wai_leak"
expect_jq "watch: no meminfo series ranks above the leaker's site" watch.ndjson -s \
	'last | (.leaks | map(.name) | index($n)) as $i | $i != null and ([.leaks[:$i][] | select(.source == "meminfo")] | length == 0)' \
	--arg n "$wai_leak"
expect_jq "watch: the slab pages' site (alloc_slab_page), if growing, ranks below the leaker's site" watch.ndjson -s \
	'last | (.leaks | map(.name) | index($n)) as $i |
	 [.leaks | to_entries[] | select(.value.name | startswith("alloc_slab_page ")) | .key < $i] | any | not' \
	--arg n "$wai_leak"
expect_jq "watch: the twin's site does not grow (no leak, growing or possible_leak)" watch.ndjson -s \
	'last | [.leaks[] | select(.name == $n and (.verdict == "leak" or .verdict == "growing" or .verdict == "possible_leak"))] | length == 0' \
	--arg n "$wai_ok"
# Ground truth: objects allocated during the watch x 512 bytes (kmalloc-512).
wai_n0=$(cat "$OUT/allocs-start" 2>/dev/null) wai_n1=$(cat "$OUT/allocs-end" 2>/dev/null)
wai_t0=$(cut -d' ' -f1 "$OUT/uptime-start" 2>/dev/null) wai_t1=$(cut -d' ' -f1 "$OUT/uptime-end" 2>/dev/null)
wai_want=$(echo "(${wai_n1:-0} - ${wai_n0:-0}) * 512 * 3600 / (${wai_t1:-1} - ${wai_t0:-0})" | bc -l)
expect_jq "watch: the site's rate within 25% of its allocations (${wai_want%.*} B/h)" watch.ndjson \
	'$w > 0 and (last | [.leaks[] | select(.name == $n)][0].rate_bytes_per_hour | (. - $w) | fabs) <= 0.25 * $w' \
	-s --arg n "$wai_leak" --argjson w "${wai_want:-0}"

expect_rc0 check.json
expect_jq "check: allocinfo lists the leaker's site with file:line, function and module" check.json \
	'[.allocinfo.sites[] | select(.function == "leak_kmalloc_work" and .module == "kleak_kmalloc_leak" and
	  .site == $s and .bytes >= 512 * $a)] | length == 1' \
	--arg s "$wai_leak_site" --argjson a "${wai_n1:-1}"
expect_jq "check: by_module has the leaker above its twin" check.json \
	'.allocinfo.by_module | (map(.module) | index("kleak_kmalloc_leak")) < (map(.module) | index("kleak_kmalloc_ok"))'

expect "record alongside: exit 0" grep -qx 0 "$OUT/record.rc"
expect "record: the samples carry allocinfo" sh -c "tar tzf '$OUT/rec.kleak' 2>/dev/null | grep -q '^sample-000010/allocinfo$'"
if "${KLEAK:-./kleak}" report --json "$OUT/rec.kleak" >"$OUT/report.json" 2>"$OUT/report.json.err"; then
	ok "$VM_T: report on the host of the VM's recording: exit 0"
	expect_jq "report: the leaker's site is a leak, the twin's is not" report.json \
		'([.leaks[] | select(.source == "allocinfo" and .name == $n and (.verdict == "leak" or (.verdict == "growing" and .reason == "window_too_short")))] | length == 1) and
		 ([.leaks[] | select(.name == $o and (.verdict == "leak" or .verdict == "growing" or .verdict == "possible_leak"))] | length == 0)' \
		--arg n "$wai_leak" --arg o "$wai_ok"
else
	not_ok "$VM_T: report on the host of the VM's recording: exit 0" "$(head -c 400 "$OUT/report.json.err")"
fi
