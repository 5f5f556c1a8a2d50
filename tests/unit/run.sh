#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs every cmocka unit test binary (built by `make test` under ASan+UBSan)
# with TAP output, renumbered into one TAP stream.
set -u
cd "$(dirname "$0")/../.."
n=0 rc=0
for t in build/san/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
	trc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*|"not ok "*)
			n=$((n + 1))
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
	fi
	[ "$trc" -ne 0 ] && rc=1
done
exit $rc
