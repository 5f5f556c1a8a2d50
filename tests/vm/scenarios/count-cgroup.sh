# SPDX-License-Identifier: GPL-2.0
# kleak count --cgroup on the VM kernels (CO-RE on 6.1 and 6.12): a shell
# in a cgroup v1 memory cgroup and a cgroup v2 cgroup creates and keeps N
# files; counted for each cgroup by --cache dentry, and for the v1 one by
# __d_alloc/dentry_free (fexit runs the v1 walk through the memory css).
# Kernels without cgroup v1 memory (6.12 with CONFIG_MEMCG_V1 off) run the
# v2 part only and record why in $OUT/no-v1.
# vm-kernels: all
# vm-timeout: 200
# vm-group: count
N=300
echo "$N" >"$OUT/n"
grep -qw __d_alloc /proc/kallsyms || skip "no __d_alloc symbol in this kernel"
mkdir -p /tmp/cgm /tmp/cg2 /tmp/kleak-cg
V1=1
mount -t cgroup -o memory none /tmp/cgm 2>"$OUT/no-v1" || V1=0
[ "$V1" = 1 ] && rm "$OUT/no-v1"
mount -t cgroup2 none /tmp/cg2 || skip "cannot mount cgroup2"
mkdir /tmp/cg2/kt
[ "$V1" = 1 ] && mkdir /tmp/cgm/kt
mkfifo /tmp/kleak-cg/go
( read -r _ </tmp/kleak-cg/go
  i=0
  while [ "$i" -lt "$N" ]; do : >"/tmp/kleak-cg/f$i"; i=$((i + 1)); done
  echo done >/tmp/kleak-cg.done
  sleep 600 ) &
P=$!
[ "$V1" = 1 ] && echo "$P" >/tmp/cgm/kt/cgroup.procs
echo "$P" >/tmp/cg2/kt/cgroup.procs
cat "/proc/$P/cgroup" >"$OUT/proc-cgroup"

KS=""
# counter NAME ARGS...: kleak count in the background.
counter() {
	_n=$1
	shift
	kleak count -j -i 1 "$@" >"$OUT/$_n.json" 2>"$OUT/$_n.json.err" &
	KS="$KS $_n:$!"
}
counter v2-cache --cache dentry --cgroup /tmp/cg2/kt
counter v2-funcs --alloc __d_alloc --free dentry_free --cgroup /tmp/cg2/kt
if [ "$V1" = 1 ]; then
	counter v1-cache --cache dentry --cgroup /tmp/cgm/kt
	counter v1-funcs --alloc __d_alloc --free dentry_free --cgroup /tmp/cgm/kt
fi
for k in $KS; do
	f=${k%%:*}
	i=0
	until grep -q "attached via\|^kleak:" "$OUT/$f.json.err"; do
		i=$((i + 1))
		[ "$i" -gt 900 ] && break
		usleep 100000
	done
	echo "  $f: $(head -c 200 "$OUT/$f.json.err")"
done
echo go >/tmp/kleak-cg/go
i=0
until [ -e /tmp/kleak-cg.done ] || [ "$i" -gt 600 ]; do i=$((i + 1)); usleep 100000; done
sleep 2
for k in $KS; do kill -INT "${k#*:}"; done
for k in $KS; do
	f=${k%%:*}
	wait "${k#*:}"
	echo $? >"$OUT/$f.json.rc"
	tail -n 1 "$OUT/$f.json" >"$OUT/$f.final"
done
kill "$P"
exit 0
