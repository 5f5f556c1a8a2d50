# SPDX-License-Identifier: GPL-2.0
# Host checks for investigate-vmalloc.sh (sourced by tests/vm/run.sh).
expect_rc0 investigate.json
expect "ground truth: kmem_test vmalloc'd areas while investigated" \
	test "$(cat "$OUT/areas-end")" -gt "$(cat "$OUT/areas-start")"
expect_jq "investigate: the verdict is leak" investigate.json '.verdict.verdict == "leak"'
expect_jq "investigate: culprit is the vmalloc caller kmem_alloc of kmem_test" investigate.json \
	'.verdict.culprit | .kind == "vmalloc_caller" and .name == "kmem_alloc" and
	 .module == "kmem_test" and (.callsite | startswith("kmem_alloc+"))'
expect_jq "investigate: the module is out-of-tree, as /proc/modules says" investigate.json \
	'.confirm.module.name == "kmem_test" and .confirm.module.out_of_tree'
if [ "$KERNEL_NAME" = 6.1 ]; then
	expect_jq "investigate (6.1, no vmalloc tracepoints): vmallocinfo's caller, tracing said why not" investigate.json \
		'.confirm.vmallocinfo.areas_gained > 0 and
		 ([.confirm.not_run[] | select(.method == "vmalloc_trace")] | length == 1)'
else
	expect_jq "investigate (6.2+): vmalloc tracing found the caller with aged areas" investigate.json \
		'(.confirm.methods | index("vmalloc_trace")) and
		 (.confirm.trace as $t | $t.callsites[$t.culprit] | (.callsite | startswith("kmem_alloc+")) and .aged_count >= 16)'
fi
expect_jq "investigate: named within -d 3m" investigate.json '.elapsed_s <= 180'
echo "# [$KERNEL_NAME] investigate-vmalloc: 36 MB/h leak named in $(jqv investigate.json .elapsed_s) s"
