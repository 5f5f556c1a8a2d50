#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Cost of kleak watch and kleak record sampling (root, the optimised ./kleak).
#
#  1. watch at 1 Hz for BENCH_SECONDS (default 60): CPU time over wall time.
#  2. per-sample cost with a full window: 3000 samples back to back (the
#     512-point window fills and decimates; trends and an NDJSON object
#     every sample), CPU seconds per sample = % of a core at 1 Hz / 100.
#  3. the same for record (read, tar, gzip -1, write, fdatasync).
#  4. the floor: the kernel generating the three /proc files (cat).
# Max RSS shows the memory stays bounded however long the watch runs.
set -eu
cd "$(dirname "$0")/../.."
K=${KLEAK:-./kleak}
SECS=${BENCH_SECONDS:-60}
N=${BENCH_SAMPLES:-3000}
W=$(mktemp -d /tmp/kleak-bench-watch.XXXXXX)
trap 'rm -rf "$W"' EXIT
[ "$(id -u)" = 0 ] || { echo "bench/watch: needs root (slabinfo, vmallocinfo)"; exit 1; }

t() { # t CMD...: elapsed, user, sys, max RSS
	if ! /usr/bin/time -f "%e %U %S %M" -o "$W/t" "$@" >/dev/null 2>"$W/err"; then
		echo "bench/watch: $* failed: $(tail -n 3 "$W/err")" >&2
		echo "0 0 0 0"
		return
	fi
	cat "$W/t"
}

echo "kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sources: slabinfo $(wc -l </proc/slabinfo) lines, vmallocinfo $(wc -l </proc/vmallocinfo) lines ($(wc -c </proc/vmallocinfo) bytes), meminfo $(wc -l </proc/meminfo) lines"

read -r e u s m < <(t $K watch -i 1 -n $((SECS + 1)) --json)
printf "watch -i 1 for %ss:        %.3f s CPU (user %s, sys %s) = %.3f%% of one core, max RSS %s KiB\n" \
	"$SECS" "$(echo "$u + $s" | bc)" "$u" "$s" "$(echo "100 * ($u + $s) / $e" | bc -l)" "$m"

read -r e u s m < <(t $K watch -i 0.01 -n "$N" --json)
printf "watch, %s samples back to back: %.3f ms CPU per sample (user %s s, sys %s s), max RSS %s KiB\n" \
	"$N" "$(echo "1000 * ($u + $s) / $N" | bc -l)" "$u" "$s" "$m"

read -r e u s m < <(t $K record -o "$W/r.kleak" -i 0.01 -n "$((N / 3))")
printf "record, %s samples back to back: %.3f ms CPU per sample (user %s s, sys %s s), %s bytes per sample\n" \
	"$((N / 3))" "$(echo "1000 * ($u + $s) / ($N / 3)" | bc -l)" "$u" "$s" "$(( $(stat -c %s "$W/r.kleak") / (N / 3) ))"

read -r e u s m < <(t python3 -c "
for i in range($N):
    for f in ('/proc/meminfo', '/proc/slabinfo', '/proc/vmallocinfo', '/proc/modules'):
        try:
            open(f, 'rb').read()
        except OSError:
            pass")
printf "floor, reading the 4 files x %s (one process): %.3f ms CPU per sample (user %s s, sys %s s)\n" \
	"$N" "$(echo "1000 * ($u + $s) / $N" | bc -l)" "$u" "$s"
