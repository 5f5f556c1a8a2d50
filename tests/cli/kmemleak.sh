#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `kleak kmemleak` end to end without kmemleak on the host: the lesson's
# sample and the 6.12 capture offline (with and without symbols), grouping
# against an independent awk pipeline, addresses hidden, bad input, and
# what a kernel without kmemleak gets told.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
SEED=tests/fixtures/seed/kmemleak-sample.txt
KS=tests/fixtures/kmemleak/kallsyms-kmem_test
MODS=tests/fixtures/kmemleak/modules-kmem_test
F612=tests/fixtures/6.12
need_bin "kleak binary" "$K" "make test-bins (KLEAK=build/san/kleak), or make"

# --- command line ---
check "kmemleak --help exits 0" "$K" kmemleak --help
for bad in "nosuch" "report --sort size" "report --top 0" "run" "scan extra" \
	"report --bogus" "scan --from $SEED"; do
	# shellcheck disable=SC2086
	"$K" kmemleak $bad >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] && ok "usage error exits 2: $bad" || not_ok "usage error exits 2: $bad" "rc=$rc"
done

mkdir -p "$T/snap" && cp "$KS" "$T/snap/kallsyms" && cp "$MODS" "$T/snap/modules"
# every option the help lists is accepted, and documented in docs/kmemleak.md
"$K" kmemleak --help | sed -n 's/^  *\(-[a-z], \)\{0,1\}\(--[a-z-]*\)\( [A-Z]*\)\{0,1\}.*/\2\3/p' >"$T/opts"
[ "$(wc -l <"$T/opts")" -ge 10 ] && ok "help lists its options" || not_ok "help lists its options" "$(cat "$T/opts")"
while read -r opt arg; do
	case $arg in
	FILE) case $opt in --kallsyms) v=$KS ;; --modules) v=$MODS ;; *) v=$SEED ;; esac ;;
	KEY) v=count ;; DURATION) v=2s ;; N) v=3 ;; LEVEL) v=critical ;; DIR) v=$T/snap ;; *) v= ;;
	esac
	[ "$opt" = --from ] && set -- || set -- --from "$SEED"
	"$K" kmemleak report "$@" "$opt" ${v:+"$v"} >/dev/null 2>"$T/opt.err"
	rc=$?
	if [ $rc -eq 0 ]; then ok "option $opt is accepted"
	else not_ok "option $opt is accepted" "rc=$rc $(cat "$T/opt.err")"; fi
	grep -q -- "$opt" docs/kmemleak.md && ok "option $opt is documented" || not_ok "option $opt is documented"
done <"$T/opts"

# --- the lesson's sample ---
"$K" kmemleak report --from "$SEED" --json >"$T/seed.json" 2>"$T/seed.err"
rc=$?
[ $rc -eq 0 ] && ok "seed: exits 0" || not_ok "seed: exits 0" "rc=$rc $(cat "$T/seed.err")"
check "seed: contract keys" jq_true '.groups[0] | has("count") and has("bytes") and has("module") and
	has("function") and (.backtrace | type == "array")' "$T/seed.json"
check "seed: one group of 1 GiB, raw frames unresolved without symbols" jq_true '
	(.groups | length == 1) and .groups[0].bytes == 1073741824 and
	.groups[0].function == "(unloaded module)" and .groups[0].module == null and
	(.modules[0] | .module == null and .unloaded) and .raw_frames == 2 and .raw_frames_resolved == 0' "$T/seed.json"
if grep -q 0xffffffffa093 "$T/seed.json"; then not_ok "seed: no raw address without --show-addresses"
else ok "seed: no raw address without --show-addresses"; fi
check "seed: --show-addresses shows them" sh -c \
	"'$K' kmemleak report --from '$SEED' --show-addresses | grep -q 0xffffffffa0937013"

"$K" kmemleak report --from "$SEED" --kallsyms "$KS" --modules "$MODS" --json >"$T/sym.json"
check "seed offline: the raw frames symbolize to kmem_test's functions" jq_true '
	.symbols == "file" and .raw_frames_resolved == 2 and
	.groups[0].function == "kmem_alloc" and .groups[0].module == "kmem_test" and
	.groups[0].allocator == "vmalloc" and
	.groups[0].backtrace[2] == "kmem_alloc+0x13/0x30 [kmem_test]" and
	.groups[0].backtrace[3] == "kmem_init+0x1a [kmem_test]"' "$T/sym.json"
