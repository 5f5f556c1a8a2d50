#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs every cmocka unit test (built by `make test` under ASan+UBSan) with
# TAP output, renumbered into one TAP stream. The tests are the sources
# tests/unit/test_*.c: a source whose binary build/san/tests/test_* is
# missing, or a binary that runs no test, is a failure, so a tree where
# nothing was built cannot pass.
set -u
cd "$(dirname "$0")/../.."
n=0 rc=0
srcs=(tests/unit/test_*.c)
if [ ! -e "${srcs[0]}" ]; then
	echo "not ok 1 - no tests/unit/test_*.c in the tree"
	exit 1
fi
for src in "${srcs[@]}"; do
	name=$(basename "$src" .c)
	t=build/san/tests/$name
	if [ ! -x "$t" ]; then
		n=$((n + 1))
		echo "not ok $n - $name: $t not built (make test-bins)"
		rc=1
		continue
	fi
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
	trc=$?
	ran=0
	while IFS= read -r line; do
		case "$line" in
		"ok "*|"not ok "*)
			n=$((n + 1)) ran=$((ran + 1))
			# "ok 3 - name" -> "ok N - test_x: name"
			status=${line%% [0-9]*}
			rest=$(printf '%s' "$line" | sed -E 's/^(not )?ok [0-9]+ ?-? ?//')
			echo "$status $n - $name: $rest"
			;;
		*) printf '#   %s\n' "$line" ;;
		esac
	done <<<"$out"
	if [ "$trc" -ne 0 ] && ! grep -q '^not ok' <<<"$out"; then
		n=$((n + 1))
		echo "not ok $n - $name exited $trc"
	elif [ "$ran" -eq 0 ]; then
		n=$((n + 1))
		echo "not ok $n - $name ran no test"
		trc=1
	fi
	[ "$trc" -ne 0 ] && rc=1
done
exit $rc
