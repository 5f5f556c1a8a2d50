# SPDX-License-Identifier: GPL-2.0
# Allocation failures as the kernel reports them: kleak_alloc_fail takes
# order-10 page blocks (GFP_KERNEL | __GFP_NORETRY) until one fails
# ("insmod: page allocation failure: order:10, mode:0x...", a call trace
# and Mem-Info), gives them back; loaded again 11 s later (warn_alloc
# prints one warning per 10 s) it asks vmalloc for 1 TiB ("vmalloc error:
# size 1099511627776, exceeds total pages"). The kernel log is saved in
# every format (save_klog).
# vm-kernels: all
# vm-timeout: 120
# vm-group: klog
# vm-mem: 512
load kleak_alloc_fail
param kleak_alloc_fail blocks >"$OUT/blocks"
unload kleak_alloc_fail
sleep 11
load kleak_alloc_fail pages=0 vmalloc_bytes=1099511627776
unload kleak_alloc_fail
save_klog klog
exit 0
