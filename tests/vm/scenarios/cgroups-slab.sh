# SPDX-License-Identifier: GPL-2.0
# kleak cgroups on cgroup v2 (6.12 has no v1 memory; Debian's 6.1 is
# booted v2 here too): plain cgroups made with mkdir. A shell in kleak-hold
# creates and keeps N files (dentries and shmem inodes: slab charged to its
# memcg through a user-space path; the kmalloc leaker's allocations are not
# charged), one in kleak-idle only sleeps, kleak-empty holds nothing. kleak
# must rank kleak-hold first, with the v2 fields filled. The raw memory
# files are saved as fixtures (fixture/cgroup/v2/..., the snapshot layout).
# vm-kernels: all
# vm-timeout: 150
# vm-group: cgroups
N=5000
echo "$N" >"$OUT/n"
mount -t cgroup2 none /sys/fs/cgroup || skip "cannot mount cgroup2"
grep -qw memory /sys/fs/cgroup/cgroup.controllers || skip "no memory controller in cgroup v2"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control || fail "cannot enable the memory controller"
mkdir /sys/fs/cgroup/kleak-hold /sys/fs/cgroup/kleak-idle /sys/fs/cgroup/kleak-empty
mkdir -p /tmp/kleak-hold
mkfifo /tmp/kleak-go
( read -r _ </tmp/kleak-go
  i=0
  while [ "$i" -lt "$N" ]; do : >"/tmp/kleak-hold/f$i"; i=$((i + 1)); done
  echo done >/tmp/kleak-hold.done
  exec sleep 600 ) &
P=$!
echo "$P" >/sys/fs/cgroup/kleak-hold/cgroup.procs
sleep 600 &
Q=$!
echo "$Q" >/sys/fs/cgroup/kleak-idle/cgroup.procs
run before.json kleak cgroups --json
echo go >/tmp/kleak-go
i=0
until [ -e /tmp/kleak-hold.done ] || [ "$i" -gt 900 ]; do i=$((i + 1)); usleep 100000; done
[ -e /tmp/kleak-hold.done ] || fail "the holder did not finish"
run after.json kleak cgroups --json
run after.txt kleak cgroups
for c in "" kleak-hold kleak-idle kleak-empty; do
	d=$OUT/fixture/cgroup/v2/$c
	mkdir -p "$d"
	for f in memory.stat memory.current memory.max memory.events; do
		[ -e "/sys/fs/cgroup/$c/$f" ] && cat "/sys/fs/cgroup/$c/$f" >"$d/$f"
	done
done
cat /proc/meminfo >"$OUT/fixture/meminfo"
cat /proc/self/mountinfo >"$OUT/fixture/mountinfo"
uname -r >"$OUT/uname-r"
kill "$P" "$Q"
exit 0