"$K" kmemleak report --from "$SEED" --baseline "$T/snap" --json >"$T/bl.json" 2>"$T/bl.err"
check "seed offline: --baseline DIR reads DIR/kallsyms and DIR/modules" jq_true \
	'.symbols == "file" and .groups[0].function == "kmem_alloc"' "$T/bl.json"
"$K" kmemleak report --from "$SEED" --baseline "$T/snap" --kallsyms "$KS" >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok "--baseline with --kallsyms: usage error" || not_ok "--baseline with --kallsyms: usage error" "rc=$rc"
check "seed offline: text names function and module" sh -c \
	"'$K' kmemleak report --from '$SEED' --kallsyms '$KS' --modules '$MODS' | grep -q 'kmem_alloc \[kmem_test\]'"

"$K" kmemleak report --from "$SEED" --fail-on warning >/dev/null
rc=$?
[ $rc -eq 3 ] && ok "--fail-on warning: a group exits 3" || not_ok "--fail-on warning: a group exits 3" "rc=$rc"
"$K" kmemleak report --from "$SEED" --fail-on critical >/dev/null
rc=$?
[ $rc -eq 0 ] && ok "--fail-on critical: kmemleak groups are warnings, exit 0" || not_ok "--fail-on critical: exit 0" "rc=$rc"
"$K" kmemleak report --from "$SEED" --fail-on bad >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok "--fail-on bad: usage error" || not_ok "--fail-on bad: usage error" "rc=$rc"

# --- the 6.12 capture: ranks the leakers, agrees with grep ---
if [ -f "$F612/kmemleak" ]; then
	"$K" kmemleak report --from "$F612/kmemleak" --json >"$T/612.json"
	n=$(grep -c '^unreferenced object' "$F612/kmemleak")
	k=$(grep -c 'leak_kmalloc_work+' "$F612/kmemleak")
	check "6.12: every object counted" jq_true --argjson n "$n" '.objects == $n and ([.groups[].count] | add) == $n' "$T/612.json"
	check "6.12: kmalloc leaker first by bytes, cache leaker second" jq_true --argjson k "$k" '
		.groups[0].function == "leak_kmalloc_work" and .groups[0].module == "kleak_kmalloc_leak" and
		.groups[0].count == $k and .groups[0].bytes == $k * 512 and
		.groups[1].function == "leak_cache_work" and .groups[1].module == "kleak_cache_leak"' "$T/612.json"
	check "6.12: modules[] add up to the groups, biggest first" jq_true '
		([.modules[].bytes] | add) == .bytes and ([.modules[].count] | add) == .objects and
		([.modules[].bytes] == ([.modules[].bytes] | sort | reverse))' "$T/612.json"
	check "6.12: kmemleak_test's module total is its groups' sum" jq_true '
		(.modules[] | select(.module == "kmemleak_test") | .bytes) ==
		([.groups[] | select(.module == "kmemleak_test") | .bytes] | add)' "$T/612.json"
	"$K" kmemleak report --from "$F612/kmemleak" --sort count --json >"$T/612c.json"
	check "6.12: --sort count puts the most frequent first" jq_true '.groups[0].function == "leak_cache_work"' "$T/612c.json"
	check "6.12: kmemleak-test's groups name kmemleak_test_init, not an allocator" jq_true '
		[.groups[] | select(.module == "kmemleak_test") | .function] | length > 0 and all(. == "kmemleak_test_init")' "$T/612.json"
	"$K" kmemleak report --from "$F612/kmemleak" --top 2 >"$T/612.txt"
	check "6.12: --top limits the text view only" sh -c \
		"[ \$(grep -c '^#' '$T/612.txt') -eq 2 ] && grep -q 'more groups' '$T/612.txt' &&
		 [ \$(jq '.groups | length' '$T/612.json') -gt 2 ]"
