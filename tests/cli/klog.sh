#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own words in the commands: `check --dmesg FILE` on every
# captured log (tests/fixtures/klog: the 6.12 and 6.1 VMs, each format)
# has the findings with their time, events[] and kernel_log; a snapshot
# directory's kmsg with the boot time its meta gives; a recording whose
# samples hold the log (one of them twice) reports each event once, in
# `report` and in `check --from`; the live /dev/kmsg in check, snapshot
# and watch; every JSON key documented.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
F=tests/fixtures/klog

# events FILE: the events of a check document as "kind:comm" words.
events() { jq -r '[.events[] | "\(.kind):\(.comm)"] | join(" ")' "$1" 2>/dev/null; }

# --- every captured log, every format ---
for boot in 6.12-oom 6.1-oom 6.12-main 6.1-main; do
	"$K" check --json --dmesg "$F/$boot.kmsg" >"$T/$boot.kmsg.json" 2>"$T/err"
	want=$(events "$T/$boot.kmsg.json")
	bad=""
	for f in "$F/$boot".*; do
		fmt=${f##*/"$boot".}
		"$K" check --json --dmesg "$f" >"$T/$boot.$fmt.json" 2>"$T/err" || { bad="$bad $fmt(exit $?)"; continue; }
		[ "$(events "$T/$boot.$fmt.json")" = "$want" ] || bad="$bad $fmt"
	done
	[ -n "$want" ] && [ -z "$bad" ] && ok "check --dmesg: every format of $boot gives the events of its kmsg ($want)" \
		|| not_ok "check --dmesg over $boot's formats" "differ or fail:$bad" "want: $want"
done
if jq_true '[.findings[] | select(.id == "oom-unreclaimable-slab")] | length == 1 and (.[0] |
	.severity == "critical" and .subject == "kleak_oom_cache" and .mono_ns > 0 and .time == null and
	(.next | startswith("kleak trace --cache kleak_oom_cache")))' "$T/6.12-oom.kmsg.json" >/dev/null &&
	jq_true '.kernel_log | .source == $f and .format == "kmsg" and .reader == null and .records > 500' \
		--arg f "$F/6.12-oom.kmsg" "$T/6.12-oom.kmsg.json" >/dev/null; then
	ok "check --dmesg: the OOM names kleak_oom_cache with printk's stamp (no boot time for a saved file: time null)"
else
	not_ok "check --dmesg: the OOM finding" "$(jq -c '.kernel_log, [.findings[] | {id, subject, time, mono_ns}]' "$T/6.12-oom.kmsg.json" 2>&1 | head -c 600)"
fi
# A log that prints the wall clock gives it: the journal's own stamp.
t=$(jq -r '[.events[] | select(.kind == "oom")][0].time' "$T/6.12-oom.journal-short-iso.json" 2>/dev/null)
stamp=$(grep -m1 'invoked oom-killer' "$F/6.12-oom.journal-short-iso" | cut -d' ' -f1)
want=$(date -d "$stamp" +%s 2>/dev/null)
if [ -n "$want" ] && [ "$t" = "$want" ] &&
	jq_true '[.findings[] | select(.id == "oom-unreclaimable-slab")][0].time == ($t | tonumber)' --arg t "$t" \
		"$T/6.12-oom.journal-short-iso.json" >/dev/null; then
	ok "check --dmesg journalctl -o short-iso: the OOM's time is the journal's ($stamp)"
else
	not_ok "the OOM's time from the journal" "event time $t, journal $stamp = $want"
fi
"$K" check --dmesg "$F/6.12-main.dmesg" >"$T/main.txt" 2>&1
grep -q '^Kernel log' "$T/main.txt" && grep -q 'kleak_kmalloc_leak: a module was unloaded with memory it allocated still live' "$T/main.txt" &&
	grep -q 'next: kleak trace --min-age 60' "$T/main.txt" \
	&& ok "check's text view: the kernel log and the unload finding with its next command" \
	|| not_ok "check's text view" "$(sed -n '/^Kernel log/,$p' "$T/main.txt" | head -12)"
"$K" check --json --dmesg - <"$F/6.1-oom.dmesg" >"$T/stdin.json" 2>"$T/err"
[ "$(events "$T/stdin.json")" = "$(events "$T/6.1-oom.dmesg.json")" ] &&
	jq_true '.kernel_log.source == "standard input"' "$T/stdin.json" >/dev/null \
	&& ok "check --dmesg - reads standard input" || not_ok "--dmesg -" "$(cat "$T/err")"
