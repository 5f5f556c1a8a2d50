#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Replays each fuzz target's corpus (tests/fuzz/corpus/<name>/) and every
# fixture under tests/fixtures through the ASan+UBSan replay binaries.
# Output: one TAP line per target (the per-file lines are kept as comments).
# The targets are the sources tests/fuzz/fuzz_*.c: a missing replay binary,
# an empty or missing corpus, or a replay that did not feed every input
# file is a failure, never a pass over nothing.
set -u
cd "$(dirname "$0")/../.."
n=0 rc=0
# inputs DIR...: the files replay.c walks (it skips names starting with '.').
inputs() {
	find "$@" -name '.*' -prune -o -type f -print 2>/dev/null | wc -l
}
srcs=(tests/fuzz/fuzz_*.c)
if [ ! -e "${srcs[0]}" ]; then
	echo "not ok 1 - no tests/fuzz/fuzz_*.c in the tree"
	exit 1
fi
nfix=$(inputs tests/fixtures)
for src in "${srcs[@]}"; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	bin=build/san/tests/replay_$name
	corpus=tests/fuzz/corpus/$name
	n=$((n + 1))
	if [ ! -x "$bin" ]; then
		echo "not ok $n - replay $name: $bin not built (make test-bins)"
		rc=1
		continue
	fi
	ncorpus=$(inputs "$corpus")
	if [ "$ncorpus" -eq 0 ] || [ "$nfix" -eq 0 ]; then
		echo "not ok $n - replay $name: nothing to replay ($corpus: $ncorpus files, tests/fixtures: $nfix)"
		rc=1
		continue
	fi
	out=$("$bin" "$corpus" tests/fixtures 2>&1)
	trc=$?
	files=$(grep -c '^ok ' <<<"$out")
	want=$((ncorpus + nfix))
	if [ "$trc" -eq 0 ] && ! grep -q '^not ok' <<<"$out" && [ "$files" -eq "$want" ]; then
		echo "ok $n - replay $name over $files inputs"
	else
		echo "not ok $n - replay $name (exit $trc, $files of $want inputs replayed)"
		tail -n 30 <<<"$out" | sed 's/^/#   /'
		rc=1
	fi
done
exit $rc
