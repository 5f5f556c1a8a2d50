# SPDX-License-Identifier: GPL-2.0
# TAP producer and check helpers for kleak's shell test suites: the CLI
# suites (tests/cli/) and the host checks of the VM suite (tests/vm/) source
# this one file, so a check means the same thing in both.
#
# Every suite prints TAP lines; tests/run.sh counts them over all suites and
# prints the one summary line CI reads. Source this file, then call
#   ok NAME | not_ok NAME [DIAG...] | skip NAME REASON | check NAME CMD...
#   expect NAME CMD... | expect_jq NAME FILE FILTER [JQ-ARGS...]
#   expect_rc0 STEP | jqv FILE FILTER [JQ-ARGS...] | jq_true [JQ-ARGS...]
#   need_bin NAME PATH HOW | tap_bail NAME [DIAG...] | tap_done
# A skip is never a pass: it prints "ok N - NAME # SKIP REASON", which the
# driver counts as skipped, and "SKIP: REASON" on stderr so a reader sees why.
# A skip is for what the machine lacks (root, BTF, a kernel feature); what
# the build makes (kleak, build/leaker, the test binaries) or the tree holds
# (fixtures, corpora) is never skipped when missing: that is a failure, so a
# tree where nothing was built cannot pass.
#
# Two variables shape the expect* helpers: TAP_PREFIX is put before their
# test names ("[6.12] check-vmalloc: NAME"), TAP_DIR is where a relative
# FILE is looked up (the VM suite sets both per scenario; unset, names are
# as given and files relative to the current directory).

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

# tap_bail NAME [DIAG...]: not ok, and end the suite here: what follows
# needs what is missing. Exits non-zero.
tap_bail() {
	not_ok "$@"
	tap_done
	exit 1
}

# need_bin NAME PATH HOW: PATH, a program the build makes, must be there;
# else the suite fails (tap_bail) saying HOW to make it.
need_bin() {
	[ -x "$2" ] && [ -f "$2" ] && return 0
	tap_bail "$1" "$2 is missing or not executable: $3"
}

# diag_indent: indent the 2nd and later lines of a diagnostic, so that no
# copied log line can read as a TAP "ok"/"not ok" line.
diag_indent() {
	sed '2,$s/^/#     /'
}

# tap_name NAME / tap_path FILE: NAME with $TAP_PREFIX, FILE under $TAP_DIR.
tap_name() {
	printf '%s' "${TAP_PREFIX:+$TAP_PREFIX: }$1"
}
tap_path() {
	case $1 in
	/* | -) printf '%s' "$1" ;;
	*) printf '%s' "${TAP_DIR:+$TAP_DIR/}$1" ;;
	esac
}

# The jq definitions every check runs with. all() over nothing is an error,
# not true: "every leak is explained" over no leak proves nothing. A check
# that means it says so (`length == 0 or all(...)`).
TAP_JQ_DEFS='def all(g; c): if isempty(g) then
		error("all() over an empty list: an empty list proves nothing")
	else isempty(first(g | c | select(. == false or . == null))) end;
	def all(c): all(.[]; c);
	def all: all(.);'

# jq_true [JQ-OPTIONS...] FILTER [FILE...]: the `jq -e` of every check.
# True only when jq read its input, printed at least one value, and every
# value it printed is true (neither false nor null). Plain `jq -e` (1.6)
# exits 0 on empty input, so a check over the output of a kleak that
# crashed passed; and it judges the last value only, so
# `.[] | select(...) | .x == 1` passed when an earlier match was wrong.
# Prints what jq gave when false (for the diagnostic), nothing when true.
jq_true() {
	local opts=() files=() filter="" have=0 out rc
	while [ $# -gt 0 ]; do
		case $1 in
		-e | --exit-status | -r | --raw-output | -j | --join-output | -c)
			shift ;; # the values are read here, one compact line each
		--arg | --argjson | --slurpfile | --rawfile)
			opts+=("$1" "$2" "$3")
			shift 3 ;;
		-*)
			opts+=("$1")
			shift ;;
		*)
			if [ $have = 0 ]; then filter=$1 have=1; else files+=("$1"); fi
			shift ;;
		esac
	done
	out=$(jq -c "${opts[@]}" "$TAP_JQ_DEFS $filter" "${files[@]}" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		printf 'jq exit %s: %s\n' "$rc" "$(head -c 400 <<<"$out")"
		return 1
	fi
	if [ -z "$out" ]; then
		echo "jq printed no value (empty input, or the filter matched nothing)"
		return 1
	fi
	if grep -qxE 'false|null' <<<"$out"; then
		printf 'not every value is true: %s\n' "$(tr '\n' ' ' <<<"$out" | head -c 400)"
		return 1
	fi
	return 0
}

# expect NAME CMD...: ok when CMD exits 0 (check, with $TAP_PREFIX).
expect() {
	local name=$1
	shift
	check "$(tap_name "$name")" "$@"
}

# expect_rc0 STEP: STEP.rc (under $TAP_DIR) holds 0, the exit status of a
# command whose output is STEP and whose stderr is STEP.err.
expect_rc0() {
	local rc name
	name=$(tap_name "$1 exited 0")
	rc=$(cat "$(tap_path "$1.rc")" 2>/dev/null || echo missing)
	if [ "$rc" = 0 ]; then
		ok "$name"
	else
		not_ok "$name" "exit status: $rc" \
			"stderr: $(head -c 600 "$(tap_path "$1.err")" 2>/dev/null | diag_indent)"
	fi
}

# expect_jq NAME FILE FILTER [JQ-ARGS...]: ok when jq_true FILTER holds over
# FILE (under $TAP_DIR; "-" is stdin). On failure the diagnostic shows the
# filter and what jq said.
expect_jq() {
	local name path filter=$3 out
	name=$(tap_name "$1")
	path=$(tap_path "$2")
	shift 3
	if [ "$path" != - ] && [ ! -s "$path" ]; then
		not_ok "$name" "$path is missing or empty"
		return 0
	fi
	[ "$path" = - ] && path=()
	if out=$(jq_true "$@" "$filter" "${path[@]}"); then
		ok "$name"
	else
		not_ok "$name" "jq '$filter' ${path[*]:-(stdin)}" \
			"gave: $(printf '%s' "$out" | head -c 400 | diag_indent)"
	fi
}

# jqv FILE FILTER [JQ-ARGS...]: print a value from FILE (under $TAP_DIR;
# "" if none). For figures a check compares, not for checks.
jqv() {
	local path filter=$2
	path=$(tap_path "$1")
	shift 2
	jq -r "$@" "$filter" "$path" 2>/dev/null
}
