# SPDX-License-Identifier: GPL-2.0
# A memory cgroup's OOM: a process in a cgroup v2 group with memory.max
# 16M allocates past it; the kernel kills it and logs "Memory cgroup out
# of memory" after an "oom-kill:constraint=CONSTRAINT_MEMCG,...,
# oom_memcg=/kleak-test/oom-victim,task_memcg=..." line. The kernel log is
# saved in every format (save_klog).
# vm-kernels: all
# vm-timeout: 120
# vm-group: klog
cg=/sys/fs/cgroup
grep -q " $cg cgroup2 " /proc/mounts || mount -t cgroup2 none $cg ||
	skip "cannot mount cgroup2 on $cg"
grep -qw memory $cg/cgroup.controllers || skip "no memory controller in cgroup v2"
echo +memory >$cg/cgroup.subtree_control || fail "cannot enable the memory controller"
mkdir -p $cg/kleak-test/oom-victim
echo +memory >$cg/kleak-test/cgroup.subtree_control
echo 16M >$cg/kleak-test/oom-victim/memory.max || fail "cannot set memory.max"
sh -c 'echo $$ >/sys/fs/cgroup/kleak-test/oom-victim/cgroup.procs && . /vmlib.sh && hog'
echo $? >"$OUT/hog.rc"
cat $cg/kleak-test/oom-victim/memory.events >"$OUT/memory.events"
save_klog klog
run check.json kleak check --json
rmdir $cg/kleak-test/oom-victim $cg/kleak-test
exit 0
