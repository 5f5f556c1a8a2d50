# SPDX-License-Identifier: GPL-2.0
# Host checks for check-vmalloc.sh (sourced by tests/vm/run.sh).
size=$(cat "$OUT/size")
# What kmem_alloc holds: SIZE in pages, plus the page array (8 bytes per
# page), itself vmalloc'd by the same caller once it exceeds a page.
pages=$((size / 4096))
want=$(((pages + (pages * 8 + 4095) / 4096) * 4096))
# Ground truth from the raw files: the test is wrong, not kleak, if these fail.
expect "raw vmallocinfo: [kmem_test] holds $want bytes" \
	test "$(vmalloc_pages_bytes vmallocinfo-loaded '\[kmem_test\]')" = "$want"
expect "raw vmallocinfo after rmmod: no [kmem_test], the area is still there" \
	test "$(vmalloc_pages_bytes vmallocinfo-unloaded '\[kmem_test\]')" = 0 -a \
	"$(vmalloc_pages_bytes vmallocinfo-unloaded ' 0x[0-9a-f]+ pages=')" -ge "$want"

expect_rc0 check-loaded.json
expect_jq "loaded: top vmalloc module is kmem_test with $want bytes" \
	check-loaded.json '.vmalloc.by_module[0] | .module == "kmem_test" and .bytes == ($w | tonumber)' \
	--arg w "$want"
expect_jq "loaded: top vmalloc caller is kmem_alloc [kmem_test] with $want bytes" \
	check-loaded.json '.vmalloc.by_caller[0] | (.caller | split("+")[0]) == "kmem_alloc" and .module == "kmem_test" and .bytes == ($w | tonumber)' \
	--arg w "$want"

expect_rc0 check-unloaded.json
expect_jq "unloaded: no module kmem_test without a baseline" \
	check-unloaded.json '[.vmalloc.by_module[] | select(.module == "kmem_test")] | length == 0'
# Without a baseline the area's code is gone: "(unloaded module)", or, where
# kmem_test was placed in a loaded module's freed init text (6.1 reuses it),
# that module's "(freed init code)": kleak cannot tell them apart, says so
# in a finding, and --baseline below does.
expect_jq "unloaded: the leak is still reported, as code that is gone, >= $want bytes" \
	check-unloaded.json '[.vmalloc.by_caller[] | select((.caller == "(unloaded module)" and .module == null) or .caller == "(freed init code)") | select(.bytes >= ($w | tonumber))] | length == 1' \
	--arg w "$want"
expect_jq "unloaded: a finding says memory of an unloaded module is held" \
	check-unloaded.json '[.findings[] | select(tostring | test("unloaded"))] | length >= 1'
expect_jq "unloaded: no raw kernel address in the output" \
	check-unloaded.json '[.. | strings | select(test("0xffff"))] | length == 0'

expect_rc0 snapshot
expect_rc0 check-baseline.json
expect_jq "baseline: the leak is attributed to kmem_alloc [kmem_test], $want bytes" \
	check-baseline.json '[.vmalloc.by_caller[] | select(.module == "kmem_test" and (.caller | split("+")[0]) == "kmem_alloc")] | length == 1 and .[0].bytes == ($w | tonumber)' \
	--arg w "$want"
expect_jq "baseline: top vmalloc module is kmem_test" \
	check-baseline.json '.vmalloc.by_module[0] | .module == "kmem_test" and .bytes == ($w | tonumber)' \
	--arg w "$want"
expect_jq "baseline: a finding names kmem_test" \
	check-baseline.json '[.findings[] | select(tostring | test("kmem_test"))] | length >= 1'
