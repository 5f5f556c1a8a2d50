# SPDX-License-Identifier: GPL-2.0
# Host checks for klog-alloc-fail.sh: the parser finds insmod's order-10
# page allocation failure (with its Mem-Info) and the 1 TiB vmalloc error,
# in every format.
expect "raw: the page allocation failure is in the log" grep -q 'insmod: page allocation failure: order:10,' "$OUT/klog.dmesg"
expect "raw: the vmalloc error is in the log" grep -q 'insmod: vmalloc error: size 1099511627776, ' "$OUT/klog.dmesg"
klog_events_checks klog
expect_jq "parser: insmod's order-10 failure, GFP_KERNEL|__GFP_NORETRY, with Mem-Info" klog.kmsg.events -s \
	'[.[] | select(.kind == "page_alloc_failure" and .order == 10)] | length == 1 and
	 (.[0] | .comm == "insmod" and .gfp_flags == "GFP_KERNEL|__GFP_NORETRY" and .mem_info.ram_pages > 0 and .complete)'
expect_jq "parser: insmod's vmalloc error of 1 TiB, exceeds total pages" klog.kmsg.events -s \
	'[.[] | select(.kind == "vmalloc_error")] | length == 1 and
	 (.[0] | .comm == "insmod" and .size_bytes == 1099511627776 and .reason == "exceeds total pages")'
