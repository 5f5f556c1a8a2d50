#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Checks of the test harness itself, so what makes a test able to fail
# stays true as suites are added: jq_true (behind every jq check) fails on
# empty input, on any false value, on all() over nothing; every suite
# tests/suites.list names exists and is executable; no shell test calls
# `jq -e` (jq 1.6 exits 0 on empty input and judges only the last value:
# use jq_true or expect_jq from tests/lib/tap.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh

# jq_true FILTER JSON WANT: jq_true's verdict on JSON is WANT (0 true, 1 false).
jq_case() {
	local name=$1 filter=$2 json=$3 want=$4 got
	jq_true "$filter" <<<"$json" >/dev/null
	got=$?
	[ "$got" = "$want" ] && ok "jq_true: $name" || not_ok "jq_true: $name" "jq_true '$filter' <<<'$json': $got, want $want"
}
if command -v jq >/dev/null; then
	jq_case "no input is false" '.a == 1' '' 1
	jq_case "one false among true values is false (not only the last)" '.[] | . > 1' '[1, 2]' 1
	jq_case "every value true is true" '.[] | . > 0' '[1, 2]' 0
	jq_case "a filter matching nothing is false" '.[] | select(. > 5) | . > 0' '[1, 2]' 1
	jq_case "all() over an empty list is false" 'all(. > 0)' '[]' 1
	jq_case "all(gen; cond) over nothing is false" 'all(.[]; . > 0)' '[]' 1
	jq_case "all() over values that hold is true" 'all(. > 0)' '[1, 2]' 0
	jq_case "an empty list said explicitly is true" 'length == 0 or all(. > 0)' '[]' 0
	jq_case "null is false" '.missing' '{}' 1
	jq_case "a string is true, as under -e" '.error' '{"error": "x"}' 0
	jq_case "unparsable input is false" '.a' '{' 1
else
	skip "jq_true" "jq not installed"
fi

missing=""
while IFS= read -r suite; do
	case "$suite" in '' | '#'*) continue ;; esac
	set -- $suite
	[ -x "$1" ] || missing="$missing $1"
done <tests/suites.list
[ -z "$missing" ] && ok "every suite in tests/suites.list exists and is executable" ||
	not_ok "every suite in tests/suites.list exists and is executable" "missing or not executable:$missing"

# `jq -e`, `jq -s -e`, `jq --arg x y -e` ... outside comments.
uses=$(grep -rnE --include='*.sh' '^[^#]*\bjq( +(-[a-zA-Z]+|--[a-z]+( +[^ -][^ ]*){0,2}))* +-[a-zA-Z]*e\b' tests |
	grep -vE '^tests/lib/(tap|selftest).sh:')
[ -z "$uses" ] && ok "no test uses jq -e (jq_true, expect_jq: a value, every value true)" ||
	not_ok "no test uses jq -e (jq_true, expect_jq: a value, every value true)" "$uses"
tap_done