else
	# The capture is part of the tree (tests/vm/capture-fixtures.sh).
	not_ok "6.12 capture" "tests/fixtures/6.12/kmemleak is missing from the tree"
fi

# --- grouping against an awk pipeline over a generated report ---
awk -v n=3000 -v stacks=60 -f bench/kmemleak/gen-report.awk >"$T/gen.txt"
bench/kmemleak/awk-group.sh "$T/gen.txt" | sort >"$T/awk.txt"
"$K" kmemleak report --from "$T/gen.txt" --json |
	jq -r '.groups[] | "\(.bytes) \(.count) \(.backtrace | join(";"))"' | sort >"$T/kleak.txt"
if [ -s "$T/awk.txt" ] && diff -q "$T/awk.txt" "$T/kleak.txt" >/dev/null; then
	ok "generated report: groups, counts and bytes agree with awk"
else
	not_ok "generated report: groups, counts and bytes agree with awk" "$(diff "$T/awk.txt" "$T/kleak.txt" | head -4)"
fi

# --- the live kallsyms (~120,000 lines) as --kallsyms: raw frames at real symbols ---
if [ -r /proc/kallsyms ] && awk '$1 !~ /^0+$/ { found = 1; exit } END { exit !found }' /proc/kallsyms; then
	# three text symbols that are alone at their address
	awk '{ n[$1]++; if ($2 == "T" && $3 !~ /^__(pfx|cfi)_/ && NF == 3) s[$1] = $3 }
		END { for (a in s) if (n[a] == 1) print a, s[a] }' /proc/kallsyms | sort | sed -n '100p;5000p;9000p' >"$T/picks"
	{
		echo 'unreferenced object 0xffff888000001000 (size 64):'
		echo '  comm "t", pid 1, jiffies 1'
		echo '  backtrace (crc 0):'
		while read -r a _; do echo "    0x$a"; done <"$T/picks"
	} >"$T/live.txt"
	set -- --kallsyms /proc/kallsyms
	[ -r /proc/modules ] && set -- "$@" --modules /proc/modules # CONFIG_MODULES
	"$K" kmemleak report --from "$T/live.txt" "$@" --json >"$T/live.json" 2>"$T/live.err"
	want=$(awk '{ printf "%s%s+0x0/", sep, $2; sep = " " }' "$T/picks")
	got=$(jq -r '[.groups[0].backtrace[] | sub("0x[0-9a-f]+$"; "")] | join(" ")' "$T/live.json")
	if [ "$(wc -l <"$T/picks")" -eq 3 ] && [ "$want" = "$got" ]; then ok "live /proc/kallsyms: raw frames name their symbols"
	else not_ok "live /proc/kallsyms: raw frames name their symbols" "want: $want" "got: $got $(cat "$T/live.err")"; fi
else
	skip "live /proc/kallsyms" "addresses hidden (not root or kptr_restrict)"
fi

# --- bad input: exit 1 with file and line ---
printf 'unreferenced object 0x1 (size 8):\n  comm "x", pid 1, jiffies 2\n  backtrace:\n    f+0xzz/0x1\n' >"$T/bad.txt"
"$K" kmemleak report --from "$T/bad.txt" >/dev/null 2>"$T/bad.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "bad.txt:4:" "$T/bad.err"; then ok "bad frame: exit 1 with file:line"
else not_ok "bad frame: exit 1 with file:line" "rc=$rc $(cat "$T/bad.err")"; fi
"$K" kmemleak report --from "$T/bad.txt" --json >"$T/bad.json" 2>/dev/null
check "bad frame under --json: an error object" jq_true '.error | test("bad.txt:4:")' "$T/bad.json"
"$K" kmemleak report --from "$T/none" >/dev/null 2>&1
[ $? -eq 1 ] && ok "missing --from file exits 1" || not_ok "missing --from file exits 1"
"$K" kmemleak report --from "$SEED" --kallsyms "$T/bad.txt" >/dev/null 2>"$T/ks.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "bad.txt:1:" "$T/ks.err"; then ok "bad --kallsyms: exit 1 with file:line"
else not_ok "bad --kallsyms: exit 1 with file:line" "rc=$rc $(cat "$T/ks.err")"; fi
: >"$T/empty.txt"
"$K" kmemleak report --from "$T/empty.txt" --json >"$T/empty.json"
rc=$?
if [ $rc -eq 0 ] && out=$(jq_true '.objects == 0 and .groups == []' "$T/empty.json"); then
	ok "empty report: exit 0, no groups"
