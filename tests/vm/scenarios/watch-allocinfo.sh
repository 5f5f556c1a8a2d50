# SPDX-License-Identifier: GPL-2.0
# /proc/allocinfo on a real kernel: with kleak_kmalloc_ok (the twin:
# allocates and frees at the same rate) and kleak_kmalloc_leak loaded,
# `kleak watch` must rank the leaker's allocation site (leak_kmalloc_work
# at its file:line, module kleak_kmalloc_leak) as a leak at the rate its
# allocs counter says, above the meminfo aggregates it explains, while the
# twin's site does not grow; `kleak check` must list the site with its
# module. A recording taken alongside is reported on the host. The raw
# allocinfo before and after is saved as ground truth.
# vm-kernels: 6.12
# vm-timeout: 150
# vm-group: allocinfo
need /proc/allocinfo "kernel has no /proc/allocinfo (CONFIG_MEM_ALLOC_PROFILING)"
load kleak_kmalloc_ok
wait_param kleak_kmalloc_ok allocs 32 60
load kleak_kmalloc_leak max_allocs=1000000
wait_param kleak_kmalloc_leak allocs 20 60
save allocinfo-start /proc/allocinfo
cat /proc/uptime >"$OUT/uptime-start"
param kleak_kmalloc_leak allocs >"$OUT/allocs-start"
kleak record -o "$OUT/rec.kleak" -i 1 -n 10 2>"$OUT/record.err" &
rp=$!
run watch.ndjson kleak watch -i 1 -n 10 --json
wait $rp
echo $? >"$OUT/record.rc"
cat /proc/uptime >"$OUT/uptime-end"
param kleak_kmalloc_leak allocs >"$OUT/allocs-end"
save allocinfo-end /proc/allocinfo
run check.json kleak check --json
unload kleak_kmalloc_leak
unload kleak_kmalloc_ok
exit 0
