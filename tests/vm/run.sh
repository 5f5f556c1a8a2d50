#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kleak's VM suite: boots real kernels under qemu, runs the scenarios in
# tests/vm/scenarios/ inside them and checks their outputs on the host.
# Prints TAP. Usage (from anywhere):
#   tests/vm/run.sh [SCENARIO...]      default: every scenario
# Environment: KLEAK_VM_KERNELS (default "6.12 6.1 6.12-cloud": names or directories of
# debs), KLEAK_VM_SCENARIOS (a substring to select scenarios), KLEAK_VM_JOBS
# (VMs at a time, default 1), and the knobs in tests/vm/lib/vm.sh. Missing qemu or kernel: every test is skipped with
# the reason; nothing passes that did not run.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/vm/lib/vm.sh
. tests/vm/lib/check.sh

# scenarios: the names to run, from the arguments or the directory.
scenarios=()
if [ $# -gt 0 ]; then
	for s in "$@"; do scenarios+=("$(basename "${s%.sh}")"); done
else
	for f in tests/vm/scenarios/*.sh; do
		case "$f" in *.check.sh) continue ;; esac
		# "# vm-bench: yes": a calibration run (bench/calibration), not a
		# test: only when named
		[ "$(vm_header "$f" bench no)" = yes ] && continue
		s=$(basename "$f" .sh)
		[[ "$s" == *${KLEAK_VM_SCENARIOS:-}* ]] && scenarios+=("$s")
	done
fi

# skip_all KERNEL REASON NAME...: one skip per scenario.
skip_all() {
	local k=$1 why=$2 s
	shift 2
	for s in "$@"; do skip "[$k] $s" "$why"; done
}

# report KERNEL NAME SHARE BOOTERR CONSOLE: the TAP lines of one scenario.
report() {
	local k=$1 name=$2 share=$3 booterr=$4 console=$5
	local OUT=$share/out/$name KERNEL_NAME=$k VM_T="[$k] $name" rc
	local TAP_PREFIX=$VM_T TAP_DIR=$share/out/$name
	if [ -f "$OUT/SKIP" ]; then
		skip "$VM_T" "$(cat "$OUT/SKIP")"
		return
	fi
	rc=$(cat "$OUT/rc" 2>/dev/null)
	if [ -z "$rc" ]; then
		not_ok "$VM_T: ran in the VM" "${booterr:-no exit status}" \
			"$(tail -n 15 "$console" 2>/dev/null | diag_indent)"
		return
	fi
	if [ "$rc" = 0 ]; then
		ok "$VM_T: ran in the VM"
	else
		not_ok "$VM_T: ran in the VM" "exit $rc; log:" \
			"$(tail -n 15 "$OUT/log" | diag_indent)"
	fi
	# A scenario without host checks asserts nothing: that is a failure.
	if [ ! -f "tests/vm/scenarios/$name.check.sh" ]; then
		not_ok "$VM_T: host checks" "no tests/vm/scenarios/$name.check.sh"
		return
	fi
	# shellcheck disable=SC1090
	. "tests/vm/scenarios/$name.check.sh"
}

# plan_kernel KERNEL: check what kernel KERNEL needs, build its modules and
# add one job per group of scenarios ("# vm-group: NAME", default main) to
# jobs[] as "KERNEL RUNDIR GROUP TIMEOUT SCENARIO...". Prints the TAP lines
# of scenarios that cannot run (skipped, or failed to build).
jobs=()
plan_kernel() {
	local k=$1 s want=() g
	for s in "${scenarios[@]}"; do
		if [ ! -f "tests/vm/scenarios/$s.sh" ]; then
			not_ok "[$k] $s" "no such scenario: tests/vm/scenarios/$s.sh"
			continue
		fi
		# "all" is the base kernels; a cloud kernel runs only the
		# scenarios that name it (its boots cost CI time)
		case " $(vm_header "tests/vm/scenarios/$s.sh" kernels all) " in
		*" $k "*) want+=("$s") ;;
		*" all "*) [[ "$k" == *-cloud ]] || want+=("$s") ;;
		esac
	done
	[ ${#want[@]} -gt 0 ] || return 0
	if ! command -v "$VM_QEMU" >/dev/null; then
		skip_all "$k" "$VM_QEMU not installed (apt-get install --no-install-recommends qemu-system-x86)" "${want[@]}"
		return
	fi
	if ! vm_kernel "$k"; then
		skip_all "$k" "$VM_ERR" "${want[@]}"
		return
	fi
	if ! command -v jq >/dev/null; then
		skip_all "$k" "jq not installed" "${want[@]}"
		return
	fi
	if ! vm_modules; then
		for s in "${want[@]}"; do not_ok "[$k] $s" "$VM_ERR"; done
		return
	fi
	for g in $(for s in "${want[@]}"; do
		vm_header "tests/vm/scenarios/$s.sh" group main; done | sort -u); do
		local members=() timeout=60
		for s in "${want[@]}"; do
			[ "$(vm_header "tests/vm/scenarios/$s.sh" group main)" = "$g" ] || continue
			members+=("$s")
			timeout=$((timeout + $(vm_header "tests/vm/scenarios/$s.sh" timeout 120)))
		done
		jobs+=("$k $VM_RUN $g $timeout ${members[*]}")
	done
}

# boot_job KERNEL RUNDIR GROUP TIMEOUT SCENARIO...: pack and boot one group
# (in the background); the outcome goes to RUNDIR/job-GROUP.{err,secs}.
boot_job() {
	local k=$1 run=$2 g=$3 timeout=$4 s paths=() t0=$SECONDS mem
	shift 4
	for s in "$@"; do paths+=("tests/vm/scenarios/$s.sh"); done
	rm -rf "$run/share-$g" && mkdir -p "$run/share-$g"
	: >"$run/job-$g.err"
	# "# vm-mem: MiB": the smallest a member asks for (a group that needs
	# memory to run out gets its own boot), else KLEAK_VM_MEM or 2048.
	mem=$(for s in "$@"; do vm_header "tests/vm/scenarios/$s.sh" mem ""; done |
		grep -E '^[0-9]+$' | sort -n | head -n 1)
	rm -f "$run/job-$g.retry"
	if ! vm_kernel "$k" || ! vm_initramfs "$run/initramfs-$g.cpio" "${paths[@]}"; then
		echo "$VM_ERR" >"$run/job-$g.err"
	else
		local try accel=${KLEAK_VM_ACCEL:-tcg}
		for try in 1 2 3; do
			: >"$run/job-$g.err"
			KLEAK_VM_ACCEL=$accel KLEAK_VM_MEM=${mem:-${KLEAK_VM_MEM:-2048}} vm_boot "$run/initramfs-$g.cpio" \
				"$run/share-$g" "$timeout" "$run/console-$k-$g.log" ||
				echo "$VM_ERR" >"$run/job-$g.err"
			# "Oops: int3" is a breakpoint no one set: text_poke_bp()
			# patching a static key or call site while the other
			# vCPU runs a translation of the old bytes, a race of
			# qemu's multi-threaded TCG (seen in bpf_trace_run5 as
			# kleak attached, in kfree, in kmem_cache_free; twice
			# in a row in one CI run), never kleak's BPF. Boot
			# again with single-threaded TCG, where one vCPU runs
			# at a time and no translation outlives the patch (the
			# trace group took 62 s against 61 s), and say so. Any
			# other oops fails.
			grep -q "Oops: int3" "$run/console-$k-$g.log" 2>/dev/null && [ $try -lt 3 ] || break
			mv "$run/console-$k-$g.log" "$run/console-$k-$g-int3-$try.log"
			[ "$accel" = tcg ] && accel=tcg,thread=single
			echo "boot $try died of an int3 oops (qemu TCG text-poke race; $run/console-$k-$g-int3-$try.log): booted again with -accel $accel" \
				>>"$run/job-$g.retry"
			rm -rf "$run/share-$g" && mkdir -p "$run/share-$g"
		done
	fi
	echo $((SECONDS - t0)) >"$run/job-$g.secs"
}

# run_jobs: boot the groups, KLEAK_VM_JOBS at a time. Default 1: on a loaded
# 2-core host two TCG guests gained ~15% wall time and each ran twice as
# slow, which timing-sensitive scenarios do not need.
run_jobs() {
	local j running=0
	for j in "${jobs[@]}"; do
		# shellcheck disable=SC2086
		set -- $j
		echo "# [$1] booting group $3: ${*:5}"
		boot_job "$@" &
		running=$((running + 1))
		if [ "$running" -ge "${KLEAK_VM_JOBS:-1}" ]; then
			wait -n
			running=$((running - 1))
		fi
	done
	wait
}

# report_jobs: the TAP lines of every scenario, in job order.
report_jobs() {
	local j s err
	for j in "${jobs[@]}"; do
		# shellcheck disable=SC2086
		set -- $j
		err=$(cat "$2/job-$3.err" 2>/dev/null)
		echo "# [$1] group $3: $(cat "$2/job-$3.secs" 2>/dev/null) s${err:+ ($err)}"
		[ -s "$2/job-$3.retry" ] && sed "s/^/# [$1] group $3: /" "$2/job-$3.retry"
		local VM_RUN=$2 k=$1 g=$3
		shift 4
		for s in "$@"; do
			report "$k" "$s" "$VM_RUN/share-$g" "$err" "$VM_RUN/console-$k-$g.log"
		done
	done
}

# The fixtures captured in VMs (capture-fixtures.sh), through kleak on the
# host: the lesson's case offline, on real kernels' files, without qemu.
fixture_checks() {
	local bin=${KLEAK_VM_BIN:-${KLEAK:-$VM_TOP/kleak}} d k want n=0
	for d in tests/fixtures/*/unloaded; do
		[ -d "$d" ] || continue
		n=$((n + 1))
		d=${d%/unloaded} k=$(basename "${d%/unloaded}")
		local OUT VM_T="[fixtures $k] kmem_test" TAP_PREFIX TAP_DIR
		TAP_PREFIX=$VM_T
		if [ ! -x "$bin" ]; then
			not_ok "$VM_T" "no kleak binary at $bin (make test-bins, or make)"
			continue
		fi
		OUT=$(mktemp -d)
		TAP_DIR=$OUT
		cp "$d/vmallocinfo" "$OUT/vmallocinfo"
		want=$(vmalloc_pages_bytes vmallocinfo '\[kmem_test\]')
		"$bin" check --json --from "$d" >"$OUT/loaded.json" 2>"$OUT/loaded.json.err"
		echo $? >"$OUT/loaded.json.rc"
		"$bin" check --json --from "$d/unloaded" >"$OUT/unloaded.json" 2>"$OUT/unloaded.json.err"
		echo $? >"$OUT/unloaded.json.rc"
		"$bin" check --json --from "$d/unloaded" --baseline "$d" >"$OUT/baseline.json" 2>"$OUT/baseline.json.err"
		echo $? >"$OUT/baseline.json.rc"
		expect "raw: [kmem_test] holds > 8 MiB" test "$want" -gt 8388608
		expect_rc0 loaded.json
		expect_jq "check --from: kmem_alloc [kmem_test] with $want bytes" loaded.json \
			'.vmalloc.by_caller[0] | .caller == "kmem_alloc" and .module == "kmem_test" and .bytes == ($w | tonumber)' --arg w "$want"
		expect_rc0 unloaded.json
		expect_jq "check --from unloaded/: (unloaded module), $want bytes" unloaded.json \
			'[.vmalloc.by_caller[] | select(.caller == "(unloaded module)" and .module == null)] | length == 1 and .[0].bytes == ($w | tonumber)' --arg w "$want"
		expect_rc0 baseline.json
		expect_jq "check --from unloaded/ --baseline: kmem_alloc [kmem_test]" baseline.json \
			'[.vmalloc.by_caller[] | select(.caller == "kmem_alloc" and .module == "kmem_test")] | length == 1 and .[0].bytes == ($w | tonumber)' --arg w "$want"
		rm -rf "$OUT"
	done
	# The captures are part of the tree: none found is a broken checkout.
	[ "$n" -gt 0 ] || not_ok "[fixtures] kmem_test" "no tests/fixtures/*/unloaded capture in the tree"
}
[ -z "${KLEAK_VM_SCENARIOS:-}" ] && [ $# -eq 0 ] && fixture_checks

for k in ${KLEAK_VM_KERNELS:-6.12 6.1 6.12-cloud}; do
	plan_kernel "$k"
done
run_jobs
report_jobs
# Nothing to run is no pass: an empty scenarios/ or a selection that
# matches nothing fails.
[ "$TAP_N" -gt 0 ] || not_ok "vm" "no scenario selected (arguments: ${*:-none}, KLEAK_VM_SCENARIOS=${KLEAK_VM_SCENARIOS:-})"
echo "1..$TAP_N"
tap_done
