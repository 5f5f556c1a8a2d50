# SPDX-License-Identifier: GPL-2.0
# kleak cgroups on cgroup v2 (6.12 has no v1 memory; Debian's 6.1 is
# booted v2 here too): plain cgroups made with mkdir. A shell in kleak-hold
# creates and keeps N files (dentries and shmem inodes: slab charged to its
# memcg through a user-space path; the kmalloc leaker's allocations are not
# charged), one in kleak-idle only sleeps, kleak-empty holds nothing. kleak
# must rank kleak-hold first, with the v2 fields filled. The raw memory
# files are saved as fixtures (fixture/cgroup/v2/..., the snapshot layout).
# vm-kernels: all
# vm-timeout: 240
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

# watch on v2 (issue 19): each cgroup's kernel memory is judged with its
# own reclaimable slab. kleak-neg makes negative dentries (stat of names
# that do not exist, the lesson's case: in sysfs, which keeps them; tmpfs
# and ramfs drop them at once): reclaimable slab, charged to its memcg;
# kleak-procs starts 300 sleeping processes and keeps them (task structs,
# stacks, page tables: nothing a shrinker frees). Both at a steady pace
# for 8-15 s (30 points: a trend that holds over the family of series),
# under one watch with a 3 s window.
mkdir /sys/fs/cgroup/kleak-neg /sys/fs/cgroup/kleak-procs
# a flag file, not a FIFO: one write to a FIFO with two readers can wake
# both, and a second write then blocks for want of a reader
( while [ ! -e /tmp/kleak-go2 ]; do usleep 100000; done
  i=0
  while [ "$i" -lt 400 ]; do
	j=0
	while [ "$j" -lt 100 ]; do [ -e "/sys/kernel/nx-$i-$j" ]; j=$((j + 1)); done
	i=$((i + 1))
	[ $((i % 25)) = 0 ] && usleep 500000
  done
  echo done >/tmp/kleak-neg.done
  exec sleep 600 ) &
P=$!
echo "$P" >/sys/fs/cgroup/kleak-neg/cgroup.procs
( while [ ! -e /tmp/kleak-go2 ]; do usleep 100000; done
  i=0
  while [ "$i" -lt 300 ]; do sleep 600 & i=$((i + 1)); [ $((i % 10)) = 0 ] && usleep 500000; done
  echo done >/tmp/kleak-procs.done
  exec sleep 600 ) &
Q=$!
echo "$Q" >/sys/fs/cgroup/kleak-procs/cgroup.procs
kleak watch --json -i 0.5 --leak-window 3s >"$OUT/cgwatch.ndjson" 2>"$OUT/cgwatch.ndjson.err" &
W=$!
sleep 2
: >/tmp/kleak-go2
i=0
until { [ -e /tmp/kleak-neg.done ] && [ -e /tmp/kleak-procs.done ]; } || [ "$i" -gt 1200 ]; do
	i=$((i + 1)); usleep 100000
done
usleep 1000000
kill -INT "$W"
wait "$W"
echo $? >"$OUT/cgwatch.ndjson.rc"
[ -e /tmp/kleak-neg.done ] && [ -e /tmp/kleak-procs.done ] || fail "the negative dentries or the processes did not finish"
cat /sys/fs/cgroup/kleak-neg/memory.stat >"$OUT/neg.memory.stat"
cat /sys/fs/cgroup/kleak-procs/memory.stat >"$OUT/procs.memory.stat"
kill "$P" "$Q"
exit 0
