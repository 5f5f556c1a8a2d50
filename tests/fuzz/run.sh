#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs each libFuzzer target for FUZZ_SECONDS (default 30), starting from its
# stored corpus plus the fixtures; new inputs go to a scratch directory, not
# into the tree. Usage: tests/fuzz/run.sh NAME...
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-30}
rc=0 n=0
if [ $# -eq 0 ]; then
	echo "not ok 1 - no fuzz target named (usage: tests/fuzz/run.sh NAME...)"
	exit 1
fi
for name in "$@"; do
	n=$((n + 1))
	work=tests/fuzz/corpus-work/$name
	mkdir -p "$work"
	if build/fuzz/fuzz_"$name" -max_total_time="$secs" -max_len=1048576 \
		-rss_limit_mb=4096 "$work" "tests/fuzz/corpus/$name" \
		>"$work.log" 2>&1; then
		echo "ok $n - fuzz $name for ${secs}s ($(sed -n "s/^Done \([0-9]*\) runs.*/\1/p" "$work.log") runs)"
	else
		echo "not ok $n - fuzz $name: crash, see $work.log"
		grep -E 'ERROR|SUMMARY|Test unit written' "$work.log" | head -5 | sed 's/^/#   /'
		rc=1
	fi
done
exit $rc
