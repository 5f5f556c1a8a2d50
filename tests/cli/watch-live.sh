#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kleak watch and record+report on the live kernel (root) against a known
# leak: the leaker helper creates threads at a steady rate R for ~20 s, so
# one vmalloc caller (kernel_clone: a thread stack each, CONFIG_VMAP_STACK)
# and one slab cache (task_struct) grow at rates known in advance:
#   kernel_clone  R x stack bytes (pages= of a kernel_clone line x page size)
#   task_struct   R x pagesperslab x page size / objperslab (what one object
#                 adds to the cache's slabs)
# Both must rank first in leaks[] with rate_bytes_per_hour within 25%, from
# `watch -i 1 -n 20 --json` and from `report` of a recording taken at the
# same time. Then threads created and released within the window must not
# be called a leak. A watch that crashes, or ends without its final
# report, fails every check that reads it.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
LEAKER=${LEAKER:-build/leaker}
R=20 N=440

need_bin "kleak binary" "$K" "make test-bins (KLEAK=build/san/kleak), or make"
for need in root jq; do
	case $need in
	root) [ "$(id -u)" = 0 ] || why="needs root (slabinfo, vmallocinfo)" ;;
	jq) command -v jq >/dev/null || why="jq not installed" ;;
	esac
	if [ -n "${why:-}" ]; then
		skip "watch live leak rates" "$why"
		tap_done
		exit
	fi
