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

# capture DIR: a `kleak snapshot` directory (what `kleak check --from` and
# `--baseline` read), its /proc files replaced by raw copies so a fixture
# never carries a kleak bug; kleak renders only meta and slab_aliases.
capture() {
	mkdir -p "$1"
	rm -rf /tmp/snap
	kleak snapshot -o /tmp/snap >/dev/null || fail "kleak snapshot failed"
	cp /tmp/snap/meta /tmp/snap/slab_aliases "$1/"
	cat /proc/meminfo >"$1/meminfo"
	cat /proc/slabinfo >"$1/slabinfo"
	cat /proc/vmallocinfo >"$1/vmallocinfo"
	cat /proc/modules >"$1/modules"
	# allocinfo: the header, every line holding memory and every module's
	# line; the thousands of "0 0" built-in lines have the same format.
	[ -e /proc/allocinfo ] &&
		awk 'NR <= 2 || $1 != 0 || /\[/' /proc/allocinfo >"$1/allocinfo"
	# kallsyms: the test modules' symbols and the allocators tests name,
	# not the whole table (megabytes).
	grep -E '\[(kmem_test|kleak_[a-z_]*|kmemleak_test)\]|[ \t](vmalloc|vfree|__vmalloc_node_range|kmalloc_trace|__kmalloc|kfree|kmem_cache_alloc|kmem_cache_free|kernel_clone|dentry_free|d_alloc|__d_alloc)$' \
		/proc/kallsyms >"$1/kallsyms"
	ls -l /sys/kernel/slab/ >"$1/sys-kernel-slab.ls"
}
capture "$OUT"
unload kmem_test
capture "$OUT/unloaded"
# The kernel log: module taint, slab and allocinfo warnings at unload.
dmesg >"$OUT/dmesg"
exit 0
