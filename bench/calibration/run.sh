#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The calibration suite (docs/verdicts.md, "Calibration"): kleak beside
# real workloads, not a timed test. Each case runs its workload for
# DURATION (default 15m: longer than the default leak window) while
# `kleak record -i 1` records the machine; the recording is then replayed
# through the real verdict code every 10 samples (build/bench/
# calibration_replay), as a live `kleak watch` would judge it, and the
# result is kept as build/calibration/CASE.json beside CASE.kleak.
#
#   bench/calibration/run.sh CASE [DURATION]    record and replay one case
#   bench/calibration/run.sh --replay CASE      replay a kept recording again
#   bench/calibration/run.sh --table            the table of every kept result
#
# Cases without a leak (every `leak` is a false one):
#   idle      nothing but what else runs on the machine
#   build     kleak built again and again from a copy of this tree (make -j2)
#   tarball   a source tree (the 6.12 test kernel's headers package) packed,
#             then extracted, walked (every file read) and deleted, in a loop
#   nginx     nginx (../shared/bench/nginx-up.sh) under wrk, 2 threads, 64 connections
#   docker    container start/stop churn on a private dockerd (tests/lib/docker.sh)
#   apt       apt-get install / purge of a few packages in a debootstrap chroot
# Cases with a real leak (the expected series must come out `leak`):
#   threads   user space keeps creating threads and never joins them
#             (build/leaker --threads, one every RATE_S seconds, default 2)
#   sockets   user space keeps opening unix socket pairs (build/leaker --sockets)
#   build-threads  the build's loop, and beside it a thread created every
#             5.9 s and never joined: 10 MB/h of thread stacks on a busy
#             machine, in the series the build's compilers churn
# A module leak, recorded in the 6.12 test kernel under qemu and replayed here:
#   vm-slow   a 1 MB/h kmalloc leak (and its balanced twin) on an idle VM
#             (tests/vm/scenarios/calib-slow-leak.sh, 15 min)
#   vm-busy   a 10 MB/h kmalloc leak (and its twin) beside a busy shell:
#             forks, files created and deleted, /proc read, in a loop
#             (tests/vm/scenarios/calib-busy-leak.sh, 15 min)
set -u
cd "$(dirname "$0")/../.."
. tests/lib/slab.sh
OUT=build/calibration
K=${KLEAK:-./kleak}
REPLAY=build/bench/calibration_replay
mkdir -p "$OUT"

expect_of() { # CASE: the series a real leak makes (fnmatch over source:name)
	case $1 in
	# a thread leak holds a stack (kernel_clone's vmalloc) and a task_struct each
	threads | build-threads) echo "vmalloc_caller:kernel_clone slab:task_struct" ;;
	# the cache that holds the UNIX socks (SLUB merges it: here signal_cache)
	sockets) echo "slab:$(slab_cache_of UNIX)" ;;
	vm-slow | vm-busy) echo "slab:kmalloc-512 allocinfo:leak_kmalloc_work*" ;;
	esac
}

replay() { # CASE
	local c=$1 args=() p
	local - # the patterns are fnmatch's, not the shell's
	set -f
	for p in $(expect_of "$c"); do args+=(--expect "$p"); done
	"$REPLAY" "${args[@]}" "$OUT/$c.kleak" >"$OUT/$c.json.tmp" &&
		jq --slurpfile m "$OUT/$c.meta.json" '. + {case: $m[0]}' "$OUT/$c.json.tmp" >"$OUT/$c.json"
	rm -f "$OUT/$c.json.tmp"
	jq -c '{case: .case.name, minutes: (.elapsed_s / 60 | floor), load: .load.loadavg1_mean,
		ever_leak: [.ever_leak[] | "\(.source):\(.name)@\(.first_leak_s | floor)s"],
		expected: [.expected[] | {pattern, first_leak_s}]}' "$OUT/$c.json"
}

# ---- workloads: each runs until killed ----

wl_idle() { sleep infinity; }

wl_build() {
	local src
	src=$(mktemp -d "$OUT/build-src.XXXXXX")
	git archive HEAD | tar -x -C "$src"
	while :; do
		make -C "$src" -j2 kleak test-bins >/dev/null 2>&1
		make -C "$src" clean >/dev/null 2>&1
	done
}

