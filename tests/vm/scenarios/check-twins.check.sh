# SPDX-License-Identifier: GPL-2.0
# Host checks for check-twins.sh (sourced by tests/vm/run.sh).
twins='kmem_test|kleak_kmalloc_ok|kleak_cache_ok|kleak_ok_cache|ok_kmalloc_work|ok_cache_work|kmem_alloc'
expect "raw slabinfo: kleak_ok_cache existed while loaded and is gone after rmmod" \
	sh -c "grep -q '^kleak_ok_cache ' '$OUT/slabinfo-loaded' && ! grep -q '^kleak_ok_cache ' '$OUT/slabinfo-after'"

expect_rc0 before.json
expect_rc0 loaded.json
expect_jq "loaded (control): kleak sees kmem_test's 16 MiB vmalloc" \
	loaded.json '[.vmalloc.by_module[] | select(.module == "kmem_test")] | .[0].bytes >= 16777216'
expect_jq "loaded (control): kleak sees the cache kleak_ok_cache" \
	loaded.json '[.slab.caches[] | select(.name == "kleak_ok_cache")] | length == 1'

expect_rc0 after.json
expect_jq "after rmmod: no vmalloc module or caller of the twins" \
	after.json '[.vmalloc.by_module[].module, .vmalloc.by_caller[].caller | strings | select(test($re))] | length == 0' \
	--arg re "$twins"
expect_jq "after rmmod: no (unloaded module) vmalloc growth" \
	after.json '([.vmalloc.by_caller[] | select(.caller == "(unloaded module)") | .bytes] | add // 0) <= ($b[0] | [.vmalloc.by_caller[] | select(.caller == "(unloaded module)") | .bytes] | add // 0)' \
	--slurpfile b "$OUT/before.json"
expect_jq "after rmmod: no cache kleak_ok_cache" \
	after.json '[.slab.caches[] | select(.name == "kleak_ok_cache" or ((.aliases // []) | index("kleak_ok_cache")))] | length == 0'
expect_jq "after rmmod: no finding names a twin" \
	after.json '[.findings[] | tostring | select(test($re))] | length == 0' \
	--arg re "$twins"
