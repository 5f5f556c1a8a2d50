# SPDX-License-Identifier: GPL-2.0
# Host checks for kmemleak-absent.sh (sourced by tests/vm/run.sh).
expect_rc0 report.json
expect_jq "report: kmemleak is absent, for the right reason, no groups" report.json \
	'.kmemleak == "absent" and (.error | test("CONFIG_DEBUG_KMEMLEAK")) and .groups == [] and .suggest == ["kleak watch", "kleak trace"]'
expect "report text: stderr suggests kleak watch and kleak trace" grep -q 'kleak watch.*kleak trace' "$OUT/report.txt.err"
expect "scan exits 1" test "$(cat "$OUT/scan.txt.rc")" = 1
expect "run exits 1 and does not run the command" sh -c "[ \"\$(cat '$OUT/run.txt.rc')\" = 1 ] && [ ! -e '$OUT/ran' ]"
