# SPDX-License-Identifier: GPL-2.0
# kleak investigate on a kmem_cache leak: kleak_cache_leak takes an object
# of its own cache kleak_leak_cache every 40 ms and never frees it, its twin
# kleak_cache_ok allocates and frees from kleak_ok_cache. The verdict names
# the cache and the leaker's call site.
# vm-kernels: all 6.12-cloud
# vm-timeout: 300
# vm-group: investigate
load kleak_cache_ok
load kleak_cache_leak interval_ms=40 max_allocs=1000000
param kleak_cache_leak allocs >"$OUT/allocs-start"
run investigate.json kleak investigate -d 3m --json
param kleak_cache_leak allocs >"$OUT/allocs-end"
unload kleak_cache_leak
unload kleak_cache_ok
exit 0
