#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regenerates the kernel-log fixtures tests/fixtures/klog/ from real
# kernels: runs the klog-* VM scenarios (tests/vm/run.sh) with the host's
# systemd-journald and journalctl copied into the VM (so `journalctl -k`
# output is real too), then copies each boot's saved logs:
#   tests/fixtures/klog/KERNEL-GROUP.FORMAT
# GROUP is main (allocation failures, memcg OOM, unload warning and
# kmemleak on 6.12) or oom (the slab-filling module and the OOM killer).
# The main group keeps the three formats users have most (the raw
# records, dmesg, journalctl -k); the oom group every variant (dmesg
# without stamps, with priorities, util-linux's -x/-T/iso/-t renderings of
# the same records, each journalctl short format). The README there says
# kernel, command and date.
#   tests/vm/capture-klog.sh [KERNEL...]     default: 6.12 6.1
set -eu
cd "$(dirname "$0")/../.."
kernels=${*:-6.12 6.1}
extra=
for b in /lib/systemd/systemd-journald /usr/bin/journalctl; do
	[ -x "$b" ] && extra="$extra $b"
done
[ -n "$extra" ] || echo "capture-klog: no systemd-journald here: no journalctl fixtures" >&2
KLEAK_VM_EXTRA_BINS="$extra" KLEAK_VM_KERNELS="$kernels" tests/vm/run.sh \
	klog-alloc-fail klog-memcg-oom klog-unload-kmemleak klog-slab-oom |
	tee build/vm/capture-klog.tap | grep -E '^not ok|^# \[' || true
dst=tests/fixtures/klog
mkdir -p "$dst"
for k in $kernels; do
	for g in klog klog-oom; do
		out=build/vm/run-$k/share-$g/out
		# the group's last scenario saw the whole boot
		last=$(ls -d "$out"/klog-*/ 2>/dev/null | sort | tail -n 1)
		[ -n "$last" ] && [ -s "$last/klog.kmsg" ] || { echo "$k $g: no logs" >&2; continue; }
		name=$k-${g#klog-}
		[ "$g" = klog ] && name=$k-main
		rm -f "$dst/$name".*
		for f in "$last"/klog.*; do
			case "$f" in *.err | *.events | *.findings | *.uptime | *.log) continue ;; esac
			case "$g:${f##*/klog.}" in klog:kmsg | klog:dmesg | klog:journal-short | klog-oom:*) ;; *) continue ;; esac
			[ -s "$f" ] && cp "$f" "$dst/$name.${f##*/klog.}"
		done
		echo "$name: $(ls "$dst/$name".* | wc -l) files from $last"
	done
done
