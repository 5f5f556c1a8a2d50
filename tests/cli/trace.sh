#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `kleak trace` on the live kernel: the command line, outstanding counts of
# objects the leaker helper holds (within 5% of N) and their return to ~0,
# -p excluding another process, NDJSON shape, and no BPF program left
# behind after SIGTERM or SIGKILL. Needs root and BTF; skips otherwise
# (bpftool, for the programs left behind, likewise: never a pass without).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
L=build/leaker
T=$(mktemp -d)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
need_bin "kleak binary" "$K" "make test-bins (KLEAK=build/san/kleak), or make"

# --- command line (no privilege needed) ---
check "trace --help exits 0" "$K" trace --help
for bad in "--sample 0" "--sample x" "--max-entries 10" "-i 0" "-p abc" "--cache ''" \
	"--comm 0123456789abcdefg" "--bogus" "extra"; do
	eval "\"$K\" trace $bad" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] && ok "trace $bad: usage error" || not_ok "trace $bad: usage error" "rc=$rc"
done

if [ "$(id -u)" != 0 ]; then
	"$K" trace -d 1 --json >"$T/np.json" 2>"$T/np.err"
	rc=$?
	[ $rc -eq 1 ] && grep -q root "$T/np.err" && jq_true .error "$T/np.json" >/dev/null &&
		ok "unprivileged: exit 1, says root, JSON error" ||
		not_ok "unprivileged: exit 1, says root, JSON error" "rc=$rc $(cat "$T/np.err")"
	skip "live tracing" "needs root (BPF)"
	tap_done
	exit
fi
if [ ! -r /sys/kernel/btf/vmlinux ]; then
	skip "live tracing" "the kernel has no BTF"
	tap_done
	exit
fi
# as root, an unprivileged run is made with setpriv
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$K" trace -d 1 --json >"$T/np.json" 2>"$T/np.err"
	rc=$?
	[ $rc -eq 1 ] && grep -q "run as root" "$T/np.err" && jq_true .error "$T/np.json" >/dev/null &&
		ok "unprivileged (setpriv nobody): exit 1, says root, JSON error" ||
		not_ok "unprivileged (setpriv nobody): exit 1, says root, JSON error" "rc=$rc $(cat "$T/np.err")"
else
	skip "unprivileged run" "setpriv not installed"
fi
need_bin "leaker helper" "$L" "make test-bins"

