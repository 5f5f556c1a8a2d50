# SPDX-License-Identifier: GPL-2.0
# kleak watch on a real kernel with real leaks. First the well-behaved twins
# alone (kleak_kmalloc_ok, kleak_cache_ok allocate and free at the leakers'
# rate): nothing of theirs may be called a leak. Then, twins still loaded,
# the leakers (kleak_kmalloc_leak: kmalloc-512 from leak_kmalloc_work;
# kleak_cache_leak: its own cache kleak_leak_cache): both caches must rank
# first in leaks[] at the rate their allocs counters say (sampled twice a
# second beside the watch: TCG makes the modules' pace uneven), and the
# twin's cache must not be a leak; only the leakers' own allocinfo sites
# (6.12: watch-allocinfo checks those) may rank above them. Then a
# recording, reported on the host (another kernel, another machine).
# vm-kernels: all
# vm-timeout: 200
# vm-group: watch
load kleak_kmalloc_ok
load kleak_cache_ok
wait_param kleak_cache_ok allocs 20 60
run twins.ndjson kleak watch -i 1 -n 10 --json
load kleak_kmalloc_leak max_allocs=1000000
load kleak_cache_leak max_allocs=1000000
wait_param kleak_cache_leak allocs 20 60
(
	while :; do
		echo "$(cut -d' ' -f1 /proc/uptime) $(cat /sys/module/kleak_cache_leak/parameters/allocs) $(cat /sys/module/kleak_kmalloc_leak/parameters/allocs)"
		usleep 500000
	done
) >"$OUT/counters" 2>/dev/null &
cp=$!
run leak.ndjson kleak watch -i 1 -n 10 --json
cut -d' ' -f1 /proc/uptime >"$OUT/uptime-end"
kill $cp
save slabinfo-leak /proc/slabinfo
run record.txt kleak record -o "$OUT/rec.kleak" -i 1 -n 8
unload kleak_cache_leak
unload kleak_kmalloc_leak
unload kleak_cache_ok
unload kleak_kmalloc_ok
exit 0
