# SPDX-License-Identifier: GPL-2.0
# Host checks for investigate-kmalloc.sh (sourced by tests/vm/run.sh).
ik_line=$(grep -n 'kmalloc(size' tests/vm/modules/kleak_kmalloc_leak.c | head -n 1 | cut -d: -f1)
expect_rc0 investigate.json
expect "ground truth: the leaker allocated while investigated" \
	test "$(cat "$OUT/allocs-end")" -gt "$(cat "$OUT/allocs-start")"
expect_jq "investigate: one document with detect, localize, confirm, verdict, cost" investigate.json \
	'.final and (.detect | type == "object") and (.localize | type == "object") and
	 (.confirm | type == "object") and (.verdict | type == "object") and (.cost | type == "object")'
expect_jq "investigate: the verdict is leak" investigate.json '.verdict.verdict == "leak"'
# vmalloc areas are freed lazily and purged in batches: on a busy VM their
# bookkeeping (vmap_area, alloc_vmap_area; the shell's forks' stacks) can
# outgrow a 10 MB/h leak in detect's window. They follow the unpurged
# areas (growing_reclaimable, follows_lazy_vmalloc) and are never the
# culprit (issue 18: 6.12-cloud named vmap_area before they did).
expect_jq "investigate: culprit is the leaker's call site and module, in kmalloc-512" investigate.json \
	'.verdict.culprit | .kind == "slab_cache" and .name == "kmalloc-512" and
	 (.callsite | startswith("leak_kmalloc_work+")) and .module == "kleak_kmalloc_leak"'
expect_jq "investigate: the twin is named nowhere in the verdict" investigate.json \
	'.verdict | tostring | test("ok_kmalloc|kleak_kmalloc_ok") | not'
expect_jq "investigate: the traced culprit holds aged objects and freed none" investigate.json \
	'.confirm.trace as $t | $t.callsites[$t.culprit] | .aged_count >= 16 and .frees == 0'
# SUnreclaim also carries the busy shell's lazily purged vmalloc
# bookkeeping (vmap_area): the 10 MB/h cache explained 29-50% of it.
expect_jq "investigate: the culprit's cache explains a good share (>= 20%) of SUnreclaim's growth" investigate.json \
	'.verdict.culprit.explains_fraction >= 0.2'
expect_jq "investigate: the cost is stated (CPU, memory, samples)" investigate.json \
	'.cost.cpu_s > 0 and .cost.max_rss_bytes > 0 and .cost.samples > 0 and .cost.bpf_map_bytes > 0'
expect_jq "investigate: named within -d 5m" investigate.json '.elapsed_s <= 300'
echo "# [$KERNEL_NAME] investigate-kmalloc: 10 MB/h leak named in $(jqv investigate.json .elapsed_s) s (suspect at $(jqv investigate.json .detect.suspect.found_at_s) s), busy shell beside"
if [ "$KERNEL_NAME" = 6.12 ]; then
	expect_jq "investigate (allocinfo): the culprit's site is the leaker's source line" investigate.json \
		'.verdict.culprit.site == $s' --arg s "tests/vm/modules/kleak_kmalloc_leak.c:$ik_line"
	expect_jq "investigate (kmemleak): kmemleak's report matches the culprit" investigate.json \
		'.confirm.kmemleak.matched_groups >= 1 and .confirm.kmemleak.function == "leak_kmalloc_work"'
else
	expect_jq "investigate: kmemleak said why it did not run" investigate.json \
		'[.confirm.not_run[] | select(.method == "kmemleak")] | length == 1'
fi
