# SPDX-License-Identifier: GPL-2.0
# kleak trace on a real kernel with a real leak: kleak_kmalloc_leak kmallocs
# and drops 512 bytes every few ms, its twin kleak_kmalloc_ok allocates and
# frees at the same rate (a ring of 16). Traced for 8 s: the leaker's call
# site must be the top outstanding one with its module named; the twin's
# must not grow; its kernel stack, in the folded format (--stacks
# --folded), holds the call site's outstanding bytes. Also: --cache kmalloc-512 selects it (the resolver trace
# shares with count), the BPF programs load on this kernel (raw_tp,
# CO-RE) and none is left after kleak exits.
# vm-kernels: all
# vm-timeout: 210
# vm-group: trace
load kleak_kmalloc_leak max_allocs=100000
load kleak_kmalloc_ok
wait_param kleak_kmalloc_leak allocs 20 60
# --stacks with --folded=FILE in the same run: the stacks that hold the
# leaker's objects, in the folded format, beside --json's numbers
run trace.json kleak trace -i 2 -d 8 --stacks --folded="$OUT/trace.folded" --json
# --cache through the resolver trace shares with count: the leaker's
# objects are in kmalloc-512, as this kernel's slabinfo names it
run trace-cache.json kleak trace -d 3 --cache kmalloc-512 --json
# every program loads here: opt-in events (absent ones named), stacks, sampling, filters
run trace-opt.json kleak trace -d 3 --pages --percpu --vmalloc --stacks --sample 4 --min-size 64 --json
save modules-loaded /proc/modules
cat /sys/module/kleak_kmalloc_leak/parameters/allocs >"$OUT/leak-allocs"
# programs held while running (prog_id in its fdinfo), then none anywhere
run trace-sigterm.txt sh -c 'kleak trace -i 60 >/dev/null 2>"$0" & p=$!; i=0
	while [ $i -lt 60 ] && ! grep -q "^prog_id" /proc/$p/fdinfo/* 2>/dev/null; do sleep 0.5; i=$((i + 1)); done
	cat /proc/$p/fdinfo/* 2>/dev/null | grep -c "^prog_id"; kill -TERM $p; wait $p; echo rc=$?; sleep 1
	cat /proc/[0-9]*/fdinfo/* 2>/dev/null | grep -c "^prog_id"' "$OUT/trace-sigterm.stderr"
unload kleak_kmalloc_ok
unload kleak_kmalloc_leak
exit 0
