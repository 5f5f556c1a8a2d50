#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Hostile input (issue 20): files a user hands kleak must not hurt the
# machine, hang it, or leak secrets. kleak runs as root; so does this suite,
# so the FIFO, device, symlink and secret cases really have root's reach.
# One regression test per defect of the issue, each on kleak's real
# behaviour: snapshot directories holding FIFOs, devices and symlinks out of
# them (util/input.c), files over their cap, errors that must not quote the
# file, `snapshot -o` into prepared directories (source/snapdir.c), gzip
# bombs, series floods and torn or garbage recordings (recording_codec.c,
# SERIES_MAX_COUNT), escape sequences and bidi overrides in names (util/
# text.c), and inputs that were quadratic (aliases, baseline kallsyms).
# The generators and the RSS and CPU meter are tests/tools/hostile_gen.c.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
KO=${KLEAK_OPT:-$K} # RSS and time bounds are on the optimised build
G=build/san/tests/hostile_gen
F=tests/fixtures/6.12
W=$(mktemp -d /tmp/kleak-hostile.XXXXXX)
trap 'rm -rf "$W"' EXIT

need_bin "kleak" "$K" "make kleak build/san/kleak"
need_bin "hostile_gen" "$G" "make test-bins"
[ -f "$F/meminfo" ] || tap_bail "fixture $F" "tests/fixtures/6.12 is missing"
if ! command -v jq >/dev/null || ! command -v iconv >/dev/null; then
	skip "hostile input" "needs jq and iconv"
	tap_done
	exit
fi
ROOT=0
[ "$(id -u)" = 0 ] && ROOT=1

# snap NAME: a copy of the 6.12 capture (a kleak snapshot directory) at $W/NAME.
snap() {
	rm -rf "${W:?}/$1"
	cp -a "$F" "$W/$1" && rm -rf "${W:?}/$1/unloaded"
}

# run OUT CMD...: runs CMD under `timeout 10` (a hang is a failure, not a
# stuck suite); stdout to OUT, stderr to OUT.err, exit status in RC.
run() {
	local out=$1
	shift
	timeout 10 "$@" >"$out" 2>"$out.err"
	RC=$?
}

# rss_of OUT CMD...: as run (timeout 30), through hostile_gen rss: peak RSS
# in KiB in RSS, user+system CPU time in ms in CPU.
rss_of() {
	local out=$1
	shift
	timeout 30 "$G" rss "$@" >"$out" 2>"$out.err"
	RC=$?
	RSS=$(sed -n 's/^rss_kib //p' "$out.err")
	RSS=${RSS:-999999999}
	CPU=$(sed -n 's/^cpu_ms //p' "$out.err")
	CPU=${CPU:-999999999}
}

ms_now() {
	echo $(($(date +%s%N) / 1000000))
}

# refused NAME DIR FILE WORDS [SECRET]: `check --from DIR` (text and JSON)
# exits 1 within the timeout, naming DIR/FILE and saying WORDS on stderr
# and in the JSON error; neither output holds SECRET (a fixed string).
refused() {
	local name=$1 dir=$2 file=$3 words=$4 secret=${5:-} why=""
	run "$W/o.txt" "$K" check --from "$dir"
	[ $RC = 1 ] || why="text: exit $RC, want 1 (124: hung)"
	grep -qF -- "$dir/$file: $words" "$W/o.txt.err" ||
		why="$why; stderr lacks '$dir/$file: $words'"
	run "$W/o.json" "$K" check --from "$dir" --json
	[ $RC = 1 ] || why="$why; json: exit $RC, want 1"
	jq_true --arg w "$dir/$file: $words" '.error | contains($w)' "$W/o.json" >/dev/null ||
		why="$why; JSON error lacks it"
	if [ -n "$secret" ] && cat "$W/o.txt" "$W/o.txt.err" "$W/o.json" "$W/o.json.err" |
		grep -qaF -- "$secret"; then
		why="$why; the output quotes the secret '$secret'"
	fi
	if [ -z "$why" ]; then
		ok "$name"
	else
		not_ok "$name" "${why#; }" "stderr: $(head -c 300 "$W/o.txt.err")"
	fi
}

# ---------------------------------------------------------------------------
# Reads: only regular files, opened without blocking, beneath the directory.
# ---------------------------------------------------------------------------
snap base
run "$W/base.json" "$K" check --from "$W/base" --json
[ $RC = 0 ] && jq_true '.meminfo | length > 0' "$W/base.json" >/dev/null &&
	ok "control: the unchanged capture is read (exit 0)" ||
	not_ok "control: the unchanged capture" "exit $RC" "$(head -c 300 "$W/base.json.err")"

