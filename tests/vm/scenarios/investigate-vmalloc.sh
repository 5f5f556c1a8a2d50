# SPDX-License-Identifier: GPL-2.0
# kleak investigate on the lesson's module turned steady leaker: kmem_test
# vmallocs a page every 400 ms from kmem_alloc() and never vfrees it
# (36 MB/h). The verdict names the caller and the module: through vmalloc
# tracing on 6.2+, through vmallocinfo's caller on 6.1.
# vm-kernels: all 6.12-cloud
# vm-timeout: 300
# vm-group: investigate
load kmem_test every_ms=400 size=4096 leak=1 max_areas=100000
param kmem_test areas >"$OUT/areas-start"
run investigate.json kleak investigate -d 3m --json
param kmem_test areas >"$OUT/areas-end"
save vmallocinfo /proc/vmallocinfo
unload kmem_test
exit 0