else
	not_ok "empty report: exit 0, no groups" "rc=$rc $out"
fi
"$K" kmemleak report --from "$T/empty.txt" --fail-on info >/dev/null
rc=$?
[ $rc -eq 0 ] && ok "empty report with --fail-on info: exit 0" || not_ok "empty report with --fail-on info: exit 0" "rc=$rc"
check "empty report: the text says it proves nothing" sh -c "'$K' kmemleak report --from '$T/empty.txt' | grep -q 'not proof'"

# --- no kmemleak here (KLEAK_KMEMLEAK points at a missing file) ---
KLEAK_KMEMLEAK=$T/absent "$K" kmemleak report --json >"$T/abs.json" 2>"$T/abs.err"
rc=$?
[ $rc -eq 0 ] && ok "absent kmemleak: report exits 0 (CONTRACTS: absence is no error by itself)" \
	|| not_ok "absent kmemleak: report exits 0" "rc=$rc"
check "absent kmemleak: the JSON names the reason" jq_true '.kmemleak == "absent" and (.error | test("CONFIG_DEBUG_KMEMLEAK")) and .groups == []' "$T/abs.json"
check "absent kmemleak: stderr suggests watch and trace" grep -q "kleak watch.*kleak trace" "$T/abs.err"
KLEAK_KMEMLEAK=$T/absent "$K" kmemleak scan >/dev/null 2>&1
[ $? -eq 1 ] && ok "absent kmemleak: scan exits 1" || not_ok "absent kmemleak: scan exits 1"
KLEAK_KMEMLEAK=$T/absent "$K" kmemleak run -- touch "$T/ran" >/dev/null 2>&1
rc=$?
if [ $rc -eq 1 ] && [ ! -e "$T/ran" ]; then ok "absent kmemleak: run exits 1 without running the command"
else not_ok "absent kmemleak: run exits 1 without running the command" "rc=$rc"; fi

# --- run's pipeline against a stand-in (/dev/null: writes succeed, reads are
# an empty report) ---
export KLEAK_KMEMLEAK=/dev/null
"$K" kmemleak run --wait 0.1 --json -- sh -c 'echo workload-output; exit 7' >"$T/run.json" 2>"$T/run.err"
rc=$?
[ $rc -eq 0 ] && ok "run: exits 0 whatever the workload's status" || not_ok "run: exits 0" "rc=$rc $(cat "$T/run.err")"
check "run --json: stdout is the JSON document, with the workload's status" jq_true \
	'.command == ["sh", "-c", "echo workload-output; exit 7"] and .command_status == 7 and .objects == 0' "$T/run.json"
check "run --json: the workload's stdout went to stderr" grep -q workload-output "$T/run.err"
"$K" kmemleak run --wait 0.1 -- sh -c 'kill -INT $PPID; sleep 0.3; touch "$0"' "$T/after-int" >"$T/int.txt" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -e "$T/after-int" ] && grep -q 'no unreferenced objects' "$T/int.txt"; then
	ok "run: ^C goes to the workload, kleak goes on to report (like time)"
else
	not_ok "run: ^C goes to the workload, kleak goes on to report" "rc=$rc $(cat "$T/int.txt")"
fi
"$K" kmemleak run --wait 0.1 -- /nonexistent/cmd >/dev/null 2>"$T/nx.err"
rc=$?
[ $rc -eq 1 ] && ok "run: a command that cannot run is an error" || not_ok "run: a command that cannot run is an error" "rc=$rc"
check "scan against the stand-in: done" sh -c "'$K' kmemleak scan | grep -q 'scan done'"
"$K" kmemleak clear --json >"$T/clear.json"
check "clear --json: a document" jq_true '.done == "clear"' "$T/clear.json"
unset KLEAK_KMEMLEAK

tap_done
