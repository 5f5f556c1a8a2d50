#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# An interactive shell in kleak's test VM, to try things by hand:
#   tests/vm/shell.sh [KERNEL] [SCENARIO...]     KERNEL: 6.12 (default), 6.1, DIR
# Builds the modules and the initramfs as the suite does, runs the given
# scenarios (outputs in build/vm/run-KERNEL/share-shell/out/), then gives a
# busybox shell on this terminal: kleak on PATH, modules in /modules
# (insmod /modules/kmem_test.ko leak=1), the host share at /host.
# `exit` powers off; Ctrl-a x quits qemu.
set -eu
cd "$(dirname "$0")/../.."
. tests/vm/lib/vm.sh
k=${1:-6.12}
[ $# -gt 0 ] && shift
paths=()
for s in "$@"; do paths+=("tests/vm/scenarios/${s%.sh}.sh"); done
vm_kernel "$k" && vm_modules || { echo "$VM_ERR" >&2; exit 1; }
vm_initramfs "$VM_RUN/initramfs-shell.cpio" "${paths[@]}" || { echo "$VM_ERR" >&2; exit 1; }
share=$VM_RUN/share-shell
rm -rf "$share" && mkdir -p "$share"
vm_shell "$VM_RUN/initramfs-shell.cpio" "$share"
