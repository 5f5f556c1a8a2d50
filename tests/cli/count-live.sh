#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kleak count on the live kernel (root, BPF): the lesson's container case.
# A process inside a memory cgroup creates and holds files and stats missing
# names (negative dentries): `--cache dentry` for its pid and for its
# cgroup (v1 memory hierarchy and v2) shows alloc far above free and
# outstanding matching the dentries held. A process creating and removing
# files on tmpfs shows balance: the frees, run later from RCU callbacks in
# whatever context, are still credited to it. An idle process in the same
# run counts nothing.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
LEAKER=${LEAKER:-build/leaker}
NFILES=1500 NNEG=1500 NCHURN=3000
need_bin "kleak binary" "$K" "make test-bins (KLEAK=build/san/kleak), or make"

if [ "$(id -u)" != 0 ]; then
	skip "count live" "needs root (BPF)"
	tap_done
	exit
fi
need_bin "count live: leaker helper" "$LEAKER" "make test-bins"
if ! command -v jq >/dev/null; then
	skip "count live" "jq not installed"
	tap_done
	exit
fi

W=$(mktemp -d /tmp/kleak-count.XXXXXX)
SHM=/dev/shm/kleak-count-$$
CGS=() # cgroup directories the held process joins: "version path"
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	CGS+=("2 /sys/fs/cgroup/kleak-count-$$")
else
	[ "$(stat -f -c %T /sys/fs/cgroup/memory 2>/dev/null)" = cgroupfs ] &&
		CGS+=("1 /sys/fs/cgroup/memory/kleak-count-$$")
	[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
		CGS+=("2 /sys/fs/cgroup/unified/kleak-count-$$")
fi
PIDS=()
cleanup() {
	local p c
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for c in "${CGS[@]}"; do rmdir "${c#* }" 2>/dev/null; done
	rm -rf "$W" "$SHM"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT # KEEP=1 keeps $W for a look
mkdir -p "$W/held" "$SHM"
for c in "${CGS[@]}"; do mkdir -p "${c#* }"; done

# wait_for FILE PATTERN SECONDS
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# start_paused NAME LEAKER-ARGS...: a subshell that joins the cgroups,
# waits for "go" on a fifo, then execs the leaker (same pid). Sets LPID.
start_paused() {
	local name=$1
	shift
	mkfifo "$W/$name.go"
	(
		for c in "${CGS[@]}"; do echo "$BASHPID" >"${c#* }/cgroup.procs"; done
		read -r _ <"$W/$name.go"
		exec "$LEAKER" "$@"
	) >"$W/$name.out" 2>&1 &
	LPID=$!
	PIDS+=("$LPID")
}

# counter NAME ARGS...: kleak count --cache dentry in the background.
counter() {
	local name=$1
	shift
	"$K" count --cache dentry -j -i 0.5 "$@" >"$W/$name.json" 2>"$W/$name.err" &
	PIDS+=($!)
	eval "KPID_$name=$!"
}

# finish NAME [SIGNAL]: SIGINT (or SIGNAL), exit status, NDJSON shape.
# Sets FINAL (the last object).
finish() {
	local name=$1 sig=${2:-INT} pid rc keys_first keys_last
	pid=$(eval echo "\$KPID_$name")
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	FINAL=$(tail -n 1 "$W/$name.json")
	if [ "$rc" = 0 ] && jq_true '.final == true' >/dev/null 2>&1 <<<"$FINAL"; then
		ok "$name: SIG$sig ends with exit 0 and a final object"
	else
		not_ok "$name: SIG$sig ends with exit 0 and a final object" "exit $rc" "$(cat "$W/$name.err")" "$FINAL"
		FINAL='{}'
		return
	fi
	keys_first=$(head -n 1 "$W/$name.json" | jq -c 'keys')
	keys_last=$(jq -c 'keys' <<<"$FINAL")
	if [ "$(wc -l <"$W/$name.json")" -ge 2 ] && [ "$keys_first" = "$keys_last" ] &&
		jq_true 'has("alloc") and has("free") and has("outstanding") and has("verdict") and has("recursion_misses") and has("dropped")' >/dev/null <<<"$FINAL"; then
		ok "$name: NDJSON, interval and final objects with the same keys"
	else
		not_ok "$name: NDJSON, interval and final objects with the same keys" "$keys_first" "$keys_last"
	fi
}

# judge NAME JQ-EXPR DESCRIPTION
judge() {
	if jq_true "$2" >/dev/null 2>&1 <<<"$FINAL"; then
		ok "$1: $3"
	else
		not_ok "$1: $3" "$(jq -c '{alloc,free,outstanding,free_untracked,repaired,dropped,recursion_misses,verdict}' <<<"$FINAL" 2>/dev/null || echo "$FINAL")"
	fi
}

# Programs of kleak count that no process holds (no fd or link fd of any
# process names them in its fdinfo): they would stay attached after kleak
# is gone. Other runs of kleak count may hold theirs meanwhile.
# Fails when bpftool does: an empty answer must mean "none left".
orphans() {
	local held ids id
	held=$(grep -h '^prog_id:' /proc/[0-9]*/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u)
	ids=$(count_progs) || return 1
	for id in $ids; do grep -qx "$id" <<<"$held" || echo "$id"; done
}
# count_progs: ids of the programs named count_* the kernel has loaded
# (bpftool -j prints null when there is none); fails when bpftool does.
count_progs() {
	local j
	j=$(bpftool -j prog show 2>&1) || { echo "bpftool: $j" >&2; return 1; }
	jq -r '(. // [])[] | select((.name // "") | startswith("count_")) | .id' <<<"$j"
}

# --- held: files and negative dentries kept --------------------------------
N=$((NFILES + NNEG))
SMALL=1000 # --max-objects below what is held: the rest must show as dropped
start_paused held --files "$NFILES" --negdentries "$NNEG" --dir "$W/held" --until-signal
HPID=$LPID
sleep 60 &
IDLE=$!
PIDS+=("$IDLE")
counter pid -p "$HPID"
counter idle -p "$IDLE"
counter small -p "$HPID" --max-objects "$SMALL"
names=(pid idle small)
for c in "${CGS[@]}"; do
	counter "cgv${c%% *}" --cgroup "${c#* }"
	names+=("cgv${c%% *}")
done
# The cgroup as /proc/PID/cgroup names it, relative to its hierarchy.
if [ ${#CGS[@]} -gt 0 ]; then
	counter cgrel --cgroup "/kleak-count-$$"
	names+=(cgrel)
fi
attached=1
for n in "${names[@]}"; do
	wait_for "$W/$n.err" "attached via" 30 || attached=0
done
echo go >"$W/held.go"
if [ "$attached" = 1 ] && wait_for "$W/held.out" "^ready" 120; then
	ok "held: counters attached, leaker ready"
else
	not_ok "held: counters attached, leaker ready" "$(cat "$W"/*.err "$W/held.out")"
fi
# While the counters run, bpftool must see their programs: else "none
# left" at the end would prove nothing.
seen=""
command -v bpftool >/dev/null && seen=$(count_progs 2>&1)
sleep 1
for n in "${names[@]}"; do
	case $n in
	idle)
		finish "$n" TERM
		judge idle '.alloc < 50 and .pid != null' "an idle process allocates (almost) no dentries"
		;;
	small)
		finish "$n"
		# An allocation the map refused is no allocation kleak tracked:
		# counted in dropped, never in alloc or outstanding.
		judge small ".outstanding <= $SMALL and .alloc + .dropped + .map_busy >= $N and .dropped >= $N - $SMALL - 10 and .max_objects == $SMALL" "a full object map counts the allocations it could not track as dropped, not as allocated"
		judge small '.incomplete and (.verdict_reason | test("incomplete: [0-9]+ allocations were not tracked"))' "the verdict says the result is incomplete"
		;;
	*)
		finish "$n"
		[ "$n" = cgrel ] && judge cgrel '.cgroup | startswith("/sys/fs/cgroup/")' "a cgroup named as in /proc/PID/cgroup is found under /sys/fs/cgroup"
		judge "$n" '.cache == "dentry" and .mechanism == "raw_tp"' "cache and mechanism named"
		judge "$n" ".alloc >= $N and .free < .alloc / 10" "alloc ($N dentries made) far above free"
		judge "$n" ".outstanding >= $N * 0.9 and .outstanding <= $N * 1.1 + 100" "outstanding matches the $N dentries held"
		judge "$n" '.verdict == "allocs_outrun_frees"' "verdict: allocations outrun frees"
		;;
	esac
done
kill -TERM "$HPID" "$IDLE" 2>/dev/null

# --- churn on tmpfs: create and remove in a loop ---------------------------
start_paused churn --churn "$NCHURN" --dir "$SHM" --until-signal
CPID=$LPID
counter churn -p "$CPID"
wait_for "$W/churn.err" "attached via" 30
echo go >"$W/churn.go"
if wait_for "$W/churn.out" "^ready" 120; then
	ok "churn: leaker ready"
else
	not_ok "churn: leaker ready" "$(cat "$W/churn.err" "$W/churn.out")"
fi
sleep 1.5 # RCU callbacks free the dentries after a grace period
finish churn
judge churn ".alloc >= $NCHURN" "every created file's dentry counted"
judge churn '.free >= .alloc * 0.95' "frees (from RCU callbacks) credited to the process"
judge churn '.verdict == "balanced"' "verdict: balanced"
kill -TERM "$CPID" 2>/dev/null

# --- a map too small for what is made, then all of it removed --------------
# 5000 files created on tmpfs, held, then closed and removed (their dentries
# freed from RCU callbacks), counted with --max-objects 1024: the 3976 the
# map could not hold are dropped, not allocations whose frees never came,
# so the verdict is not allocs_outrun_frees and says it is incomplete.
NFULL=5000 MAXO=1024
start_paused full --files "$NFULL" --dir "$SHM" --hold 1
FPID=$LPID
counter full -p "$FPID" --max-objects "$MAXO"
wait_for "$W/full.err" "attached via" 30
echo go >"$W/full.go"
if wait_for "$W/full.out" "^released" 120; then
	ok "full: leaker created, held and removed $NFULL files"
else
	not_ok "full: leaker created, held and removed $NFULL files" "$(cat "$W/full.err" "$W/full.out")"
fi
sleep 1.5 # RCU callbacks free the dentries after a grace period
finish full
judge full '.verdict != "allocs_outrun_frees"' "a full map is not a leak: the verdict is not allocs_outrun_frees"
judge full ".dropped >= $NFULL - $MAXO - 50 and .alloc <= $MAXO + 50 and .free >= .alloc * 0.95" "the allocations the map could not hold are in dropped; the tracked ones were freed"
judge full '.incomplete and (.verdict_reason | test("incomplete"))' "the verdict says the result is incomplete"

if ! command -v bpftool >/dev/null; then
	skip "no count program left attached after the runs" "bpftool not installed"
elif ! grep -qxE '[0-9]+' <<<"$seen"; then
	not_ok "no count program left attached after the runs" \
		"bpftool showed no count_* program while the counters ran: ${seen:-nothing}"
elif ! left=$(orphans 2>&1); then
	not_ok "no count program left attached after the runs" "$left"
elif [ -z "$left" ]; then
	ok "no count program left attached after the runs"
else
	not_ok "no count program left attached after the runs" "$(bpftool prog show | grep -A3 'name count_')"
fi
tap_done
