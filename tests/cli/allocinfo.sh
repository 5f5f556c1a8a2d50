#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# /proc/allocinfo through the CLI: `kleak check --from` on the 6.12 capture
# (sites, modules first, the finding and its threshold) checked against an
# awk reading of the same file; null without allocinfo; a bad file exits 1
# with its line.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
F=tests/fixtures/6.12
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
need_bin "kleak binary" "$K" "make test-bins (KLEAK=build/san/kleak), or make"

# --- check --from the 6.12 capture ---
"$K" check --from "$F" --json >"$T/c.json" 2>"$T/c.err"
rc=$?
[ $rc -eq 0 ] && ok "check --from 6.12 exits 0" || not_ok "check --from 6.12 exits 0" "rc=$rc $(cat "$T/c.err")"
check "allocinfo keys: sites[] (site function module bytes calls), by_module[]" jq_true '
	(.allocinfo.sites | length > 0) and
	(.allocinfo.sites | all(has("site") and has("function") and has("module") and has("bytes") and has("calls"))) and
	(.allocinfo.by_module | all(has("module") and has("bytes")))' "$T/c.json"
check "sites[] sorted by bytes" jq_true '.allocinfo.sites | [.[].bytes] as $b | $b == ($b | sort | reverse)' "$T/c.json"
check "the kmalloc leaker's site: file:line, function, module, bytes, calls" jq_true '
	.allocinfo.sites[] | select(.function == "leak_kmalloc_work") |
	.site == "tests/vm/modules/kleak_kmalloc_leak.c:34" and .module == "kleak_kmalloc_leak" and
	.bytes == 10240 and .calls == 20' "$T/c.json"
check "built-in sites have module null" jq_true '
	.allocinfo.sites[] | select(.function == "alloc_page_ext") | .module == null' "$T/c.json"
check "kind: slab pages container, anonymous folios user, the rest kernel" jq_true '
	.allocinfo.sites | (map(select(.function == "alloc_slab_page") | .kind) | unique == ["container"]) and
	(map(select(.function == "folio_prealloc") | .kind) | unique == ["user"]) and
	(map(select(.function == "leak_kmalloc_work" or .function == "kmem_alloc") | .kind) | unique == ["kernel"])' "$T/c.json"

# Independent: awk sums the same file (non-empty sites, per module).
awk 'NR > 2 && ($1 != 0 || $2 != 0) { n++; b += $1; if ($4 ~ /^\[/) { m = $4; gsub(/[][]/, "", m); mb[m] += $1 } }
	END { printf "%d %d\n", n, b; for (m in mb) printf "%s %d\n", m, mb[m] }' "$F/allocinfo" |
	{ read -r n b; echo "$n $b"; sort -k2,2nr -k1,1; } >"$T/awk.txt"
jq -r '.allocinfo | "\(.sites | length) \(.total_bytes)", (.by_module[] | select(.module) | "\(.module) \(.bytes)")' \
	"$T/c.json" >"$T/kleak.txt"
if diff -q "$T/awk.txt" "$T/kleak.txt" >/dev/null; then ok "site count, total and by_module agree with awk (modules first)"
else not_ok "site count, total and by_module agree with awk" "$(diff "$T/awk.txt" "$T/kleak.txt" | head -5)"; fi
check "by_module: modules first, the kernel (null) last" jq_true '
	.allocinfo.by_module | (.[-1].module == null) and (.[:-1] | all(.module != null)) and .[0].module == "kmem_test"' "$T/c.json"

# The finding follows its threshold: kmem_test holds 8 MiB.
check "no module-allocinfo finding at the default 64M" jq_true '[.findings[] | select(.id == "module-allocinfo")] | length == 0' "$T/c.json"
"$K" check --from "$F" --json --module-allocinfo 8M >"$T/f.json" 2>/dev/null
check "--module-allocinfo 8M: a warning naming kmem_test and its site" jq_true '
	[.findings[] | select(.id == "module-allocinfo")] | length == 1 and .[0].subject == "kmem_test" and
	.[0].severity == "warning" and (.[0].evidence | contains("tests/vm/modules/kmem_test.c:32"))' "$T/f.json"
"$K" check --from "$F" --module-allocinfo 8M --fail-on warning >/dev/null 2>&1
[ $? -eq 3 ] && ok "the finding makes --fail-on warning exit 3" || not_ok "the finding makes --fail-on warning exit 3"

