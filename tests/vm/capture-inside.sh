# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM for capture-fixtures.sh (busybox ash, sourced by /init
# with vmlib.sh): loads the leaking test modules, lets kmemleak find them,
# and saves the /proc and debugfs sources kleak parses to $OUT.
# vm-timeout: 180
load kmem_test size=8388608 leak=1
load kleak_kmalloc_leak max_allocs=20
load kleak_cache_leak max_allocs=20
[ -e /modules/kmemleak-test.ko ] && load kmemleak-test
wait_param kleak_kmalloc_leak allocs 20 60
wait_param kleak_cache_leak allocs 20 60
if [ -e /sys/kernel/debug/kmemleak ]; then
	# The leakers' last pointers can survive in stale stack slots: scan
	# twice with a wait (6.12 reports only objects older than 5 s).
	kmemleak_scan 6
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	save kmemleak /sys/kernel/debug/kmemleak
fi
uname -r >"$OUT/uname-r"
save cmdline /proc/cmdline
save meminfo /proc/meminfo
save slabinfo /proc/slabinfo
save vmallocinfo /proc/vmallocinfo
save modules /proc/modules
# allocinfo: the header, every line holding memory and every module's
# line; the thousands of "0 0" built-in lines have the same format.
[ -e /proc/allocinfo ] &&
	awk 'NR <= 2 || $1 != 0 || /\[/' /proc/allocinfo >"$OUT/allocinfo"
ls -l /sys/kernel/slab/ >"$OUT/sys-kernel-slab.ls"
# kallsyms: the modules' symbols and the allocators the tests name, not
# the whole table (it is megabytes).
grep -E '\[(kmem_test|kleak_[a-z_]*|kmemleak_test)\]|[ \t](vmalloc|vfree|__vmalloc_node_range|kmalloc_trace|__kmalloc|kfree|kmem_cache_alloc|kmem_cache_free|kernel_clone|dentry_free|d_alloc|__d_alloc)$' \
	/proc/kallsyms >"$OUT/kallsyms"
unload kmem_test
save vmallocinfo-unloaded /proc/vmallocinfo
save modules-unloaded /proc/modules
exit 0