# A symlink inside the directory to a file inside it is the user's layout:
# still read (the refusals below are not a refusal of every symlink).
snap inlink
mv "$W/inlink/slabinfo" "$W/inlink/slabinfo.orig"
ln -s slabinfo.orig "$W/inlink/slabinfo"
run "$W/o.json" "$K" check --from "$W/inlink" --json
[ $RC = 0 ] && jq_true --slurpfile b "$W/base.json" '.slab == $b[0].slab' "$W/o.json" >/dev/null &&
	ok "a symlink within the directory is followed (same slab section)" ||
	not_ok "symlink within the directory" "exit $RC" "$(head -c 300 "$W/o.json.err")"

snap fifo
rm "$W/fifo/slabinfo"
mkfifo "$W/fifo/slabinfo"
refused "--from DIR with a FIFO for slabinfo: no hang, refused" "$W/fifo" slabinfo \
	"a FIFO, not a regular file: refused"

# --baseline DIR is read the same way (its kallsyms and modules).
snap bfifo
rm "$W/bfifo/kallsyms"
mkfifo "$W/bfifo/kallsyms"
run "$W/o.txt" "$K" check --from "$W/base" --baseline "$W/bfifo"
[ $RC = 1 ] && grep -qF "$W/bfifo/kallsyms: a FIFO, not a regular file: refused" "$W/o.txt.err" &&
	ok "--baseline DIR with a FIFO for kallsyms: no hang, refused" ||
	not_ok "--baseline DIR with a FIFO" "exit $RC (124: hung)" "$(head -c 300 "$W/o.txt.err")"

# A FIFO named as a recording (report FILE, check --from FILE).
mkfifo "$W/rec.fifo"
run "$W/o.txt" "$K" report "$W/rec.fifo"
r1=$RC
grep -qF "$W/rec.fifo: a FIFO, not a regular file: refused" "$W/o.txt.err" && g1=1 || g1=0
run "$W/o.txt" "$K" check --from "$W/rec.fifo"
[ $r1 = 1 ] && [ $g1 = 1 ] && [ $RC = 1 ] &&
	grep -qF "$W/rec.fifo: a FIFO, not a regular file: refused" "$W/o.txt.err" &&
	ok "report FIFO and check --from FIFO: no hang, refused" ||
	not_ok "FIFO as a recording" "report: exit $r1; check: exit $RC" "$(head -c 300 "$W/o.txt.err")"

if [ $ROOT = 1 ] && [ -s /etc/shadow ]; then
	# What /etc/shadow holds must not appear: its first line's first
	# 20 bytes (the parse error quoted 40 bytes of it before the fix).
	secret=$(head -n 1 /etc/shadow | head -c 20)
	snap shadow
	rm "$W/shadow/slabinfo"
	ln -s /etc/shadow "$W/shadow/slabinfo"
	refused "--from DIR with slabinfo -> /etc/shadow: refused, nothing of it quoted" \
		"$W/shadow" slabinfo "leads out of its directory (a symlink or ..): refused" "$secret"
	snap shadow2
	rm "$W/shadow2/meminfo"
	ln -s ../../../../../../../etc/shadow "$W/shadow2/meminfo"
	refused "--from DIR with meminfo -> ../../etc/shadow: refused, nothing of it quoted" \
		"$W/shadow2" meminfo "leads out of its directory (a symlink or ..): refused" "$secret"
else
	skip "--from DIR with a symlink to /etc/shadow" "needs root and /etc/shadow"
	skip "--from DIR with a ../ symlink to /etc/shadow" "needs root and /etc/shadow"
fi

# A root-only file outside the directory, shaped like a slabinfo line so
# that a parser reading it would fail on it and quote it.
mkdir "$W/outside"
printf 'slabinfo - version: 2.1\nTOKEN-s3cr3t-7f1c 1 2 : x\n' >"$W/outside/secret"
chmod 0600 "$W/outside/secret"
snap out
rm "$W/out/slabinfo"
ln -s ../outside/secret "$W/out/slabinfo"
refused "--from DIR with slabinfo -> a file outside DIR: refused, not quoted" "$W/out" slabinfo \
	"leads out of its directory (a symlink or ..): refused" "TOKEN-s3cr3t"

snap zero
rm "$W/zero/meminfo"
ln -s /dev/zero "$W/zero/meminfo"
refused "--from DIR with meminfo -> /dev/zero: refused" "$W/zero" meminfo \
	"leads out of its directory (a symlink or ..): refused"

if [ $ROOT = 1 ]; then
	snap chr
	rm "$W/chr/meminfo"
	mknod "$W/chr/meminfo" c 1 5 # /dev/zero's numbers, inside DIR
	refused "--from DIR with meminfo a character device (1,5): refused, not read" "$W/chr" \
		meminfo "a character device, not a regular file: refused"
else
	skip "--from DIR with a character device" "mknod needs root"
fi

snap sock
rm "$W/sock/vmallocinfo"
if python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	"$W/sock/vmallocinfo" 2>/dev/null; then
	refused "--from DIR with vmallocinfo a socket: refused" "$W/sock" vmallocinfo \
		"a socket, not a regular file: refused"
else
	skip "--from DIR with a socket" "no python3 to bind a unix socket"
fi

