# SPDX-License-Identifier: GPL-2.0
# Helpers for scenarios inside kleak's test VM (busybox ash; /init sources
# this before each scenario). Environment: OUT (this scenario's output
# directory on the host share), KERNEL_NAME (6.12, 6.1, ...).
# Test modules are in /modules (ours and the kernel's samples), kleak is
# on PATH. Files written to $OUT are checked on the host by <name>.check.sh.

# skip REASON: the whole scenario does not apply here (the host reports
# each of its checks as skipped with REASON).
skip() {
	echo "$*" >"$OUT/SKIP"
	echo "SKIP: $*"
	exit 0
}

# fail MESSAGE: stop the scenario; the host reports it as failed.
fail() {
	echo "FAIL: $*"
	exit 1
}

# need PATH REASON: skip unless PATH exists.
need() {
	[ -e "$1" ] || skip "$2 ($1 missing)"
}

# run NAME CMD...: run CMD, saving stdout to $OUT/NAME, stderr to
# $OUT/NAME.err, exit status to $OUT/NAME.rc. Returns CMD's status.
run() {
	_n=$1
	shift
	echo "+ $*"
	"$@" >"$OUT/$_n" 2>"$OUT/$_n.err"
	_rc=$?
	echo "$_rc" >"$OUT/$_n.rc"
	[ "$_rc" -eq 0 ] || echo "  (exit $_rc; stderr: $(head -c 300 "$OUT/$_n.err"))"
	return "$_rc"
}

# load MODULE [PARAM=VALUE...]: insmod /modules/MODULE.ko or fail.
load() {
	_m=$1
	shift
	echo "+ insmod $_m $*"
	insmod "/modules/$_m.ko" "$@" || fail "insmod $_m failed"
}

# unload MODULE: rmmod or fail.
unload() {
	echo "+ rmmod $1"
	rmmod "$1" || fail "rmmod $1 failed"
}

# param MODULE NAME: a module parameter's current value.
param() {
	cat "/sys/module/$1/parameters/$2"
}

# wait_param MODULE NAME MIN SECONDS: wait until the parameter reaches MIN.
wait_param() {
	_i=0
	while [ "$(param "$1" "$2")" -lt "$3" ]; do
		_i=$((_i + 1))
		[ "$_i" -gt $(($4 * 10)) ] && fail "$1.$2 stayed below $3 for $4 s"
		usleep 100000
	done
	echo "  $1.$2 = $(param "$1" "$2")"
}

# busy_shell: a busy machine's small work, in the background until killed
# (its pid in BUSY): every 100 ms, 20 files created and deleted, ls, and
# /proc/slabinfo and meminfo read, each command a fork.
busy_shell() {
	(
		while :; do
			_i=0
			while [ $_i -lt 20 ]; do echo x >/tmp/busy.$_i; _i=$((_i + 1)); done
			ls /tmp >/dev/null
			rm -f /tmp/busy.*
			cat /proc/slabinfo /proc/meminfo >/dev/null
			usleep 100000
		done
	) &
	BUSY=$!
}

# waitfor FILE PATTERN SECONDS: until FILE holds a line matching PATTERN
# (a tool started in the background said it is ready); 1 after SECONDS.
waitfor() {
	_i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -gt $(($3 * 10)) ] && return 1
		usleep 100000
	done
}

# save NAME FILE: copy a file (e.g. from /proc) to $OUT/NAME.
save() {
	cat "$2" >"$OUT/$1" 2>"$OUT/$1.err" || echo "  (cannot read $2)"
}

# kmemleak_scan [SECONDS]: scan, wait (objects younger than 5 s are not
# reported on 6.12), scan again.
kmemleak_scan() {
	echo scan >/sys/kernel/debug/kmemleak || return 1
	sleep "${1:-6}"
	echo scan >/sys/kernel/debug/kmemleak
}

# save_klog NAME: the kernel log in each format kleak reads, as
# $OUT/NAME.dmesg (busybox dmesg: "[   12.345678] text"), NAME.dmesg-r
# (with "<6>" priorities: what util-linux `dmesg -F FILE` reads on the
# host), NAME.dmesg-notime (printk.time off while reading: no stamps) and
# NAME.kmsg (the raw /dev/kmsg records, "6,123,4567890,-;text" with
# " KEY=value" lines; cat blocks at the end, hence the timeout).
save_klog() {
	dmesg >"$OUT/$1.dmesg"
	dmesg -r >"$OUT/$1.dmesg-r"
	if [ -w /sys/module/printk/parameters/time ]; then
		echo N >/sys/module/printk/parameters/time
		dmesg >"$OUT/$1.dmesg-notime"
		echo Y >/sys/module/printk/parameters/time
	fi
	# one record per read(): to tmpfs first, 9p writes are slow per call
	timeout 3 cat /dev/kmsg >/tmp/klog.kmsg
	cp /tmp/klog.kmsg "$OUT/$1.kmsg"
	cat /proc/uptime >"$OUT/$1.uptime"
	save_journal "$1"
}

# hog: allocate memory until the OOM killer stops it (a string doubling in
# awk touches every byte it gets). Run it in a subshell or a cgroup.
hog() {
	exec awk 'BEGIN { s = "x"; while (1) s = s s }'
}

# save_journal NAME: when the VM has systemd-journald and journalctl
# (KLEAK_VM_EXTRA_BINS, as capture-klog.sh sets), start journald, which
# imports the kernel's ring buffer from /dev/kmsg, and save `journalctl -k`
# in its short formats as $OUT/NAME.journal-FORMAT.
save_journal() {
	[ -x /lib/systemd/systemd-journald ] && [ -x /usr/bin/journalctl ] || return 0
	mkdir -p /run/systemd/journal /run/log/journal /etc /var/log
	# journald wants the unified cgroup hierarchy ("Failed to acquire cgroup
	# root path: No medium found" without it)
	grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts ||
		mount -t cgroup2 none /sys/fs/cgroup
	[ -s /etc/machine-id ] || tr -d - </proc/sys/kernel/random/uuid >/etc/machine-id
	[ -s /etc/hostname ] || echo kleak-vm >/etc/hostname
	hostname kleak-vm
	/lib/systemd/systemd-journald >"$OUT/$1.journald.log" 2>&1 &
	_j=$!
	sleep 3
	for _f in short short-precise short-iso short-iso-precise short-monotonic short-full short-unix; do
		/usr/bin/journalctl -k -o $_f --no-pager >"$OUT/$1.journal-$_f" 2>"$OUT/$1.journal-$_f.err"
	done
	kill $_j
	wait $_j 2>/dev/null
}
