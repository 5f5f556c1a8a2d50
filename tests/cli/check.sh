#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `kleak check` and `kleak snapshot` end to end: exit codes, JSON keys,
# figures against /proc and against an independent awk aggregation, bad
# input, unprivileged runs, and a live leak made by tests/leaker.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
L=build/leaker
T=$(mktemp -d)
trap 'rm -rf "$T"; [ -n "${LPID:-}" ] && kill "$LPID" 2>/dev/null' EXIT
need_bin "kleak binary" "$K" "make test-bins (KLEAK=build/san/kleak), or make"

# --- command line ---
check "kleak --help exits 0" "$K" --help
check "kleak help check exits 0" "$K" help check
"$K" nosuch >/dev/null 2>&1; [ $? -eq 2 ] && ok "unknown command exits 2" || not_ok "unknown command exits 2"
"$K" check --bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok "unknown option exits 2" || not_ok "unknown option exits 2"
"$K" check --top x >/dev/null 2>&1; [ $? -eq 2 ] && ok "bad --top exits 2" || not_ok "bad --top exits 2"

# --- offline: the host fixture, against awk over the same files ---
F=tests/fixtures/6.18
"$K" check --from "$F" --json >"$T/fx.json" 2>"$T/fx.err"
rc=$?
[ $rc -eq 0 ] && ok "check --from fixture exits 0" || not_ok "check --from fixture exits 0" "rc=$rc $(cat "$T/fx.err")"
check "JSON has the contract's keys" jq_true '
	(.meminfo | type == "object") and (.meminfo.Slab > 0) and
	(.slab.caches | length > 0) and (.slab.caches[0] | has("name") and has("bytes")) and
	(.vmalloc.by_caller[0] | has("caller") and has("module") and has("bytes")) and
	(.vmalloc.by_module | type == "array") and (.findings | type == "array")' "$T/fx.json"
want=$(awk '/^MemTotal:/ {printf "%.0f", $2 * 1024}' "$F/meminfo")
got=$(jq '.meminfo.MemTotal' "$T/fx.json")
[ "$want" = "$got" ] && ok "meminfo kB become bytes" || not_ok "meminfo kB become bytes" "want $want got $got"
want=$(awk 'NR > 2 { s += $15 * $6 * 4096 } END { printf "%.0f", s }' "$F/slabinfo")
got=$(jq '[.slab.caches[].bytes] | add' "$T/fx.json")
[ "$want" = "$got" ] && ok "slab bytes = num_slabs x pagesperslab x page" || not_ok "slab bytes" "awk $want kleak $got"
# vmalloc by caller: pages= x 4096; an area without pages= (ioremap, vmap,
# percpu) holds no vmalloc'd memory: 0 (its size is size_bytes); unpurged apart.
awk '$3 == "unpurged" { next }
	{ c = $3; sub(/\+.*/, "", c); b = 0
	  for (i = 4; i <= NF; i++) if ($i ~ /^pages=/) { split($i, p, "="); b = p[2] * 4096 }
	  s[c] += b }
	END { for (c in s) print c, s[c] }' "$F/vmallocinfo" | sort >"$T/awk.txt"
