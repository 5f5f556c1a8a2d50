# SPDX-License-Identifier: GPL-2.0
# kleak watch on a real kernel with real leaks. First the well-behaved twins
# alone (kleak_kmalloc_ok, kleak_cache_ok allocate and free at the leakers'
# rate): nothing of theirs may be called a leak. Then, twins still loaded,
# the leakers (kleak_kmalloc_leak: kmalloc-512 from leak_kmalloc_work;
# kleak_cache_leak: its own cache kleak_leak_cache): both caches must rank
# first in leaks[] at the rate their allocs counters say, and the twin's
# cache must not be a leak. A recording taken at the same time is reported
# on the host (another kernel, another machine).
# vm-kernels: all
# vm-timeout: 180
# vm-group: watch
load kleak_kmalloc_ok
load kleak_cache_ok
wait_param kleak_cache_ok allocs 20 60
run twins.ndjson kleak watch -i 1 -n 10 --json
load kleak_kmalloc_leak max_allocs=1000000
load kleak_cache_leak max_allocs=1000000
wait_param kleak_cache_leak allocs 20 60
cat /proc/uptime >"$OUT/uptime-start"
cat /sys/module/kleak_cache_leak/parameters/allocs >"$OUT/cache-allocs-start"
cat /sys/module/kleak_kmalloc_leak/parameters/allocs >"$OUT/kmalloc-allocs-start"
kleak record -o "$OUT/rec.kleak" -i 1 -n 10 2>"$OUT/record.err" &
rp=$!
run leak.ndjson kleak watch -i 1 -n 10 --json
cat /proc/uptime >"$OUT/uptime-end"
cat /sys/module/kleak_cache_leak/parameters/allocs >"$OUT/cache-allocs-end"
cat /sys/module/kleak_kmalloc_leak/parameters/allocs >"$OUT/kmalloc-allocs-end"
wait $rp
echo $? >"$OUT/record.rc"
save slabinfo-leak /proc/slabinfo
unload kleak_cache_leak
unload kleak_kmalloc_leak
unload kleak_cache_ok
unload kleak_kmalloc_ok
exit 0
