#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kleak watch / record / report: usage errors, offline reports from stored
# recordings (complete, cut short, damaged), and short live runs (root):
# NDJSON with every key in every object, SIGTERM ends with the final report,
# record never overwrites, honours --max-size, and survives kill -9.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
C=tests/fuzz/corpus/recording
W=$(mktemp -d /tmp/kleak-watch.XXXXXX)
trap 'rm -rf "$W"' EXIT
need_bin "kleak binary" "$K" "make test-bins (KLEAK=build/san/kleak), or make"

# --- usage ---
for args in "watch -n 3 -d 5" "watch -i abc" "watch -i 0" "watch --top 0" \
	"watch extra" "record" "record -o $W/x -n 2 -d 3" "record -o $W/x --max-size 2G" \
	"report" "report a b" "report --bogus $C/one-sample"; do
	$K $args >/dev/null 2>&1
	rc=$?
	[ "$rc" = 2 ] && ok "usage error: kleak $args" || not_ok "usage error: kleak $args" "exit $rc, want 2"
done
for c in watch record report; do
	out=$($K $c --help) && grep -q "^usage: kleak $c" <<<"$out" &&
		ok "$c --help" || not_ok "$c --help"
done

# --- offline reports from stored recordings ---
if ! command -v jq >/dev/null; then
	skip "report JSON checks" "jq not installed"
else
	KEYS='["final","samples","elapsed_s","interval_s","window","leak_window_s","host","recording","sources","meminfo","unaccounted_bytes","series","leak_count","leaks"]'
	LKEYS='["source","name","module","reclaimable","bytes","growth_bytes","peak_growth_bytes","rate_bytes_per_hour","confidence","trend_confidence","trend_p_adjusted","noise_bytes","evidence_s","verdict","reason","aggregate","explained_by"]'
	# Six samples (5 s) of a perfect ramp: leak once the window (1 s) is passed.
	out=$($K report --leak-window 1s --json $C/six-samples-closed 2>&1)
	rc=$?
	[ $rc = 0 ] && ok "report six samples: exit 0" || not_ok "report six samples: exit 0" "rc=$rc $out"
	jq_true --argjson k "$KEYS" '. as $o | all($k[]; . as $x | $o | has($x))' <<<"$out" >/dev/null &&
		ok "report JSON has every key" || not_ok "report JSON has every key" "$out"
	jq_true --argjson k "$LKEYS" '.leaks | length > 0 and all(.[]; . as $l | all($k[]; . as $x | $l | has($x)))' <<<"$out" >/dev/null &&
		ok "every leak has every key" || not_ok "every leak has every key"
	# task_struct grows one 8-page slab per second: 32768 B/s; kernel_clone one stack (4 pages).
	jq_true '.leaks[0] | .source == "slab" and .name == "task_struct" and .verdict == "leak" and
		(.rate_bytes_per_hour - 32768*3600 | fabs) < 32768*36' <<<"$out" >/dev/null &&
		ok "report ranks task_struct first at 32 KiB/s" || not_ok "report ranks task_struct first" "$(jq -c '.leaks[0]' <<<"$out")"
	jq_true '.leaks[1] | .source == "vmalloc_caller" and .name == "kernel_clone" and
		(.rate_bytes_per_hour - 16384*3600 | fabs) < 16384*36' <<<"$out" >/dev/null &&
		ok "report ranks kernel_clone second at 16 KiB/s (pages=, not size)" || not_ok "kernel_clone second" "$(jq -c '.leaks[1]' <<<"$out")"
	# Slab and VmallocUsed grow with the two: they must be listed (all()
	# over no aggregate would prove nothing), explained, and below them.
	jq_true '.leaks as $l | ([$l[] | select(.aggregate) | .name] | index("Slab") and index("VmallocUsed")) and
		([$l[] | select(.aggregate)] | all(.[]; .explained_by | length > 0)) and
		([$l[] | .aggregate] | index(true)) >= 2' <<<"$out" >/dev/null &&
		ok "aggregates (Slab, VmallocUsed) explained and ranked below" || not_ok "aggregates explained and below"
	jq_true '.recording.truncated == false and .recording.file != null and .final == true and .samples == 6' <<<"$out" >/dev/null &&
		ok "report: recording block" || not_ok "report: recording block"

	out=$($K report --leak-window 1s --json $C/with-allocinfo 2>&1)
	jq_true '.leaks[0] | .source == "allocinfo" and (.name | startswith("leak_kmalloc_work ")) and
		.module == "kleak_kmalloc_leak" and .verdict == "leak" and .rate_bytes_per_hour == 51200 * 3600' <<<"$out" >/dev/null &&
		ok "allocinfo: the leaking site ranks first, module named" || not_ok "allocinfo series" "$(head -c 500 <<<"$out")"

	out=$($K report --json $C/truncated-in-sample-4 2>$W/err)
	rc=$?
	[ $rc = 0 ] && jq_true '.samples == 3 and .recording.truncated and .recording.truncated_at > 0' <<<"$out" >/dev/null &&
		grep -q "ends inside sample 4" $W/err &&
		ok "recording cut in sample 4: reports on 3, says so" || not_ok "truncated recording" "rc=$rc $(cat $W/err)"

	out=$($K report --json $C/corrupt-sample-2 2>$W/err)
	rc=$?
	[ $rc = 1 ] && grep -q "corrupt-sample-2: offset 610: sample 2" $W/err &&
		jq_true '.error | test("offset 610")' <<<"$out" >/dev/null &&
		ok "damaged recording: exit 1 naming file and offset" || not_ok "damaged recording" "rc=$rc $(cat $W/err) $out"
