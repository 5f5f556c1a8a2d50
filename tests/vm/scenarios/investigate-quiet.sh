# SPDX-License-Identifier: GPL-2.0
# kleak investigate on a machine that does not leak: the balanced twins
# allocate and free (kmalloc-512 and their own cache) and a shell churns
# files beside them. No culprit may be named.
# vm-kernels: 6.12
# vm-timeout: 200
# vm-group: investigate
load kleak_kmalloc_ok interval_ms=20
load kleak_cache_ok
(
	while :; do
		i=0
		while [ $i -lt 20 ]; do echo x >/tmp/quiet.$i; i=$((i + 1)); done
		rm -f /tmp/quiet.*
		usleep 100000
	done
) &
busy=$!
run investigate.json kleak investigate -d 90 --json
kill $busy
unload kleak_cache_ok
unload kleak_kmalloc_ok
exit 0
