# SPDX-License-Identifier: GPL-2.0
# kleak investigate on a leak of 10 MB/h on a busy machine: the leaker
# kmallocs 512 bytes every 185 ms (188 ms at HZ=250) and never frees them,
# its balanced twin allocates and frees at the same rate from the same
# cache, and a shell churns files and /proc reads beside them. The verdict
# must name the leaker's call site and module (and, where the kernel has
# them, its allocinfo site and kmemleak's report), never the twin, within
# -d 5m.
# vm-kernels: all 6.12-cloud
# vm-timeout: 420
# vm-group: investigate
load kleak_kmalloc_ok interval_ms=185
(
	while :; do
		i=0
		while [ $i -lt 20 ]; do echo x >/tmp/busy.$i; i=$((i + 1)); done
		rm -f /tmp/busy.*
		cat /proc/slabinfo /proc/meminfo >/dev/null
		usleep 100000
	done
) &
busy=$!
load kleak_kmalloc_leak interval_ms=185 max_allocs=1000000
param kleak_kmalloc_leak allocs >"$OUT/allocs-start"
cut -d' ' -f1 /proc/uptime >"$OUT/uptime-start"
run investigate.json kleak investigate -d 5m --json
cut -d' ' -f1 /proc/uptime >"$OUT/uptime-end"
param kleak_kmalloc_leak allocs >"$OUT/allocs-end"
param kleak_kmalloc_ok allocs >"$OUT/ok-allocs"
kill $busy
save modules /proc/modules
[ -r /proc/allocinfo ] && save allocinfo /proc/allocinfo
unload kleak_kmalloc_leak
unload kleak_kmalloc_ok
exit 0