fi
$K report --leak-window 1s --fail-on leak $C/six-samples-closed >/dev/null 2>&1
rc1=$?
$K report --leak-window 1s --fail-on leak $C/one-sample >/dev/null 2>&1
rc2=$?
[ $rc1 = 3 ] && [ $rc2 = 0 ] && ok "--fail-on leak: exit 3 with a leak, 0 without" ||
	not_ok "--fail-on leak" "rc $rc1 and $rc2, want 3 and 0"
# Within the default window (10 min) the same growth is growing, not leak.
$K report --fail-on growing $C/six-samples-closed >/dev/null 2>&1
rc1=$?
$K report --fail-on leak $C/six-samples-closed >/dev/null 2>&1
rc2=$?
out=$($K report --json $C/six-samples-closed 2>/dev/null)
[ $rc1 = 3 ] && [ $rc2 = 0 ] &&
	jq_true '.leak_window_s == 600 and (.leaks[0] | .verdict == "growing" and .reason == "window_too_short")' <<<"$out" >/dev/null &&
	ok "default window: growing (window_too_short), --fail-on growing 3, --fail-on leak 0" ||
	not_ok "default window" "rc $rc1 and $rc2, want 3 and 0; $(jq -c '.leaks[0] | {verdict, reason}' <<<"$out")"
$K report --fail-on critical $C/one-sample >/dev/null 2>&1
[ $? = 2 ] && ok "--fail-on takes a verdict" || not_ok "--fail-on takes a verdict"
head -c 3000 /dev/urandom >$W/garbage
$K report $W/garbage >/dev/null 2>$W/err
rc=$?
[ $rc = 1 ] && grep -q "not a kleak recording" $W/err && ok "garbage: not a recording, exit 1" ||
	not_ok "garbage: not a recording" "rc=$rc $(cat $W/err)"
: >$W/empty
$K report $W/empty >/dev/null 2>&1
[ $? = 1 ] && ok "empty file: exit 1" || not_ok "empty file: exit 1"
out=$($K report $C/six-samples-closed)
grep -q "task_struct" <<<"$out" && grep -q "^6 samples" <<<"$out" && ok "text report" || not_ok "text report" "$out"
if command -v tar >/dev/null; then
	tar tzf $C/six-samples-closed 2>$W/err | grep -q '^sample-000006/vmallocinfo$' &&
		ok "a recording opens with tar" || not_ok "a recording opens with tar" "$(cat $W/err)"
else
	skip "a recording opens with tar" "tar not installed"
fi

# --- live (root: slabinfo and vmallocinfo) ---
if [ "$(id -u)" != 0 ]; then
	skip "watch/record live" "needs root (slabinfo, vmallocinfo)"
	tap_done
	exit
fi
if ! command -v jq >/dev/null; then
	skip "watch live JSON" "jq not installed"
	tap_done
	exit
fi
out=$($K watch -i 0.2 -n 4 --json)
rc=$?
n=$(wc -l <<<"$out")
[ $rc = 0 ] && [ "$n" = 4 ] && ok "watch -n 4 --json: 4 NDJSON objects" || not_ok "watch -n 4 --json" "rc=$rc lines=$n"
jq_true -s --argjson k "$KEYS" 'all(.[]; . as $o | all($k[]; . as $x | $o | has($x))) and
	(map(.final) == [false, false, false, true]) and (last.samples == 4) and
	(last.sources.slabinfo.ok) and (last.meminfo.Slab > 0)' <<<"$out" >/dev/null &&
	ok "every object has every key; only the last is final" || not_ok "NDJSON keys and final" "$(tail -c 600 <<<"$out")"
out=$($K watch -i 0.2 -n 3)
[ "$(grep -c 'Slab' <<<"$out")" -ge 2 ] && grep -q "^3 samples" <<<"$out" &&
	ok "off a TTY: a line per sample, then the report" || not_ok "text lines" "$out"

