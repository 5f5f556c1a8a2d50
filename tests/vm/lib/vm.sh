# SPDX-License-Identifier: GPL-2.0
# Host side of kleak's VM harness (bash; sourced by tests/vm/run.sh and
# tests/vm/capture-fixtures.sh). It finds and unpacks a kernel, builds the
# test modules against its headers, packs an initramfs (busybox, kleak and
# the libraries it links, the modules, the scenarios to run) and boots it
# under qemu with a 9p share through which the scenarios' outputs come back.
#
# Everything it makes goes to build/vm/ (a cache, never committed):
#   build/vm/debs/            kernels downloaded with apt-get download
#   build/vm/k-<name>/        a kernel's unpacked debs (boot/, lib/, usr/src/)
#   build/vm/run-<name>/      modules, initramfs, share/ and console logs
#
# Knobs (environment):
#   KLEAK_SHARED_KERNEL  dir with the 6.12 debs (default: <repo>/../shared/kernel)
#   KLEAK_VM_QEMU        the qemu binary (default qemu-system-x86_64)
#   KLEAK_VM_ACCEL       qemu accelerator, default tcg (KVM hangs at boot on
#                        the project's machines: use kvm only where it works)
#   KLEAK_VM_SMP, KLEAK_VM_MEM   guest CPUs (2) and memory in MiB (2048)
#   KLEAK_VM_BOOT_TIMEOUT  seconds for /init to start before a boot counts as
#                        hung and is retried once (120)
#   KLEAK_VM_BIN         the kleak binary to put in the VM (default $KLEAK,
#                        which make test sets to the sanitized build, else ./kleak)
#   KLEAK_VM_EXTRA_BINS  more host programs to copy in (with their libraries)
#   VM_HOSTFWD           a network for the boot: qemu's user-mode netdev
#                        (restrict=on: the guest reaches nothing outside)
#                        with this port forward, e.g.
#                        "tcp:127.0.0.1:PORT-:19117" (the guest's eth0 is
#                        virtio-net; its address 10.0.2.15, set by the
#                        scenario). Unset: no network device at all.
#
# Every function returns non-zero with the reason in VM_ERR on failure.

VM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
VM_DIR=$VM_TOP/tests/vm
VM_BUILD=$VM_TOP/build/vm
VM_ERR=
VM_QEMU=${KLEAK_VM_QEMU:-qemu-system-x86_64}

# The 6.1 kernel Debian 12 runs: ABI of linux-image-amd64's dependency.
vm_debian_61_abi() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(6\.1\.0-[0-9]*\)-amd64.*/\1/p' |
		head -n 1
}

# The 6.12 cloud kernel Debian 12 ships (backports/security): the version
# linux-image-6.12-cloud-amd64 depends on, e.g. 6.12.117+deb12.
vm_debian_612_cloud_ver() {
	apt-cache depends linux-image-6.12-cloud-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(6\.12\.[0-9]*+deb12\)-cloud-amd64.*/\1/p' |
		head -n 1
}