done
need_bin "leaker helper" "$LEAKER" "make test-bins"
W=$(mktemp -d /tmp/kleak-watch-live.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$W"' EXIT

page=$(getconf PAGESIZE)
stack=$(awk '$3 ~ /^kernel_clone\+/ { for (i = 4; i <= NF; i++) if ($i ~ /^pages=/) { sub(/pages=/, "", $i); print $i; exit } }' /proc/vmallocinfo)
stack=$(( ${stack:-0} * page ))
ts=$(awk -v p="$page" '$1 == "task_struct" { printf "%d\n", $6 * p / $5 }' /proc/slabinfo)
echo "# page $page, thread stack $stack bytes (vmalloc), task_struct $ts bytes per object"

# finished WHAT RC FILE SAMPLES: the watch exited 0 and its last NDJSON
# object is the final report over SAMPLES samples; it goes to NAME.final
# (FILE is NAME.ndjson).
finished() {
	local what=$1 rc=$2 file=$3 n=$4
	local final=${file%.ndjson}.final
	tail -n 1 "$file" >"$final"
	if [ "$rc" = 0 ] && [ "$(wc -l <"$file")" = "$n" ] &&
		jq_true --argjson n "$n" '.final == true and .samples == $n' "$final" >/dev/null; then
		ok "$what: exit 0, $n NDJSON objects, the last the final report"
	else
		not_ok "$what: exit 0, $n NDJSON objects, the last the final report" \
			"rc=$rc, $(wc -l <"$file") lines; stderr: $(tail -n 5 "${file%.ndjson}.err")" \
			"last line: $(head -c 300 "$final")"
	fi
}

# check_rank FILE NAME SOURCE WANT_RATE: NAME ranks in the first two of
# the kernel's series with verdict leak and a rate within 25% of WANT_RATE
# (bytes per hour). The memory cgroups' series say where (the leaker's own
# cgroup grows with it, rightly) and are ranked apart from what. The
# watch and the recording use --leak-window 10s: 20 s of a steady ramp is
# evidence enough for that window (the default, 10 min, would say growing).
check_rank() {
	local what=$1 file=$2 name=$3 src=$4 want=$5 got
	got=$(jq -c --arg n "$name" --arg s "$src" '.leaks | map(select(.source != "cgroup")) | to_entries |
		map(select(.value.name == $n and .value.source == $s))[0] |
		if . then {rank: .key, rate: .value.rate_bytes_per_hour, verdict: .value.verdict, confidence: .value.confidence} else null end' "$file")
	if jq_true --argjson w "$want" '. != null and .rank <= 1 and .verdict == "leak" and
		((.rate - $w) | fabs) <= 0.25 * $w' <<<"$got" >/dev/null; then
		ok "$what: $src $name ranks first two, rate within 25% of $want B/h ($got)"
	else
		not_ok "$what: $src $name ranks first two, rate within 25% of $want B/h" "got $got" \
			"top: $(jq -c '[.leaks[:5][] | [.source, .name, .rate_bytes_per_hour, .verdict]]' "$file")"
	fi
}

# --- a steady leak: R threads per second for N/R seconds, watched 20 s ---
$LEAKER --threads $N --rate $R --hold 3 >$W/leaker.out 2>&1 &
lpid=$!
$K record -o $W/live.kleak -i 1 -n 20 --leak-window 10s 2>$W/record.err &
rpid=$!
$K watch -i 1 -n 20 --leak-window 10s --json >$W/watch.ndjson 2>$W/watch.err
wrc=$?
wait $rpid
rrc=$?
wait $lpid
finished "watch -i 1 -n 20 --json" "$wrc" $W/watch.ndjson 20
if [ "$stack" -gt 0 ]; then
	check_rank watch $W/watch.final kernel_clone vmalloc_caller $((R * stack * 3600))
else
	skip "watch: kernel_clone" "no vmalloc'd thread stacks (CONFIG_VMAP_STACK off)"
fi
check_rank watch $W/watch.final task_struct slab $((R * ts * 3600))
# Both grow with the stacks, so both are listed: all() over an empty list
# (a watch that saw nothing) must not pass.
jq_true '.leaks | map(select(.source == "meminfo" and (.name == "VmallocUsed" or .name == "KernelStack"))) |
	(map(.name) | sort == ["KernelStack", "VmallocUsed"]) and
	all(.[]; .verdict != "leak" or (.explained_by | length > 0))' $W/watch.final >/dev/null &&
	ok "watch: VmallocUsed/KernelStack growth is explained by the specific series" ||
	not_ok "watch: aggregates explained" "$(jq -c '.leaks | map(select(.aggregate))' $W/watch.final)"

[ $rrc = 0 ] && ok "record -i 1 -n 20 alongside: exit 0" || not_ok "record exit" "rc=$rrc $(cat $W/record.err)"
$K report --json $W/live.kleak >$W/report.json 2>$W/report.err
[ $? = 0 ] && ok "report of the recording: exit 0" || not_ok "report exit" "$(cat $W/report.err)"
if [ "$stack" -gt 0 ]; then
	check_rank report $W/report.json kernel_clone vmalloc_caller $((R * stack * 3600))
else
	skip "report: kernel_clone" "no vmalloc'd thread stacks (CONFIG_VMAP_STACK off)"
fi
check_rank report $W/report.json task_struct slab $((R * ts * 3600))

# --- grown then released within the window: not a leak ---
$LEAKER --threads 150 --rate 50 --hold 2 --linger 30 >$W/leaker2.out 2>&1 &
lpid=$!
$K watch -i 1 -n 15 --json >$W/watch2.ndjson 2>$W/watch2.err
wrc=$?
kill $lpid 2>/dev/null
wait $lpid 2>/dev/null
grep -q released $W/leaker2.out && ok "leaker grew and released within the window" ||
	not_ok "leaker released" "$(cat $W/leaker2.out)"
finished "grown then released: watch -i 1 -n 15 --json" "$wrc" $W/watch2.ndjson 15
# A series absent from leaks[] is no leak, but only in a final report.
for s in "vmalloc_caller kernel_clone" "slab task_struct"; do
	set -- $s
	v=$(jq -r --arg n "$2" --arg s "$1" 'select(.final == true) |
		[.leaks[] | select(.name == $n and .source == $s)][0] | .verdict // "absent"' $W/watch2.final 2>/dev/null)
	case $v in
	leak|possible_leak|growing_reclaimable|"")
		not_ok "grown then released: $1 $2 is not a leak" "verdict ${v:-none (no final report)}: $(jq -c --arg n "$2" '.leaks[] | select(.name == $n)' $W/watch2.final 2>&1 | head -c 400)" ;;
	*) ok "grown then released: $1 $2 is not a leak ($v)" ;;
	esac
done
tap_done