$K watch -i 0.2 --json >$W/term.ndjson &
pid=$!
sleep 1.5
kill -TERM $pid
wait $pid
rc=$?
[ $rc = 0 ] && tail -n 1 $W/term.ndjson | jq_true '.final == true and .samples >= 3' >/dev/null &&
	ok "SIGTERM: exit 0 with the final object" || not_ok "SIGTERM final object" "rc=$rc"

$K record -o $W/r.kleak -i 0.2 -n 5 2>$W/err
rc=$?
[ $rc = 0 ] && grep -q "5 samples" $W/err && ok "record -n 5" || not_ok "record -n 5" "rc=$rc $(cat $W/err)"
out=$($K report --json $W/r.kleak)
jq_true '.samples == 5 and .recording.truncated == false and .meminfo.Slab > 0 and (.interval_s | . > 0.19 and . < 0.21)' <<<"$out" >/dev/null &&
	ok "report of a live recording" || not_ok "report of a live recording" "$(head -c 400 <<<"$out")"
# record --leak-window is kept in the recording; report uses it unless told otherwise.
$K record -o $W/lw.kleak -i 0.2 -n 3 --leak-window 90s 2>/dev/null
lw1=$($K report --json $W/lw.kleak 2>/dev/null | jq -r .leak_window_s)
lw2=$($K report --json --leak-window 2m $W/lw.kleak 2>/dev/null | jq -r .leak_window_s)
lw3=$($K report --json $W/r.kleak 2>/dev/null | jq -r .leak_window_s)
[ "$lw1" = 90 ] && [ "$lw2" = 120 ] && [ "$lw3" = 600 ] &&
	ok "record --leak-window: report uses it, --leak-window overrides, default 10m" ||
	not_ok "record --leak-window" "got $lw1, $lw2, $lw3; want 90, 120, 600"
mkdir $W/x && tar xzf $W/r.kleak -C $W/x 2>$W/err &&
	$K check --from $W/x/sample-000005 --json 2>>$W/err | jq_true '.meminfo.Slab > 0 and (.slab.caches | length) > 10' >/dev/null &&
	ok "tar xzf unpacks samples that kleak check --from reads" || not_ok "tar xzf + check --from" "$(cat $W/err)"
$K record -o $W/r.kleak -n 1 2>/dev/null
[ $? = 1 ] && ok "record never overwrites" || not_ok "record never overwrites"
$K record -o $W/small.kleak -i 0.05 -n 1000 --max-size 100K 2>$W/err
rc=$?
sz=$(stat -c %s $W/small.kleak)
[ $rc = 0 ] && [ "$sz" -le 102400 ] && grep -q "size_limit" $W/err &&
	$K report $W/small.kleak >/dev/null 2>&1 &&
	ok "--max-size 100K: stops at $sz bytes, still readable" || not_ok "--max-size" "rc=$rc size=$sz $(cat $W/err)"

$K record -o $W/k.kleak -i 0.05 2>/dev/null &
pid=$!
sleep 1.2
kill -KILL $pid
wait $pid 2>/dev/null
out=$($K report --json $W/k.kleak 2>$W/err)
rc=$?
[ $rc = 0 ] && jq_true '.samples >= 5' <<<"$out" >/dev/null &&
	ok "kill -9 while recording: the rest stays readable ($(jq .samples <<<"$out") samples)" ||
	not_ok "kill -9 while recording" "rc=$rc $(cat $W/err)"

# A power cut must not lose the file itself: its directory entry is synced
# before the first sample is written (fdatasync of the file does not).
if command -v strace >/dev/null; then
	strace -f -e trace=openat,fsync,fdatasync -o $W/trace $K record -o $W/sync.kleak -n 1 2>/dev/null
	dline=$(grep -n "openat(AT_FDCWD, \"$W\", .*O_DIRECTORY.*) = [0-9]" $W/trace | head -n 1)
	dfd=${dline##* = }
	first_sync=$(awk -v from="${dline%%:*}" -v fd="fsync(${dfd:-x})" 'NR > from && index($0, fd) { print NR; exit }' $W/trace)
	first_data=$(grep -n "fdatasync(" $W/trace | head -n 1 | cut -d: -f1)
	[ -n "$dfd" ] && [ -n "$first_sync" ] && [ -n "$first_data" ] && [ "$first_sync" -lt "$first_data" ] &&
		ok "record: the directory entry is fsynced before the first sample" ||
		not_ok "record: the directory entry is fsynced before the first sample" "$(grep -E 'DIRECTORY|sync' $W/trace | head -5)"
else
	skip "record: the directory entry is fsynced" "strace not installed"
fi
tap_done