# vm_apt_download DIR LOGNAME PACKAGE...: apt-get download into DIR (once).
vm_apt_download() {
	local dir=$1 log=$2
	shift 2
	ls "$dir"/linux-image-*.deb >/dev/null 2>&1 && return 0
	mkdir -p "$dir.tmp" && rm -f "$dir.tmp"/*.deb
	if ! (cd "$dir.tmp" && apt-get download -q "$@") >"$VM_BUILD/debs/$log.log" 2>&1; then
		VM_ERR="apt-get download of $1 failed: $(tail -n 1 "$VM_BUILD/debs/$log.log")"
		return 1
	fi
	rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

# vm_fetch_debs NAME: set VM_DEBS to the .deb files of kernel NAME (6.12 |
# 6.1 | 6.12-cloud | a directory holding linux-image-*.deb and linux-headers-*.deb).
vm_fetch_debs() {
	local name=$1 abi dir ver
	VM_DEBS=()
	mkdir -p "$VM_BUILD/debs"
	case "$name" in
	6.12)
		dir=${KLEAK_SHARED_KERNEL:-$VM_TOP/../shared/kernel}
		;;
	6.12-cloud)
		ver=$(vm_debian_612_cloud_ver)
		if [ -z "$ver" ]; then
			VM_ERR="apt-cache knows no linux-image-6.12.N+deb12-cloud-amd64 (not Debian 12, or no apt lists: apt-get update)"
			return 1
		fi
		dir=$VM_BUILD/debs/$ver-cloud
		vm_apt_download "$dir" "$ver-cloud" "linux-image-$ver-cloud-amd64-unsigned" \
			"linux-headers-$ver-cloud-amd64" "linux-headers-$ver-common" \
			"linux-kbuild-$ver" || return 1
		;;
	6.1)
		abi=$(vm_debian_61_abi)
		if [ -z "$abi" ]; then
			VM_ERR="apt-cache knows no linux-image-6.1.0-N-amd64 (not Debian 12, or no apt lists: apt-get update)"
			return 1
		fi
		dir=$VM_BUILD/debs/$abi
		if ! ls "$dir"/linux-image-*.deb >/dev/null 2>&1; then
			mkdir -p "$dir.tmp" && rm -f "$dir.tmp"/*.deb
			if ! (cd "$dir.tmp" && apt-get download -q \
				"linux-image-$abi-amd64-unsigned" \
				"linux-headers-$abi-amd64" \
				"linux-headers-$abi-common" \
				"linux-kbuild-${abi%%.0-*}") >"$VM_BUILD/debs/$abi.log" 2>&1; then
				VM_ERR="apt-get download of Debian's $abi kernel failed: $(tail -n 1 "$VM_BUILD/debs/$abi.log")"
				return 1
			fi
			rm -rf "$dir" && mv "$dir.tmp" "$dir"
		fi
		;;
	*)
		dir=$name
		;;
	esac
	if ! ls "$dir"/linux-image-*.deb >/dev/null 2>&1; then
		VM_ERR="no kernel: no linux-image-*.deb in $dir"
		return 1
	fi
	VM_DEBS=("$dir"/linux-image-*.deb "$dir"/linux-headers-*.deb "$dir"/linux-kbuild-*.deb)
	local f keep=()
	for f in "${VM_DEBS[@]}"; do [ -e "$f" ] && keep+=("$f"); done
	VM_DEBS=("${keep[@]}")
}

# vm_kernel NAME: unpack kernel NAME (cached) and set VM_NAME, VM_KROOT,
# VM_KVER, VM_VMLINUZ, VM_HDRS, VM_RUN and VM_TRANSPORT: 9p when the kernel
# has it, else disk (Debian's cloud kernels have no 9p: the scenarios'
# outputs come back as a tar archive written to a virtio disk).
vm_kernel() {
	local name=$1 stamp sum
	VM_NAME=$(basename "$name")
	vm_fetch_debs "$name" || return 1
	command -v dpkg-deb >/dev/null || { VM_ERR="dpkg-deb not found"; return 1; }
	VM_KROOT=$VM_BUILD/k-$VM_NAME
	VM_RUN=$VM_BUILD/run-$VM_NAME
	sum=$(ls -l --time-style=+%s "${VM_DEBS[@]}" | md5sum | cut -d' ' -f1)
	stamp=$VM_KROOT/.unpacked
	if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
		rm -rf "$VM_KROOT" && mkdir -p "$VM_KROOT"
		local d
		for d in "${VM_DEBS[@]}"; do
			dpkg-deb -x "$d" "$VM_KROOT" ||
				{ VM_ERR="dpkg-deb -x $d failed"; return 1; }
		done
		vm_fix_headers "$VM_KROOT"
		echo "$sum" >"$stamp"
	fi
	VM_VMLINUZ=$(ls "$VM_KROOT"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$VM_VMLINUZ" ] || { VM_ERR="no boot/vmlinuz-* in the image deb"; return 1; }
	VM_KVER=${VM_VMLINUZ##*/vmlinuz-}
	VM_HDRS=$VM_KROOT/usr/src/linux-headers-$VM_KVER
	[ -f "$VM_HDRS/Makefile" ] || { VM_ERR="no headers at $VM_HDRS"; return 1; }
	VM_TRANSPORT=9p
	grep -qE '^CONFIG_NET_9P=[ym]' "$VM_KROOT/boot/config-$VM_KVER" 2>/dev/null ||
		VM_TRANSPORT=disk
	mkdir -p "$VM_RUN"
}

