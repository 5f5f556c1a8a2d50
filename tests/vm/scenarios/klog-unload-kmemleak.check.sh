# SPDX-License-Identifier: GPL-2.0
# Host checks for klog-unload-kmemleak.sh: the parser finds kmemleak's
# count of new leaks and the unload warning naming kleak_kmalloc_leak, its
# site (the line allocinfo showed before the unload) and function; the
# finding names the module.
kuk_site=$(cut -d' ' -f2 "$OUT/allocinfo-site" 2>/dev/null)
expect "raw: allocinfo had the leaker's site before the unload ($kuk_site)" test -n "$kuk_site"
expect "raw: the unload warning is in the log" grep -q 'module kleak_kmalloc_leak func:leak_kmalloc_work has [0-9]* allocated at module unload' "$OUT/klog.dmesg"
klog_events_checks klog
expect_jq "parser: kmemleak announced new suspected leaks" klog.kmsg.events -s \
	'[.[] | select(.kind == "kmemleak" and .count > 0)] | length >= 1'
expect_jq "parser: the unload warning: kleak_kmalloc_leak, $kuk_site, leak_kmalloc_work, at least 200 x 512 bytes" klog.kmsg.events -s \
	'[.[] | select(.kind == "alloc_tag_unload")] | length == 1 and (.[0] | .module == "kleak_kmalloc_leak" and
	 .site == $s and .function == "leak_kmalloc_work" and .bytes >= 102400)' --arg s "$kuk_site"
if [ -x "${KLEAK_KLOG_EVENTS:-$VM_TOP/build/san/tests/klog_events}" ]; then
	"${KLEAK_KLOG_EVENTS:-$VM_TOP/build/san/tests/klog_events}" --findings "$OUT/klog.kmsg" >"$OUT/klog.kmsg.findings" 2>&1
	expect_jq "finding: critical module-unload-leak on kleak_kmalloc_leak, naming its site" klog.kmsg.findings -s \
		'[.[] | select(.id == "module-unload-leak")] | length == 1 and (.[0] | .severity == "critical" and
		 .subject == "kleak_kmalloc_leak" and (.evidence | contains($s)))' --arg s "$kuk_site"
fi