# ready_wait FILE: waits for the leaker's "ready" line (20 s at most).
ready_wait() {
	for _ in $(seq 200); do grep -q '^ready' "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
# gated CMD...: starts CMD held back by a fifo so its PID is known before
# it runs; `release` lets it go. Sets GPID.
gated() {
	local out=$1
	shift
	rm -f "$T/gate"
	mkfifo "$T/gate"
	(read -r _ <"$T/gate"; exec "$@") >"$out" 2>&1 &
	GPID=$!
	PIDS+=("$GPID")
}
release() { echo go >"$T/gate"; }
# site FILE_LINE FUNCTION: outstanding_count of that function's call sites
site() {
	jq -r --arg f "$2" '[.callsites[] | select(.function == $f) | .outstanding_count] | add // 0' <<<"$1"
}
within() { # within GOT WANT PCT
	awk -v g="$1" -v w="$2" -v p="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w * p / 100) }'
}

# --- held objects, their release, and -p ---
N=1000
gated "$T/l1.out" "$L" --sockets $N --pipes $N --hold 4
LP=$GPID
"$K" trace -p "$LP" -i 1 --json >"$T/p.json" 2>"$T/p.err" &
KP=$!
PIDS+=("$KP")
sleep 2
if ! kill -0 "$KP" 2>/dev/null; then
	not_ok "trace starts" "$(cat "$T/p.err")"
	tap_done
	exit
fi
ok "trace starts and attaches"
grep -q "tracking at most 262144 objects" "$T/p.err" && grep -q "BPF maps hold" "$T/p.err" &&
	ok "memory bound stated at start" || not_ok "memory bound stated at start" "$(cat "$T/p.err")"
# another process making sockets at the same time: -p must exclude it
"$L" --sockets $((3 * N)) --hold 4 >"$T/l2.out" 2>&1 &
PIDS+=($!)
release
ready_wait "$T/l1.out" && ok "leaker ready" || not_ok "leaker ready" "$(cat "$T/l1.out")"
sleep 2.3
held=$(tail -n 1 "$T/p.json")
got=$(site "$held" sock_alloc_inode)
within "$got" $N 5 && ok "held sockets: sock_alloc_inode outstanding $got of $N" ||
	not_ok "held sockets: sock_alloc_inode outstanding within 5% of $N" "got $got (another process held $((3 * N)))"
got=$(site "$held" alloc_pipe_info)
# alloc_pipe_info allocates the pipe and its buffer array: 2 per pipe
within "$got" $((2 * N)) 5 && ok "held pipes: alloc_pipe_info outstanding $got of $((2 * N))" ||
	not_ok "held pipes: alloc_pipe_info outstanding within 5% of 2 x $N" "got $got"
jq_true --arg c sock_inode_cache '[.callsites[] | select(.function == "sock_alloc_inode")][0] |
	.cache == $c and .module == null and .kind == "kmem_cache" and .allocs > 0 and (.callsite | startswith("sock_alloc_inode+0x"))' \
	<<<"$held" >/dev/null && ok "call site named with cache and module" ||
	not_ok "call site named with cache and module" "$(jq -c '.callsites[0]' <<<"$held")"
wait "$LP" 2>/dev/null
sleep 1.5
kill -INT "$KP"
wait "$KP"
rc=$?
[ $rc -eq 0 ] && ok "SIGINT: exit 0" || not_ok "SIGINT: exit 0" "rc=$rc"
final=$(tail -n 1 "$T/p.json")
jq_true '.final == true' <<<"$final" >/dev/null && ok "last NDJSON object is final" || not_ok "last NDJSON object is final"
n_final=$(jq -s '[.[] | select(.final)] | length' "$T/p.json")
[ "$n_final" = 1 ] && ok "exactly one final object" || not_ok "exactly one final object" "$n_final"
for k in callsites lost dropped recursion_misses repaired unmatched_frees events max_entries map_bytes sample; do
	jq_true --arg k "$k" 'has($k)' <<<"$final" >/dev/null || miss="${miss:-} $k"
done
[ -z "${miss:-}" ] && ok "final object has the schema's keys" || not_ok "final object has the schema's keys" "missing$miss"
# every key kleak writes is documented in docs/trace.md (no key read, as
# from an empty final object, is no pass)
undoc="" nkeys=0
for k in $(jq -r '(keys[]), (.callsites[0] // {} | keys[]), (.programs[0] // {} | keys[] | "programs:" + .)' <<<"$final"); do
	k=${k#programs:}
	nkeys=$((nkeys + 1))
	grep -qE "\`$k(\[\])?\`" docs/trace.md || undoc="$undoc $k"
done
[ "$nkeys" -gt 0 ] && [ -z "$undoc" ] && ok "every JSON key is documented in docs/trace.md ($nkeys keys)" ||
	not_ok "every JSON key is documented in docs/trace.md" "missing:${undoc:- none}; keys read: $nkeys"
got=$(site "$final" sock_alloc_inode)
[ "$got" -le $((N / 20)) ] && ok "after release: sockets outstanding $got" || not_ok "after release: sockets back to ~0" "got $got"
got=$(site "$final" alloc_pipe_info)
[ "$got" -le $((N / 10)) ] && ok "after release: pipes outstanding $got" || not_ok "after release: pipes back to ~0" "got $got"
if [ ! -s "$T/p.json" ] || grep -q '"address"' "$T/p.json" || grep -qE '0xffff[0-9a-f]{12}' "$T/p.json"; then
	not_ok "no raw kernel addresses without --show-addresses" "$(head -c 300 "$T/p.json")"
else
	ok "no raw kernel addresses without --show-addresses"
fi

# HELD_ARGS="TRACE ARGS" held NAME CMD...: traces while a gated leaker
# (CMD) holds its objects; the report ~2 s after "ready" goes to
# $T/NAME.held, the final one to $T/NAME.final. "%PID%" in the trace
# arguments is the leaker's pid.
held() {
	local name=$1 targs
	shift
	gated "$T/$name.l" "$@"
	targs=$(sed "s/%PID%/$GPID/g" <<<"$HELD_ARGS")
	# shellcheck disable=SC2086
	"$K" trace -i 1 --json $targs >"$T/$name.json" 2>"$T/$name.err" &
	local kp=$! lp=$GPID
	PIDS+=("$kp")
	sleep 2
	release
	ready_wait "$T/$name.l"
	sleep 2.3
	tail -n 1 "$T/$name.json" >"$T/$name.held"
	wait "$lp" 2>/dev/null
	sleep 1
	kill -INT "$kp"
	wait "$kp"
	tail -n 1 "$T/$name.json" >"$T/$name.final"
}

# --cache resolves aliases: only sock_inode_cache objects, N of them
HELD_ARGS="-p %PID% --cache sock_inode_cache" held cache "$L" --sockets $N --pipes $N --hold 3
got=$(site "$(cat "$T/cache.held")" sock_alloc_inode)
others=$(jq '[.callsites[] | select(.cache != "sock_inode_cache")] | length' "$T/cache.held")
within "$got" $N 5 && [ "$others" = 0 ] && ok "--cache sock_inode_cache: $got of $N, no other cache" ||
	not_ok "--cache sock_inode_cache: N objects, no other cache" "got $got, other caches $others"

# --cache kmalloc-N in the kernel's spelling and in bytes: each pipe's
# buffer array (16 x 40 bytes, GFP_KERNEL_ACCOUNT: kmalloc-cg-1k) comes
# from kmalloc with bytes_alloc 1024. trace's own parser once read "1k" as
# no size at all and selected nothing, silently.
for spelling in kmalloc-1k kmalloc-cg-1024; do
	HELD_ARGS="-p %PID% --cache $spelling" held "$spelling" "$L" --pipes $N --hold 3
	got=$(site "$(cat "$T/$spelling.held")" alloc_pipe_info)
	within "$got" $N 5 && ok "--cache $spelling: pipe buffers at alloc_pipe_info $got of $N" ||
		not_ok "--cache $spelling: pipe buffers at alloc_pipe_info within 5% of $N" "got $got"
done
# a cache this kernel does not have: an error naming the close ones
"$K" trace --cache dentyr -d 1 >/dev/null 2>"$T/typo.err"
rc=$?
[ $rc -eq 1 ] && grep -q "no slab cache 'dentyr'.*close names: .*dentry" "$T/typo.err" &&
	ok "--cache dentyr: exit 1, close names" || not_ok "--cache dentyr: exit 1, close names" "rc=$rc $(cat "$T/typo.err")"

# threads: one task_struct each, whatever the call site is called here
HELD_ARGS="-p %PID%" held threads "$L" --threads 200 --hold 3
got=$(jq '[.callsites[] | select(.cache == "task_struct") | .outstanding_count] | add // 0' "$T/threads.held")
within "$got" 200 5 && ok "held threads: task_struct outstanding $got of 200" ||
	not_ok "held threads: task_struct outstanding within 5% of 200" "got $got"
got=$(jq '[.callsites[] | select(.cache == "task_struct") | .outstanding_count] | add // 0' "$T/threads.final")
[ "$got" -le 10 ] && ok "after the threads exit: task_struct outstanding $got" || not_ok "after the threads exit: task_struct back to ~0" "got $got"

# --sample 64: the estimate lies within 1.5x its stated 95% error of 4N
HELD_ARGS="-p %PID% --sample 64" held sample "$L" --sockets $((4 * N)) --hold 3
read -r est err < <(jq -r '[.callsites[] | select(.function == "sock_alloc_inode")][0] | "\(.outstanding_count) \(.outstanding_count_error)"' "$T/sample.held")
jq_true '.estimated and .sample == 64' "$T/sample.held" >/dev/null &&
	awk -v e="${est:-0}" -v r="${err:-0}" -v n=$((4 * N)) 'BEGIN { d = e - n; if (d < 0) d = -d; exit !(r > 0 && d <= 1.5 * r) }' &&
	ok "--sample 64: estimate $est +- $err for $((4 * N)) sockets" ||
	not_ok "--sample 64: estimate within its error" "estimate ${est:-?} +- ${err:-?}, true $((4 * N))"

# --stacks: stacks of the held sockets, from the syscall down
HELD_ARGS="-p %PID% --stacks" held stacks "$L" --sockets $N --hold 3
jq_true '[.callsites[] | select(.function == "sock_alloc_inode")][0].stacks |
	length > 0 and (.[0].count > 0) and (.[0].frames[0] | startswith("sock_alloc_inode")) and
	([.[0].frames[] | select(test("socket"))] | length > 0)' "$T/stacks.held" >/dev/null &&
	ok "--stacks: sock_alloc_inode's stacks reach the socket syscall" ||
	not_ok "--stacks: sock_alloc_inode's stacks" "$(jq -c '[.callsites[] | select(.function == "sock_alloc_inode")][0].stacks[0]' "$T/stacks.held")"

# --min-age: the held sockets are ~3 s old: counted at 1 s, not at 30 s
HELD_ARGS="-p %PID% --min-age 1" held age1 "$L" --sockets $N --hold 3
got=$(site "$(cat "$T/age1.held")" sock_alloc_inode)
within "$got" $N 5 && ok "--min-age 1: $got held sockets are older" || not_ok "--min-age 1: held sockets counted" "got $got"
HELD_ARGS="-p %PID% --min-age 30" held age30 "$L" --sockets $N --hold 3
got=$(jq '.callsites | length' "$T/age30.held")
[ "$got" = 0 ] && ok "--min-age 30: no call site has objects that old" || not_ok "--min-age 30: nothing that old" "$got call sites"

# --comm and --cgroup (v2) select the allocating task
HELD_ARGS="--comm leaker" held comm "$L" --sockets $N --hold 3
got=$(site "$(cat "$T/comm.held")" sock_alloc_inode)
[ "$got" -ge $((N * 95 / 100)) ] && ok "--comm leaker: $got sockets" || not_ok "--comm leaker" "got $got"
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$cg2" ] && mkdir -p "$cg2/kleak-trace-test.$$" 2>/dev/null; then
	cg="$cg2/kleak-trace-test.$$"
	HELD_ARGS="--cgroup $cg" held cgroup sh -c "echo \$\$ >$cg/cgroup.procs && exec $L --sockets $N --hold 3"
	got=$(site "$(cat "$T/cgroup.held")" sock_alloc_inode)
	within "$got" $N 5 && ok "--cgroup (v2): $got sockets of the task in it" || not_ok "--cgroup (v2)" "got $got"
	rmdir "$cg" 2>/dev/null
else
	skip "--cgroup (v2)" "no cgroup2 hierarchy mounted"
fi
# v1: the memory hierarchy, matched through the task's memory css; the
# cgroup's parent selects it too (subtree), a sibling does not
cg1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
if [ -n "$cg1" ] && mkdir -p "$cg1/kleak-trace-test.$$/a" "$cg1/kleak-trace-test.$$/b" 2>/dev/null; then
	cg="$cg1/kleak-trace-test.$$"
	HELD_ARGS="--cgroup $cg" held cgroup1 sh -c "echo \$\$ >$cg/a/cgroup.procs && exec $L --sockets $N --hold 3"
	got=$(site "$(cat "$T/cgroup1.held")" sock_alloc_inode)
	within "$got" $N 5 && ok "--cgroup (v1 memory, parent of the task's): $got sockets" || not_ok "--cgroup (v1 memory, subtree)" "got $got"
	HELD_ARGS="--cgroup $cg/b" held cgroup1b sh -c "echo \$\$ >$cg/a/cgroup.procs && exec $L --sockets $N --hold 3"
	got=$(site "$(cat "$T/cgroup1b.held")" sock_alloc_inode)
	[ "$got" -eq 0 ] && ok "--cgroup (v1 memory): a sibling cgroup sees none" || not_ok "--cgroup (v1 memory): sibling sees none" "got $got"
	rmdir "$cg/a" "$cg/b" "$cg" 2>/dev/null
else
	skip "--cgroup (v1 memory)" "no v1 memory hierarchy mounted"
fi

# --pages --percpu --vmalloc load and attach, or name what is absent
"$K" trace -d 1 --pages --percpu --vmalloc --json >"$T/opt.json" 2>"$T/opt.err"
rc=$?
[ $rc -eq 0 ] && jq_true '(.events | index("mm_page_alloc")) and ((.events + .missing_events) | index("alloc_vmap_area"))' "$T/opt.json" >/dev/null &&
	ok "--pages --percpu --vmalloc attach" || not_ok "--pages --percpu --vmalloc attach" "rc=$rc $(cat "$T/opt.err")"

# --- no program left behind: SIGTERM, SIGKILL ---
# prog_ids KLEAK_PID: the BPF programs that process holds (from its fdinfo)
prog_ids() { cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '/^prog_id:/ { print $2 }' | sort -u; }
# Only the kernel can say a program is gone: bpftool asks it by id. Without
# bpftool, or when it cannot see the programs while kleak runs, "not
# found" afterwards proves nothing, so that is a skip or a failure.
for sig in TERM KILL; do
	if ! command -v bpftool >/dev/null; then
		skip "SIG$sig: no kleak BPF program remains" "bpftool not installed (apt-get install bpftool)"
		continue
	fi
	"$K" trace -i 60 >/dev/null 2>"$T/s.err" &
	KP=$!
	PIDS+=("$KP")
	sleep 2
	ids=$(prog_ids "$KP")
	if [ -z "$ids" ]; then
		not_ok "SIG$sig: programs loaded while running" "$(cat "$T/s.err")"
		continue
	fi
	unseen=""
	for id in $ids; do bpftool prog show id "$id" >/dev/null 2>&1 || unseen="$unseen $id"; done
	kill -"$sig" "$KP"
	wait "$KP" 2>/dev/null
	sleep 0.5
	left="" other=""
	for id in $ids; do
		if out=$(bpftool prog show id "$id" 2>&1); then
			left="$left $id"
		elif ! grep -q "No such file or directory" <<<"$out"; then
			other="$other $id: $out;"
		fi
	done
	if [ -n "$unseen" ]; then
		not_ok "SIG$sig: no kleak BPF program remains" "bpftool could not show kleak's programs$unseen while it ran"
	elif [ -n "$other" ]; then
		not_ok "SIG$sig: no kleak BPF program remains" "bpftool failed:$other"
	elif [ -z "$left" ]; then
		ok "SIG$sig: no kleak BPF program remains ($(echo $ids | wc -w) were loaded)"
	else
		not_ok "SIG$sig: no kleak BPF program remains" "still loaded:$left"
	fi
done

tap_done
