# SPDX-License-Identifier: GPL-2.0
# `kleak kmemleak run` on a kernel with kmemleak: the workload loads the
# leakers (kmem_test leak=1, kleak_kmalloc_leak, kleak_cache_leak), the
# kernel's sample kmemleak-test, and the well-behaved twins
# (kleak_kmalloc_ok, kleak_cache_ok), saves kallsyms/modules while they are
# loaded, then unloads kmem_test and the twins. kleak must clear, run it,
# scan twice, and rank the leaks by bytes with module and function named
# (kmem_test's through the saved kallsyms: its module is gone); nothing of
# the twins may appear. The raw report is saved as ground truth; with
# kmemleak's verbose parameter the same leaks go to the kernel log, which
# the host groups from the saved dmesg. A recording made afterwards keeps
# kmemleak's report: report --html on the host shows its groups.
# vm-kernels: 6.12
# vm-timeout: 240
# vm-group: kmemleak
need /sys/kernel/debug/kmemleak "kernel has no kmemleak"
cat >/tmp/workload.sh <<'WL'
. /vmlib.sh
load kmem_test size=4194304 leak=1
load kleak_kmalloc_leak max_allocs=100
load kleak_cache_leak max_allocs=60
load kleak_kmalloc_ok
load kleak_cache_ok
if [ -e /modules/kmemleak-test.ko ]; then load kmemleak-test; fi
wait_param kleak_kmalloc_leak allocs 100 90
wait_param kleak_cache_leak allocs 60 90
wait_param kleak_kmalloc_ok allocs 200 90
wait_param kleak_cache_ok allocs 200 90
cat /proc/kallsyms >/tmp/kallsyms
cat /proc/modules >/tmp/modules
kleak snapshot -o /tmp/snap-loaded >/dev/null 2>&1 || echo "kleak snapshot failed"
unload kleak_cache_ok
unload kleak_kmalloc_ok
unload kmem_test
# Exited tasks' stacks are cached (CONFIG_VMAP_STACK) with their old
# contents, which kmemleak scans: a stale copy of kmem_test's pointer can
# hide its leak. New tasks reuse and overwrite those stacks.
i=0
while [ $i -lt 64 ]; do /bin/true; i=$((i + 1)); done
WL
[ -e /modules/kmemleak-test.ko ] && echo yes >"$OUT/has-kmemleak-test"
# also print new leaks to the kernel log, which the host parses too
if [ -w /sys/module/kmemleak/parameters/verbose ]; then
	echo 1 >/sys/module/kmemleak/parameters/verbose && echo yes >"$OUT/verbose"
fi
run run.json kleak kmemleak run --json --kallsyms /tmp/kallsyms --modules /tmp/modules -- sh /tmp/workload.sh
save kmemleak.txt /sys/kernel/debug/kmemleak
dmesg >"$OUT/dmesg.txt"
grep -E 'kmem_test|kleak_|kmemleak_test| ok_|_ok' /tmp/kallsyms >"$OUT/kallsyms-modules" 2>/dev/null
run report.txt kleak kmemleak report --kallsyms /tmp/kallsyms --modules /tmp/modules
run baseline.json kleak kmemleak report --baseline /tmp/snap-loaded --json
# a recording keeps kmemleak's report (once: it does not change between
# these samples), for the groups on report --html's page (host check)
run record.json kleak record -o "$OUT/rec.kleak" -i 0.5 -n 3 --json
exit 0
