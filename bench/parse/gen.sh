#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds large realistic inputs from the stored real captures: N lines of
# vmallocinfo cycling through the 6.18 and 6.12 lines (module callers,
# unpurged areas, ioremap, vmap), and a slabinfo with M caches made from
# the real ones under new names. Usage: gen.sh OUTDIR [N] [M]
set -eu
out=$1 n=${2:-1000000} m=${3:-100000}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
cat "$top"/tests/fixtures/*/vmallocinfo | grep -v '^$' >"$out/vm-src"
awk -v n="$n" '{ l[NR] = $0 } END { for (i = 0; i < n; i++) print l[i % NR + 1] }' \
	"$out/vm-src" >"$out/vmallocinfo"
awk -v m="$m" 'NR <= 2 { print; next } { l[++k] = $0 }
	END { for (i = 0; i < m; i++) { s = l[i % k + 1]; sub(/^[^ ]+/, "c" i "_&", s); print s } }' \
	"$top/tests/fixtures/6.18/slabinfo" >"$out/slabinfo"
cp "$top/tests/fixtures/6.18/meminfo" "$out/meminfo"
rm -f "$out/vm-src"
