# SPDX-License-Identifier: GPL-2.0
# Frees the kmem tracepoints never see (kmem_cache_free_bulk, the end of
# kfree_rcu's batches too), made deterministic by kleak_bulk: writing N to
# its `bulk` parameter allocates N objects at bulk_alloc_one() and frees
# them in bulk, untraced; writing N to `cycle` allocates N at
# cycle_alloc_one() (mostly the addresses just bulk-freed: `reused` counts
# them) and frees them one by one, traced.
# - trace --min-age 2: a real leak (kleak_cache_leak, 60 objects) next to
#   a bulk round, a cycle and a second bulk round left to age. The bulk
#   call site's objects are old and outstanding to any tracer: they must be
#   reported unconfirmed (the call site has seen its frees missed: its
#   addresses came back), and ranked after the leak's confirmed objects
#   although they hold ten times the bytes.
# - count --cache kleak_bulk_cache -p SHELL: the shell's objects are freed
#   in bulk, then another process on the same CPU allocates the addresses
#   again and frees them: its allocations repair the shell's stale
#   entries (repaired = the module's reused), its frees are not the shell's.
# vm-kernels: all
# vm-timeout: 240
# vm-group: trace
N=200
P=/sys/module/kleak_bulk/parameters
echo "$N" >"$OUT/n"
load kleak_bulk
# --- trace ---
kleak trace -i 1 --min-age 2 --json >"$OUT/trace.json" 2>"$OUT/trace.json.err" &
TP=$!
waitfor "$OUT/trace.json.err" "tracking at most\|^kleak:" 120 || fail "kleak trace did not start"
load kleak_cache_leak max_allocs=60
wait_param kleak_cache_leak allocs 60 60
taskset 1 sh -c "echo $N >$P/bulk; echo $N >$P/cycle; echo $N >$P/bulk"
param kleak_bulk reused >"$OUT/trace-reused"
sleep 5 # everything ages past --min-age
kill -INT $TP
wait $TP
echo $? >"$OUT/trace.json.rc"
param kleak_cache_leak allocs >"$OUT/leak-allocs"
# --- count ---
R0=$(param kleak_bulk reused)
rm -f /tmp/bulk-gate /tmp/bulk-done
mkfifo /tmp/bulk-gate
taskset 1 sh -c "read -r _ </tmp/bulk-gate; echo $N >$P/bulk; touch /tmp/bulk-done; sleep 2" &
SP=$!
kleak count --cache kleak_bulk_cache -p $SP -i 1 -j >"$OUT/count.json" 2>"$OUT/count.json.err" &
KP=$!
waitfor "$OUT/count.json.err" "attached via\|^kleak:" 120 || fail "kleak count did not start"
echo go >/tmp/bulk-gate
_i=0
until [ -e /tmp/bulk-done ] || [ "$_i" -gt 300 ]; do usleep 100000; _i=$((_i + 1)); done
taskset 1 sh -c "echo $N >$P/cycle" # another process, the same CPU
wait $SP
sleep 1
kill -INT $KP
wait $KP
echo $? >"$OUT/count.json.rc"
echo $(($(param kleak_bulk reused) - R0)) >"$OUT/count-reused"
unload kleak_cache_leak
unload kleak_bulk
exit 0
