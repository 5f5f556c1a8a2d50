# SPDX-License-Identifier: GPL-2.0
# The slab leakers: kleak_kmalloc_leak (kmalloc-512 from leak_kmalloc_work)
# and kleak_cache_leak (its own cache kleak_leak_cache from leak_cache_work).
# kleak check must show the growth, and, after rmmod, that the memory stays.
# vm-kernels: all
# vm-timeout: 120
N=1000
echo "$N" >"$OUT/n"
save slabinfo-before /proc/slabinfo
run before.json kleak check --json
load kleak_kmalloc_leak max_allocs=$N
load kleak_cache_leak max_allocs=$N
wait_param kleak_kmalloc_leak allocs $N 60
wait_param kleak_cache_leak allocs $N 60
save slabinfo-loaded /proc/slabinfo
run loaded.json kleak check --json
unload kleak_kmalloc_leak
unload kleak_cache_leak
save slabinfo-after /proc/slabinfo
ls -l /sys/kernel/slab/ >"$OUT/sys-kernel-slab" 2>&1
run after.json kleak check --json
exit 0
