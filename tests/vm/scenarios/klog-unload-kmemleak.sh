# SPDX-License-Identifier: GPL-2.0
# Two leak reports the kernel prints by itself: kmemleak's "N new
# suspected memory leaks" after a scan finds kleak_kmalloc_leak's objects,
# and memory allocation profiling's warning when the module is unloaded
# with its allocations alive ("tests/vm/modules/kleak_kmalloc_leak.c:N
# module kleak_kmalloc_leak func:leak_kmalloc_work has B allocated at
# module unload", inside a WARNING with registers and a call trace). The
# kernel log is saved in every format (save_klog). `kleak record` and
# `kleak watch` run through it all (each event once: checked on the host
# with `kleak report`), and `kleak check` reads the live /dev/kmsg after.
# vm-kernels: 6.12
# vm-timeout: 120
# vm-group: klog
need /proc/allocinfo "kernel has no /proc/allocinfo (CONFIG_MEM_ALLOC_PROFILING)"
need /sys/kernel/debug/kmemleak "kernel has no kmemleak"
[ "$(cat /proc/sys/vm/mem_profiling)" = 1 ] || echo 1 >/proc/sys/vm/mem_profiling ||
	skip "memory allocation profiling is off and cannot be turned on"
kleak record -o /tmp/rec.kleak -i 1 >"$OUT/record.out" 2>"$OUT/record.err" &
rec=$!
kleak watch -i 1 --json >/tmp/watch.ndjson 2>"$OUT/watch.err" &
wat=$!
load kleak_kmalloc_leak max_allocs=200 interval_ms=1
wait_param kleak_kmalloc_leak allocs 200 60
kmemleak_scan 6
sleep 1
echo scan >/sys/kernel/debug/kmemleak
awk '$0 ~ /func:leak_kmalloc_work / { print $1, $3 }' /proc/allocinfo >"$OUT/allocinfo-site"
unload kleak_kmalloc_leak
sleep 3
save_klog klog
kill -INT "$rec" "$wat"
wait "$rec"
echo $? >"$OUT/record.rc"
wait "$wat"
echo $? >"$OUT/watch.rc"
cp /tmp/rec.kleak "$OUT/rec.kleak"
cp /tmp/watch.ndjson "$OUT/watch.ndjson"
run check.json kleak check --json
exit 0
