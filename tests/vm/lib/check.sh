# SPDX-License-Identifier: GPL-2.0
# Helpers for the host-side <scenario>.check.sh files (bash; sourced by
# tests/vm/run.sh after tests/lib/tap.sh). A check file is sourced with:
#   OUT          the scenario's output directory (what it wrote to $OUT)
#   KERNEL_NAME  the kernel it ran on (6.12, 6.1, ...)
#   VM_T         "[KERNEL] scenario", the prefix of every test name
#   TAP_PREFIX, TAP_DIR  $VM_T and $OUT, for tap.sh's helpers
# It must not exit; it reports through tap.sh's helpers, the same the CLI
# suites use: expect, expect_rc0, expect_jq, jqv (FILE names under $OUT,
# test names prefixed with $VM_T), ok, not_ok, skip; and this file's
# vmalloc_pages_bytes.

# vmalloc_pages_bytes FILE PATTERN: bytes (pages= x 4096) of the raw
# vmallocinfo lines in $OUT/FILE matching the awk regex PATTERN: the ground
# truth kleak's vmalloc figures are compared with.
vmalloc_pages_bytes() {
	awk -v re="$2" '$0 ~ re { for (i = 1; i <= NF; i++)
		if ($i ~ /^pages=/) { sub(/pages=/, "", $i); n += $i } }
		END { printf "%d\n", n * 4096 }' "$OUT/$1"
}
