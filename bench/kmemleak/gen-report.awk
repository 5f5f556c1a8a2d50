# SPDX-License-Identifier: GPL-2.0
# Writes a synthetic kmemleak report in the 6.12 format:
#   awk -v n=100000 -v stacks=200 -f gen-report.awk > report
# Object i takes stack (i*7919 % stacks); every stack has its own size,
# allocator, module function and call chain, so the right grouping is
# known. Every object has its own address, crc, pid and hex dump. Half the
# stacks carry the "[<...>] " address prefix that some trees print.
BEGIN {
	if (!n) n = 100000
	if (!stacks) stacks = 200
	split("__kmalloc_cache_noprof kmem_cache_alloc_noprof __kmalloc_noprof vmalloc_noprof kmalloc_trace", alloc, " ")
	split("insmod modprobe kworker/0:1 systemd-udevd bash", comm, " ")
	for (s = 0; s < stacks; s++) {
		depth = 4 + s % 9
		st = sprintf("    %s+0x%x/0x%x\n", alloc[1 + s % 5], 32 + s % 200, 512)
		st = st sprintf("    drv%d_alloc_%d+0x%x/0x80 [drv%d]\n", s % 13, s, 16 + s % 96, s % 13)
		for (d = 2; d < depth; d++)
			st = st sprintf("    kfunc_%d_%d+0x%x/0x200\n", d, (s * 31 + d) % 57, (s + d) % 500 + 4)
		stack[s] = st
		if (s % 2) { # the "[<%pK>] %pS" form
			out = ""
			m = split(st, lines, "\n")
			for (k = 1; k < m; k++)
				out = out sprintf("    [<%016x>] %s\n", (s * 4099 + k) % 2147483647, substr(lines[k], 5))
			stack[s] = out
		}
		size[s] = 2 ^ (5 + s % 8)
	}
	for (i = 0; i < n; i++) {
		s = (i * 7919) % stacks
		printf "unreferenced object 0xffff8880%08x (size %d):\n", i * 64, size[s]
		printf "  comm \"%s\", pid %d, jiffies %.0f\n", comm[1 + i % 5], 100 + i % 977, 4294900000 + i
		printf "  hex dump (first 32 bytes):\n"
		printf "    %02x 6b 6d 6c 00 00 00 00 00 00 00 00 00 00 00 00  .kml............\n", i % 256
		printf "    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n"
		printf "  backtrace (crc %08x):\n", (i * 2654435761) % 4294967296
		printf "%s", stack[s]
	}
}
