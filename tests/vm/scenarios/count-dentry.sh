# SPDX-License-Identifier: GPL-2.0
# kleak count with kprobes/fentry available: the lesson's d_alloc/free
# count for one process. The allocator is __d_alloc: on 6.12 d_alloc is
# inlined into d_alloc_parallel, so a file lookup never calls the
# out-of-line d_alloc that fexit/kretprobe see (measured here: 0 of 100
# creates), while every dentry comes from __d_alloc. dentry_free takes the
# dentry (__d_free gets its rcu_head). A shell creates and keeps N files (held), then
# another creates and removes N files in a loop, `rm` being a child
# process (churn): the frees happen in another process and are still
# credited to the shell that allocated. Counted three ways at once:
# --alloc __d_alloc --free dentry_free by fexit/fentry and by
# kretprobe/kprobe, and --cache dentry (kmem raw tracepoints).
# vm-kernels: all
# vm-timeout: 240
# vm-group: count
N=400
echo "$N" >"$OUT/n"
for f in __d_alloc dentry_free; do
	grep -qw "$f" /proc/kallsyms || skip "no $f symbol in this kernel"
done
grep -w -e d_alloc -e __d_alloc -e dentry_free /proc/kallsyms >"$OUT/kallsyms"
D=/tmp/kleak-count
mkdir -p "$D/held" "$D/churn"

# counters NAME PID: the three kleak counts in the background.
counters() {
	kleak count --alloc __d_alloc --free dentry_free -p "$2" -j -i 1 \
		>"$OUT/$1-fentry.json" 2>"$OUT/$1-fentry.json.err" &
	K1=$!
	kleak count --alloc __d_alloc --free dentry_free --mechanism kprobe \
		-p "$2" -j -i 1 >"$OUT/$1-kprobe.json" 2>"$OUT/$1-kprobe.json.err" &
	K2=$!
	kleak count --cache dentry -p "$2" -j -i 1 \
		>"$OUT/$1-cache.json" 2>"$OUT/$1-cache.json.err" &
	K3=$!
	for f in fentry kprobe cache; do
		i=0
		until grep -q "attached via\|^kleak:" "$OUT/$1-$f.json.err"; do
			i=$((i + 1))
			[ "$i" -gt 900 ] && break
			usleep 100000
		done
		echo "  $1-$f: $(head -c 200 "$OUT/$1-$f.json.err")"
	done
}

# finish NAME: SIGINT the counters, keep exit status and final object.
finish() {
	kill -INT "$K1" "$K2" "$K3"
	wait "$K1"; echo $? >"$OUT/$1-fentry.json.rc"
	wait "$K2"; echo $? >"$OUT/$1-kprobe.json.rc"
	wait "$K3"; echo $? >"$OUT/$1-cache.json.rc"
	for f in fentry kprobe cache; do
		tail -n 1 "$OUT/$1-$f.json" >"$OUT/$1-$f.final"
	done
}

# held: one shell process creates N files and keeps them.
mkfifo "$D/go1"
( read -r _ <"$D/go1"
  i=0
  while [ "$i" -lt "$N" ]; do : >"$D/held/f$i"; i=$((i + 1)); done
  echo done >"$D/held.done"
  sleep 600 ) &
P=$!
counters held "$P"
echo go >"$D/go1"
i=0
until [ -e "$D/held.done" ] || [ "$i" -gt 600 ]; do i=$((i + 1)); usleep 100000; done
sleep 2
finish held
kill "$P"

# churn: create and remove (rm is a child process) N files.
mkfifo "$D/go2"
( read -r _ <"$D/go2"
  i=0
  while [ "$i" -lt "$N" ]; do : >"$D/churn/f$i"; rm "$D/churn/f$i"; i=$((i + 1)); done
  echo done >"$D/churn.done"
  sleep 600 ) &
P=$!
counters churn "$P"
echo go >"$D/go2"
i=0
until [ -e "$D/churn.done" ] || [ "$i" -gt 1200 ]; do i=$((i + 1)); usleep 100000; done
sleep 2
finish churn
kill "$P"
exit 0
