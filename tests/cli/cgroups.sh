#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `kleak cgroups` on real containers: a private dockerd (tests/lib/docker.sh)
# runs busybox containers that hold files, churn files, and fill a 64 MiB
# memory cgroup with negative dentries (the lesson's production case);
# kleak must name them as docker does and find what they hold. Then the
# command's contract without docker: --from snapshots of real captures,
# usage errors, the JSON schema in docs/cgroups.md.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
T=$(mktemp -d)
cleanup() { docker_stop; rm -rf "$T"; }
. tests/lib/docker.sh
trap cleanup EXIT

cg() { "$K" cgroups --json "$@"; }
# kernel_bytes of the cgroup named $2 in the JSON file $1
kbytes() { jq -r --arg n "$2" '[.cgroups[] | select(.name == $n) | .kernel_bytes][0] // empty' "$1"; }

# --- without docker: captured cgroups of this host and the VMs ---
for d in tests/fixtures/cgroups/*/; do
	[ -d "$d/cgroup" ] || continue
	name=$(basename "$d")
	if cg --from "$d" >"$T/f.json" 2>"$T/f.err" &&
		jq_true '.cgroups | length > 0' "$T/f.json" >/dev/null; then
		ok "cgroups --from fixtures/cgroups/$name reads $(jq '.cgroups | length' "$T/f.json") cgroups"
	else
		not_ok "cgroups --from fixtures/cgroups/$name" "$(cat "$T/f.err")"
	fi
done

# Every key of every cgroup object and of the document is in docs/cgroups.md.
if [ -s "$T/f.json" ]; then
	missing=""
	for k in $(jq -r '(keys[]), (.cgroups[0] | keys[]), (.cgroups[0].events | keys[]), (.hierarchies[0] | keys[]), (.host | keys[])' "$T/f.json" | sort -u); do
		grep -qE "\`$k(\[\])?\`" docs/cgroups.md || missing="$missing $k"
	done
	[ -z "$missing" ] && ok "every JSON key is documented in docs/cgroups.md" \
		|| not_ok "keys missing from docs/cgroups.md:$missing"
	want='path name runtime id kernel_bytes slab_reclaimable_bytes slab_unreclaimable_bytes kernel_stack_bytes pagetables_bytes percpu_bytes sock_bytes vmalloc_bytes memory_bytes limit_bytes'
	missing=""
	for k in $want; do jq_true --arg k "$k" '.cgroups[0] | has($k)' "$T/f.json" >/dev/null || missing="$missing $k"; done
	[ -z "$missing" ] && ok "cgroups[] has the issue's keys" || not_ok "cgroups[] lacks:$missing"
fi

"$K" cgroups --from "$T/nonexistent" >/dev/null 2>"$T/e"; rc=$?
[ $rc -eq 1 ] && grep -q "nonexistent" "$T/e" && ok "--from a missing directory: exit 1, named" \
	|| not_ok "--from missing: rc $rc" "$(cat "$T/e")"
mkdir -p "$T/empty"
"$K" cgroups --from "$T/empty" >/dev/null 2>"$T/e"; rc=$?
[ $rc -eq 1 ] && grep -q "no cgroup/v1 or cgroup/v2" "$T/e" && ok "--from a directory without cgroups: exit 1, said" \
	|| not_ok "--from empty: rc $rc" "$(cat "$T/e")"
"$K" cgroups --top 0 >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok "--top 0 is a usage error" || not_ok "--top 0: rc $rc"
mkdir -p "$T/bad/cgroup/v2/x"
printf 'anon 1\nkernel twelve\n' >"$T/bad/cgroup/v2/x/memory.stat"
"$K" cgroups --from "$T/bad" >/dev/null 2>"$T/e"; rc=$?
[ $rc -eq 1 ] && grep -q "cgroup/v2/x/memory.stat:2:" "$T/e" && ok "a memory.stat that does not parse: exit 1 with file and line" \
	|| not_ok "bad memory.stat: rc $rc" "$(cat "$T/e")"
# A symlink in a snapshot is never followed out of it.
mkdir -p "$T/link/cgroup/v2/a" && printf 'kernel 5\n' >"$T/link/cgroup/v2/a/memory.stat"
ln -s /sys/fs/cgroup "$T/link/cgroup/v2/escape"
if cg --from "$T/link" >"$T/l.json" 2>/dev/null && jq_true '[.cgroups[].path] == ["/a"]' "$T/l.json" >/dev/null; then
	ok "symlinks in a snapshot are not followed"
else
	not_ok "symlinks followed" "$(jq -c '[.cgroups[].path]' "$T/l.json" 2>&1 | head -c 300)"
fi
# The cap: reads at most N cgroups and says so.
mkdir -p "$T/many/cgroup/v2"
for i in $(seq 1 30); do mkdir -p "$T/many/cgroup/v2/c$i"; printf 'kernel %d\n' "$i" >"$T/many/cgroup/v2/c$i/memory.stat"; done
if cg --from "$T/many" --max-cgroups 10 >"$T/m.json" 2>"$T/m.err" &&
	jq_true '.capped == true and .cgroups_read == 10' "$T/m.json" >/dev/null && grep -q "max-cgroups" "$T/m.err"; then
	ok "--max-cgroups caps the walk and says so"
else
	not_ok "--max-cgroups" "$(cat "$T/m.err")" "$(jq -c '{capped,cgroups_read}' "$T/m.json" 2>&1)"
fi

# --- live, with docker ---
if ! docker_start; then
	for t in "a container holding 20000 files is named and grew" \
		"a container churning files does not grow" \
		"the lesson's case: a 64m container full of dentries is the finding" \
		"--container NAME keeps that container" "--container typo suggests the name"; do
		skip "$t" "$DOCKER_SKIP"
	done
	tap_done; exit
fi
echo "# docker: $(docker_cgroup_info)"
docker_image || { not_ok "docker import of busybox-static" "$DOCKER_SKIP"; tap_done; exit; }

# hold: waits for /go, then creates and keeps 20000 files. churn: creates
# and removes the same 100 names in a loop (dentries reused, no growth).
dk run -d --name kleak-hold --network none "$DOCKER_IMAGE" sh -c \
	'while [ ! -e /go ]; do sleep 0.2; done; mkdir /d; i=0; while [ $i -lt 20000 ]; do : > /d/f$i; i=$((i+1)); done; : > /ready; exec sleep 3600' >/dev/null
dk run -d --name kleak-churn --network none "$DOCKER_IMAGE" sh -c \
	'mkdir /c; while :; do i=0; while [ $i -lt 100 ]; do : > /c/f$i; i=$((i+1)); done; rm -f /c/f*; done' >/dev/null
sleep 3
cg >"$T/before.json" 2>"$T/before.err"
dk exec kleak-hold touch /go
for _ in $(seq 1 300); do dk exec kleak-hold test -e /ready 2>/dev/null && break; sleep 0.2; done
sleep 1
cg >"$T/after.json" 2>"$T/after.err"
objsize=$(awk '$1 == "dentry" {print $4}' /proc/slabinfo)
[ -n "$objsize" ] || objsize=192
b=$(kbytes "$T/before.json" kleak-hold) a=$(kbytes "$T/after.json" kleak-hold)
need=$((20000 * objsize))
id=$(docker_id kleak-hold)
if [ -n "$a" ] && [ -n "$b" ] && [ $((a - b)) -ge $need ] &&
	jq_true --arg id "$id" '.cgroups[] | select(.name == "kleak-hold") | .runtime == "docker" and .id == $id' "$T/after.json" >/dev/null; then
	ok "a container holding 20000 files is named and grew ($((a - b)) bytes >= 20000 x $objsize)"
else
	not_ok "a container holding 20000 files is named and grew" "before=$b after=$a need=$need" \
		"$(jq -c '[.cgroups[] | {path,name,kernel_bytes}]' "$T/after.json" 2>&1 | head -c 600)" "$(cat "$T/after.err")"
fi
b=$(kbytes "$T/before.json" kleak-churn) a=$(kbytes "$T/after.json" kleak-churn)
# churn's own growth must stay far below what the holder showed
if [ -n "$a" ] && [ -n "$b" ] && [ $((a - b)) -lt $((need / 4)) ]; then
	ok "a container churning files does not grow ($((a - b)) bytes over the same run)"
else
	not_ok "a container churning files does not grow" "before=$b after=$a limit=$((need / 4))"
fi

# The lesson: a 64 MiB container filling its memcg with negative dentries
# (stat of names that do not exist) while the host has gigabytes free.
dk run -d --name kleak-neg --memory 64m --network none "$DOCKER_IMAGE" sh -c \
	'i=0; while :; do [ -e /nx$i ]; i=$((i+1)); done' >/dev/null
found=""
for _ in $(seq 1 60); do
	cg >"$T/neg.json" 2>/dev/null
	if jq_true '.findings[] | select(.id == "cgroup-kernel-at-limit" and .subject == "kleak-neg")' "$T/neg.json" >/dev/null; then
		found=1; break
	fi
	sleep 1
done
if [ -n "$found" ] &&
	jq_true '[.findings[] | select(.id == "cgroup-kernel-at-limit")] | length == 1 and (.[0].next == "kleak count --cache dentry --container kleak-neg")' "$T/neg.json" >/dev/null; then
	ok "the lesson's case: a 64m container full of dentries is the finding, with the next command"
else
	not_ok "the lesson's case: a 64m container full of dentries is the finding" \
		"$(jq -c '.findings, [.cgroups[] | select(.name == "kleak-neg")]' "$T/neg.json" 2>&1 | head -c 800)"
fi
"$K" cgroups >"$T/neg.txt" 2>&1
grep -q "kleak-neg is at its memory limit" "$T/neg.txt" && grep -q "next: kleak count --cache dentry --container kleak-neg" "$T/neg.txt" \
	&& ok "the text view says it too" || not_ok "text view" "$(tail -n 8 "$T/neg.txt")"

if cg --container kleak-hold >"$T/one.json" 2>"$T/one.err" &&
	jq_true '[.cgroups[].name] == ["kleak-hold"]' "$T/one.json" >/dev/null &&
	cg --container "${id:0:12}" | jq_true '[.cgroups[].name] == ["kleak-hold"]' >/dev/null; then
	ok "--container NAME keeps that container (by name and by short id)"
else
	not_ok "--container NAME keeps that container" "$(cat "$T/one.err")"
fi
"$K" cgroups --container kleak-hlod >/dev/null 2>"$T/typo"; rc=$?
[ $rc -eq 1 ] && grep -q "close names: kleak-hold" "$T/typo" && ok "--container typo suggests the name (exit 1)" \
	|| not_ok "--container typo: rc $rc" "$(cat "$T/typo")"
tap_done
