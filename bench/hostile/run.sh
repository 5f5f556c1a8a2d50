#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Growth of kleak's cost on the inputs that were once quadratic (issue 20):
# (a) N slab caches with 2N aliases (`check --from DIR`), (b) N loaded
# modules x N vmalloc callers in them, (c) a --baseline of 100*M kallsyms
# lines (M unloaded modules) x 10*M vmalloc areas with raw-address callers.
# Each at n, 2n and 4n; CPU ms and peak RSS from `hostile_gen rss`, the
# median of RUNS (3) runs. The growth t(2n)/t(n) is about 2.1 for n log n
# and 4 for quadratic. The generators are those of tests/cli/hostile.sh
# (its last three tests), with the size a parameter. Results (the markdown
# table and every run) go to build/bench/hostile/; copy the table into
# docs/performance.md. A benchmark, not a test: it asserts nothing but that
# kleak succeeded and found every generated cache, module and symbol.
set -eu
cd "$(dirname "$0")/../.."
K=${KLEAK:-./kleak}
G=${HOSTILE_GEN:-build/san/tests/hostile_gen}
F=tests/fixtures/6.12
R=${RUNS:-3}
NA=${N_ALIASES:-40000} # caches (a)
# Modules and callers (b): 4n stays under VMALLOC_MAX_CALLERS (65536 pairs; past
# it callers share one row and the modules counted fall short).
NM=${N_MODULES:-16000}
# M unloaded modules (c): 4M < 16120 (mawk's %x clamps the generated addresses at 2^32) and
# 100*4M lines under the 64 MiB kallsyms cap.
NK=${N_KSYM:-3000}
OUT=build/bench/hostile
W=$(mktemp -d /tmp/kleak-bench-hostile.XXXXXX)
trap 'rm -rf "$W"' EXIT
for b in "$K" "$G"; do
	[ -x "$b" ] || { echo "bench/hostile: $b missing (make -j2 kleak test-bins)" >&2; exit 1; }
done
command -v jq >/dev/null || { echo "bench/hostile: needs jq" >&2; exit 1; }
mkdir -p "$OUT"

# snap NAME: a copy of the 6.12 capture (a kleak snapshot directory).
snap() {
	rm -rf "${W:?}/$1"
	cp -a "$F" "$W/$1" && rm -rf "${W:?}/$1/unloaded"
}

# gen_aliases N: N caches hcI, each with aliases haI and hbI.
gen_aliases() {
	snap in
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "hc%d %d %d 256 16 1 : tunables 0 0 0 : slabdata %d %d 0\n", i, 1000 + i, 1000 + i, 100 + i, 100 + i }' \
		>>"$W/in/slabinfo"
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "hc%d :t-%07d 0\nha%d :t-%07d 0\nhb%d :t-%07d 0\n", i, i, i, i, i, i }' \
		>>"$W/in/slab_aliases"
	ARGS=(check --from "$W/in" --json)
	WANT='[.slab.caches[] | select(.name | startswith("hc"))] | length'
}

# gen_modules N: N loaded modules hmI, one vmalloc area from each.
gen_modules() {
	snap in
	awk -v n="$1" 'BEGIN { for (m = 0; m < n; m++)
		printf "hm%d 65536 0 - Live 0xffffffff%08x (O)\n", m, 3238002688 + m * 65536 }' >>"$W/in/modules"
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) { a = 268435456 + i * 8192
		printf "0xffffc900%08x-0xffffc900%08x    8192 hf%d+0x10/0x40 [hm%d] pages=1 vmalloc N0=1\n",
			a, a + 8192, i, i } }' >>"$W/in/vmallocinfo"
	ARGS=(check --from "$W/in" --json)
	WANT='[.vmalloc.by_module[] | select(.module // "" | startswith("hm"))] | length'
}

