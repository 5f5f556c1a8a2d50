# SPDX-License-Identifier: GPL-2.0
# Host checks for klog-memcg-oom.sh: the cgroup counted its OOM kill (raw
# memory.events), and the parser finds a memcg OOM naming the cgroup path,
# in every format; the finding is about that cgroup.
expect "the hog was killed (SIGKILL: exit 137)" grep -qx 137 "$OUT/hog.rc"
expect "raw: memory.events counts one oom_kill" grep -qx 'oom_kill 1' "$OUT/memory.events"
klog_events_checks klog
expect_jq "parser: a memcg OOM of /kleak-test/oom-victim, awk killed, usage at the 16 MiB limit" klog.kmsg.events -s \
	'[.[] | select(.kind == "oom")] | length == 1 and (.[0] | .memcg and .constraint == "CONSTRAINT_MEMCG" and
	 .oom_memcg == "/kleak-test/oom-victim" and .task_memcg == "/kleak-test/oom-victim" and
	 .killed.comm == "awk" and .memcg_usage.limit_bytes == 16777216 and .complete)'
expect_jq "parser: the cgroup's memory.stat came with it (anon holds most)" klog.kmsg.events -s \
	'[.[] | select(.kind == "oom")][0].memcg_usage.stats | .anon > .kernel'
if [ -x "${KLEAK_KLOG_EVENTS:-$VM_TOP/build/san/tests/klog_events}" ]; then
	"${KLEAK_KLOG_EVENTS:-$VM_TOP/build/san/tests/klog_events}" --findings "$OUT/klog.kmsg" >"$OUT/klog.kmsg.findings" 2>&1
	expect_jq "finding: memcg-oom on /kleak-test/oom-victim (info: user memory), next: kleak trace --cgroup" klog.kmsg.findings -s \
		'[.[] | select(.id == "memcg-oom")] | length == 1 and (.[0] | .subject == "/kleak-test/oom-victim" and
		 .severity == "info" and (.next | startswith("kleak trace --cgroup /kleak-test/oom-victim ")))'
fi
expect_rc0 check.json
expect_jq "check (live /dev/kmsg): memcg-oom on /kleak-test/oom-victim with its time; the cgroup's own oom_kill too" check.json \
	'([.findings[] | select(.id == "memcg-oom")] | length == 1 and (.[0] | .subject == "/kleak-test/oom-victim" and .time != null)) and
	 ([.findings[] | select(.id == "cgroup-oom-kill" and .subject == "/kleak-test/oom-victim")] | length == 1)'
