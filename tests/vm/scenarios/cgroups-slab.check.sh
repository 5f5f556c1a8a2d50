# SPDX-License-Identifier: GPL-2.0
# Host checks for cgroups-slab.sh (sourced by tests/vm/run.sh).
n=$(cat "$OUT/n")
expect_rc0 before.json
expect_rc0 after.json
expect_jq "kleak-hold ranks first" after.json '.cgroups[0].path == "/kleak-hold"'
expect_jq "the v2 fields are filled for it" after.json \
	'.cgroups[0] | .version == 2 and ([.kernel_bytes, .slab_reclaimable_bytes, .slab_unreclaimable_bytes, .kernel_stack_bytes, .pagetables_bytes, .percpu_bytes, .sock_bytes, .memory_bytes] | all(. != null)) and .limit_bytes == null'
expect_jq "kleak-empty and kleak-idle rank below it" after.json \
	'[.cgroups[].path] | index("/kleak-hold") < index("/kleak-empty") and index("/kleak-hold") < index("/kleak-idle")'
# Ground truth: its memcg's own memory.stat. N files cost at least N
# dentries (192 bytes) of slab, which kleak must show as grown.
raw=$(awk '$1 == "kernel" || $1 == "slab" {print $1, $2}' "$OUT/fixture/cgroup/v2/kleak-hold/memory.stat" | tr '\n' ' ')
expect_jq "its kernel memory grew by at least $n x 192 bytes (raw: $raw)" after.json \
	'([.cgroups[] | select(.path == "/kleak-hold") | .slab_reclaimable_bytes + .slab_unreclaimable_bytes][0]) -
	 ($before[0].cgroups | map(select(.path == "/kleak-hold")) | .[0].slab_reclaimable_bytes + .[0].slab_unreclaimable_bytes) >= ($n | tonumber) * 192' \
	--arg n "$n" --slurpfile before "$OUT/before.json"
expect_jq "kleak-empty holds less than kleak-hold" after.json \
	'([.cgroups[] | select(.path == "/kleak-empty") | .rank_kernel_bytes][0]) < ([.cgroups[] | select(.path == "/kleak-hold") | .rank_kernel_bytes][0])'
expect "the text view lists kleak-hold first" \
	sh -c "grep -A1 '^CGROUP' '$OUT/after.txt' | tail -n 1 | grep -q '^/kleak-hold '"

# watch on v2: the negative dentries' cgroup grew with its own reclaimable
# slab (growing_reclaimable, follows_reclaimable, its slab_reclaimable
# series listed beside it); the processes' cgroup is a leak.
expect_rc0 cgwatch.ndjson
echo "# $VM_T: watch's cgroup series: $(jqv cgwatch.ndjson 'last | [.leaks[] | select(.source == "cgroup") | "\(.cgroup.path) \(.cgroup.counter) \(.verdict) \(.reason) \(.rate_bytes_per_hour / 1e6 | floor) MB/h"] | join("; ")' --slurp)"
expect_jq "watch: kleak-neg's kernel memory follows its own reclaimable slab" cgwatch.ndjson \
	'last | [.leaks[] | select(.source == "cgroup" and .cgroup.path == "/kleak-neg")] |
	 (map(select(.cgroup.counter == "kernel")) | length == 1 and .[0].verdict == "growing_reclaimable" and .[0].reason == "follows_reclaimable")
	 and (map(select(.cgroup.counter == "slab_reclaimable")) | length == 1 and .[0].verdict == "growing_reclaimable")' --slurp
expect_jq "watch: kleak-procs's kernel memory is a leak" cgwatch.ndjson \
	'last | [.leaks[] | select(.source == "cgroup" and .cgroup.path == "/kleak-procs" and .cgroup.counter == "kernel")] |
	 length == 1 and .[0].verdict == "leak"' --slurp