TARBALL=$OUT/tree.tar.gz
make_tarball() {
	local deb d
	[ -s "$TARBALL" ] && return 0
	deb=$(ls ../shared/kernel/linux-headers-*.deb 2>/dev/null | head -n 1)
	d=$(mktemp -d "$OUT/tree.XXXXXX")
	if [ -n "$deb" ]; then
		dpkg-deb -x "$deb" "$d"
	else # any big tree of small files will do
		cp -a /usr/include /usr/share/doc "$d"/
	fi
	tar -C "$d" -czf "$TARBALL" .
	rm -rf "$d"
}

wl_tarball() {
	local d
	while :; do
		d=$(mktemp -d "$OUT/untar.XXXXXX")
		tar -C "$d" -xzf "$TARBALL"
		find "$d" -type f -print0 | xargs -0 cat >/dev/null
		find "$d" -type d | wc -l >/dev/null
		rm -rf "$d"
	done
}

wl_nginx() {
	../shared/bench/nginx-up.sh || return 1
	while :; do wrk -t2 -c64 -d60s http://127.0.0.1:18089/ >/dev/null 2>&1; done
}

wl_docker() {
	. tests/lib/docker.sh
	trap 'docker_stop' EXIT
	docker_start || { echo "docker: $DOCKER_SKIP" >&2; return 1; }
	docker_image || { echo "docker: $DOCKER_SKIP" >&2; return 1; }
	while :; do
		dk run --rm --network none "$DOCKER_IMAGE" sh -c 'ls -R / >/dev/null; sleep 1' >/dev/null 2>&1
	done
}

CHROOT=$OUT/chroot
wl_apt() {
	local pkgs="tree less htop jq libjq1 libonig5 bc"
	trap 'umount -l "$CHROOT/proc" 2>/dev/null' EXIT
	mountpoint -q "$CHROOT/proc" || mount -t proc proc "$CHROOT/proc"
	while :; do
		chroot "$CHROOT" apt-get install -y -qq $pkgs >/dev/null 2>&1
		chroot "$CHROOT" apt-get purge -y -qq $pkgs >/dev/null 2>&1
		chroot "$CHROOT" apt-get clean >/dev/null 2>&1
	done
}

setup_apt() {
	[ -x "$CHROOT/usr/bin/apt-get" ] && return 0
	debootstrap --variant=minbase bookworm "$CHROOT" http://deb.debian.org/debian \
		>"$OUT/debootstrap.log" 2>&1 || { echo "debootstrap failed: $OUT/debootstrap.log" >&2; return 1; }
	cp /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null
	chroot "$CHROOT" apt-get update -qq >/dev/null 2>&1
}

wl_threads() { exec build/leaker --threads 100000 --rate "$(echo "1 / ${RATE_S:-2}" | bc -l)" --until-signal; }
# a hyphen is allowed in a bash function's name
wl_build-threads() {
	wl_build &
	RATE_S=5.9 wl_threads
}
wl_sockets() { exec build/leaker --sockets 10000 --rate "$(echo "1 / ${RATE_S:-2}" | bc -l)" --until-signal; }

describe() { # CASE
	case $1 in
	idle) echo "no workload of its own; the machine's other work only" ;;
	build) echo "make -j2 kleak test-bins, then make clean, in a loop (a copy of this tree)" ;;
	tarball) echo "extract a $(du -h "$TARBALL" | cut -f1) tar.gz ($(tar tzf "$TARBALL" | wc -l) entries), read every file, delete, in a loop" ;;
	nginx) echo "nginx, 1 worker, 4 KiB file, under wrk -t2 -c64" ;;
	docker) echo "docker run --rm busybox (ls -R /, sleep 1) in a loop, private dockerd" ;;
	apt) echo "apt-get install and purge of tree less htop jq bc in a bookworm minbase chroot, in a loop" ;;
	threads) echo "build/leaker --threads: one thread every ${RATE_S:-2} s, held" ;;
	build-threads) echo "the build case's loop, and build/leaker --threads: one thread every 5.9 s, held (10 MB/h of stacks)" ;;
	vm-slow) echo "6.12 VM (qemu TCG, 2 vCPUs): kleak_kmalloc_leak, 512 B every 1843 ms (1 MB/h), its twin freeing at the same rate; nothing else" ;;
	vm-busy) echo "6.12 VM (qemu TCG, 2 vCPUs): kleak_kmalloc_leak, 512 B every 185 ms (10 MB/h), its twin freeing at the same rate, beside a busy shell (20 files created and deleted, ls, /proc/slabinfo and meminfo read, every 100 ms)" ;;
	sockets) echo "build/leaker --sockets: one unix socket pair every ${RATE_S:-2} s, held" ;;
	esac
}

