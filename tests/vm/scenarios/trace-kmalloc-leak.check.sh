# SPDX-License-Identifier: GPL-2.0
# Host checks for trace-kmalloc-leak.sh (sourced by tests/vm/run.sh).
expect_rc0 trace.json
expect_jq "trace: NDJSON ends with one final object" trace.json -s \
	'(last | .final) and ([.[] | select(.final)] | length == 1)'
expect_jq "trace: started before insmod, the leaker's call site is named with its function and module" trace.json -s \
	'last | .callsites[0] | (.function == "leak_kmalloc_work") and (.module == "kleak_kmalloc_leak") and
	 (.callsite | startswith("leak_kmalloc_work+0x")) and (.cache == "kmalloc-512")'
# ground truth: the module's own count of its allocations, all made while
# kleak traced
allocs=$(cat "$OUT/leak-allocs" 2>/dev/null)
expect_jq "trace: the leaker's allocations are the $allocs the module made, all outstanding" trace.json -s \
	'last | [.callsites[] | select(.function == "leak_kmalloc_work")] | length == 1 and
	 .[0].allocs == $n and .[0].outstanding_count == $n and .[0].frees == 0 and .[0].unconfirmed_count == 0' \
	--argjson n "${allocs:-0}"
# The twin holds a ring of 16: judged by growth, never above the ring.
expect_jq "trace: the twin ok_kmalloc_work does not grow (<= 16 outstanding, allocating)" trace.json -s \
	'last | [.callsites[] | select(.function == "ok_kmalloc_work")] | length == 1 and .[0].outstanding_count <= 16 and .[0].allocs >= 100 and .[0].module == "kleak_kmalloc_ok"'
expect_jq "trace: between the first report with the leaker and the last, it grew and the twin did not" trace.json -s \
	'def n(f): [.callsites[] | select(.function == f) | .outstanding_count] | add // 0;
	 ([.[] | select(n("leak_kmalloc_work") > 0)] | first) as $f |
	 (last | n("leak_kmalloc_work")) - ($f | n("leak_kmalloc_work")) >= 50 and
	 (last | n("ok_kmalloc_work")) - ($f | n("ok_kmalloc_work")) <= 1'
# map_bytes: at least the object map's elements (header, key, value) and
# buckets; 6.1's fdinfo memlock counts only key + value per entry, half.
expect_jq "trace: map_bytes holds at least the object map's true size" trace.json -s \
	'last | .map_bytes >= .max_entries * (48 + 8 + 40 + 8)'
# The folded stacks of the same run: every line in the format, the
# leaker's stack (a workqueue's, root first) ending in its module frame,
# holding --json's outstanding_bytes for that call site; all lines add up
# to --json's outstanding_bytes.
. tests/lib/folded.sh
expect "trace: every line of --folded obeys the folded format" folded_check "$OUT/trace.folded"
expect "trace: --folded has the leaker's stack, root first, ending in leak_kmalloc_work [kleak_kmalloc_leak]" \
	grep -qE '^ret_from_fork[a-z_]*;.*;process_one_work;leak_kmalloc_work \[kleak_kmalloc_leak\] [0-9]+$' \
	"$OUT/trace.folded"
leak_want=$(jq -s 'last | [.callsites[] | select(.function == "leak_kmalloc_work") | .outstanding_bytes] | add // 0' \
	"$OUT/trace.json" 2>/dev/null)
leak_got=$(folded_bytes "$OUT/trace.folded" ';leak_kmalloc_work \\[kleak_kmalloc_leak\\]$' 2>/dev/null)
expect "trace: --folded's leak_kmalloc_work stacks hold --json's outstanding_bytes ($leak_got of $leak_want)" \
	test "${leak_want:-0}" -gt 0 -a "$leak_got" = "$leak_want"
all_want=$(jq -s 'last | .outstanding_bytes' "$OUT/trace.json" 2>/dev/null)
all_got=$(folded_bytes "$OUT/trace.folded" . 2>/dev/null)
expect "trace: --folded's lines add up to --json's outstanding_bytes ($all_got of $all_want)" \
	test "${all_want:-0}" -gt 0 -a "$all_got" = "$all_want"
expect "trace: programs loaded while running, none left after SIGTERM" \
	sh -c "sed -n 1p '$OUT/trace-sigterm.txt' | grep -qv '^0\$' && grep -q '^rc=0' '$OUT/trace-sigterm.txt' && tail -n 1 '$OUT/trace-sigterm.txt' | grep -qx 0"
expect_rc0 trace-opt.json
expect_jq "trace: page and percpu events attach, vmalloc attached or named absent (6.2+)" trace-opt.json -s \
	'last | (.events | index("mm_page_alloc")) and (.events | index("percpu_alloc_percpu")) and
	 ((.events + .missing_events) | index("alloc_vmap_area")) and .sample == 4'
expect_rc0 trace-cache.json
expect_jq "trace --cache kmalloc-512: the leaker's call site, and kmalloc-512 objects only" trace-cache.json -s \
	'last | ([.callsites[] | select(.function == "leak_kmalloc_work")] | length == 1 and .[0].outstanding_count == 100) and
	 ([.callsites[] | select(.cache != "kmalloc-512")] | length == 0)'
