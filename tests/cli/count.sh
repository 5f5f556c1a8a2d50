#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kleak count: command line and errors. Usage errors exit 2; things this
# kernel does not have (a cache, a function, a pid) exit 1 with a message
# naming what is wrong and, for names, the close names it does have.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
need_bin "kleak binary" "$K" "make test-bins (KLEAK=build/san/kleak), or make"

# expect NAME RC PATTERN ARGS...: exit code RC and PATTERN on stderr.
expect() {
	local name=$1 want=$2 pat=$3 err rc
	shift 3
	err=$("$K" count "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = "$want" ] && grep -qE -- "$pat" <<<"$err"; then
		ok "$name"
	else
		not_ok "$name" "kleak count $*: exit $rc (want $want)" "$err"
	fi
}

out=$("$K" count --help)
if [ $? = 0 ] && grep -q '^usage: kleak count' <<<"$out"; then
	ok "--help prints usage on stdout, exit 0"
else
	not_ok "--help prints usage on stdout, exit 0"
fi
# Every option line of the help is one getopt knows, and the reverse.
help_opts=$(grep -oE '^  (-[a-z], )?--[a-z-]+' <<<"$out" | grep -oE -- '--[a-z-]+' | sort)
bad=""
for o in $help_opts; do
	err=$("$K" count "$o" 2>&1 >/dev/null)
	grep -q "unrecognized option" <<<"$err" && bad="$bad $o"
done
if [ -n "$help_opts" ] && [ -z "$bad" ]; then
	ok "help options are all known to getopt"
else
	not_ok "help options are all known to getopt" "unknown:$bad"
fi

expect "no target is a usage error" 2 "give either --cache" -d 1
expect "--cache with --alloc is a usage error" 2 "either --cache" --cache dentry --alloc d_alloc --free dentry_free
expect "--alloc without --free is a usage error" 2 "go together" --alloc d_alloc
expect "-p and --cgroup together is a usage error" 2 "exclude" --cache dentry -p 1 --cgroup /sys/fs/cgroup
expect "-p with a non-number is a usage error" 2 "--pid: 'abc' is not a number" --cache dentry -p abc
expect "-i 0 is a usage error" 2 "--interval: '0' is not a duration" --cache dentry -i 0
expect "-d junk is a usage error" 2 "--duration: '5x' is not a duration" --cache dentry -d 5x
expect "stray argument is a usage error" 2 "unexpected argument" --cache dentry extra
expect "unknown option is a usage error" 2 "unrecognized|invalid" --cache dentry --bogus

if [ "$(id -u)" != 0 ]; then
	skip "kernel-dependent errors" "needs root (/proc/slabinfo, BTF, BPF)"
	tap_done
	exit
fi

# A pid that does not exist: one above the kernel's pid_max.
nopid=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))
expect "a pid that does not exist is an error (exit 1)" 1 "no process with pid $nopid" --cache dentry -p "$nopid"
expect "an unknown cache is an error listing close names" 1 "no slab cache 'dentyr'.*close names: .*dentry" --cache dentyr
expect "an unknown cache with nothing close says none" 1 "close names: none" --cache zzzzzzzzzzzzzzzzzzzz
expect "a v1 cgroup without memory is refused" 1 "without the memory controller" --cache dentry --cgroup /sys/fs/cgroup/pids
expect "a directory that is no cgroup is refused" 1 "not a cgroup directory" --cache dentry --cgroup /tmp
expect "a missing cgroup path is an error" 1 "no such cgroup directory; close names" --cache dentry --cgroup /sys/fs/cgroup/memory/kleak-no-such-cgroup
# a mistyped cgroup names the close ones its parent has
cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ "$(id -u)" = 0 ] && [ -n "$cgroot" ] && mkdir "$cgroot/kleak-typo-$$" 2>/dev/null; then
	expect "a mistyped cgroup lists the close names" 1 "close names: kleak-typo-$$" \
		--cache dentry --cgroup "$cgroot/kleak-tpyo-$$"
	rmdir "$cgroot/kleak-typo-$$"
else
	skip "a mistyped cgroup lists the close names" "needs root to make a cgroup"
fi

# kmalloc-N in bytes is the cache the kernel spells kmalloc-1k (one
# resolver with trace: every spelling and flavour)
for want in kmalloc-1k kmalloc-cg-1k; do
	grep -q "^$want " /proc/slabinfo || { skip "--cache ${want%1k}1024" "no $want here"; continue; }
	j=$("$K" count --cache "${want%1k}1024" -d 0.3 --json 2>&1 | tail -n 1)
	if jq_true --arg w "$want" '.cache == $w and .kmalloc_bytes == 1024' >/dev/null 2>&1 <<<"$j"; then
		ok "--cache ${want%1k}1024 counts $want"
	else
		not_ok "--cache ${want%1k}1024 counts $want" "$j"
	fi
done

j=$("$K" count --cache dentyr --json 2>/dev/null)
if jq_true '.error | test("dentyr")' >/dev/null 2>&1 <<<"$j"; then
	ok "--json errors are {\"error\": ...} on stdout"
else
	not_ok "--json errors are {\"error\": ...} on stdout" "$j"
fi

if [ -r /sys/kernel/btf/vmlinux ]; then
	expect "an unknown allocator is an error listing close names" 1 "no kernel function 'd_aloc'.*close names: d_alloc" --alloc d_aloc --free dentry_free
	expect "an unknown free function is an error" 1 "no kernel function 'dentry_fre'" --alloc d_alloc --free dentry_fre
	# KERNEL-FACTS: __d_free takes an rcu_head, never what d_alloc returns.
	expect "__d_free does not pair with d_alloc; dentry_free is suggested" 1 "__d_free takes no struct dentry \*.*dentry_free" --alloc d_alloc --free __d_free
	expect "an allocator that returns no pointer is refused" 1 "does not return a pointer" --alloc d_set_mounted --free dentry_free
else
	skip "function pair checks" "no /sys/kernel/btf/vmlinux"
fi
tap_done
