#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The fleet test (issue 16, docs/exporter.md "The fleet test"): two qemu
# VMs of the 6.12 test kernel boot at once, each with a user-mode network
# whose only way in is a port forward on the host's 127.0.0.1 (restrict=on),
# and run `kleak exporter --listen 0.0.0.0:19117` inside. One loads the
# leaking build of tests/vm/modules/fleet, the other the fixed build (the
# same module, another srcversion). A real Prometheus on the host scrapes
# both every second with the contrib rules, and one PromQL query, which
# names no module, must name the leaking build and its host: one row, the
# leaky VM's instance and node name, module kleak_fleet, the srcversion
# the leaky VM loaded; the fixed VM is scraped and has no leak.
#
# Prints TAP. Bounded: FLEET_BOOT_S (240) for both exporters to answer,
# FLEET_VERDICT_S (240) for the answer after that; about 2-3 minutes on 2
# busy cores (see docs/exporter.md for the measured cost). Knobs of
# tests/vm/lib/vm.sh apply (KLEAK_VM_BIN: the kleak put in the VMs).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/vm/lib/vm.sh

LEAK_WINDOW=${FLEET_LEAK_WINDOW:-20s}
W=$(mktemp -d /tmp/kleak-fleet.XXXXXX)
pids=()
# stop_vms: the VMs see /host/stop, stop their exporters and power off.
stop_vms() {
	local b
	for b in leaky fixed; do
		[ -d "$VM_RUN/fleet-$b" ] && : >"$VM_RUN/fleet-$b/stop"
	done
}
cleanup() {
	stop_vms
	[ -n "${prom:-}" ] && kill "$prom" 2>/dev/null
	# The VMs power off once they see stop; qemu is killed only if not.
	for i in $(seq 30); do
		running=0
		for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && running=1; done
		[ "$running" = 0 ] && break
		sleep 1
	done
	for p in "${pids[@]}"; do pkill -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

# The reasons to skip, all at once.
why=""
command -v "$VM_QEMU" >/dev/null || why="$VM_QEMU not installed (qemu-system-x86)"
command -v prometheus >/dev/null || why="${why:+$why; }prometheus not installed"
command -v jq >/dev/null || why="${why:+$why; }jq not installed"
command -v curl >/dev/null || why="${why:+$why; }curl not installed"
if [ -z "$why" ] && ! vm_kernel 6.12; then
	why=$VM_ERR
fi
if [ -n "$why" ]; then
	skip "fleet: two VMs, one Prometheus, the leaking build named" "$why"
	tap_done
	exit
fi

# Both builds of kleak_fleet from copies of the one source.
fleet_modules() {
	local b d
	for b in leaky fixed; do
		d=$VM_RUN/fleet/$b
		rm -rf "$d" && mkdir -p "$d" && cp tests/vm/modules/fleet/* "$d/"
		[ "$b" = leaky ] && sed -i 's/KLEAK_FLEET_LEAK 0/KLEAK_FLEET_LEAK 1/' "$d/kleak_fleet_build.h"
		if ! make -C "$VM_HDRS" M="$d" modules >"$d/build.log" 2>&1; then
			VM_ERR="building kleak_fleet ($b) failed: $(grep -m1 -E 'error|Error' "$d/build.log")"
			return 1
		fi
	done
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# boot NAME PORT: one VM in the background (pid in pids[]); its outcome in
# $W/NAME.err (empty: powered off after its scenario).
boot() {
	local name=$1 port=$2 share=$VM_RUN/fleet-$1
	rm -rf "$share" && mkdir -p "$share/fleet"
	cp "$VM_RUN/fleet/$name/kleak_fleet.ko" "$share/fleet/"
	echo "fleet-$name" >"$share/fleet/hostname"
	echo "$LEAK_WINDOW" >"$share/fleet/leak-window"
	: >"$W/$name.err"
	(
		if ! vm_initramfs "$VM_RUN/fleet-$name.cpio" tests/vm/fleet/fleet-host.sh ||
			! VM_HOSTFWD="tcp:127.0.0.1:$port-:19117" KLEAK_VM_MEM=768 \
				vm_boot "$VM_RUN/fleet-$name.cpio" "$share" 700 "$VM_RUN/console-fleet-$name.log"; then
			echo "$VM_ERR" >"$W/$name.err"
		fi
	) &
	pids+=($!)
}

t0=$SECONDS
if ! fleet_modules; then
	not_ok "fleet: the module pair builds" "$VM_ERR"
	tap_done
	exit
fi
ok "fleet: kleak_fleet built twice (leaky, fixed) against the 6.12 headers"
PL=$(free_port)
PF=$(free_port)
boot leaky "$PL"
boot fixed "$PF"

# Both exporters answer through their forwards.
up=""
for i in $(seq "${FLEET_BOOT_S:-240}"); do
	up=""
	for p in "$PL" "$PF"; do
		curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$p/metrics" && up="$up $p"
	done
	[ "$up" = " $PL $PF" ] && break
	[ -s "$W/leaky.err" ] || [ -s "$W/fixed.err" ] && break
	sleep 1
done
boot_s=$((SECONDS - t0))
if [ "$up" = " $PL $PF" ]; then
	ok "fleet: both exporters answer on 127.0.0.1 through qemu's port forwards (${boot_s}s)"
else
	not_ok "fleet: both exporters answer through the port forwards" "up:$up of $PL $PF" \
		"leaky: $(cat "$W/leaky.err")" "fixed: $(cat "$W/fixed.err")" \
		"$(tail -n 5 "$VM_RUN/console-fleet-leaky.log" 2>/dev/null)"
	tap_done
	exit
fi

PP=$(free_port)
cat >"$W/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [ "$VM_TOP/contrib/prometheus/kleak.rules.yml" ]
scrape_configs:
  - job_name: fleet
    static_configs: [ { targets: [ "127.0.0.1:$PL", "127.0.0.1:$PF" ] } ]
EOF
prometheus --config.file="$W/prometheus.yml" --storage.tsdb.path="$W/tsdb" \
	--web.listen-address="127.0.0.1:$PP" --log.level=warn >"$W/prom.log" 2>&1 &
prom=$!
P=http://127.0.0.1:$PP
q() { curl -s --max-time 5 --data-urlencode "query=$1" "$P/api/v1/query"; }

# The query: which module build leaks, on which host. It names no module.
QUERY='count by (instance, nodename, module, srcversion) (
  (kleak_verdict{verdict="leak", module!=""} == 1)
  * on (instance) group_left (nodename) kleak_build_info)'
n=0
for i in $(seq "${FLEET_VERDICT_S:-240}"); do
	q "$QUERY" >"$W/answer.json"
	n=$(jq -r '.data.result | length' "$W/answer.json" 2>/dev/null)
	[ "${n:-0}" -ge 1 ] && break
	sleep 1
done
verdict_s=$((SECONDS - t0 - boot_s))
sleep 5 # a few more scrapes: the answer must stay the one row
q "$QUERY" >"$W/answer.json"
echo "# fleet query: $(tr -d '\n' <<<"$QUERY" | tr -s ' ')"
jq -c '.data.result[] | .metric + { value: .value[1] }' "$W/answer.json" 2>/dev/null | sed 's/^/#   /'
q 'kleak_module_info{module="kleak_fleet"}' >"$W/builds.json"
q 'module_srcversion:kleak_leaking_hosts:count' >"$W/rule.json"
q 'max by (instance) (kleak_verdict{verdict="leak", module="kleak_fleet"})' >"$W/fixed.json"

stop_vms
for p in "${pids[@]}"; do wait "$p"; done
pids=()
total_s=$((SECONDS - t0))
echo "# fleet: boots ${boot_s}s, leak named ${verdict_s}s later, ${total_s}s in all"

OL=$VM_RUN/fleet-leaky/out/fleet-host OF=$VM_RUN/fleet-fixed/out/fleet-host
sl=$(cat "$OL/srcversion" 2>/dev/null) sf=$(cat "$OF/srcversion" 2>/dev/null)
[ -n "$sl" ] && [ -n "$sf" ] && [ "$sl" != "$sf" ] &&
	ok "fleet: the builds differ in srcversion (leaky $sl, fixed $sf)" ||
	not_ok "fleet: the builds differ in srcversion" "leaky '$sl' fixed '$sf'"
for b in leaky fixed; do
	err=$(cat "$W/$b.err") rc=$(cat "$VM_RUN/fleet-$b/out/fleet-host/rc" 2>/dev/null)
	erc=$(cat "$VM_RUN/fleet-$b/out/fleet-host/exporter.rc" 2>/dev/null)
	[ -z "$err" ] && [ "$rc" = 0 ] && [ "$erc" = 0 ] &&
		ok "fleet: VM $b ran and powered off, its exporter ended with 0 on SIGTERM" ||
		not_ok "fleet: VM $b ran and powered off" "boot: ${err:-ok}, scenario rc ${rc:-none}, exporter rc ${erc:-none}" \
			"$(tail -n 5 "$VM_RUN/fleet-$b/out/fleet-host/exporter.err" 2>/dev/null)"
done
got=$(jq -r --arg i "127.0.0.1:$PL" --arg s "$sl" '[.data.result[] | .metric |
	select(.instance == $i and .nodename == "fleet-leaky" and .module == "kleak_fleet" and .srcversion == $s)] | length' \
	"$W/answer.json" 2>/dev/null)
[ "$(jq -r '.data.result | length' "$W/answer.json" 2>/dev/null)" = 1 ] && [ "$got" = 1 ] &&
	ok "fleet: one query names the leaking build and host: kleak_fleet $sl on fleet-leaky (127.0.0.1:$PL)" ||
	not_ok "fleet: one query names the leaking build and host" "want instance 127.0.0.1:$PL nodename fleet-leaky srcversion $sl" \
		"got: $(jq -c '.data.result' "$W/answer.json" 2>/dev/null || cat "$W/answer.json")"
b=$(jq -r '[.data.result[] | .metric.instance + "=" + .metric.srcversion] | sort | join(" ")' "$W/builds.json" 2>/dev/null)
want=$(printf '%s\n' "127.0.0.1:$PL=$sl" "127.0.0.1:$PF=$sf" | sort | paste -sd' ')
[ "$b" = "$want" ] && ok "fleet: both builds scraped, each with its srcversion (kleak_module_info)" ||
	not_ok "fleet: both builds scraped" "want $want" "got $b"
f=$(jq -r --arg i "127.0.0.1:$PF" '[.data.result[] | select(.metric.instance == $i) | .value[1]] | .[0] // "none"' \
	"$W/fixed.json" 2>/dev/null)
[ "$f" != 1 ] && ok "fleet: the fixed build is no leak (its kleak_fleet verdict: ${f})" ||
	not_ok "fleet: the fixed build is no leak" "$(cat "$W/fixed.json")"
r=$(jq -r --arg s "$sl" '[.data.result[] | select(.metric.module == "kleak_fleet" and .metric.srcversion == $s) |
	.value[1]] | .[0] // "none"' "$W/rule.json" 2>/dev/null)
[ "$r" = 1 ] && ok "fleet: contrib rule module_srcversion:kleak_leaking_hosts:count is 1 for the leaky build" ||
	not_ok "fleet: contrib rule counts the leaking hosts" "$(cat "$W/rule.json")"
tap_done
