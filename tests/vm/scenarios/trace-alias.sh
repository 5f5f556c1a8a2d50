# SPDX-License-Identifier: GPL-2.0
# A merged cache with many names: kleak_alias makes kleak_zz_real and nine
# caches SLUB merges into it (kleak_alias_0 ... 8), so the name slabinfo
# and the tracepoints use sorts after the nine others. `--cache
# kleak_alias_4` must select the objects allocated through it, in trace
# and in count (a filter once kept eight names of the group, the
# /sys/kernel/slab directory among them, and selected nothing here).
# vm-kernels: all
# vm-timeout: 180
# vm-group: trace
N=100
P=/sys/module/kleak_alias/parameters
echo "$N" >"$OUT/n"
load kleak_alias
ls -l /sys/kernel/slab/ | grep kleak >"$OUT/sys-kernel-slab"
grep kleak /proc/slabinfo >"$OUT/slabinfo"
kleak trace -i 1 --cache kleak_alias_4 --json >"$OUT/trace.json" 2>"$OUT/trace.json.err" &
TP=$!
kleak count --cache kleak_alias_4 -i 1 -j >"$OUT/count.json" 2>"$OUT/count.json.err" &
KP=$!
waitfor "$OUT/trace.json.err" "tracking at most\|^kleak:" 120 || fail "kleak trace did not start"
waitfor "$OUT/count.json.err" "attached via\|^kleak:" 120 || fail "kleak count did not start"
echo "$N" >$P/alloc
sleep 2
kill -INT $TP $KP
wait $TP
echo $? >"$OUT/trace.json.rc"
wait $KP
echo $? >"$OUT/count.json.rc"
echo 1 >$P/release
unload kleak_alias
exit 0
