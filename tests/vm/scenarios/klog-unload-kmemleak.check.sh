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
# kleak check on the live /dev/kmsg after the unload: the module, its site.
expect_rc0 check.json
expect_jq "check (live /dev/kmsg): critical module-unload-leak on kleak_kmalloc_leak, naming its site, with its time" check.json \
	'[.findings[] | select(.id == "module-unload-leak")] | length == 1 and (.[0] | .severity == "critical" and
	 .subject == "kleak_kmalloc_leak" and (.evidence | contains($s)) and .time != null)' --arg s "$kuk_site"
# Each event once: what watch's objects and a record/report round trip
# list is what the log holds, no event twice, none lost (record and watch
# started before the leaker and stopped after the log was saved).
kuk_want=$(jq -c '[.kind, .seq]' "$OUT/klog.kmsg.events" 2>/dev/null | paste -sd' ')
expect "record ran and stopped on SIGINT" grep -qx 0 "$OUT/record.rc"
"${KLEAK:-$VM_TOP/kleak}" report --json "$OUT/rec.kleak" >"$OUT/report.json" 2>"$OUT/report.err"
kuk_got=$(jq -c '.events[] | [.kind, .seq]' "$OUT/report.json" 2>/dev/null | paste -sd' ')
expect "report: the recording's events are the log's, each once ($(jq '.events | length' "$OUT/report.json" 2>/dev/null) events)" \
	test -n "$kuk_want" -a "$kuk_got" = "$kuk_want"
expect_jq "report: one unload warning, of kleak_kmalloc_leak" report.json \
	'[.events[] | select(.kind == "alloc_tag_unload" and .module == "kleak_kmalloc_leak")] | length == 1'
expect "watch ran and stopped on SIGINT" grep -qx 0 "$OUT/watch.rc"
kuk_got=$(jq -c 'select(.final | not) | .events[] | [.kind, .seq]' "$OUT/watch.ndjson" 2>/dev/null | paste -sd' ')
expect "watch: the events of its objects are the log's, each once" test -n "$kuk_want" -a "$kuk_got" = "$kuk_want"
kuk_got=$(jq -c 'select(.final) | .events[] | [.kind, .seq]' "$OUT/watch.ndjson" 2>/dev/null | paste -sd' ')
expect "watch: the final object lists them all, each once" test -n "$kuk_want" -a "$kuk_got" = "$kuk_want"