# /proc/kmsg hangs and takes the kernel log away from syslog when read:
# named directly, or through a symlink in DIR.
# Reading it would take the unread records (syslog(2) counts them) away.
before=$("$G" kmsg-unread 2>/dev/null || echo 0)
run "$W/o.txt" "$K" report /proc/kmsg
r1=$RC
run "$W/o2.txt" "$K" check --from /proc/kmsg
after=$("$G" kmsg-unread 2>/dev/null || echo 0)
[ $r1 = 1 ] && [ $RC = 1 ] && { [ "$before" = 0 ] || [ "$after" -gt 0 ]; } &&
	grep -qF "/proc/kmsg: a kernel interface file, not a saved one: refused" "$W/o.txt.err" &&
	grep -qF "/proc/kmsg: a kernel interface file, not a saved one: refused" "$W/o2.txt.err" &&
	ok "report /proc/kmsg and check --from /proc/kmsg: refused, not read" ||
	not_ok "/proc/kmsg named as an input" "report: exit $r1; check: exit $RC" \
		"unread kernel log bytes: $before before, $after after" \
		"$(cat "$W/o.txt.err" "$W/o2.txt.err" | head -c 400)"
snap kmsg
rm -f "$W/kmsg/kmsg"
ln -s /proc/kmsg "$W/kmsg/kmsg"
run "$W/o.txt" "$K" check --from "$W/kmsg"
[ $RC = 1 ] && grep -qF "$W/kmsg/kmsg: leads out of its directory" "$W/o.txt.err" &&
	ok "--from DIR with kmsg -> /proc/kmsg: no hang, refused" ||
	not_ok "--from DIR with kmsg -> /proc/kmsg" "exit $RC (124: hung)" \
		"$(cat "$W/o.txt.err" | head -c 300)"

# ---------------------------------------------------------------------------
# Caps: the size is checked against the cap before reading.
# ---------------------------------------------------------------------------
snap big
truncate -s 2M "$W/big/meminfo" # cap 1 MiB
run "$W/o.txt" "$K" check --from "$W/big"
[ $RC = 1 ] && grep -qF "$W/big/meminfo: larger than the 1048576-byte limit" "$W/o.txt.err" &&
	ok "a 2 MiB meminfo (cap 1 MiB): refused, saying the limit" ||
	not_ok "2 MiB meminfo" "exit $RC" "$(head -c 300 "$W/o.txt.err")"
# vmallocinfo's cap is the 1 GiB of every source: a 2 GiB sparse file is
# refused by its size, before a byte is read (it cost 2.1 GB RSS).
snap huge
truncate -s 2G "$W/huge/vmallocinfo"
t0=$(ms_now)
rss_of "$W/o.txt" "$KO" check --from "$W/huge"
t1=$(ms_now)
[ $RC = 1 ] && grep -qF "$W/huge/vmallocinfo: larger than the 1073741824-byte limit" "$W/o.txt.err" &&
	[ "$RSS" -lt 102400 ] &&
	ok "a 2 GiB sparse vmallocinfo (cap 1 GiB): refused before reading (${RSS} KiB, $((t1 - t0)) ms)" ||
	not_ok "2 GiB vmallocinfo" "exit $RC, rss ${RSS} KiB (want < 100 MiB)" \
		"$(head -c 300 "$W/o.txt.err")"
snap big2
head -c $((2 << 20)) /dev/zero | tr '\0' 'x' >"$W/big2/slab_aliases"
truncate -s 17M "$W/big2/slab_aliases" # cap 16 MiB
run "$W/o.txt" "$K" check --from "$W/big2"
[ $RC = 1 ] && grep -qF "$W/big2/slab_aliases: larger than the 16777216-byte limit" "$W/o.txt.err" &&
	ok "a 17 MiB slab_aliases (cap 16 MiB): refused, saying the limit" ||
	not_ok "17 MiB slab_aliases" "exit $RC" "$(head -c 300 "$W/o.txt.err")"

# ---------------------------------------------------------------------------
# Errors quote no file content: the line number, never the line.
# ---------------------------------------------------------------------------
tok='root:$6$Qx9TOKENzz$hashhashhash:19000:0:99999:7:::'
for src in meminfo slabinfo vmallocinfo modules; do
	snap "q-$src"
	sed -i "3a $tok" "$W/q-$src/$src"
	run "$W/o.txt" "$K" check --from "$W/q-$src"
	run "$W/o.json" "$K" check --from "$W/q-$src" --json
	all=$(cat "$W/o.txt" "$W/o.txt.err" "$W/o.json" "$W/o.json.err")
	if grep -qaF "TOKENzz" <<<"$all" || grep -qaF 'root:$6' <<<"$all"; then
		not_ok "$src: a secret-looking line is not quoted" "the output quotes it:" \
			"$(grep -aF TOKENzz <<<"$all" | head -c 300)"
	elif [ $RC = 1 ] && grep -qF "$W/q-$src/$src:4: " "$W/o.txt.err"; then
		ok "$src: the bad line 4 is named by number, its content not quoted"
	else
		not_ok "$src: bad line 4" "exit $RC, want 1 naming $src:4" \
			"$(head -c 300 "$W/o.txt.err")"
	fi
