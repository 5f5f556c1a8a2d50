# SPDX-License-Identifier: GPL-2.0
# Host checks for count-dentry.sh (sourced by tests/vm/run.sh).
n=$(cat "$OUT/n")
for m in fentry kprobe cache; do
	expect_rc0 "held-$m.json"
	expect_rc0 "churn-$m.json"
done
expect_jq "held: __d_alloc/dentry_free by fentry/fexit" held-fentry.final \
	'.final and .mechanism == "fentry/fexit" and .alloc_func == "__d_alloc" and .free_func == "dentry_free" and .object_type == "struct dentry"'
expect_jq "held: --mechanism kprobe uses kprobe/kretprobe" held-kprobe.final \
	'.mechanism == "kprobe/kretprobe"'
expect_jq "held: --cache dentry uses the raw tracepoints" held-cache.final \
	'.mechanism == "raw_tp" and .cache == "dentry"'
for m in fentry kprobe cache; do
	expect_jq "held ($m): alloc >= $n, free < 10%, outstanding ~ $n, allocations outrun frees" \
		"held-$m.final" '.alloc >= ($n|tonumber) and .free < .alloc / 10 and .outstanding >= ($n|tonumber) * 0.9 and .outstanding <= ($n|tonumber) * 1.1 + 20 and .verdict == "allocs_outrun_frees"' \
		--arg n "$n"
	expect_jq "churn ($m): alloc >= $n, frees by rm credited to the shell, balanced" \
		"churn-$m.final" '.alloc >= ($n|tonumber) and .free >= .alloc * 0.95 and .verdict == "balanced"' \
		--arg n "$n"
done
