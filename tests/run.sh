#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs every test suite of kleak and prints one summary line over all of them.
#
# A suite is an executable that prints TAP ("ok N - name", "not ok N - name",
# "ok N - name # SKIP reason"). Suites are listed in tests/suites.list, one
# command a line, run from the top of the tree; KLEAK_SUITES=pattern keeps
# only the matching ones. The last line printed is
#   N passed, N failed, N skipped
# and the exit status is non-zero when any test failed or a suite crashed.
# A suite that prints no TAP line at all (it found nothing to run: no test
# binary built, no corpus) counts as one failure, never as 0 tests.
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0 skipped=0 crashed=0 nsuites=0
filter=${KLEAK_SUITES:-}
while IFS= read -r suite; do
	case "$suite" in ''|'#'*) continue ;; esac
	[ -n "$filter" ] && [[ "$suite" != *$filter* ]] && continue
	echo "### suite: $suite"
	nsuites=$((nsuites + 1))
	out=$(mktemp)
	# The suite's stderr goes straight through so SKIP reasons stay visible.
	# stdin is the suite list: a suite must not read it.
	bash -c "$suite" </dev/null | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok [0-9]+' "$out" | tr -d ' ')
	s=$(grep -ciE '^ok [0-9]+.*# *SKIP' "$out" | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+' "$out" | tr -d ' ')
	rm -f "$out"
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - suite '$suite' exited $rc without reporting a failure"
		f=1 crashed=$((crashed + 1))
	elif [ $((p + s + f)) -eq 0 ]; then
		echo "not ok - suite '$suite' ran no test (nothing built or found?)"
		f=1 crashed=$((crashed + 1))
	fi
	pass=$((pass + p)) fail=$((fail + f)) skipped=$((skipped + s))
	echo "### $suite: $p passed, $f failed, $s skipped"
done < tests/suites.list
if [ "$nsuites" -eq 0 ]; then
	echo "not ok - no suite in tests/suites.list matches '$filter'"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
