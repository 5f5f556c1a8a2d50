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
