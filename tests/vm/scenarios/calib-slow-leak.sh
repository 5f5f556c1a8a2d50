# SPDX-License-Identifier: GPL-2.0
# Calibration case vm-slow (bench/calibration/run.sh vm-slow; not a test:
# "vm-bench" keeps it out of the suite): a 1 MB/h leak on an idle machine
# (issue 19: the lowest rate kleak must call `leak` within its window).
# The leaker kmallocs 512 bytes every 1843 ms and never frees them, its
# twin allocates and frees at the same rate; nothing else runs. The VM is
# recorded for DURATION (15 min, longer than the 10 min default window) and
# the recording is replayed on the host like the other cases.
# vm-kernels: 6.12
# vm-bench: yes
# vm-timeout: 1080
# vm-group: calib
load kleak_kmalloc_ok interval_ms=1843
load kleak_kmalloc_leak interval_ms=1843 max_allocs=1000000
param kleak_kmalloc_leak allocs >"$OUT/allocs-start"
run rec.log kleak record -o "$OUT/rec.kleak" -i 2 -d 15m
param kleak_kmalloc_leak allocs >"$OUT/allocs-end"
unload kleak_kmalloc_leak
unload kleak_kmalloc_ok
exit 0