done

snap nul
printf 'ab\0cd 100 100 4096 8 8 : tunables 0 0 0 : slabdata 8 8 0\n' >>"$W/nul/slabinfo"
n=$(wc -l <"$W/nul/slabinfo")
run "$W/o.txt" "$K" check --from "$W/nul"
[ $RC = 1 ] && grep -qF "$W/nul/slabinfo:$n: a NUL byte: not a text line" "$W/o.txt.err" &&
	ok "a NUL byte in a cache name is an error (it cut the name)" ||
	not_ok "NUL byte in slabinfo" "exit $RC" "$(head -c 300 "$W/o.txt.err")"

snap dup
grep '^Slab:' "$F/meminfo" >>"$W/dup/meminfo"
run "$W/o.txt" "$K" check --from "$W/dup" --json
[ $RC = 1 ] && grep -qF "$W/dup/meminfo:" "$W/o.txt.err" &&
	grep -qF "a field repeated" "$W/o.txt.err" &&
	ok "a repeated meminfo field is an error (no duplicate JSON keys)" ||
	not_ok "repeated meminfo field" "exit $RC" "$(head -c 300 "$W/o.txt.err")"

# Totals saturate instead of wrapping ("Kernel memory 0 B" before).
snap wrap
sed -i 's/^Slab: .*/Slab:    18014398509481983 kB/; s/^VmallocUsed: .*/VmallocUsed: 18014398509481983 kB/' \
	"$W/wrap/meminfo"
run "$W/o.txt" "$K" check --from "$W/wrap"
[ $RC = 0 ] && grep -q '^Kernel memory 16384 PiB' "$W/o.txt" &&
	ok "totals past 2^64 saturate (Kernel memory 16384 PiB, not a wrapped small figure)" ||
	not_ok "saturating totals" "exit $RC" "$(grep -a '^Kernel memory' "$W/o.txt")" \
		"$(head -c 300 "$W/o.txt.err")"

# CRLF line ends are accepted in every source and header alike (some
# parsers took them and some did not): the same analysis as with LF.
snap crlf
for f in meminfo slabinfo vmallocinfo modules slab_aliases kallsyms meta; do
	sed -i 's/$/\r/' "$W/crlf/$f"
done
run "$W/crlf.json" "$K" check --from "$W/crlf" --json
[ $RC = 0 ] && jq_true --slurpfile b "$W/base.json" \
	'del(.from, .sources) == ($b[0] | del(.from, .sources)) and (.slab.caches | length) > 0' \
	"$W/crlf.json" >/dev/null &&
	ok "a snapshot with CRLF line ends: the same analysis as with LF" ||
	not_ok "CRLF snapshot" "exit $RC" "$(head -c 300 "$W/crlf.json.err")" \
		"$(diff <(jq -S 'del(.from, .sources)' "$W/crlf.json") \
			<(jq -S 'del(.from, .sources)' "$W/base.json") 2>&1 | head -6)"

# ---------------------------------------------------------------------------
# Writes: snapshot -o DIR never follows, deletes or widens what is there.
# ---------------------------------------------------------------------------
echo "victim-content" >"$W/victim"
chmod 0600 "$W/victim"
mkdir "$W/planted"
ln -s "$W/victim" "$W/planted/meminfo"
echo "somebody's modules" >"$W/planted/modules"
run "$W/o.txt" "$K" snapshot -o "$W/planted"
if [ $RC = 1 ] && grep -qF "$W/planted: exists and is not empty" "$W/o.txt.err" &&
	[ "$(cat "$W/victim")" = victim-content ] && [ -L "$W/planted/meminfo" ] &&
	[ "$(cat "$W/planted/modules")" = "somebody's modules" ] &&
	[ "$(ls -A "$W/planted" | wc -l)" = 2 ]; then
	ok "snapshot -o DIR holding meminfo -> victim: refused, victim and DIR untouched"
else
	not_ok "snapshot -o DIR with a planted symlink" "exit $RC; victim: $(cat "$W/victim")" \
		"DIR: $(ls -A "$W/planted" | tr '\n' ' ')" "$(head -c 300 "$W/o.txt.err")"
fi

mkdir "$W/realdir"
ln -s "$W/realdir" "$W/dirlink"
run "$W/o.txt" "$K" snapshot -o "$W/dirlink"
[ $RC = 1 ] && grep -qF "$W/dirlink: is a symlink: refused" "$W/o.txt.err" &&
	[ -z "$(ls -A "$W/realdir")" ] && [ -L "$W/dirlink" ] &&
	ok "snapshot -o a symlink to a directory: refused, nothing written there" ||
	not_ok "snapshot -o symlink" "exit $RC; realdir: $(ls -A "$W/realdir" | head -3)" \
		"$(head -c 300 "$W/o.txt.err")"