"$K" check --dmesg "$T/nonexistent" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 1 ] && grep -q "nonexistent" "$T/err" && ok "--dmesg of a missing file: exit 1, named" \
	|| not_ok "--dmesg missing: rc $rc" "$(cat "$T/err")"
printf '6,0,100,-;fine\nnot a record\n' >"$T/bad.kmsg"
"$K" check --json --dmesg "$T/bad.kmsg" >"$T/bad.json" 2>"$T/err"; rc=$?
[ $rc = 1 ] && jq_true '.error | contains("bad.kmsg:2:")' "$T/bad.json" >/dev/null \
	&& ok "--dmesg of a log that does not parse: exit 1, FILE:LINE" || not_ok "--dmesg bad: rc $rc" "$(cat "$T/bad.json" "$T/err")"

# --- a snapshot directory: its kmsg, its boot time from meta ---
mkdir -p "$T/snap"
cp tests/fixtures/cgroups/6.12/meminfo "$T/snap/meminfo"
cp "$F/6.12-oom.kmsg" "$T/snap/kmsg"
wall=1796000000000000000 mono=60000000000
printf 'kleak_snapshot=1\nrelease=6.12\nhostname=vm\ntime=%d\npage_size=4096\nmono_ns=%d\nwall_ns=%d\n' \
	$((wall / 1000000000)) $mono $wall >"$T/snap/meta"
"$K" check --json --from "$T/snap" >"$T/snap.json" 2>"$T/err"
mono_oom=$(jq '[.events[] | select(.kind == "oom")][0].mono_ns' "$T/snap.json" 2>/dev/null)
want=$(( (wall - mono + ${mono_oom:-0}) / 1000000000 ))
if jq_true '[.findings[] | select(.id == "oom-unreclaimable-slab")][0] | .time == ($w | tonumber)' \
	--arg w "$want" "$T/snap.json" >/dev/null && jq_true '.kernel_log.source | endswith("snap/kmsg")' "$T/snap.json" >/dev/null; then
	ok "check --from DIR: the kernel log's findings at the meta's boot time + printk's stamp ($want)"
else
	not_ok "check --from DIR: kernel-log times" "want $want" "$(jq -c '.kernel_log, [.findings[] | {id, time, mono_ns}]' "$T/snap.json" 2>&1 | head -c 500)"
fi

# --- a recording: each event once over its samples ---
# Sample 1 holds the whole log, sample 2 the same records again (a reader
# given an older cursor), sample 3 none: report lists each event once,
# check --from the recording has the log as of the sample it checks.
rec=$T/rec.kleak
for n in 1 2 3; do
	d=$T/rec/sample-00000$n
	mkdir -p "$d"
	cp tests/fixtures/cgroups/6.12/meminfo "$d/meminfo"
	if [ $n = 3 ]; then : >"$d/kmsg"; else cp "$F/6.12-main.kmsg" "$d/kmsg"; fi
	printf 'kleak_snapshot=1\nrelease=6.12\nhostname=vm\ntime=%d\npage_size=4096\nmono_ns=%d\nwall_ns=%d\nkleak_recording=1\ninterval_ns=1000000000\nsample=%d\n' \
		$((wall / 1000000000 + n)) $((600000000000 + n * 1000000000)) $((wall + n * 1000000000)) $n >"$d/meta"
	# one gzip member a sample, its tar without the end-of-archive blocks
	# (kleak writes those in a closing member of their own)
	tar -C "$T/rec" --format=ustar -cf - "sample-00000$n" |
		perl -0777 -pe 's/\0+\z//; $_ .= "\0" x ((512 - length() % 512) % 512)' | gzip -1 >>"$rec"
done
"$K" report --json "$rec" >"$T/report.json" 2>"$T/report.err"
want=$(events "$T/6.12-main.kmsg.json")
[ -n "$want" ] && [ "$(events "$T/report.json")" = "$want" ] &&
	jq_true '.kernel_log.events == (.events | length)' "$T/report.json" >/dev/null \
	&& ok "report: a recording whose samples repeat the log lists each event once ($(jq '.events | length' "$T/report.json"))" \
	|| not_ok "report: each event once" "got: $(events "$T/report.json")" "want: $want" "$(cat "$T/report.err")"
