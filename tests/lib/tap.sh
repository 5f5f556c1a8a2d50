# SPDX-License-Identifier: GPL-2.0
# Minimal TAP producer for kleak's shell test suites.
#
# Every suite prints TAP lines; tests/run.sh counts them over all suites and
# prints the one summary line CI reads. Source this file, then call
#   ok NAME | not_ok NAME [DIAG] | skip NAME REASON | check NAME CMD...
# A skip is never a pass: it prints "ok N - NAME # SKIP REASON", which the
# driver counts as skipped, and "SKIP: REASON" on stderr so a reader sees why.

TAP_N=0
TAP_FAILED=0

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	# Every line of a diagnostic gets the '#': a copied log line that
	# starts with "ok" must not count as a test.
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	return 0
}

skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
	echo "SKIP: $1: $2" >&2
}

# check NAME CMD...: ok when CMD exits 0; otherwise not ok, with CMD's output.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name" "command: $*" "$(printf '%s' "$out" | tail -n 20)"
	fi
}

# tap_done: exit status of the suite (non-zero when anything failed).
tap_done() {
	[ "$TAP_FAILED" -eq 0 ]
}
