# SPDX-License-Identifier: GPL-2.0
# Helpers for the host-side <scenario>.check.sh files (bash; sourced by
# tests/vm/run.sh after tests/lib/tap.sh). A check file is sourced with:
#   OUT          the scenario's output directory (what it wrote to $OUT)
#   KERNEL_NAME  the kernel it ran on (6.12, 6.1, ...)
#   VM_T         "[KERNEL] scenario", the prefix of every test name
#   TAP_PREFIX, TAP_DIR  $VM_T and $OUT, for tap.sh's helpers
# It must not exit; it reports through tap.sh's helpers, the same the CLI
# suites use: expect, expect_rc0, expect_jq, jqv (FILE names under $OUT,
# test names prefixed with $VM_T), ok, not_ok, skip; and this file's
# vmalloc_pages_bytes.

# vmalloc_pages_bytes FILE PATTERN: bytes (pages= x 4096) of the raw
# vmallocinfo lines in $OUT/FILE matching the awk regex PATTERN: the ground
# truth kleak's vmalloc figures are compared with.
vmalloc_pages_bytes() {
	awk -v re="$2" '$0 ~ re { for (i = 1; i <= NF; i++)
		if ($i ~ /^pages=/) { sub(/pages=/, "", $i); n += $i } }
		END { printf "%d\n", n * 4096 }' "$OUT/$1"
}

# klog_events_checks NAME: the kernel log a scenario saved with save_klog
# (NAME.kmsg, NAME.dmesg, NAME.dmesg-notime, NAME.dmesg-r, and
# NAME.journal-* when the VM had journald), plus util-linux's renderings of
# NAME.dmesg-r made here (dmesg -F: -x, -T, --time-format iso, -t), each
# through the kernel-log parser (build/san/tests/klog_events): every one
# must parse, into NAME.FORMAT.events (NDJSON), and give the same events,
# in order, by kind and printing task, as the raw /dev/kmsg records.
klog_events_checks() {
	local name=$1 tool=${KLEAK_KLOG_EVENTS:-$VM_TOP/build/san/tests/klog_events}
	local f fmt want got
	if [ ! -x "$tool" ]; then
		skip "$VM_T: kernel-log parser over the saved logs" "no $tool (make test-bins)"
		return 0
	fi
	if command -v dmesg >/dev/null && [ -s "$OUT/$name.dmesg-r" ]; then
		dmesg -F "$OUT/$name.dmesg-r" -x >"$OUT/$name.util-linux-x" 2>/dev/null
		dmesg -F "$OUT/$name.dmesg-r" -T >"$OUT/$name.util-linux-T" 2>/dev/null
		dmesg -F "$OUT/$name.dmesg-r" --time-format iso >"$OUT/$name.util-linux-iso" 2>/dev/null
		dmesg -F "$OUT/$name.dmesg-r" -t >"$OUT/$name.util-linux-t" 2>/dev/null
	fi
	for f in "$OUT/$name".kmsg "$OUT/$name".dmesg* "$OUT/$name".util-linux-* "$OUT/$name".journal-*; do
		[ -s "$f" ] || continue
		case "$f" in *.err | *.events) continue ;; esac
		fmt=${f##*/"$name".}
		if "$tool" "$f" >"$f.events" 2>"$f.events.err"; then
			ok "$VM_T: parser reads $name.$fmt"
		else
			not_ok "$VM_T: parser reads $name.$fmt" "$(head -c 400 "$f.events.err")"
			continue
		fi
		[ "$fmt" = kmsg ] && continue
		want=$(jq -c '[.kind, .comm]' "$OUT/$name.kmsg.events" 2>/dev/null | tr '\n' ' ')
		got=$(jq -c '[.kind, .comm]' "$f.events" 2>/dev/null | tr '\n' ' ')
		expect "parser: $name.$fmt gives the events of $name.kmsg" test "$got" = "$want"
	done
}
