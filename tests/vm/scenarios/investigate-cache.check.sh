# SPDX-License-Identifier: GPL-2.0
# Host checks for investigate-cache.sh (sourced by tests/vm/run.sh).
expect_rc0 investigate.json
expect "ground truth: the leaker allocated while investigated" \
	test "$(cat "$OUT/allocs-end")" -gt "$(cat "$OUT/allocs-start")"
expect_jq "investigate: the verdict is leak" investigate.json '.verdict.verdict == "leak"'
expect_jq "investigate: culprit is the cache kleak_leak_cache and the leaker's call site" investigate.json \
	'.verdict.culprit | .kind == "slab_cache" and .name == "kleak_leak_cache" and
	 (.callsite | startswith("leak_cache_work+")) and .module == "kleak_cache_leak"'
expect_jq "investigate: the twin's cache is named nowhere in the verdict" investigate.json \
	'.verdict | tostring | test("kleak_ok_cache|ok_cache_work") | not'
expect_jq "investigate: named within -d 3m" investigate.json '.elapsed_s <= 180'
echo "# [$KERNEL_NAME] investigate-cache: 30 MB/h leak named in $(jqv investigate.json .elapsed_s) s"