# Text view.
"$K" check --from "$F" --top 3 >"$T/c.txt" 2>/dev/null
check "text: 'Top allocation sites (allocinfo' section" grep -q '^Top allocation sites (allocinfo' "$T/c.txt"
check "text: modules listed first" grep -q '^  \[kmem_test\] 8.0 MiB' "$T/c.txt"
check "text: top site row" grep -qE '^  mm/page_ext.c:271 +alloc_page_ext +- +38 MiB +9600$' "$T/c.txt"

# The unloaded capture: kmem_test's site went with the module.
"$K" check --from "$F/unloaded" --json >"$T/u.json" 2>/dev/null
check "unloaded: kmem_test's site is gone, the leakers' stay" jq_true '
	(.allocinfo.by_module | map(.module) | index("kmem_test") == null) and
	(.allocinfo.sites | map(.function) | index("leak_kmalloc_work") != null)' "$T/u.json"

"$K" check --from "$F/unloaded" --baseline "$F" --json >"$T/b.json" 2>/dev/null
check "--baseline: kmem_test unloaded since, its 8 MiB of sites gone: one info finding pointing at the kernel log" jq_true '
	[.findings[] | select(.id == "unloaded-module-allocinfo")] | length == 1 and .[0].subject == "kmem_test" and
	.[0].severity == "info" and (.[0].evidence | contains("8.0 MiB")) and (.[0].next | contains("module-unload-leak"))' "$T/b.json"
"$K" check --from "$F" --baseline "$F/unloaded" --json >"$T/b2.json" 2>/dev/null
check "--baseline: modules still loaded give no unloaded-module-allocinfo" jq_true '
	[.findings[] | select(.id == "unloaded-module-allocinfo")] | length == 0' "$T/b2.json"

# --- without allocinfo, and a bad one ---
"$K" check --from tests/fixtures/6.1 --json >"$T/n.json" 2>/dev/null
check "no allocinfo: .allocinfo is null" jq_true '.allocinfo == null and .sources.allocinfo.status == "missing"' "$T/n.json"
mkdir "$T/bad"
cp "$F/meminfo" "$F/slabinfo" "$F/vmallocinfo" "$F/modules" "$F/meta" "$T/bad/"
printf 'allocinfo - version: 1.0\n#     <size>  <calls> <tag info>\n  4096  1 mm/x.c:1 func:f \n  10 -1 mm/x.c:2 func:g \n' >"$T/bad/allocinfo"
"$K" check --from "$T/bad" >/dev/null 2>"$T/bad.err"
rc=$?
[ $rc -eq 1 ] && grep -q "allocinfo:4: calls (field 2) is not a valid number" "$T/bad.err" && ok "bad allocinfo: exit 1 naming file and line" \
	|| not_ok "bad allocinfo: exit 1 naming file and line" "rc=$rc $(cat "$T/bad.err")"
"$K" check --from "$T/bad" --json >"$T/bad.json" 2>/dev/null
check "bad allocinfo --json: {error}" jq_true '.error | test("allocinfo:4:")' "$T/bad.json"
printf 'allocinfo - version: 9.9\n' >"$T/bad/allocinfo"
"$K" check --from "$T/bad" >/dev/null 2>"$T/bad.err"
[ $? -eq 1 ] && grep -q "unsupported allocinfo version '9.9'" "$T/bad.err" && ok "unknown version: clear error" \
	|| not_ok "unknown version: clear error" "$(cat "$T/bad.err")"
"$K" check --module-allocinfo 12x >/dev/null 2>&1
[ $? -eq 2 ] && ok "bad --module-allocinfo exits 2" || not_ok "bad --module-allocinfo exits 2"
check "kleak help check lists --module-allocinfo" sh -c "'$K' help check | grep -q '^      --module-allocinfo SIZE'"

