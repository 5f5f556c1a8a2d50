# SPDX-License-Identifier: GPL-2.0
# Host checks for klog-slab-oom.sh: the raw logs hold what the kernel
# printed (ground truth), and kleak's kernel-log parser finds it in every
# format: the OOM with kleak_oom_cache as the top unreclaimable cache and
# the hog killed, the module's allocation failures before it; the finding
# names the cache and the command that traces it.
expect "the hog was killed (SIGKILL: exit 137)" grep -qx 137 "$OUT/hog.rc"
expect "raw: the OOM report has the unreclaimable-slab table" grep -q 'Unreclaimable slab info:' "$OUT/klog.dmesg"
expect "raw: the table names kleak_oom_cache" grep -qE '\] kleak_oom_cache +[0-9]+KB +[0-9]+KB$' "$OUT/klog.dmesg"
expect "raw: the module's last allocation failed with a warning" grep -q 'insmod: page allocation failure: order:' "$OUT/klog.dmesg"
expect "raw: SLUB said which cache it could not grow" grep -q 'cache: kleak_oom_cache, object size: ' "$OUT/klog.dmesg"
klog_events_checks klog
kso_objs=$(( $(cat "$OUT/allocs" 2>/dev/null || echo 0) * $(cat "$OUT/objsize" 2>/dev/null || echo 0) ))
expect_jq "parser: one OOM, global, awk killed, kleak_oom_cache the top unreclaimable cache" klog.kmsg.events -s \
	'[.[] | select(.kind == "oom")] | length == 1 and (.[0] | .constraint == "CONSTRAINT_NONE" and .global and
	 .killed.comm == "awk" and .comm == "awk" and .slab_exceeds_user and .complete and
	 .unreclaimable_slab[0].cache == "kleak_oom_cache")'
expect_jq "parser: the cache's used bytes in the table hold the module's objects ($kso_objs)" klog.kmsg.events -s \
	'[.[] | select(.kind == "oom")][0].unreclaimable_slab[0].used_bytes >= $n' --argjson n "$kso_objs"
expect_jq "parser: Mem-Info: unreclaimable slab above user memory" klog.kmsg.events -s \
	'[.[] | select(.kind == "oom")][0].mem_info | .slab_unreclaimable_bytes > .user_bytes'
expect_jq "parser: a page allocation failure by insmod, then SLUB's on kleak_oom_cache" klog.kmsg.events -s \
	'([.[] | select(.kind == "page_alloc_failure" and .comm == "insmod")] | length >= 1) and
	 ([.[] | select(.kind == "slub_alloc_failure" and .cache == "kleak_oom_cache" and .object_size == 8192)] | length == 1)'
if [ "$KERNEL_NAME" = 6.12 ]; then
	expect_jq "parser: 6.12's show_mem names the module's allocation site" klog.kmsg.events -s \
		'[.[] | select(.kind == "oom")][0].allocations | map(select(.module == "kleak_slab_fill" and .function == "fill_slab")) | length == 1'
fi
if [ -x "${KLEAK_KLOG_EVENTS:-$VM_TOP/build/san/tests/klog_events}" ]; then
	"${KLEAK_KLOG_EVENTS:-$VM_TOP/build/san/tests/klog_events}" --findings "$OUT/klog.kmsg" >"$OUT/klog.kmsg.findings" 2>&1
	expect_jq "finding: critical oom-unreclaimable-slab on kleak_oom_cache, next: kleak trace --cache kleak_oom_cache" klog.kmsg.findings -s \
		'.[0] | .severity == "critical" and .id == "oom-unreclaimable-slab" and .subject == "kleak_oom_cache" and
		 (.next | startswith("kleak trace --cache kleak_oom_cache ")) and .mono_ns > 0'
fi
# kleak check itself, on the live /dev/kmsg in the VM and on each saved
# log here: the finding names the cache, the next command and the OOM's
# time (wall clock: the VM's boot time plus printk's stamp).
expect_rc0 check.json
expect_jq "check (live /dev/kmsg): critical oom-unreclaimable-slab on kleak_oom_cache at the OOM's time" check.json \
	'(.events | map(select(.kind == "oom"))) as $o | ($o | length == 1) and
	 ([.findings[] | select(.id == "oom-unreclaimable-slab")] | length == 1 and (.[0] |
	  .severity == "critical" and .subject == "kleak_oom_cache" and .seq == $o[0].seq and
	  .time == $o[0].time and .time != null and (.next | startswith("kleak trace --cache kleak_oom_cache"))))'
kso_now=$(cat "$OUT/check-time" 2>/dev/null || echo 0)
expect_jq "check: the OOM's time is of this boot, before the check ran" check.json \
	'[.findings[] | select(.id == "oom-unreclaimable-slab")][0].time | . > $now - 600 and . <= $now' --argjson now "$kso_now"
expect_jq "check: kernel_log says what was read (/dev/kmsg, from the oldest record)" check.json \
	'.kernel_log | .source == "/dev/kmsg" and .format == "kmsg" and .records > 100 and .reader.cursor == 0'
for f in "$OUT"/klog.kmsg "$OUT"/klog.dmesg "$OUT"/klog.dmesg-r "$OUT"/klog.journal-short-iso; do
	[ -s "$f" ] || continue
	"${KLEAK:-$VM_TOP/kleak}" check --json --dmesg "$f" >"$f.check" 2>"$f.check.err"
	expect_jq "check --dmesg ${f##*/}: the finding names kleak_oom_cache" "${f##*/}.check" \
		'[.findings[] | select(.id == "oom-unreclaimable-slab" and .subject == "kleak_oom_cache")] | length == 1'
done
if [ -s "$OUT/klog.journal-short-iso" ]; then
	expect_jq "check --dmesg journal-short-iso: the OOM's wall-clock time, as the live check said" klog.journal-short-iso.check \
		'[.findings[] | select(.id == "oom-unreclaimable-slab")][0].time == $t' \
		--argjson t "$(jq '[.findings[] | select(.id == "oom-unreclaimable-slab")][0].time // 0' "$OUT/check.json" 2>/dev/null || echo 0)"
fi
