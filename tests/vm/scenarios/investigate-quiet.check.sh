# SPDX-License-Identifier: GPL-2.0
# Host checks for investigate-quiet.sh (sourced by tests/vm/run.sh).
expect_rc0 investigate.json
expect_jq "investigate: no culprit on a machine that does not leak" investigate.json \
	'.verdict.culprit == null and .verdict.verdict != "leak"'
expect_jq "investigate: the twins are named nowhere in the verdict" investigate.json \
	'.verdict.culprit == null and (.verdict | tostring | test("ok_kmalloc_work|ok_cache_work") | not)'
expect_jq "investigate: says what it looked at" investigate.json \
	'.detect.series > 100 and .detect.samples >= 10'
echo "# [$KERNEL_NAME] investigate-quiet: $(jqv investigate.json .verdict.summary) after $(jqv investigate.json .elapsed_s) s"
