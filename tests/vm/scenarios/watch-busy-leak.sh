# SPDX-License-Identifier: GPL-2.0
# kleak watch on a leak of 10 MB/h on a busy machine (issue 19: a low rate
# under a concurrent workload must still come out `leak`, first among the
# specific series). The leaker kmallocs 512 bytes every 185 ms and never
# frees them, its twin allocates and frees at the same rate from the same
# cache, and a shell churns files, processes and /proc reads beside them.
# Watched for 150 s with a 90 s leak window: the leaker's series (its
# allocinfo site where the kernel has one, else kmalloc-512) must be the
# first specific series and `leak` at its true rate; the twin's site no leak.
# vm-kernels: all
# vm-timeout: 330
# vm-group: watch-busy
load kleak_kmalloc_ok interval_ms=185
busy_shell
load kleak_kmalloc_leak interval_ms=185 max_allocs=1000000
param kleak_kmalloc_leak allocs >"$OUT/allocs-start"
cut -d' ' -f1 /proc/uptime >"$OUT/uptime-start"
run busy.ndjson kleak watch -i 2 -d 150s --leak-window 90s --json
cut -d' ' -f1 /proc/uptime >"$OUT/uptime-end"
param kleak_kmalloc_leak allocs >"$OUT/allocs-end"
kill "$BUSY"
unload kleak_kmalloc_leak
unload kleak_kmalloc_ok
exit 0
