# SPDX-License-Identifier: GPL-2.0
# Calibration case vm-busy (bench/calibration/run.sh vm-busy; not a test:
# "vm-bench" keeps it out of the suite): a 10 MB/h leak on a busy machine
# (issue 19: the rate kleak must call `leak` within its window beside other
# work). The leaker kmallocs 512 bytes every 185 ms and never frees them,
# its twin allocates and frees at the same rate, and a busy shell beside
# them forks, creates and deletes files and reads /proc in a loop (what the
# watch-busy-leak test runs for 150 s). Recorded for 15 min (longer than the
# 10 min default window), replayed on the host like the other cases.
# vm-kernels: 6.12
# vm-bench: yes
# vm-timeout: 1080
# vm-group: calib-busy
load kleak_kmalloc_ok interval_ms=185
busy_shell
load kleak_kmalloc_leak interval_ms=185 max_allocs=1000000
param kleak_kmalloc_leak allocs >"$OUT/allocs-start"
run rec.log kleak record -o "$OUT/rec.kleak" -i 2 -d 15m
param kleak_kmalloc_leak allocs >"$OUT/allocs-end"
kill "$BUSY"
unload kleak_kmalloc_leak
unload kleak_kmalloc_ok
exit 0
