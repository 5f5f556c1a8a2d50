# SPDX-License-Identifier: GPL-2.0
# Host checks for count-cgroup.sh (sourced by tests/vm/run.sh).
n=$(cat "$OUT/n")
runs="v2-cache v2-funcs"
if [ -e "$OUT/no-v1" ]; then
	skip "$VM_T: cgroup v1 memory" "this kernel cannot mount it: $(head -c 200 "$OUT/no-v1")"
else
	runs="$runs v1-cache v1-funcs"
	expect_jq "v1 --cgroup: the memory hierarchy's cgroup" v1-cache.final \
		'.scope == "cgroup" and .cgroup_version == 1'
fi
expect_jq "v2 --cgroup: the unified cgroup" v2-cache.final \
	'.scope == "cgroup" and .cgroup_version == 2'
for f in $runs; do
	expect_rc0 "$f.json"
	expect_jq "$f: alloc >= $n, outstanding ~ $n, allocations outrun frees" \
		"$f.final" '.alloc >= ($n|tonumber) and .outstanding >= ($n|tonumber) * 0.9 and .outstanding <= ($n|tonumber) * 1.1 + 20 and .verdict == "allocs_outrun_frees"' \
		--arg n "$n"
done
