# SPDX-License-Identifier: GPL-2.0
# Host checks for kmemleak-run.sh (sourced by tests/vm/run.sh).
twins='kleak_kmalloc_ok|kleak_cache_ok|ok_kmalloc_work|ok_cache_work'
expect_rc0 run.json
expect_jq "run: the workload ran and exited 0" run.json '.command_status == 0'
expect_jq "run: objects from before the run are left out (jiffies from /proc/timer_list)" run.json '.since_jiffies > 0'
expect_jq "run: groups are ranked by bytes" run.json \
	'[.groups[].bytes] as $b | $b == ($b | sort | reverse)'
# ground truth: the raw report kleak read (kmemleak keeps reporting them)
# Objects whose first frame after the allocator is FUNC. (Not a plain grep:
# kmemleak symbolizes when the report is read, so kmem_test's freed init
# section, reused by a module loaded later, prints as that module's code.)
raw_count() {
	awk -v f="$1" '/^unreferenced object/ { st = 0; next }
		/^  backtrace/ { st = 1; next }
		st == 1 && /^    / { fr = $1; if (fr ~ /^\[</) fr = $2
			if (fr ~ /^(__kmalloc|kmem_cache_alloc|kmalloc)/) next
			if (index(fr, f "+") == 1) n++
			st = 2 }
		END { print n + 0 }' "$OUT/kmemleak.txt"
}
kml=$(raw_count leak_kmalloc_work)
kcl=$(raw_count leak_cache_work)
expect "raw report: kmemleak saw the kmalloc leaker's objects" test "${kml:-0}" -gt 50
expect_jq "run: leak_kmalloc_work [kleak_kmalloc_leak], every raw object, 512 B each" run.json \
	'[.groups[] | select(.function == "leak_kmalloc_work")] | length == 1 and .[0].module == "kleak_kmalloc_leak" and .[0].count == $n and .[0].bytes == $n * 512' \
	--argjson n "${kml:-0}"
expect_jq "run: leak_cache_work [kleak_cache_leak], every raw object" run.json \
	'[.groups[] | select(.function == "leak_cache_work")] | length == 1 and .[0].module == "kleak_cache_leak" and .[0].count == $n' \
	--argjson n "${kcl:-0}"
expect_jq "run: the kmalloc leaker ranks above the cache leaker and every smaller group" run.json \
	'[.groups[] | select(.module != "kmem_test")][0].function == "leak_kmalloc_work"'
if [ -e "$OUT/has-kmemleak-test" ]; then
	expect_jq "run: kmemleak-test's leaks are named kmemleak_test_init [kmemleak_test]" run.json \
		'[.groups[] | select(.module == "kmemleak_test")] | length > 0 and all(.function == "kmemleak_test_init")'
else
	skip "$VM_T: kmemleak-test's leaks" "the kernel has no samples/kmemleak-test.ko"
fi
# kmem_test's 4 MiB vmalloc is referenced from its .bss until rmmod; after
# it kmemleak may or may not report it (KERNEL-FACTS: a stale pointer can
# hide it). When the raw report has it, kleak must name it and rank it first.
if grep -q '(size 4194304)' "$OUT/kmemleak.txt" 2>/dev/null; then
	expect_jq "run: kmem_test's 4 MiB vmalloc first, kmem_alloc [kmem_test] via the saved kallsyms" run.json \
		'.groups[0].bytes == 4194304 and .groups[0].function == "kmem_alloc" and .groups[0].module == "kmem_test"'
	expect_jq "report --baseline (a kleak snapshot taken while loaded): kmem_alloc [kmem_test]" baseline.json \
		'.groups[0].bytes == 4194304 and .groups[0].function == "kmem_alloc" and .groups[0].module == "kmem_test"'
else
	skip "$VM_T: kmem_test's vmalloc named after rmmod" "kmemleak did not report the unloaded module's area"
fi
expect_jq "run: no twin anywhere in the groups" run.json \
	'[.groups[] | tostring | select(test($re))] | length == 0' --arg re "$twins"
expect_rc0 baseline.json
expect_jq "report --baseline: the leakers' groups as run found them" baseline.json \
	'[.groups[] | select(.module == "kleak_kmalloc_leak" or .module == "kleak_cache_leak") | [.function, .count, .bytes]] ==
	 [$r[0].groups[] | select(.module == "kleak_kmalloc_leak" or .module == "kleak_cache_leak") | [.function, .count, .bytes]]' \
	--slurpfile r "$OUT/run.json"
expect_rc0 report.txt
expect "report text names leak_kmalloc_work [kleak_kmalloc_leak]" \
	grep -q 'leak_kmalloc_work \[kleak_kmalloc_leak\]' "$OUT/report.txt"
# the kernel log copy: kleak on the host groups kmemleak's verbose lines
if [ -e "$OUT/verbose" ]; then
	"${KLEAK_VM_BIN:-${KLEAK:-$VM_TOP/kleak}}" kmemleak report --from "$OUT/dmesg.txt" --json \
		>"$OUT/dmesg.json" 2>"$OUT/dmesg.json.err"
	echo $? >"$OUT/dmesg.json.rc"
	expect_rc0 dmesg.json
	expect_jq "dmesg: the log's reports group like the file's (leak_kmalloc_work, every object)" dmesg.json \
		'[.groups[] | select(.function == "leak_kmalloc_work")] | length == 1 and .[0].module == "kleak_kmalloc_leak" and .[0].count == $n' \
		--argjson n "${kml:-0}"
else
	skip "$VM_T: dmesg copy of the report" "kmemleak has no verbose parameter here"
fi
# kleak record kept kmemleak's report (in the first sample, then only when
# it changed), and report --html on the host shows its groups: the kmalloc
# leaker's with every raw object, 512 bytes each.
expect_rc0 record.json
expect "record: the first sample keeps kmemleak's report, not every sample does the same" \
	sh -c "tar tzf '$OUT/rec.kleak' | grep -qx sample-000001/kmemleak &&
	       [ \$(tar tzf '$OUT/rec.kleak' | grep -c '/kmemleak\$') -lt 3 ]"
"${KLEAK_VM_BIN:-${KLEAK:-$VM_TOP/kleak}}" report --html "$OUT/rec.html" "$OUT/rec.kleak" \
	>"$OUT/rec.txt" 2>"$OUT/rec.txt.err"
echo $? >"$OUT/rec.txt.rc"
expect_rc0 rec.txt
expect "report --html: the recorded kmemleak groups, leak_kmalloc_work [kleak_kmalloc_leak] with every object" \
	grep -q "<tr class=\"group\" data-function=\"leak_kmalloc_work\" data-module=\"kleak_kmalloc_leak\" data-bytes=\"$((${kml:-0} * 512))\" data-count=\"${kml:-0}\"" \
	"$OUT/rec.html"
