#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Replays each fuzz target's corpus (tests/fuzz/corpus/<name>/) and every
# fixture under tests/fixtures through the ASan+UBSan replay binaries.
# Output: one TAP line per target (the per-file lines are kept as comments).
set -u
cd "$(dirname "$0")/../.."
n=0 rc=0
for bin in build/san/tests/replay_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/replay_}
	n=$((n + 1))
	out=$("$bin" "tests/fuzz/corpus/$name" tests/fixtures 2>&1)
	trc=$?
	files=$(grep -c '^ok ' <<<"$out")
	if [ "$trc" -eq 0 ] && ! grep -q '^not ok' <<<"$out"; then
		echo "ok $n - replay $name over $files inputs"
	else
		echo "not ok $n - replay $name (exit $trc)"
		tail -n 30 <<<"$out" | sed 's/^/#   /'
		rc=1
	fi
done
exit $rc
