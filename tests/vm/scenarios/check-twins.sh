# SPDX-License-Identifier: GPL-2.0
# The well-behaved twins: kmem_test leak=0 (vmalloc, then vfree at unload),
# kleak_kmalloc_ok and kleak_cache_ok (allocate and free at the same rate as
# the leakers). While loaded kleak must see them (the positive control);
# after rmmod nothing of theirs may remain in kleak's report or findings.
# (CONTRACTS.md: a twin is judged by what stays after it is unloaded.)
# vm-kernels: all
# vm-timeout: 120
run before.json kleak check --json
load kmem_test size=16777216 leak=0
load kleak_kmalloc_ok
load kleak_cache_ok
wait_param kleak_kmalloc_ok allocs 500 60
wait_param kleak_cache_ok allocs 500 60
save vmallocinfo-loaded /proc/vmallocinfo
save slabinfo-loaded /proc/slabinfo
run loaded.json kleak check --json
unload kleak_cache_ok
unload kleak_kmalloc_ok
unload kmem_test
save vmallocinfo-after /proc/vmallocinfo
save slabinfo-after /proc/slabinfo
run after.json kleak check --json
exit 0