# vm-slow, vm-busy: the recording is made in the VM (its own record -d 15m)
run_vm() { # CASE
	local c=$1 scen=calib-slow-leak g=calib sh
	[ "$c" = vm-busy ] && scen=calib-busy-leak g=calib-busy
	sh=build/vm/run-6.12/share-$g/out/$scen
	make --no-print-directory kleak "$REPLAY" >/dev/null
	jq -n --arg n "$c" --arg w "$(describe "$c")" --arg at "$(date -u +%FT%TZ)" --arg rev "$(git rev-parse --short HEAD)" \
		'{name: $n, workload: $w, duration: "15m", kernel: "6.12.117-kmemtest (VM)", started: $at, kleak: $rev}' \
		>"$OUT/$c.meta.json"
	KLEAK_VM_KERNELS=6.12 tests/vm/run.sh "$scen" >"$OUT/$c.vm.log" 2>&1
	[ -s "$sh/rec.kleak" ] || { echo "no recording: $OUT/$c.vm.log" >&2; exit 1; }
	cp "$sh/rec.kleak" "$OUT/$c.kleak"
	replay "$c"
}

run_case() { # CASE DURATION
	local c=$1 dur=$2 wpid rc
	case $c in vm-slow | vm-busy) run_vm "$c"; return ;; esac
	declare -F "wl_$c" >/dev/null || { echo "unknown case $c" >&2; exit 2; }
	case $c in
	tarball) make_tarball ;;
	apt) setup_apt || exit 1 ;;
	threads | sockets | build-threads) make --no-print-directory build/leaker >/dev/null ;;
	esac
	make --no-print-directory kleak "$REPLAY" >/dev/null
	rm -f "$OUT/$c.kleak"
	jq -n --arg n "$c" --arg w "$(describe "$c")" --arg d "$dur" --arg k "$(uname -r)" \
		--arg at "$(date -u +%FT%TZ)" --arg rev "$(git rev-parse --short HEAD)" \
		'{name: $n, workload: $w, duration: $d, kernel: $k, started: $at, kleak: $rev}' >"$OUT/$c.meta.json"
	# its own process group (job control), so that all of it can be stopped
	set -m
	( trap 'exit 143' TERM; "wl_$c" ) >"$OUT/$c.workload.log" 2>&1 &
	wpid=$!
	set +m
	sleep 5 # the workload under way before the first sample
	"$K" record -o "$OUT/$c.kleak" -i 1 -d "$dur" --max-size 1G 2>"$OUT/$c.record.log"
	rc=$?
	kill -TERM -- "-$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	[ $rc = 0 ] || { echo "record failed: $(cat "$OUT/$c.record.log")" >&2; exit 1; }
	replay "$c"
}

table() {
	echo "| case | workload | load (1-min mean / max) | tasks | forks/s | minutes | \`leak\` not expected (first seen) | expected leak: first \`leak\` |"
	echo "|---|---|---|---|---|---|---|---|"
	for f in "$OUT"/*.json; do
		case $f in *.meta.json) continue ;; esac
		jq -r '"| \(.case.name) | \(.case.workload) | \(.load.loadavg1_mean * 10 | round / 10) / \(.load.loadavg1_max) | \(.load.tasks_min)–\(.load.tasks_max) | \(.load.forks_per_s | round) | \(.elapsed_s / 60 | floor) | " +
			(([.expected[].pattern]) as $e | [.ever_leak[] | "\(.source):\(.name)" as $k |
			 select(all($e[]; . as $p | if ($p | endswith("*")) then ($k | startswith($p | rtrimstr("*")) | not) else $k != $p end)) |
			 "\(.source) \(.name) (\(.first_leak_s / 60 * 10 | round / 10) min)"] | if length == 0 then "none" else join(", ") end) +
			" | " + ([.expected[] | "\(.pattern): \(if .first_leak_s then "\(.first_leak_s / 60 * 10 | round / 10) min" else "not found" end)"] | if length == 0 then "—" else join("; ") end) + " |"' "$f"
	done
}

case ${1:-} in
--replay) replay "$2" ;;
--table) table ;;
"" | -h | --help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d' ;;
*) run_case "$1" "${2:-15m}" ;;
esac