mkfifo "$W/outfifo"
run "$W/o.txt" "$K" snapshot -o "$W/outfifo"
[ $RC = 1 ] && grep -qF "$W/outfifo: exists and is not a directory" "$W/o.txt.err" &&
	[ -p "$W/outfifo" ] &&
	ok "snapshot -o a FIFO: no hang, refused" ||
	not_ok "snapshot -o FIFO" "exit $RC (124: hung)" "$(head -c 300 "$W/o.txt.err")"

mkdir "$W/new"
run "$W/o.txt" "$K" snapshot -o "$W/new/snap"
mode=$(stat -c %a "$W/new/snap" 2>/dev/null)
nonreg=$(find "$W/new/snap" -mindepth 1 ! -type f ! -type d | head -3)
[ $RC = 0 ] && [ "$mode" = 700 ] && [ -z "$nonreg" ] && [ -s "$W/new/snap/meminfo" ] &&
	[ "$(ls -A "$W/new")" = snap ] &&
	ok "snapshot -o NEW: a 0700 directory of regular files, nothing left beside it" ||
	not_ok "snapshot -o NEW" "exit $RC, mode $mode, not regular: $nonreg" \
		"beside: $(ls -A "$W/new" | tr '\n' ' ')" "$(head -c 300 "$W/o.txt.err")"

mkdir -m 0777 "$W/wide"
chmod 0777 "$W/wide"
run "$W/o.txt" "$K" snapshot -o "$W/wide"
mode=$(stat -c %a "$W/wide" 2>/dev/null)
[ $RC = 0 ] && [ "$mode" = 700 ] && [ -s "$W/wide/meminfo" ] &&
	ok "snapshot -o an empty 0777 directory: replaced by a 0700 one" ||
	not_ok "snapshot -o empty 0777 dir" "exit $RC, mode $mode (want 700)" \
		"$(head -c 300 "$W/o.txt.err")"

# A target past PATH_MAX (its parent exists: mkdir -p goes step by step).
rel=""
for c in d e f g h i j k l m n o p q r s t u v w; do
	rel="$rel$(printf "$c%.0s" {1..250})/"
done
(cd "$W" && mkdir -p "$rel") # 20 levels: d/e/.../w
run "$W/o.txt" "$K" snapshot -o "$W/${rel}snap"
[ $RC = 1 ] && grep -qF ": path too long" "$W/o.txt.err" &&
	[ -z "$(find "$W" -mindepth 21 | head -1)" ] &&
	ok "snapshot -o a path past PATH_MAX: exit 1, nothing written (was cut, exit 0)" ||
	not_ok "snapshot -o long path" "exit $RC" "$(head -c 200 "$W/o.txt.err")" \
		"$(find "$W" -mindepth 21 | head -1 | tail -c 100)"

run "$W/o.txt" "$K" record -o "$W/small.kleak" --max-size 4K -i 1
[ $RC = 1 ] && grep -qF -- "--max-size 4096 is smaller than one sample" "$W/o.txt.err" &&
	ok "record --max-size 4K: exit 1 (was exit 0 with 0 samples)" ||
	not_ok "record --max-size 4K" "exit $RC" "$(head -c 300 "$W/o.txt.err")"

# ---------------------------------------------------------------------------
# Recordings: bombs, floods, torn and garbage files.
# ---------------------------------------------------------------------------
"$G" bomb "$W/bomb.kleak" meminfo $((256 << 20)) ||
	not_ok "hostile_gen bomb"
for cmd in report "check --from"; do
	rss_of "$W/o.txt" "$KO" $cmd "$W/bomb.kleak"
	[ $RC = 1 ] && [ "$RSS" -lt 204800 ] &&
		grep -qF "$W/bomb.kleak: offset 0: sample 1: meminfo over its limit of 1048576 bytes" \
			"$W/o.txt.err" &&
		ok "$cmd: a $(($(stat -c %s "$W/bomb.kleak") >> 10)) KiB recording inflating to 256 MiB: refused (${RSS} KiB)" ||
		not_ok "$cmd: gzip bomb" "exit $RC, rss ${RSS} KiB (want < 200 MiB)" \
			"$(head -c 300 "$W/o.txt.err")"
done
rss_of "$W/o.txt" "$K" report "$W/bomb.kleak" # the sanitised build: no error inside
[ $RC = 1 ] && ok "gzip bomb under ASan/UBSan: a clean exit 1" ||
	not_ok "gzip bomb under the sanitisers" "exit $RC" "$(tail -c 400 "$W/o.txt.err")"

# 200 samples of 2000 new cache names: 400000 series, the cap 100000.
"$G" series "$W/series.kleak" 200 2000 || not_ok "hostile_gen series"
rss_of "$W/o.txt" "$KO" report "$W/series.kleak"
[ $RC = 1 ] && [ "$RSS" -lt 307200 ] &&
	grep -qF "$W/series.kleak:sample-000051: more than 100000 series" "$W/o.txt.err" &&
	ok "report: a series flood stops at 100000 series, saying so (${RSS} KiB)" ||
	not_ok "series flood" "exit $RC, rss ${RSS} KiB (want < 300 MiB)" \
		"$(head -c 300 "$W/o.txt.err")"

