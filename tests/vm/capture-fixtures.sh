#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regenerates the parser fixtures tests/fixtures/<kernel>/ from real kernels:
# boots each kernel under qemu (tests/vm/lib/vm.sh), runs capture-inside.sh
# there (test modules loaded and leaking, kmemleak scanned twice) and copies
# what it saved, with a README saying kernel, command and date.
#   tests/vm/capture-fixtures.sh [KERNEL...]     default: 6.12 6.1
set -eu
cd "$(dirname "$0")/../.."
. tests/vm/lib/vm.sh

capture() {
	local k=$1 share dst f
	vm_kernel "$k" && vm_modules || { echo "$k: $VM_ERR" >&2; return 1; }
	share=$VM_RUN/share-capture
	rm -rf "$share" && mkdir -p "$share"
	vm_initramfs "$VM_RUN/initramfs-capture.cpio" tests/vm/capture-inside.sh &&
		vm_boot "$VM_RUN/initramfs-capture.cpio" "$share" 300 \
			"$VM_RUN/console-capture.log" ||
		{ echo "$k: $VM_ERR" >&2; return 1; }
	[ "$(cat "$share/out/capture-inside/rc")" = 0 ] ||
		{ echo "$k: capture failed:" >&2; cat "$share/out/capture-inside/log" >&2; return 1; }
	dst=tests/fixtures/$VM_NAME
	mkdir -p "$dst"
	rm -rf "$dst" && mkdir -p "$dst"
	for f in "$share"/out/capture-inside/*; do
		case "$f" in *.err | */log | */rc) continue ;; esac
		cp -r "$f" "$dst/"
	done
	write_readme "$dst" "$(cat "$dst/uname-r")"
	echo "$k: $(ls "$dst" | wc -l) files in $dst"
}

write_readme() {
	local dst=$1 kver=$2 kmemleak=no allocinfo=no
	[ -f "$dst/kmemleak" ] && kmemleak=yes
	[ -f "$dst/allocinfo" ] && allocinfo=yes
	cat >"$dst/README.md" <<EOT
# Fixtures from Linux $kver

Captured $(date -u +%Y-%m-%d) inside a qemu VM (TCG, 2 CPUs, 2 GiB) by
\`tests/vm/capture-fixtures.sh $VM_NAME\`, which runs
\`tests/vm/capture-inside.sh\` as root in the VM (busybox, kernel command
line in \`cmdline\`). Do not edit by hand: regenerate.

State when captured: \`kmem_test size=8388608 leak=1\` loaded (vmallocinfo has
\`kmem_alloc+.../... [kmem_test]\` lines, the area and its page array),
\`kleak_kmalloc_leak\` and \`kleak_cache_leak\` loaded after leaking 20
objects each (kmalloc-512 from \`leak_kmalloc_work\`, cache
\`kleak_leak_cache\` from \`leak_cache_work\`), the kernel's sample
\`kmemleak-test\` loaded where the kernel has it, kmemleak scanned twice.
kmemleak: $kmemleak. /proc/allocinfo: $allocinfo.

The directory is a \`kleak snapshot\` directory (\`kleak check --from
tests/fixtures/$VM_NAME\`), its /proc files raw copies (cat), not kleak's;
\`unloaded/\` is the same after \`rmmod kmem_test\`, where the leak's caller is
a bare address: \`kleak check --from tests/fixtures/$VM_NAME/unloaded
--baseline tests/fixtures/$VM_NAME\` must name kmem_test.

| file | source |
|---|---|
| meminfo, slabinfo, vmallocinfo, modules, cmdline | /proc/... |
| allocinfo | /proc/allocinfo (if the kernel has it): the header, non-zero and module lines only |
| kallsyms | /proc/kallsyms, only the test modules' symbols and a few allocators |
| meta, slab_aliases | written by \`kleak snapshot\` (release, page size ...; /sys/kernel/slab as "name target reclaim_account") |
| sys-kernel-slab.ls | \`ls -l /sys/kernel/slab/\` (the raw truth behind slab_aliases) |
| kmemleak | /sys/kernel/debug/kmemleak after \`scan\`, 12 s, \`scan\` (top level only) |
| dmesg | the kernel log at the end (allocinfo's "has N allocated at module unload" on 6.12) |
| uname-r | \`uname -r\` |
EOT
}

rc=0
for k in "${@:-6.12 6.1}"; do
	capture "$k" || rc=1
done
exit $rc
