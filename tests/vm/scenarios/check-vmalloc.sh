# SPDX-License-Identifier: GPL-2.0
# The lesson's case: kmem_test vmallocs SIZE bytes in kmem_alloc() and, with
# leak=1, never vfrees them. kleak check must name [kmem_test]/kmem_alloc as
# the top vmalloc module/caller with the right size; after rmmod the memory
# is still there and is reported as "(unloaded module)", or as kmem_test's
# when a snapshot taken while it was loaded is given with --baseline.
# vm-kernels: all
# vm-timeout: 120
SIZE=33554432	# 32 MiB: well above anything else the VM vmallocs

load kmem_test size=$SIZE leak=1
echo "$SIZE" >"$OUT/size"
save vmallocinfo-loaded /proc/vmallocinfo
save modules-loaded /proc/modules
run check-loaded.json kleak check --json
run snapshot kleak snapshot -o /tmp/snap-loaded
unload kmem_test
save vmallocinfo-unloaded /proc/vmallocinfo
run check-unloaded.json kleak check --json
run check-baseline.json kleak check --json --baseline /tmp/snap-loaded
exit 0