for i in 1 2 3; do
	snap "r$i"
	sed -i "s/^time=.*/time=$((1795587272 + i))/" "$W/r$i/meta"
	echo "mono_ns=${i}000000000" >>"$W/r$i/meta"
done
"$G" rec "$W/rec.kleak" "$W/r1" "$W/r2" "$W/r3" || not_ok "hostile_gen rec"
# Where each gzip member starts (1f 8b 08: the first three bytes of each).
mapfile -t at < <(LC_ALL=C grep -obUaP '\x1f\x8b\x08' "$W/rec.kleak" | cut -d: -f1)
if [ "${#at[@]}" != 4 ] || [ "${at[0]}" != 0 ]; then
	not_ok "recording of 3 samples: 4 members" "members at: ${at[*]}"
else
	run "$W/o.txt" "$K" report "$W/rec.kleak"
	[ $RC = 0 ] && grep -q "^3 samples" "$W/o.txt" && ok "control: the recording of 3 samples reads" ||
		not_ok "control recording" "exit $RC" "$(head -c 300 "$W/o.txt.err")"

	head -c $((at[2] + 300)) "$W/rec.kleak" >"$W/torn.kleak"
	run "$W/o.txt" "$K" report "$W/torn.kleak"
	[ $RC = 0 ] && grep -q "^2 samples" "$W/o.txt" &&
		grep -qF "ends inside sample 3 at offset ${at[2]}" "$W/o.txt.err" &&
		ok "torn recording (cut inside sample 3): the 2 complete samples, the offset said" ||
		not_ok "torn recording" "exit $RC" "$(head -c 300 "$W/o.txt.err")"

	# Bad CRC in the last member (no end member: a crash mid-append):
	# the recording's own header says the reader stops there.
	head -c "${at[3]}" "$W/rec.kleak" >"$W/crc.kleak"
	printf '\0\0\0\0' | dd of="$W/crc.kleak" bs=1 seek=$((at[3] - 8)) conv=notrunc 2>/dev/null
	run "$W/o.txt" "$K" report "$W/crc.kleak"
	[ $RC = 0 ] && grep -q "^2 samples" "$W/o.txt" &&
		grep -qF "ends inside sample 3 at offset ${at[2]}" "$W/o.txt.err" &&
		ok "bad CRC in the last member: not an error, the samples before it reported" ||
		not_ok "bad CRC in the last member" "exit $RC" "$(head -c 300 "$W/o.txt.err")"

	cp "$W/rec.kleak" "$W/mid.kleak"
	printf '\xde\xad\xbe\xef' | dd of="$W/mid.kleak" bs=1 seek=$((at[1] + 3000)) conv=notrunc \
		2>/dev/null
	run "$W/o.txt" "$K" report "$W/mid.kleak"
	[ $RC = 1 ] && grep -qF "$W/mid.kleak: offset ${at[1]}: sample 2:" "$W/o.txt.err" &&
		ok "damage inside sample 2 of 3: exit 1, the member's offset named" ||
		not_ok "damaged middle member" "exit $RC" "$(head -c 300 "$W/o.txt.err")"
fi

# Samples whose clock goes backwards: said, not silently "fluctuating".
for i in 4 5 6; do
	snap "r$i"
	sed -i "s/^time=.*/time=$((1795587272 + i))/" "$W/r$i/meta"
done
for i in 1 2 3 4 5 6; do
	sed -i '/^mono_ns=/d' "$W/r$i/meta"
	echo "mono_ns=$((7 - i))000000000" >>"$W/r$i/meta"
done
"$G" rec "$W/back.kleak" "$W/r1" "$W/r2" "$W/r3" "$W/r4" "$W/r5" "$W/r6" || not_ok "hostile_gen rec"
run "$W/o.txt" "$K" report "$W/back.kleak"
[ $RC = 0 ] && grep -qF "$W/back.kleak: the clock goes back at sample 2 (5 samples earlier" "$W/o.txt.err" &&
	grep -q "rates and verdicts over them are unreliable" "$W/o.txt.err" &&
	ok "report: a clock going backwards is warned about (sample 2 named, 5 samples counted)" ||
	not_ok "clock going backwards" "exit $RC" "$(head -c 300 "$W/o.txt.err")"

