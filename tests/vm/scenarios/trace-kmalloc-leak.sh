# SPDX-License-Identifier: GPL-2.0
# kleak trace on a real kernel with a real leak, the usual way round:
# tracing starts, then the driver is loaded. kleak_kmalloc_leak kmallocs
# and drops 512 bytes every few ms, 400 times, then stops; its twin
# kleak_kmalloc_ok allocates and frees at the same rate (a ring of 16).
# Both modules come after kleak attached: the leaker's call site must be
# named with its function and module (the symbols are read again when the
# modules change), its allocations equal to the count the module keeps,
# all outstanding; the twin's must not grow. Also: --cache kmalloc-512
# selects it (the resolver trace shares with count), map_bytes is at least
# what the object map really holds (6.1's fdinfo says about half), every
# program loads on this kernel (raw_tp, CO-RE) and none is left after kleak
# exits. With --stacks --folded=FILE in the same run, the
# leaker's kernel stack in the folded format holds its outstanding bytes.
# vm-kernels: all
# vm-timeout: 240
# vm-group: trace
MAX=400
kleak trace -i 2 --stacks --folded="$OUT/trace.folded" --json >"$OUT/trace.json" 2>"$OUT/trace.json.err" &
TP=$!
waitfor "$OUT/trace.json.err" "tracking at most\|^kleak:" 120 || fail "kleak trace did not start"
load kleak_kmalloc_leak max_allocs=$MAX
load kleak_kmalloc_ok
wait_param kleak_kmalloc_leak allocs $MAX 120
sleep 3 # one more report after the last allocation
kill -INT $TP
wait $TP
echo $? >"$OUT/trace.json.rc"
param kleak_kmalloc_leak allocs >"$OUT/leak-allocs"
save modules-loaded /proc/modules
# --cache through the resolver trace shares with count: the leaker's
# objects are in kmalloc-512, as this kernel's slabinfo names it
unload kleak_kmalloc_leak
kleak trace -i 1 --cache kmalloc-512 --json >"$OUT/trace-cache.json" 2>"$OUT/trace-cache.json.err" &
TP=$!
waitfor "$OUT/trace-cache.json.err" "tracking at most\|^kleak:" 120 || fail "kleak trace --cache did not start"
load kleak_kmalloc_leak max_allocs=100
wait_param kleak_kmalloc_leak allocs 100 60
sleep 2
kill -INT $TP
wait $TP
echo $? >"$OUT/trace-cache.json.rc"
# every program loads here: opt-in events (absent ones named), stacks, sampling, filters
run trace-opt.json kleak trace -d 3 --pages --percpu --vmalloc --stacks --sample 4 --min-size 64 --json
# programs held while running (prog_id in its fdinfo), then none anywhere
run trace-sigterm.txt sh -c 'kleak trace -i 60 >/dev/null 2>"$0" & p=$!; i=0
	while [ $i -lt 60 ] && ! grep -q "^prog_id" /proc/$p/fdinfo/* 2>/dev/null; do sleep 0.5; i=$((i + 1)); done
	cat /proc/$p/fdinfo/* 2>/dev/null | grep -c "^prog_id"; kill -TERM $p; wait $p; echo rc=$?; sleep 1
	cat /proc/[0-9]*/fdinfo/* 2>/dev/null | grep -c "^prog_id"' "$OUT/trace-sigterm.stderr"
unload kleak_kmalloc_ok
unload kleak_kmalloc_leak
exit 0