"$K" report "$rec" >"$T/report.txt" 2>&1
grep -q '^Kernel log: ' "$T/report.txt" && grep -q 'module was unloaded' "$T/report.txt" \
	&& ok "report's text: the kernel log's findings" || not_ok "report's text" "$(tail -n 12 "$T/report.txt")"
"$K" check --json --from "$rec" >"$T/rec-check.json" 2>"$T/err"
"$K" check --json --from "$rec" --sample 1 >"$T/rec-check1.json" 2>>"$T/err"
[ "$(events "$T/rec-check.json")" = "$want" ] && [ "$(events "$T/rec-check1.json")" = "$want" ] &&
	jq_true '[.findings[] | select(.id == "module-unload-leak")] | length == 1' "$T/rec-check.json" >/dev/null \
	&& ok "check --from a recording: the log of samples 1 to N, each event once (the last sample holds none of it)" \
	|| not_ok "check --from a recording: the log" "$(events "$T/rec-check.json")" "$(cat "$T/err")"

# --- live: /dev/kmsg (root, or kernel.dmesg_restrict=0) ---
if [ -r /dev/kmsg ] && "$K" check --json >"$T/live.json" 2>"$T/err" && jq_true '.kernel_log != null' "$T/live.json" >/dev/null; then
	jq_true '.kernel_log | .source == "/dev/kmsg" and .format == "kmsg" and .reader.cursor == 0 and .records > 0' "$T/live.json" >/dev/null \
		&& ok "check reads the live /dev/kmsg from its oldest record" || not_ok "check live kernel_log" "$(jq -c .kernel_log "$T/live.json")"
	"$K" snapshot -o "$T/live-snap" >/dev/null 2>&1
	[ -s "$T/live-snap/kmsg" ] && head -c 200 "$T/live-snap/kmsg" | grep -qE '^[0-9]+,[0-9]+,[0-9]+,' &&
		grep -q '^kmsg_next_seq=' "$T/live-snap/meta" && grep -q '^boot_id=' "$T/live-snap/meta" \
		&& ok "snapshot copies the kernel log's records (kmsg) with the reader's cursor and the boot id" \
		|| not_ok "snapshot's kmsg" "$(ls "$T/live-snap")"
	"$K" watch --json -n 3 -i 0.3 >"$T/watch.ndjson" 2>"$T/err"
	jq_true -s 'length == 3 and all(.[]; has("events") and (.kernel_log.source == "/dev/kmsg")) and
		(.[1].kernel_log.reader.cursor > 0)' "$T/watch.ndjson" >/dev/null \
		&& ok "watch: every object has events[] and kernel_log; the reader goes on from its cursor" \
		|| not_ok "watch's kernel log" "$(jq -c '.kernel_log' "$T/watch.ndjson" 2>&1 | head -c 600)"
else
	for t in "check reads the live /dev/kmsg" "snapshot copies the kernel log" "watch's kernel log"; do
		skip "$t" "/dev/kmsg not readable here (needs root, or kernel.dmesg_restrict=0)"
	done
fi

# --- the schemas: every key is documented ---
missing=""
for k in $(jq -r '(.kernel_log | keys[]), (.kernel_log.reader // {} | keys[]), (.events[] | keys[]),
		(.findings[0] | keys[])' "$T/6.12-main.kmsg.json" "$T/6.12-oom.kmsg.json" | sort -u); do
	grep -qE "\`$k(\[\])?\`|\"$k\"" docs/check.md docs/klog.md || missing="$missing $k"
done
[ -z "$missing" ] && ok "every key of kernel_log, events[] and findings[] is in docs/check.md or docs/klog.md" \
	|| not_ok "keys missing from docs/check.md and docs/klog.md:$missing"
missing=""
for k in $(jq -r '(keys[]), (.kernel_log | keys[]), (.leaks[0] // {} | keys[])' "$T/report.json" | sort -u); do
	grep -qE "\`([a-z_]+(\[\])?\.)?$k[\`.[]" docs/watch.md || missing="$missing $k"
done
[ -z "$missing" ] && ok "every key of report's document is in docs/watch.md" || not_ok "keys missing from docs/watch.md:$missing"
tap_done
