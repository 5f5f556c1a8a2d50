# SPDX-License-Identifier: GPL-2.0
# One host of the fleet test (tests/vm/fleet.sh), inside the VM: the
# network of qemu's user-mode netdev, the build of kleak_fleet the host
# test put on the share (/host/fleet/kleak_fleet.ko: leaky or fixed), and
# `kleak exporter` on every interface until the host test has its answer
# and writes /host/stop. Outputs: srcversion (the loaded build's),
# exporter.err/.rc, vmallocinfo at the end.
# vm-timeout: 600
hostname "$(cat /host/fleet/hostname)"
ip link set lo up
ip link set eth0 up || fail "no eth0: the boot has no virtio-net device"
ip addr add 10.0.2.15/24 dev eth0 # qemu's user network forwards to 10.0.2.15
echo "+ $(hostname): $(ip -4 addr show eth0 | grep inet)"
insmod /host/fleet/kleak_fleet.ko interval_ms=50 max_allocs=12000 || fail "insmod kleak_fleet failed"
cat /sys/module/kleak_fleet/srcversion >"$OUT/srcversion" || fail "kleak_fleet has no srcversion"
cat /sys/module/kleak_fleet/version >"$OUT/version"
echo "+ kleak_fleet $(cat "$OUT/version") srcversion $(cat "$OUT/srcversion")"
kleak exporter --listen 0.0.0.0:19117 -i 1 --leak-window "$(cat /host/fleet/leak-window)" \
	>"$OUT/exporter.out" 2>"$OUT/exporter.err" &
pid=$!
while [ ! -e /host/stop ] && kill -0 "$pid" 2>/dev/null; do
	sleep 1
done
kill "$pid" 2>/dev/null
wait "$pid"
echo $? >"$OUT/exporter.rc"
save vmallocinfo /proc/vmallocinfo
rmmod kleak_fleet
exit 0
