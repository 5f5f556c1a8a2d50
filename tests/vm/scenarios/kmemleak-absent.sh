# SPDX-License-Identifier: GPL-2.0
# Debian 12's own 6.1 has no kmemleak: `kleak kmemleak` must say so plainly
# (the reason, the production alternatives) without failing `report`, and
# fail `scan` and `run` without running the command.
# vm-kernels: 6.1
# vm-timeout: 30
[ -e /sys/kernel/debug/kmemleak ] && skip "this kernel has kmemleak"
run report.json kleak kmemleak report --json
run report.txt kleak kmemleak report
run scan.txt kleak kmemleak scan
run run.txt kleak kmemleak run -- touch /tmp/ran
[ -e /tmp/ran ] && echo yes >"$OUT/ran"
exit 0
