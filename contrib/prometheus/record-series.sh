#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Turns series recorded by a Prometheus that scraped `kleak exporter` during
# a real leak (tests/cli/exporter.sh with EXPORTER_RECORD_DIR=DIR does it:
# build/leaker holding threads) into the input_series of a `promtool test
# rules` file. Each recorded second becomes one minute (interval: 1m), so a
# 20 s leak window plays as 20 minutes against the rules' real `for`s.
#
#   record-series.sh PROMETHEUS_URL SECONDS > input_series.yml
#
# Recorded: the verdicts, growth rates and bytes of task_struct (slab) and
# kernel_clone (vmalloc_caller), and MemTotal, as host1. For the fleet rule
# the kernel_clone verdicts are also written as a module's ("leaky",
# srcversion 5A1C0FFEE) on host1 and host2: the same recorded values under
# module labels, since the leaker leaks through the kernel's own code; host3
# carries the fixed build (srcversion B0BCAFE), whose verdicts stay 0.
set -euo pipefail
P=$1 SECS=$2
end=$(date +%s)
start=$((end - SECS))

# series SELECTOR [JQ_RELABEL]: one input_series entry per result.
series() {
	curl -sf --get --data-urlencode "query=$1" --data-urlencode "start=$start" \
		--data-urlencode "end=$end" --data-urlencode step=1 "$P/api/v1/query_range" |
	jq -r --argjson s "$start" --argjson e "$end" "
		.data.result[] | .metric.instance = \"host1\" | ${2:-.} |
		(.values | map({key: (.[0] | floor | tostring), value: .[1]}) | from_entries) as \$v |
		\"      - series: '\" + .metric.__name__ + \"{\" +
			([.metric | to_entries[] | select(.key != \"__name__\") | \"\(.key)=\\\"\(.value)\\\"\"] | join(\",\")) +
			\"}'\n        values: '\" + ([range(\$s; \$e + 1) | tostring | \$v[.] // \"_\"] | join(\" \")) + \"'\""
}

echo "    input_series:"
for n in 'source="slab",name="task_struct"' 'source="vmalloc_caller",name="kernel_clone"'; do
	series "kleak_verdict{job=\"kleak\",$n}"
	series "kleak_growth_bytes_per_second{job=\"kleak\",$n}"
done
series 'kleak_slab_cache_bytes{job="kleak",cache="task_struct"}'
series 'kleak_meminfo_bytes{job="kleak",name="MemTotal"}'
for h in host1 host2; do
	for m in kleak_verdict kleak_growth_bytes_per_second; do
		series "$m{job=\"kleak\",source=\"vmalloc_caller\",name=\"kernel_clone\"}" \
			".metric.instance = \"$h\" | .metric.module = \"leaky\" | .metric.srcversion = \"5A1C0FFEE\""
	done
done
# host2 is a small VM: 2 GiB of MemTotal (not recorded), so the same
# recorded growth would exhaust it within a day.
echo "      - series: 'kleak_meminfo_bytes{instance=\"host2\",job=\"kleak\",name=\"MemTotal\"}'"
echo "        values: '2147483648+0x$SECS'"
series 'kleak_verdict{job="kleak",source="vmalloc_caller",name="kernel_clone"}' \
	'.metric.instance = "host3" | .metric.module = "leaky" | .metric.srcversion = "B0BCAFE" |
	 .values |= map(if .[1] == "1" then [.[0], "0"] else . end)'
