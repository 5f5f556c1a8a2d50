#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kleak's VM suite: boots real kernels under qemu, runs the scenarios in
# tests/vm/scenarios/ inside them and checks their outputs on the host.
# Prints TAP. Usage (from anywhere):
#   tests/vm/run.sh [SCENARIO...]      default: every scenario
# Environment: KLEAK_VM_KERNELS (default "6.12 6.1": names or directories of
# debs), KLEAK_VM_SCENARIOS (a substring to select scenarios), and the knobs
# in tests/vm/lib/vm.sh. Missing qemu or kernel: every test is skipped with
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

# report KERNEL NAME SHARE BOOTERR: the TAP lines of one scenario.
report() {
	local k=$1 name=$2 share=$3 booterr=$4
	local OUT=$share/out/$name KERNEL_NAME=$k VM_T="[$k] $name" rc
	if [ -f "$OUT/SKIP" ]; then
		skip "$VM_T" "$(cat "$OUT/SKIP")"
		return
	fi
	rc=$(cat "$OUT/rc" 2>/dev/null)
	if [ -z "$rc" ]; then
		not_ok "$VM_T: ran in the VM" "${booterr:-no exit status}" \
			"$(tail -n 15 "$VM_RUN/console-$k.log" 2>/dev/null)"
		return
	fi
	if [ "$rc" = 0 ]; then
		ok "$VM_T: ran in the VM"
	else
		not_ok "$VM_T: ran in the VM" "exit $rc (124: timeout); log:" \
			"$(tail -n 15 "$OUT/log")"
	fi
	# shellcheck disable=SC1090
	. "tests/vm/scenarios/$name.check.sh"
}

run_kernel() {
	local k=$1 s want=() groups g
	for s in "${scenarios[@]}"; do
		if [ ! -f "tests/vm/scenarios/$s.sh" ]; then
			not_ok "[$k] $s" "no such scenario: tests/vm/scenarios/$s.sh"
			continue
		fi
		case " $(vm_header "tests/vm/scenarios/$s.sh" kernels all) " in
		*" all "* | *" $k "*) want+=("$s") ;;
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
	# One boot per group of scenarios ("# vm-group: NAME", default main).
	groups=$(for s in "${want[@]}"; do
		vm_header "tests/vm/scenarios/$s.sh" group main; done | sort -u)
	for g in $groups; do
		local members=() paths=() timeout=60 t share err=
		for s in "${want[@]}"; do
			[ "$(vm_header "tests/vm/scenarios/$s.sh" group main)" = "$g" ] || continue
			members+=("$s")
			paths+=("tests/vm/scenarios/$s.sh")
			t=$(vm_header "tests/vm/scenarios/$s.sh" timeout 120)
			timeout=$((timeout + t))
		done
		share=$VM_RUN/share-$g
		rm -rf "$share" && mkdir -p "$share"
		echo "# [$k] booting $VM_KVER for: ${members[*]}"
		local t0=$SECONDS
		if ! vm_initramfs "$VM_RUN/initramfs-$g.cpio" "${paths[@]}"; then
			for s in "${members[@]}"; do not_ok "[$k] $s" "$VM_ERR"; done
			continue
		fi
		if ! vm_boot "$VM_RUN/initramfs-$g.cpio" "$share" "$timeout" \
			"$VM_RUN/console-$k.log"; then
			err=$VM_ERR
		fi
		cp "$VM_RUN/console-$k.log" "$VM_RUN/console-$k-$g.log" 2>/dev/null
		echo "# [$k] group $g: $((SECONDS - t0)) s${err:+ ($err)}"
		for s in "${members[@]}"; do report "$k" "$s" "$share" "$err"; done
	done
}

# The fixtures captured in VMs (capture-fixtures.sh), through kleak on the
# host: the lesson's case offline, on real kernels' files, without qemu.
fixture_checks() {
	local bin=${KLEAK_VM_BIN:-${KLEAK:-$VM_TOP/kleak}} d k want
	for d in tests/fixtures/*/unloaded; do
		[ -d "$d" ] || continue
		d=${d%/unloaded} k=$(basename "${d%/unloaded}")
		local OUT VM_T="[fixtures $k] kmem_test"
		if [ ! -x "$bin" ]; then
			skip "$VM_T" "no kleak binary at $bin (run make)"
			continue
		fi
		OUT=$(mktemp -d)
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
}
[ -z "${KLEAK_VM_SCENARIOS:-}" ] && [ $# -eq 0 ] && fixture_checks

for k in ${KLEAK_VM_KERNELS:-6.12 6.1}; do
	run_kernel "$k"
done
[ "$TAP_N" -gt 0 ] || skip "vm" "no scenario selected"
echo "1..$TAP_N"
tap_done
