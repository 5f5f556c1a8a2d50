# SPDX-License-Identifier: GPL-2.0
# The kernel's own words about a slab leak that ate the machine: in a VM
# with little memory, kleak_slab_fill takes kleak_oom_cache objects until
# the page allocator refuses (its last allocation fails with "page
# allocation failure" and "SLUB: Unable to allocate memory on node"); then
# a user process allocates and meets the OOM killer, whose report has the
# Mem-Info totals and the "Unreclaimable slab info:" table naming
# kleak_oom_cache. The kernel log is saved in every format (save_klog);
# then the module is unloaded, which frees the objects, so that whatever
# runs next has memory, and `kleak check` reads the live /dev/kmsg.
# vm-kernels: all
# vm-timeout: 180
# vm-group: klog-oom
# vm-mem: 384
cat /proc/meminfo >"$OUT/meminfo-start"
load kleak_slab_fill
param kleak_slab_fill allocs >"$OUT/allocs"
param kleak_slab_fill objsize >"$OUT/objsize"
cat /proc/meminfo >"$OUT/meminfo-filled"
cat /proc/uptime >"$OUT/uptime-hog"
(echo 1000 >/proc/self/oom_score_adj && hog)
echo $? >"$OUT/hog.rc"
save_klog klog
unload kleak_slab_fill
run check.json kleak check --json
date +%s >"$OUT/check-time"
exit 0
