#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The HTML report on large inputs (issue 17: a recording of 100,000 samples
# renders in under 2 s to a file under 5 MB). A benchmark, not a test.
#
#  1. the renderer alone: a model of N points (10 components, 20 sparklines
#     of N points each): seconds and bytes (bench_render);
#  2. a recording of N meminfo samples (gen_recording --sources meminfo),
#     through `kleak report --html` (read, series, trends, page), beside
#     `kleak report --json` on the same file (the same without the page);
#  3. with BENCH_FULL=1, the same with meminfo + slabinfo in every sample
#     (what a recording without vmallocinfo holds; reading dominates).
# Wall time depends on the machine's load (printed with each figure); the
# CPU time much less. Optimised builds (make bench builds them).
# BENCH_SAMPLES=N (100000).
set -eu
cd "$(dirname "$0")/../.."
N=${BENCH_SAMPLES:-100000}
K=${KLEAK:-./kleak}
W=$(mktemp -d /tmp/kleak-bench-html.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s kleak build/bench/gen_recording build/bench/bench_render

t() { # t LABEL CMD...: wall and CPU seconds, max RSS
	local label=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$W/t" "$@" >/dev/null 2>"$W/err" ||
		{ echo "bench/html: $* failed: $(tail -n 3 "$W/err")" >&2; return 1; }
	read -r e u s m <"$W/t"
	printf "  %-34s %6.2f s wall, %6.2f s CPU, max RSS %6d KiB\n" "$label" "$e" \
		"$(echo "$u + $s" | bc)" "$m"
}

echo "kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
build/bench/bench_render -n "$N" "$W/model.html"

pipeline() { # pipeline SOURCES
	build/bench/gen_recording -n "$N" -i 1 --sources "$1" "$W/rec.kleak"
	echo "recording of $N samples ($1): $(wc -c <"$W/rec.kleak") bytes; load $(cut -d' ' -f1-3 /proc/loadavg)"
	t "kleak report --json" "$K" report --json "$W/rec.kleak"
	t "kleak report --html" "$K" report --html "$W/rec.html" "$W/rec.kleak"
	echo "  page: $(wc -c <"$W/rec.html") bytes; load $(cut -d' ' -f1-3 /proc/loadavg)"
	rm -f "$W/rec.kleak"
}
pipeline meminfo
[ -z "${BENCH_FULL:-}" ] || pipeline meminfo,slabinfo,slab_aliases
