# SPDX-License-Identifier: GPL-2.0
# Host checks for calib-busy-leak.sh: the recording was made and the leaker
# allocated; the verdicts are the calibration replay's (bench/calibration).
expect_rc0 rec.log
expect "the recording is there" test -s "$OUT/rec.kleak"
expect "ground truth: the leaker allocated while recorded" \
	test "$(cat "$OUT/allocs-end")" -gt "$(cat "$OUT/allocs-start")"
