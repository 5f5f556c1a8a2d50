#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The same grouping as `kleak kmemleak report` with standard tools: objects
# grouped by their backtrace frames ("[<...>] " prefix dropped, never by
# crc), count and bytes per group, ranked by bytes. Prints
# "bytes count frame;frame;..." per group, biggest first.
#   bench/kmemleak/awk-group.sh REPORT
set -eu
grep -E '^unreferenced object|^    ' "$1" |
	grep -vE '^    [0-9a-f]{2} [0-9a-f]{2} ' |
	awk '
	function flush() { if (key != "") { c[key]++; b[key] += sz } key = "" }
	/^unreferenced object/ { flush(); sz = $NF; sub(/\):$/, "", sz); key = ";"; next }
	{ f = $0; sub(/^ +/, "", f); sub(/^\[<[^>]*>\] /, "", f); key = key f ";" }
	END { flush(); for (k in c) printf "%d %d %s\n", b[k], c[k], substr(k, 2, length(k) - 2) }' |
	sort -k1,1nr -k2,2nr