# --- watch/report: allocinfo sites as series (a recording made here) ---
# 12 samples 1 s apart from the 6.12 capture: leak_kmalloc_work grows by
# 5 objects of 512 bytes a second, Slab and SUnreclaim with it, and the
# slab pages' site (alloc_slab_page); a process's anonymous memory grows
# (folio_prealloc: user memory, not watched); leak_cache_work (the other
# module) and everything else stay. Each sample is a gzip member
# holding a ustar stream without end-of-archive blocks (source/recording.h).
R="$T/rec"
mkdir "$R"
for i in $(seq 1 12); do
	d=$(printf 'sample-%06d' "$i")
	mkdir "$R/$d"
	printf 'kleak_recording=1\nrelease=6.12.0\nhostname=t\ntime=%d\npage_size=4096\nmono_ns=%d000000000\ninterval_ns=1000000000\nsample=%d\n' \
		$((1700000000 + i)) $((10 + i)) "$i" >"$R/$d/meta"
	cp "$F/modules" "$R/$d/"
	awk -v i="$i" '/^(Slab|SUnreclaim):/ { $2 += 3 * i } { print }' "$F/meminfo" >"$R/$d/meminfo"
	awk -v i="$i" 'NR > 2 && /func:leak_kmalloc_work|mm\/slub.c:2478 func:alloc_slab_page/ { $1 += 2560 * i; $2 += 5 * i; print "  " $0 " "; next }
		NR > 2 && /mm\/memory.c:1063 func:folio_prealloc/ { $1 += 8192 * i; $2 += 2 * i; print "  " $0 " "; next } { print }' \
		"$F/allocinfo" >"$R/$d/allocinfo"
	(cd "$R" && tar --format=ustar -b1 -cf - "$d" | head -c -1024 | gzip -c) >>"$T/rec.kleak"
done
# 12 samples of a steady leak: leak once a short window (5 s) is passed.
"$K" report "$T/rec.kleak" --leak-window 5s --json >"$T/r.json" 2>"$T/r.err"
rc=$?
[ $rc -eq 0 ] && ok "report on an allocinfo recording exits 0" || not_ok "report on an allocinfo recording exits 0" "rc=$rc $(cat "$T/r.err")"
check "report: sources.allocinfo ok" jq_true '.sources.allocinfo.ok == true' "$T/r.json"
check "report: the leaker's site ranks first, as a leak, at its true rate (9216000 B/h) +-5%" jq_true '
	.leaks[0] | .source == "allocinfo" and
	.name == "leak_kmalloc_work tests/vm/modules/kleak_kmalloc_leak.c:34 [kleak_kmalloc_leak]" and
	.module == "kleak_kmalloc_leak" and .verdict == "leak" and
	(.rate_bytes_per_hour > 9216000 * 0.95 and .rate_bytes_per_hour < 9216000 * 1.05)' "$T/r.json"
# A site's memory may be slab, pages or vmalloc (allocinfo does not say):
# it explains no aggregate (docs/verdicts.md); the specific site ranks first.
check "report: Slab and SUnreclaim rank below the site, explained by no allocinfo site" jq_true '
	(.leaks | map(.name)) as $n | ($n | index("Slab")) > 0 and ($n | index("SUnreclaim")) > 0 and
	([.leaks[] | select(.source == "meminfo") | .explained_by[] | select(.source == "allocinfo")] | length == 0)' "$T/r.json"
check "report: the slab pages' site is an aggregate, below the leaker's site" jq_true '
	(.leaks | map(.name) | index("alloc_slab_page mm/slub.c:2478")) as $i | $i > 0 and .leaks[$i].aggregate' "$T/r.json"
check "report: user memory (folio_prealloc) is not watched" jq_true '[.leaks[] | select(.name | startswith("folio_prealloc"))] | length == 0' "$T/r.json"
check "report: the twin's site is not listed" jq_true '[.leaks[] | select(.name | test("leak_cache_work"))] | length == 0' "$T/r.json"
"$K" report "$T/rec.kleak" --leak-window 5s >"$T/r.txt" 2>/dev/null
check "report text: an allocinfo row named by its function" grep -qE '^  leak +allocinfo +leak_kmalloc_work' "$T/r.txt"
# A bad allocinfo inside a recording is an error naming the sample.
d=sample-000013
mkdir "$R/$d"
sed 's/^sample=12$/sample=13/; s/mono_ns=22/mono_ns=23/' "$R/sample-000012/meta" >"$R/$d/meta"
cp "$R/sample-000012/meminfo" "$R/$d/"
printf 'allocinfo - version: 7.0\n' >"$R/$d/allocinfo"
(cd "$R" && tar --format=ustar -b1 -cf - "$d" | head -c -1024 | gzip -c) >>"$T/rec.kleak"
"$K" report "$T/rec.kleak" >/dev/null 2>"$T/r.err"
rc=$?
[ $rc -eq 1 ] && grep -q "allocinfo:1: unsupported allocinfo version" "$T/r.err" && ok "report: a bad allocinfo sample exits 1 naming it" \
	|| not_ok "report: a bad allocinfo sample exits 1 naming it" "rc=$rc $(cat "$T/r.err")"

tap_done