jq -r '.vmalloc.by_caller[] | "\(.caller) \(.bytes)"' "$T/fx.json" | sort >"$T/kleak.txt"
if diff -q "$T/awk.txt" "$T/kleak.txt" >/dev/null; then ok "vmalloc by caller agrees with awk"
else not_ok "vmalloc by caller agrees with awk" "$(diff "$T/awk.txt" "$T/kleak.txt" | head -5)"; fi
# The total against awk's, not only against kleak's own callers: kleak adds
# each area to both at one place, so that alone could not fail.
want=$(awk '$3 == "unpurged" { next }
	{ b = 0; for (i = 4; i <= NF; i++) if ($i ~ /^pages=/) { split($i, p, "="); b = p[2] * 4096 }
	  s += b }
	END { printf "%.0f", s }' "$F/vmallocinfo")
check "vmalloc callers add up to the total, and the total is awk's ($want)" jq_true --argjson w "$want" \
	'.vmalloc.total_bytes == $w and ([.vmalloc.by_caller[].bytes] | add) == .vmalloc.total_bytes' "$T/fx.json"
check "merged caches list their aliases" jq_true '[.slab.caches[] | select(.aliases | length > 0)] | length > 0' "$T/fx.json"
# The top cache's name from the JSON: an empty name would match any text.
top=$(jq -r '.slab.caches[0].name // empty' "$T/fx.json" 2>/dev/null)
"$K" check --from "$F" >"$T/fx.txt" 2>&1
if [ -n "$top" ] && grep -qF -- "$top" "$T/fx.txt"; then
	ok "text report names the top cache ($top)"
else
	not_ok "text report names the top cache" "top cache in the JSON: '${top}'" "$(head -n 5 "$T/fx.txt")"
fi

# --- the 6.12 VM capture: kmem_test loaded, kmemleak on; then unloaded ---
V=tests/fixtures/6.12
if [ -d "$V" ]; then
	"$K" check --from "$V" --json >"$T/v.json"
	check "6.12: kmem_test is the top vmalloc module, kmem_alloc its caller" jq_true '
		.vmalloc.by_module[0].module == "kmem_test" and
		([.vmalloc.by_caller[] | select(.module == "kmem_test")][0].caller == "kmem_alloc")' "$T/v.json"
	check "6.12: kmemleak objects are a finding" jq_true '
		.kmemleak.objects > 0 and ([.findings[] | select(.id == "kmemleak-report")] | length == 1)' "$T/v.json"
	"$K" check --from "$V/unloaded" --json >"$T/u.json"
	check "unloaded, no baseline: \"(unloaded module)\", module null, critical" jq_true '
		(.vmalloc.by_caller[0] | .caller == "(unloaded module)" and .module == null and .unloaded) and
		([.findings[] | select(.id == "unloaded-module-memory" and .severity == "critical")] | length == 1)' "$T/u.json"
	"$K" check --from "$V/unloaded" --baseline "$V" --json >"$T/ub.json"
	check "unloaded, --baseline: kmem_alloc [kmem_test] again, same bytes" jq_true --slurpfile v "$T/v.json" '
		.vmalloc.by_caller[0] | .caller == "kmem_alloc" and .module == "kmem_test" and .unloaded and
		.bytes == ([$v[0].vmalloc.by_caller[] | select(.module == "kmem_test")] | map(.bytes) | add)' "$T/ub.json"
	check "raw addresses only with --show-addresses" bash -c "
		! '$K' check --from '$V/unloaded' --json | grep -q 0xffff &&
		'$K' check --from '$V/unloaded' --json --show-addresses | grep -q '\"address\":\"0xffff'"
else
	not_ok "6.12 fixture checks" "tests/fixtures/6.12 is missing from the tree"
fi

# --- bad input: a file that exists but does not parse is exit 1 with file:line ---
mkdir -p "$T/bad" && cp "$F/meminfo" "$T/bad/" && printf 'slabinfo - version: 2.1\n# x\ndentry 1 2\n' >"$T/bad/slabinfo"
"$K" check --from "$T/bad" >/dev/null 2>"$T/bad.err"; rc=$?
[ $rc -eq 1 ] && grep -q "$T/bad/slabinfo:3:" "$T/bad.err" && ok "unparsable slabinfo: exit 1, file:line" \
	|| not_ok "unparsable slabinfo: exit 1, file:line" "rc=$rc $(cat "$T/bad.err")"
"$K" check --from "$T/bad" --json 2>/dev/null | jq_true '.error | test("slabinfo:3")' >/dev/null \
	&& ok "--json error object" || not_ok "--json error object"
head -c 100000 /dev/urandom >"$T/bad/slabinfo"
"$K" check --from "$T/bad" >/dev/null 2>&1; [ $? -eq 1 ] && ok "binary slabinfo: exit 1" || not_ok "binary slabinfo: exit 1"
mkdir -p "$T/partial" && cp "$F/meminfo" "$T/partial/"
"$K" check --from "$T/partial" --json >"$T/p.json" 2>"$T/p.err"; rc=$?
[ $rc -eq 0 ] && grep -q "slabinfo" "$T/p.err" && jq_true '.sources.slabinfo.status == "missing"' "$T/p.json" >/dev/null \
	&& ok "missing files are reported, not fatal" || not_ok "missing files are reported, not fatal" "rc=$rc"

# --- a --from that is no snapshot is an error, never a clean machine ---
"$K" check --from "$T/nonexistent" >/dev/null 2>"$T/ne.err"; rc=$?
[ $rc -eq 1 ] && grep -q "nonexistent" "$T/ne.err" && ok "--from a missing dir: exit 1" || not_ok "--from a missing dir: exit 1" "rc=$rc"
"$K" check --from /etc/hostname >/dev/null 2>&1; [ $? -eq 1 ] && ok "--from a file: exit 1" || not_ok "--from a file: exit 1"
mkdir -p "$T/emptydir"
"$K" check --from "$T/emptydir" --json >"$T/empty.json" 2>/dev/null; rc=$?
[ $rc -eq 1 ] && jq_true '.error | test("no meminfo")' "$T/empty.json" >/dev/null \
	&& ok "--from an empty dir: exit 1 with a JSON error" || not_ok "--from an empty dir" "rc=$rc"
out=$("$K" check --json --top x 2>/dev/null); rc=$?
[ $rc -eq 2 ] && jq_true '.kind == "usage"' <<<"$out" >/dev/null && ok "usage error under --json: exit 2 and an error object" \
	|| not_ok "usage error under --json" "rc=$rc out=$out"
# Errors quote no file content, and the path (the user's) is escaped.
ctl="$T/ctl"$'\033]0;x\007'
mkdir -p "$ctl" && cp "$F/meminfo" "$ctl/" && printf 'slabinfo - version: 2.1\033]0;x\007\n' >"$ctl/slabinfo"
"$K" check --from "$ctl" 2>"$T/ctl.err" >/dev/null
! grep -q $'\033' "$T/ctl.err" && grep -q 'x1b' "$T/ctl.err" && ok "control bytes from input are escaped in errors" \
	|| not_ok "control bytes escaped" "$(cat -v "$T/ctl.err")"
"$K" check --from "$F" --cache-pct 0.3 --json | jq_true '[.findings[] | select(.id == "slab-cache-large")] | length > 0' >/dev/null \
	&& ok "thresholds take decimals (--cache-pct 0.3: ext4_inode_cache is 0.42%)" || not_ok "--cache-pct 0.3"

# --- --fail-on ---
"$K" check --from "$F" --cache-pct 0 --fail-on info >/dev/null; rc=$?
[ $rc -eq 3 ] && ok "--fail-on: exit 3 on findings" || not_ok "--fail-on: exit 3 on findings" "rc=$rc"
"$K" check --from "$F" --fail-on critical >/dev/null; rc=$?
[ $rc -eq 0 ] && ok "--fail-on critical: exit 0 without critical findings" || not_ok "--fail-on critical exit 0" "rc=$rc"

# --- live ---
if [ "$(id -u)" -ne 0 ]; then
	skip "live check agrees with /proc" "needs root (slabinfo)"
else
	"$K" check --json >"$T/live.json"
	slab=$(awk '/^Slab:/ {printf "%.0f", $2 * 1024}' /proc/meminfo)
	got=$(jq '.meminfo.Slab' "$T/live.json")
	# Both read within milliseconds: allow 5% for the kernel's own churn.
	awk -v a="$slab" -v b="$got" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= a * 0.05) }' \
		&& ok "live Slab agrees with /proc/meminfo" || not_ok "live Slab agrees" "proc $slab kleak $got"
	s1=$(jq '.slab.total_bytes' "$T/live.json")
	awk -v a="$got" -v b="$s1" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= a * 0.10) }' \
		&& ok "slab caches add up to meminfo Slab" || not_ok "slab caches add up to meminfo Slab" "meminfo $got caches $s1"
	# The reclaim flags from /sys/kernel/slab/*/reclaim_account, against
	# sysfs itself: every cache the kernel marks reclaimable (dentry is)
	# is reclaimable in kleak's report, and only those (sysfs files say
	# 4096 bytes whatever they hold: a size check must not refuse them).
	want_rcl=$(for d in /sys/kernel/slab/*; do # names merged into another: its flag
		[ "$(cat "$d/reclaim_account" 2>/dev/null)" = 1 ] && basename "$d"; done | sort)
	got_rcl=$(jq -r '.slab.caches[] | select(.reclaimable == true) | .name' "$T/live.json" | sort)
	[ -n "$want_rcl" ] && [ -z "$(comm -23 <(echo "$got_rcl") <(echo "$want_rcl"))" ] &&
		grep -qx dentry <<<"$got_rcl" &&
		ok "reclaimable caches are those sysfs marks (dentry among them)" ||
		not_ok "reclaimable caches are those sysfs marks" \
			"kleak: $(echo $got_rcl | head -c 200) sysfs: $(echo $want_rcl | head -c 200)"
	"$K" snapshot -o "$T/snap" >/dev/null && "$K" check --from "$T/snap" --json >"$T/snap.json"
	check "snapshot then check --from works" jq_true '.slab.caches | length > 10' "$T/snap.json"
	check "snapshot has meta and the raw files" test -s "$T/snap/meta" -a -s "$T/snap/slabinfo" -a -s "$T/snap/vmallocinfo"
	# An older snapshot is never mixed with a new one, nor its files
	# deleted: a directory holding files is refused, untouched.
	cp tests/fixtures/6.12/kmemleak "$T/snap/kmemleak"
	"$K" snapshot -o "$T/snap" >/dev/null 2>"$T/again.err"; rc=$?
	[ $rc -eq 1 ] && grep -q "exists and is not empty" "$T/again.err" &&
		cmp -s tests/fixtures/6.12/kmemleak "$T/snap/kmemleak" &&
		ok "snapshot into a directory holding files: refused, its files untouched" ||
		not_ok "snapshot into a directory holding files: refused, its files untouched" \
			"rc=$rc $(cat "$T/again.err")"
	if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
		chmod 755 "$T"
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$K" check --json >"$T/nobody.json" 2>"$T/nobody.err"; rc=$?
		[ $rc -eq 0 ] && grep -q "slabinfo: Permission denied (needs root)" "$T/nobody.err" \
			&& jq_true '.meminfo.MemTotal > 0 and .sources.slabinfo.status == "missing"' "$T/nobody.json" >/dev/null \
			&& ok "unprivileged: says what it could not read, reports the rest" \
			|| not_ok "unprivileged run" "rc=$rc $(cat "$T/nobody.err")"
	else
		skip "unprivileged run" "no nobody user or setpriv"
	fi
fi

# --- a real leak on the live kernel: thread stacks and sockets ---
if [ "$(id -u)" -ne 0 ]; then
	skip "leaker: check names what grew" "needs root (slabinfo, vmallocinfo)"
elif [ ! -x "$L" ]; then
	not_ok "leaker: check names what grew" "$L is missing: make test-bins"
else
	N=1500
	"$K" check --json >"$T/before.json"
	"$L" --threads $N --sockets 8000 --until-signal >"$T/leaker.out" &
	LPID=$!
	for _ in $(seq 100); do grep -q ready "$T/leaker.out" && break; sleep 0.1; done
	line=$(cat "$T/leaker.out")
	"$K" check --json >"$T/during.json"
	kill "$LPID"; wait "$LPID" 2>/dev/null; LPID=
	# Each thread holds a 16 KiB vmalloc'd stack (4 pages) from kernel_clone.
	grow=$(jq -n --slurpfile a "$T/before.json" --slurpfile b "$T/during.json" '
		def kc(x): [x.vmalloc.by_caller[] | select(.caller == "kernel_clone") | .bytes] | add // 0;
		kc($b[0]) - kc($a[0])')
	want=$((N * 16384))
	awk -v g="$grow" -v w="$want" 'BEGIN { exit !(g >= w * 0.95 && g <= w * 1.10) }' \
		&& ok "vmalloc caller kernel_clone grew by N thread stacks" \
		|| not_ok "kernel_clone grew by N stacks" "grew $grow want ~$want ($line)"
	# Of all vmalloc callers, kernel_clone grew most (others may be busy too).
	top=$(jq -rn --slurpfile a "$T/before.json" --slurpfile b "$T/during.json" '
		($a[0].vmalloc.by_caller | map({(.caller): .bytes}) | add) as $old |
		[$b[0].vmalloc.by_caller[] | {caller, d: (.bytes - ($old[.caller] // 0))}] | max_by(.d) | .caller')
	[ "$top" = kernel_clone ] && ok "kernel_clone is the vmalloc caller that grew most" \
		|| not_ok "kernel_clone grew most" "top grower is $top"
	# Named caches grew by at least the objects held: task_struct per thread,
	# sock_inode_cache (or the cache SLUB merged it into) per socket.
	for pair in "task_struct $N" "sock_inode_cache 8000"; do
		set -- $pair
		d=$(jq -rn --arg c "$1" --slurpfile a "$T/before.json" --slurpfile b "$T/during.json" '
			def row(x): [x.slab.caches[] | select(.name == $c or (.aliases | index($c)))][0];
			(row($b[0]).objects_bytes - row($a[0]).objects_bytes) / row($b[0]).objsize | floor')
		awk -v d="$d" -v n="$2" 'BEGIN { exit !(d >= n * 0.9) }' \
			&& ok "slab cache $1 grew by ~$2 objects ($d)" || not_ok "slab cache $1 grew by $2 objects" "grew $d objects"
	done
	ks=$(jq -n --slurpfile a "$T/before.json" --slurpfile b "$T/during.json" \
		'($b[0].meminfo.KernelStack - $a[0].meminfo.KernelStack)')
	awk -v g="$ks" -v w="$want" 'BEGIN { exit !(g >= w * 0.9) }' \
		&& ok "meminfo KernelStack grew by the stacks" || not_ok "KernelStack grew" "grew $ks want $want"
fi
tap_done
