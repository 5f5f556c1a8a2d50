#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `kleak check --from FILE.kleak`: a recording's sample (the last by default,
# --sample first|last|N) is analysed as the snapshot directory it unpacks to
# with `tar xzf`: the same meminfo and slab sections (and everything else but
# where it came from). Stored recordings, a recording made here (root), and
# the usage and file errors.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
C=tests/fuzz/corpus/recording
W=$(mktemp -d /tmp/kleak-check-rec.XXXXXX)
trap 'rm -rf "$W"' EXIT

if ! command -v jq >/dev/null || ! command -v tar >/dev/null; then
	skip "check --from a recording" "needs jq and tar"
	tap_done
	exit
fi

# same NAME REC DIR [ARGS...]: check --from REC ARGS and --from DIR agree.
same() {
	local name=$1 rec=$2 dir=$3 a b
	shift 3
	if ! a=$("$K" check --from "$rec" "$@" --json 2>"$W/err"); then
		not_ok "$name" "check --from $rec $*: exit $?" "$(cat "$W/err")"
		return
	fi
	b=$("$K" check --from "$dir" --json 2>/dev/null)
	# The kernel log of a recording's sample N is the records of samples 1
	# to N (each holds those new since the one before): kernel_log counts
	# them all, the unpacked directory's only its own.
	if jq_true -n --argjson a "$a" --argjson b "$b" \
		'$a.meminfo == $b.meminfo and $a.slab == $b.slab and ($a.meminfo | length) > 0 and
		 ($a | del(.from, .sources, .kernel_log)) == ($b | del(.from, .sources, .kernel_log)) and
		 ($a.kernel_log == null) == ($b.kernel_log == null) and
		 ($a.kernel_log == null or $a.kernel_log.records >= $b.kernel_log.records)' >/dev/null; then
		ok "$name"
	else
		not_ok "$name" "$(diff <(jq -S '{meminfo, slab}' <<<"$a") <(jq -S '{meminfo, slab}' <<<"$b") | head -10)"
	fi
}

for r in six-samples-closed with-allocinfo; do
	mkdir "$W/$r" && tar xzf "$C/$r" -C "$W/$r" || { not_ok "$r: tar xzf" ; continue; }
	same "$r: --from FILE is its last sample, as tar xzf unpacks it" "$C/$r" "$W/$r/sample-000006"
	same "$r: --sample last" "$C/$r" "$W/$r/sample-000006" --sample last
	same "$r: --sample first" "$C/$r" "$W/$r/sample-000001" --sample first
	same "$r: --sample 3" "$C/$r" "$W/$r/sample-000003" --sample 3
done
out=$("$K" check --from "$C/six-samples-closed" --json 2>/dev/null)
jq_true '.from | endswith("six-samples-closed:sample-000006")' <<<"$out" >/dev/null &&
	ok "from names the file and the sample" || not_ok "from names the sample" "$(jq .from <<<"$out")"
"$K" check --from "$C/six-samples-closed" | grep -q "from $C/six-samples-closed:sample-000006" &&
	ok "the text view names the sample" || not_ok "the text view names the sample"

# --- a recording that ends inside a sample: the last complete one, said ---
out=$("$K" check --from "$C/truncated-in-sample-4" --json 2>"$W/err")
rc=$?
[ $rc = 0 ] && jq_true '.from | endswith(":sample-000003")' <<<"$out" >/dev/null &&
	grep -q "ends inside sample 4 .*using sample 3" "$W/err" &&
	ok "cut in sample 4: checks sample 3 and says so" || not_ok "truncated recording" "rc=$rc $(cat "$W/err")"

# --- errors ---
"$K" check --from "$C/six-samples-closed" --sample 9 --json >"$W/out" 2>"$W/err"
rc=$?
[ $rc = 1 ] && grep -q "no sample 9: the recording has 6" "$W/err" && jq_true '.error' "$W/out" >/dev/null &&
	ok "--sample 9 of 6: exit 1, says how many there are" || not_ok "--sample 9" "rc=$rc $(cat "$W/err")"
"$K" check --from "$C/corrupt-sample-2" >/dev/null 2>"$W/err"
rc=$?
[ $rc = 1 ] && grep -q "offset 610: sample 2" "$W/err" &&
	ok "damaged recording: exit 1 naming the offset" || not_ok "damaged recording" "rc=$rc $(cat "$W/err")"
for args in "--sample 2" "--from $W/six-samples-closed --sample 2" "--from $C/one-sample --sample 0" \
	"--from $C/one-sample --sample x"; do
	"$K" check $args >/dev/null 2>&1
	rc=$?
	[ $rc = 2 ] && ok "usage error: check $args" || not_ok "usage error: check $args" "exit $rc, want 2"
done
"$K" check --from "$W/six-samples-closed/sample-000006" --baseline "$C/six-samples-closed" --json >/dev/null 2>&1 &&
	ok "--baseline still takes a recording" || not_ok "--baseline takes a recording"

# --- a recording made here (root: slabinfo and vmallocinfo) ---
if [ "$(id -u)" != 0 ]; then
	skip "check --from a live recording" "needs root (slabinfo, vmallocinfo)"
else
	"$K" record -o "$W/live.kleak" -i 0.2 -n 3 2>"$W/err" &&
		mkdir "$W/live" && tar xzf "$W/live.kleak" -C "$W/live" 2>>"$W/err" ||
		not_ok "record -n 3 and tar xzf" "$(cat "$W/err")"
	same "live recording: --from FILE equals its last sample unpacked" "$W/live.kleak" "$W/live/sample-000003"
	same "live recording: --sample 1 equals sample-000001 (with slab aliases)" "$W/live.kleak" \
		"$W/live/sample-000001" --sample 1
	out=$("$K" check --from "$W/live.kleak" --json 2>/dev/null)
	jq_true '.meminfo.Slab > 0 and (.slab.caches | length) > 10 and (.vmalloc.by_caller | length) > 0' <<<"$out" >/dev/null &&
		ok "live recording: meminfo, slab caches and vmalloc callers are there" || not_ok "live recording content"
fi
tap_done