# Debian's split headers include each other by absolute path
# (/usr/src/linux-headers-X-common/Makefile): point them into the unpacked
# tree so modules build without installing anything.
vm_fix_headers() {
	local root=$1 f
	for f in "$root"/usr/src/linux-headers-*/Makefile; do
		grep -q '^include /usr/src/' "$f" 2>/dev/null &&
			sed -i "s|^include /usr/src/|include $root/usr/src/|" "$f"
	done
	return 0
}

# vm_modules: build tests/vm/modules against the kernel's headers into
# $VM_RUN/modules (a copy of the sources: the source tree stays clean).
vm_modules() {
	local src=$VM_DIR/modules dst=$VM_RUN/modules log=$VM_RUN/modules.log
	mkdir -p "$dst"
	cp "$src"/Kbuild "$src"/*.c "$src"/*.h "$dst"/
	# CONFIG_DEBUG_INFO_BTF_MODULES= : no module BTF (pahole), which the
	# test modules do not need (Debian 6.12 headers ask for it)
	if ! make -C "$VM_HDRS" M="$dst" CONFIG_DEBUG_INFO_BTF_MODULES= modules >"$log" 2>&1; then
		VM_ERR="building the test modules failed: $(grep -m1 -E 'error|Error' "$log")  (log: $log)"
		return 1
	fi
}

# vm_ko FILE OUT: FILE (a .ko, or a .ko.xz as Debian's 6.12 kernels ship
# them) as a plain .ko at OUT.
vm_ko() {
	case "$1" in
	*.xz) xz -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# vm_ko_depends FILE: the modules FILE depends on (from its .modinfo).
# objcopy writes a file: to /dev/stdout on a pipe it writes nothing
# (binutils 2.40), and 9p then loaded without 9pnet, fscache and netfs.
vm_ko_depends() {
	local t
	t=$(mktemp) || return 0
	vm_ko "$1" "$t" &&
		objcopy -O binary --only-section=.modinfo "$t" "$t.modinfo" 2>/dev/null &&
		tr '\0' '\n' <"$t.modinfo" | sed -n 's/^depends=//p' | tr ',' ' '
	rm -f "$t" "$t.modinfo"
}

# vm_boot_modules NAME...: print the module files (.ko or .ko.xz) the named
# kernel modules need, dependencies first (for kernels with 9p/virtio as
# modules, like Debian's 6.1). Built-in ones (modules.builtin) are left out.
vm_boot_modules() {
	local moddir=$VM_KROOT/lib/modules/$VM_KVER seen=" " out=()
	_vm_dep() {
		local m=$1 f d
		case "$seen" in *" $m "*) return ;; esac
		seen="$seen$m "
		f=$(find "$moddir/kernel" \( -name "$m.ko" -o -name "${m//_/-}.ko" \
			-o -name "$m.ko.xz" -o -name "${m//_/-}.ko.xz" \) | head -n 1)
		[ -n "$f" ] || return 0	# built in
		for d in $(vm_ko_depends "$f"); do _vm_dep "$d"; done
		out+=("$f")
	}
	local m
	for m in "$@"; do _vm_dep "$m"; done
	printf '%s\n' "${out[@]}"
}

# vm_copy_prog FILE DESTROOT [PATH]: copy an executable to PATH (default:
# its own path) under DESTROOT, with the libraries ldd lists (and the loader)
# at their paths.
vm_copy_prog() {
	local bin=$1 root=$2 dest=${3:-$1} lib
	install -D -m 0755 "$bin" "$root$dest" || return 1
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$lib" ] && install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
	return 0
}

# vm_copy_bin FILE DESTROOT: kleak as /bin/kleak, with its libraries.
vm_copy_bin() {
	vm_copy_prog "$1" "$2" /bin/kleak
}

# vm_initramfs OUT SCENARIO...: pack the initramfs running the scenarios
# (paths to tests/vm/scenarios/<name>.sh or other ash scripts).
vm_initramfs() {
	local out=$1 root=${1%.cpio}.root bin s f
	shift
	bin=${KLEAK_VM_BIN:-${KLEAK:-$VM_TOP/kleak}}
	[ -x "$bin" ] || { VM_ERR="no kleak binary at $bin (run make)"; return 1; }
	command -v busybox >/dev/null || { VM_ERR="busybox not found (apt-get install busybox-static)"; return 1; }
	busybox --list | grep -qx cpio || { VM_ERR="busybox has no cpio"; return 1; }
	if ldd "$(command -v busybox)" >/dev/null 2>&1; then
		VM_ERR="busybox is dynamically linked: install busybox-static"
		return 1
	fi
	rm -rf "$root" && mkdir -p "$root"/{bin,dev,proc,sys,tmp,host,modules,scenarios,boot-modules}
	cp "$(command -v busybox)" "$root/bin/busybox"
	vm_copy_bin "$bin" "$root" || { VM_ERR="copying $bin failed"; return 1; }
	cp "$VM_DIR/lib/init" "$root/init" && chmod 0755 "$root/init"
	cp "$VM_DIR/lib/vmlib.sh" "$root/vmlib.sh"
	# The test modules vm_modules built (none for a suite that builds its own).
	for f in "$VM_RUN"/modules/*.ko; do
		[ -e "$f" ] && cp "$f" "$root/modules/"
	done
	# The kernel's own sample modules (kmemleak-test, kprobe_example ...).
	for f in $(find "$VM_KROOT/lib/modules/$VM_KVER/kernel/samples" \
		\( -name '*.ko' -o -name '*.ko.xz' \) 2>/dev/null); do
		vm_ko "$f" "$root/modules/$(basename "${f%.xz}")"
	done
	local i=0 f mods="virtio_pci 9pnet_virtio 9p"
	[ "$VM_TRANSPORT" = disk ] && mods="virtio_pci virtio_blk"
	echo "$VM_TRANSPORT" >"$root/transport"
	for f in $(vm_boot_modules $mods); do
		i=$((i + 1))
		vm_ko "$f" "$root/boot-modules/$(printf %02d $i)-$(basename "${f%.xz}")"
	done
	# KLEAK_VM_EXTRA_BINS: host programs wanted inside, at their own paths
	# (capture-klog.sh brings systemd-journald and journalctl).
	for f in ${KLEAK_VM_EXTRA_BINS:-}; do
		vm_copy_prog "$f" "$root" || { VM_ERR="copying $f failed"; return 1; }
	done
	: >"$root/scenarios/list"
	for s in "$@"; do
		cp "$s" "$root/scenarios/"
		basename "$s" .sh >>"$root/scenarios/list"
	done
	echo "$VM_NAME" >"$root/kernel-name"
	(cd "$root" && find . | busybox cpio -o -H newc -R 0:0 2>/dev/null) >"$out" ||
		{ VM_ERR="cpio failed"; return 1; }
}

# vm_shell INITRAMFS SHARE: boot with the console on this terminal; /init
# runs the initramfs' scenarios, then a shell (exit it to power off).
vm_shell() {
	local accel=${KLEAK_VM_ACCEL:-tcg}
	"$VM_QEMU" -accel "$accel" -cpu max -m "${KLEAK_VM_MEM:-2048}" \
		-smp "${KLEAK_VM_SMP:-2}" -nodefaults -no-reboot \
		-display none -serial mon:stdio \
		-kernel "$VM_VMLINUZ" -initrd "$1" \
		-virtfs "local,path=$2,mount_tag=host,security_model=none,id=host" \
		-append "console=ttyS0 panic=-1 quiet kmemleak=on page_owner=on rdinit=/init kleak.shell"
}

# vm_boot INITRAMFS SHARE TIMEOUT LOG: boot, run /init's scenarios with SHARE
# mounted at /host, wait for poweroff. Fails on timeout or a missing marker.
# A boot that shows no sign of /init within KLEAK_VM_BOOT_TIMEOUT seconds
# (default 120; a boot takes 5-10 s) is killed and tried once more: TCG
# boots have been seen to hang silently on a loaded host.
vm_boot() {
	local log=$4 try
	for try in 1 2; do
		vm_boot_once "$@"
		case $? in
		0) return 0 ;;
		2) cp "$log" "$log.hang$try" 2>/dev/null ;;
		*) return 1 ;;
		esac
	done
	return 1
}

# vm_boot_once: one boot; returns 2 when the boot hung before /init ran.
vm_boot_once() {
	local initrd=$1 share=$2 timeout=$3 log=$4 accel=${KLEAK_VM_ACCEL:-tcg}
	local cpu=max pid waited=0 started= rc dev img=$2.img net=()
	[ -n "${VM_HOSTFWD:-}" ] &&
		net=(-netdev "user,id=net0,restrict=on,hostfwd=$VM_HOSTFWD" -device virtio-net-pci,netdev=net0)
	command -v "$VM_QEMU" >/dev/null ||
		{ VM_ERR="$VM_QEMU not found (apt-get install --no-install-recommends qemu-system-x86)"; return 1; }
	[ "$accel" = kvm ] && cpu=host
	rm -f "$log" "$img"
	# the share: a 9p export, or a disk the VM writes a tar archive to
	dev=(-virtfs "local,path=$share,mount_tag=host,security_model=none,id=host")
	if [ "${VM_TRANSPORT:-9p}" = disk ]; then
		truncate -s 256M "$img" || { VM_ERR="cannot create $img"; return 1; }
		dev=(-drive "file=$img,format=raw,if=virtio")
	fi
	timeout --kill-after=10 "$timeout" "$VM_QEMU" \
		-accel "$accel" -cpu "$cpu" -m "${KLEAK_VM_MEM:-2048}" \
		-smp "${KLEAK_VM_SMP:-2}" -nodefaults -no-reboot \
		-display none -monitor none -serial "file:$log" \
		-kernel "$VM_VMLINUZ" -initrd "$initrd" "${dev[@]}" "${net[@]}" \
		-append "console=ttyS0 panic=-1 kmemleak=on page_owner=on rdinit=/init" \
		</dev/null >"$log.qemu" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ -z "$started" ]; then
			if [ -d "$share/out" ] || grep -qs "KLEAK-VM: kernel" "$log"; then
				started=1
			elif [ "$waited" -ge "${KLEAK_VM_BOOT_TIMEOUT:-120}" ]; then
				kill "$pid" 2>/dev/null
				wait "$pid"
				VM_ERR="boot hung: no output from /init in ${waited}s (console: $log.hang*)"
				return 2
			fi
		fi
		sleep 1
		waited=$((waited + 1))
	done
	wait "$pid"
	rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		VM_ERR="VM did not power off within ${timeout}s (console: $log)"
		return 1
	fi
	if [ "$rc" -ne 0 ]; then
		VM_ERR="qemu exited $rc: $(tail -n 3 "$log.qemu" | tr '\n' ' ')"
		return 1
	fi
	if [ "${VM_TRANSPORT:-9p}" = disk ]; then
		tar -xf "$img" -C "$share" 2>/dev/null ||
			{ VM_ERR="no tar archive on the VM's disk (console: $log)"; return 1; }
		rm -f "$img"
	fi
	[ -f "$share/out/done" ] ||
		{ VM_ERR="the VM stopped before its scenarios finished (console: $log)"; return 1; }
}

# vm_header FILE KEY DEFAULT: a scenario's "# vm-KEY: value" header line.
vm_header() {
	local v
	v=$(sed -n "s/^# vm-$2: *//p" "$1" | head -n 1)
	echo "${v:-$3}"
}