head -c 65536 /dev/urandom >"$W/garbage.kleak"
head -c 65536 /dev/urandom | gzip -c >"$W/garbage-gz.kleak"
: >"$W/empty.kleak"
printf '\x1f\x8b\x08\x00' >"$W/header-only.kleak"
for f in garbage:"not a kleak recording (no gzip header at offset 0)" \
	garbage-gz:"offset 0: sample 1:" empty:"empty file: not a kleak recording" \
	header-only:"no complete sample"; do
	name=${f%%:*} words=${f#*:}
	run "$W/o.txt" "$K" report "$W/$name.kleak"
	[ $RC = 1 ] && grep -qF "$W/$name.kleak: $words" "$W/o.txt.err" &&
		ok "report on $name: exit 1, '$words'" ||
		not_ok "report on $name" "exit $RC (want 1; >128: a crash)" \
			"$(tail -c 300 "$W/o.txt.err")"
done

# ---------------------------------------------------------------------------
# Output: strings from the kernel or a file are escaped in text, valid UTF-8
# in JSON; hint commands are shell-quoted.
# ---------------------------------------------------------------------------
snap esc
# An OSC title sequence, BEL, a right-to-left override and an invalid byte
# in a cache name; a clear-screen sequence and RLO in the hostname; a colour
# sequence in a vmalloc caller.
printf 'ev\033]0;pwned\007il\342\200\256gnp.exe\377x 99999 99999 4096 8 8 : tunables 0 0 0 : slabdata 99999 99999 0\n' \
	>>"$W/esc/slabinfo"
sed -i 's/^hostname=.*/hostname=h\x1b[2Jx\xe2\x80\xaey/' "$W/esc/meta"
printf '0x00000000d25c5233-0x0000000083141cc8 99999744 bad\033[31mcaller+0x1/0x2 pages=24414 vmalloc\n' \
	>>"$W/esc/vmallocinfo"
run "$W/esc.txt" "$K" check --from "$W/esc"
if [ $RC != 0 ]; then
	not_ok "text output of hostile names" "exit $RC" "$(head -c 300 "$W/esc.txt.err")"
elif LC_ALL=C grep -qa $'[\x01-\x08\x0b-\x1f\x7f]' "$W/esc.txt" ||
	LC_ALL=C grep -qaF $'\xe2\x80\xae' "$W/esc.txt"; then
	not_ok "text output: no raw control byte, escape sequence or bidi override" \
		"$(LC_ALL=C grep -naP '[\x01-\x08\x0b-\x1f\x7f]|\xe2\x80\xae' "$W/esc.txt" | cat -v | head -5)"
else
	ok "text output: no raw control byte, escape sequence or bidi override"
fi
# ... yet each is there, visibly.
grep -qF 'ev\x1b]0;pwned\x07il\u{202e}gnp.exe\xffx' "$W/esc.txt" &&
	grep -qF 'h\x1b[2Jx\u{202e}y' "$W/esc.txt" && grep -qF 'bad\x1b[31mcaller' "$W/esc.txt" &&
	ok "text output shows the escaped name, hostname and caller" ||
	not_ok "escaped names in the text" "$(grep -a 'ev\|bad' "$W/esc.txt" | head -3 | cat -v)"
grep -qF "next: kleak count --cache 'ev\\x1b]0;pwned\\x07il\\u{202e}gnp.exe\\xffx'" "$W/esc.txt" &&
	ok "the next: hint quotes the name for the shell" ||
	not_ok "next: hint quoted" "$(grep -a 'next:.*--cache' "$W/esc.txt" | head -2 | cat -v)"
run "$W/esc.json" "$K" check --from "$W/esc" --json
if [ $RC = 0 ] && iconv -f UTF-8 -t UTF-8 "$W/esc.json" >/dev/null 2>&1 &&
	"$G" utf8 "$W/esc.json" 2>/dev/null &&
	jq_true '(.slab.caches | map(.name) | index("ev\u001b]0;pwned\u0007il\u202egnp.exe\ufffdx")) != null and
		(.hostname | startswith("h\u001b[2Jx"))' "$W/esc.json" >/dev/null; then
	ok "JSON: valid UTF-8 (iconv, strict check), control bytes escaped, the bad byte U+FFFD"
else
	not_ok "JSON of hostile names" "exit $RC" \
		"$("$G" utf8 "$W/esc.json" 2>&1; jq -c '.slab.caches[0].name, .hostname' "$W/esc.json" 2>&1 | head -3)"
fi

# ---------------------------------------------------------------------------
# No input costs more than O(n log n): inputs that took 42 s and 2.5 min.
# Each run is bounded twice: 20 s of wall time (generous, for a busy
# machine: the quadratic code took minutes) and a CPU time, which load
# hardly changes: 6 to 10 times what the O(n log n) code takes here, and
# well below what one linear scan per lookup costs (seen: a linear
# slab_aliases_of group search over 30 s, a linear modules_find 9.5 s of
# CPU, a linear find_floor in ksym.c 9.4 s).
# ---------------------------------------------------------------------------
snap aliases
awk 'BEGIN { for (i = 0; i < 80000; i++)
	printf "hc%d %d %d 256 16 1 : tunables 0 0 0 : slabdata %d %d 0\n", i, 1000 + i, 1000 + i, 100 + i, 100 + i }' \
	>>"$W/aliases/slabinfo"
awk 'BEGIN { for (i = 0; i < 80000; i++)
	printf "hc%d :t-%07d 0\nha%d :t-%07d 0\nhb%d :t-%07d 0\n", i, i, i, i, i, i }' \
	>>"$W/aliases/slab_aliases"
