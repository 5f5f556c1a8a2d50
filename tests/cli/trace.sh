#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `kleak trace` on the live kernel: the command line, outstanding counts of
# objects the leaker helper holds (within 5% of N) and their return to ~0,
# -p excluding another process, NDJSON shape, and no BPF program left
# behind after SIGTERM or SIGKILL. Needs root and BTF; skips otherwise.
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
	[ $rc -eq 1 ] && grep -q root "$T/np.err" && jq -e .error "$T/np.json" >/dev/null &&
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
[ -x "$L" ] || { skip "live tracing" "build/leaker missing (make test-bins)"; tap_done; exit; }

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
ready_wait "$T/l1.out" || not_ok "leaker ready" "$(cat "$T/l1.out")"
sleep 2.3
held=$(tail -n 1 "$T/p.json")
got=$(site "$held" sock_alloc_inode)
within "$got" $N 5 && ok "held sockets: sock_alloc_inode outstanding $got of $N" ||
	not_ok "held sockets: sock_alloc_inode outstanding within 5% of $N" "got $got (another process held $((3 * N)))"
got=$(site "$held" alloc_pipe_info)
# alloc_pipe_info allocates the pipe and its buffer array: 2 per pipe
within "$got" $((2 * N)) 5 && ok "held pipes: alloc_pipe_info outstanding $got of $((2 * N))" ||
	not_ok "held pipes: alloc_pipe_info outstanding within 5% of 2 x $N" "got $got"
jq -e --arg c sock_inode_cache '[.callsites[] | select(.function == "sock_alloc_inode")][0] |
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
jq -e '.final == true' <<<"$final" >/dev/null && ok "last NDJSON object is final" || not_ok "last NDJSON object is final"
n_final=$(jq -s '[.[] | select(.final)] | length' "$T/p.json")
[ "$n_final" = 1 ] && ok "exactly one final object" || not_ok "exactly one final object" "$n_final"
for k in callsites lost dropped recursion_misses repaired unmatched_frees events max_entries map_bytes sample; do
	jq -e --arg k "$k" 'has($k)' <<<"$final" >/dev/null || miss="${miss:-} $k"
done
[ -z "${miss:-}" ] && ok "final object has the schema's keys" || not_ok "final object has the schema's keys" "missing$miss"
got=$(site "$final" sock_alloc_inode)
[ "$got" -le $((N / 20)) ] && ok "after release: sockets outstanding $got" || not_ok "after release: sockets back to ~0" "got $got"
got=$(site "$final" alloc_pipe_info)
[ "$got" -le $((N / 10)) ] && ok "after release: pipes outstanding $got" || not_ok "after release: pipes back to ~0" "got $got"
if grep -q '"address"' "$T/p.json" || grep -qE '0xffff[0-9a-f]{12}' "$T/p.json"; then
	not_ok "no raw kernel addresses without --show-addresses"
else
	ok "no raw kernel addresses without --show-addresses"
fi

# --- no program left behind: SIGTERM, SIGKILL ---
# prog_ids KLEAK_PID: the BPF programs that process holds (from its fdinfo)
prog_ids() { cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '/^prog_id:/ { print $2 }' | sort -u; }
for sig in TERM KILL; do
	"$K" trace -i 60 >/dev/null 2>"$T/s.err" &
	KP=$!
	PIDS+=("$KP")
	sleep 2
	ids=$(prog_ids "$KP")
	if [ -z "$ids" ]; then
		not_ok "SIG$sig: programs loaded while running" "$(cat "$T/s.err")"
		continue
	fi
	kill -"$sig" "$KP"
	wait "$KP" 2>/dev/null
	sleep 0.5
	left=""
	for id in $ids; do bpftool prog show id "$id" >/dev/null 2>&1 && left="$left $id"; done
	[ -z "$left" ] && ok "SIG$sig: no kleak BPF program remains ($(echo $ids | wc -w) were loaded)" ||
		not_ok "SIG$sig: no kleak BPF program remains" "still loaded:$left"
done

tap_done