# gen_ksym M: a baseline with M modules of 100 symbols, all gone now;
# 10*M areas whose callers are raw addresses in them.
gen_ksym() {
	snap base
	snap in
	cp -a "$F/unloaded/." "$W/in/"
	awk -v n="$1" 'BEGIN { for (m = 0; m < n; m++) for (s = 0; s < 100; s++)
		printf "ffffffff%08x t fn%d_%d\t[hm%d]\n", 3238002688 + m * 65536 + s * 256, m, s, m }' \
		>>"$W/base/kallsyms"
	awk -v n="$1" 'BEGIN { for (m = 0; m < n; m++)
		printf "hm%d 65536 0 - Live 0xffffffff%08x\n", m, 3238002688 + m * 65536 }' >>"$W/base/modules"
	awk -v n="$1" 'BEGIN { for (i = 0; i < 10 * n; i++) { m = i % n; s = int(i / n) * 7 % 100
		a = 268435456 + i * 8192
		printf "0xffffc900%08x-0xffffc900%08x    8192 0xffffffff%08x pages=1 vmalloc N0=1\n",
			a, a + 8192, 3238002688 + m * 65536 + s * 256 + 16 } }' >>"$W/in/vmallocinfo"
	ARGS=(check --from "$W/in" --baseline "$W/base" --json)
	WANT='[.vmalloc.by_module[] | select((.module // "" | startswith("hm")) and .unloaded)] | length'
}

median() { sort -n | sed -n "$(((R + 1) / 2))p"; }

# measure INPUT SIZE: R runs; appends one "input size cpu_ms rss_kib wall_ms"
# line (medians) to $W/res and every run to $OUT/runs.tsv.
measure() {
	local input=$1 n=$2 i s e cpu rss got
	"gen_$input" "$n"
	: >"$W/runs"
	for i in $(seq "$R"); do
		s=$(date +%s%N)
		if ! "$G" rss "$K" "${ARGS[@]}" >"$W/o.json" 2>"$W/o.err"; then
			echo "bench/hostile: $input n=$n failed: $(grep -v '^rss_kib\|^cpu_ms' "$W/o.err" | head -c 300)" >&2
			exit 1
		fi
		e=$(date +%s%N)
		cpu=$(sed -n 's/^cpu_ms //p' "$W/o.err")
		rss=$(sed -n 's/^rss_kib //p' "$W/o.err")
		echo "$cpu $rss $(((e - s) / 1000000))" >>"$W/runs"
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$input" "$n" "$i" "$cpu" "$rss" "$(((e - s) / 1000000))" \
			>>"$OUT/runs.tsv"
	done
	# The last run's output: every generated item found, so no fast error path was timed.
	got=$(jq "$WANT" "$W/o.json")
	[ "$got" = "$n" ] || { echo "bench/hostile: $input n=$n: kleak found $got of $n" >&2; exit 1; }
	echo "$input $n $(cut -d' ' -f1 "$W/runs" | median) $(cut -d' ' -f2 "$W/runs" | median)" \
		"$(cut -d' ' -f3 "$W/runs" | median)" >>"$W/res"
	echo "  $input n=$n: $(tail -n 1 "$W/res" | cut -d' ' -f3-) (cpu_ms rss_kib wall_ms)" >&2
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'input\tn\trun\tcpu_ms\trss_kib\twall_ms\n' >"$OUT/runs.tsv"
: >"$W/res"
for input in ${INPUTS:-aliases modules ksym}; do
	case $input in
	aliases) n=$NA ;;
	modules) n=$NM ;;
	ksym) n=$NK ;;
	*) echo "bench/hostile: no input $input (aliases, modules, ksym)" >&2; exit 1 ;;
	esac
	for m in 1 2 4; do
		measure "$input" $((n * m))
	done
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# The table: one row per input and size; growth is this size over the last.
{
	echo "$($K --version 2>/dev/null | head -n 1), kernel $(uname -r), $(nproc) CPUs;" \
		"median of $R runs; load average $LOAD0 at start, $LOAD1 at end"
	echo
	echo "| input | n | CPU ms | growth | peak RSS MiB | growth | wall ms |"
	echo "|---|---|---|---|---|---|---|"
	awk '
	function what(i, n) {
		if (i == "aliases") return sprintf("%d caches, %d aliases", n, 2 * n)
		if (i == "modules") return sprintf("%d modules x %d callers", n, n)
		return sprintf("%d kallsyms lines x %d unloaded areas", 100 * n, 10 * n)
	}
	function g(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
	{
		cg = $1 == last ? g($3, pc) : ""
		rg = $1 == last ? g($4, pr) : ""
		printf "| %s | %s | %d | %s | %.1f | %s | %d |\n", $1, what($1, $2), $3, cg, $4 / 1024, rg, $5
		last = $1; pc = $3; pr = $4
	}' "$W/res"
} | tee "$OUT/table.md"