t0=$(ms_now)
rss_of "$W/al.json" "$KO" check --from "$W/aliases" --json
t1=$(ms_now)
[ $RC = 0 ] && [ $((t1 - t0)) -lt 20000 ] && [ "$CPU" -lt 10000 ] &&
	jq_true '[.slab.caches[] | select(.name | startswith("hc"))] |
		length == 80000 and all(.aliases == ["ha" + .name[2:], "hb" + .name[2:]])' \
		"$W/al.json" >/dev/null &&
	ok "80000 caches with 160000 aliases: $((t1 - t0)) ms, ${CPU} ms CPU; every alias right" ||
	not_ok "80000 caches with aliases" \
		"exit $RC in $((t1 - t0)) ms (want < 20000), ${CPU} ms CPU (want < 10000)" \
		"$(head -c 300 "$W/al.json.err")"

# 60000 loaded modules x 60000 vmalloc callers in them (modules x callers
# took 25 s): each caller's module looked up by name.
snap modcall
awk 'BEGIN { for (m = 0; m < 60000; m++)
	printf "hm%d 65536 0 - Live 0xffffffff%08x (O)\n", m, 3238002688 + m * 65536 }' >>"$W/modcall/modules"
awk 'BEGIN { for (i = 0; i < 60000; i++) { a = 268435456 + i * 8192
	printf "0xffffc900%08x-0xffffc900%08x    8192 hf%d+0x10/0x40 [hm%d] pages=1 vmalloc N0=1\n",
		a, a + 8192, i, i } }' >>"$W/modcall/vmallocinfo"
t0=$(ms_now)
rss_of "$W/mc.json" "$KO" check --from "$W/modcall" --json
t1=$(ms_now)
[ $RC = 0 ] && [ $((t1 - t0)) -lt 20000 ] && [ "$CPU" -lt 2500 ] &&
	jq_true '[.vmalloc.by_module[] | select(.module | startswith("hm"))] |
		length == 60000 and all(.areas == 1 and .tainted and (.unloaded | not))' \
		"$W/mc.json" >/dev/null &&
	ok "60000 modules x 60000 vmalloc callers: $((t1 - t0)) ms, ${CPU} ms CPU; every module found" ||
	not_ok "modules x callers" \
		"exit $RC in $((t1 - t0)) ms (want < 20000), ${CPU} ms CPU (want < 2500)" \
		"$(head -c 300 "$W/mc.json.err")"

# 4000 modules of 100 symbols (400000 kallsyms lines) in the baseline, all
# unloaded since: 40000 vmalloc areas whose callers are raw addresses.
snap kbase
snap kcur
cp -a "$F/unloaded/." "$W/kcur/"
awk 'BEGIN { for (m = 0; m < 4000; m++) for (s = 0; s < 100; s++)
	printf "ffffffff%08x t fn%d_%d\t[hm%d]\n", 3238002688 + m * 65536 + s * 256, m, s, m }' \
	>>"$W/kbase/kallsyms"
awk 'BEGIN { for (m = 0; m < 4000; m++)
	printf "hm%d 65536 0 - Live 0xffffffff%08x\n", m, 3238002688 + m * 65536 }' >>"$W/kbase/modules"
awk 'BEGIN { for (i = 0; i < 40000; i++) { m = i % 4000; s = int(i / 4000) * 7 % 100; a = 268435456 + i * 8192
	printf "0xffffc900%08x-0xffffc900%08x    8192 0xffffffff%08x pages=1 vmalloc N0=1\n",
		a, a + 8192, 3238002688 + m * 65536 + s * 256 + 16 } }' >>"$W/kcur/vmallocinfo"
t0=$(ms_now)
rss_of "$W/kb.json" "$KO" check --from "$W/kcur" --baseline "$W/kbase" --json
t1=$(ms_now)
[ $RC = 0 ] && [ $((t1 - t0)) -lt 20000 ] && [ "$CPU" -lt 4000 ] &&
	jq_true '[.vmalloc.by_module[] | select(.module | startswith("hm"))] |
		length == 4000 and all(.unloaded and .areas == 10)' "$W/kb.json" >/dev/null &&
	jq_true '[.vmalloc.by_caller[] | select(.module == "hm7")] | length == 10 and
		all(.caller | test("^fn7_[0-9]+$"))' "$W/kb.json" >/dev/null &&
	ok "--baseline of 400000 kallsyms lines x 40000 unloaded areas: $((t1 - t0)) ms, ${CPU} ms CPU; all resolved" ||
	not_ok "baseline kallsyms x unloaded areas" \
		"exit $RC in $((t1 - t0)) ms (want < 20000), ${CPU} ms CPU (want < 4000)" \
		"$(head -c 300 "$W/kb.json.err")" \
		"$(jq -c '.vmalloc.by_module[:3]' "$W/kb.json" 2>&1 | head -c 300)"

tap_done
