#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The command runtime (src/cmd/opts.c, src/cmd/stream.c), for every command
# `kleak help --commands` lists and each of its sub-commands, so a new one
# is covered without touching this file:
# - a usage error (unknown option, missing value) exits 2 with exactly one
#   {"error": ..., "kind": "usage"} document on stdout under --json, nothing
#   on stdout without it, and one line on stderr: the same words for the
#   same fault in every command;
# - no command has its own getopt loop;
# - -d is wall-clock time from the start (the last sample on the deadline),
#   -n counts samples.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK:-./kleak}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# usage NAME WANT ARGS...: kleak ARGS exits 2 with one usage document whose
# error is "kleak CMD: WANT" (CMD: the words of ARGS before the options).
usage() {
	local name=$1 want=$2 cmd rc out err lines
	shift 2
	cmd=$(printf '%s\n' "$@" | sed '/^-/,$d' | paste -sd' ')
	"$K" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out") err=$(cat "$T/err")
	lines=$(wc -l <"$T/err")
	if [ "$rc" = 2 ] && [ "$(jq -s 'length' "$T/out" 2>/dev/null)" = 1 ] &&
		jq_true --arg e "kleak $cmd: $want" '(keys == ["error", "kind"]) and .kind == "usage" and .error == $e' \
			"$T/out" >/dev/null &&
		[ "$lines" = 1 ] && [ "$err" = "kleak $cmd: $want (see 'kleak help ${cmd%% *}')" ]; then
		ok "$name"
	else
		not_ok "$name" "kleak $*: exit $rc (want 2)" "stdout: $out" "stderr ($lines lines): $err"
	fi
}

# Without --json: nothing on stdout, the same one line on stderr.
usage_text() {
	local name=$1 want=$2 cmd rc
	shift 2
	cmd=$(printf '%s\n' "$@" | sed '/^-/,$d' | paste -sd' ')
	"$K" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = 2 ] && [ ! -s "$T/out" ] &&
		[ "$(cat "$T/err")" = "kleak $cmd: $want (see 'kleak help ${cmd%% *}')" ]; then
		ok "$name"
	else
		not_ok "$name" "kleak $*: exit $rc (want 2)" "stdout: $(cat "$T/out")" "stderr: $(cat "$T/err")"
	fi
}

cmds=$("$K" help --commands)
[ -n "$cmds" ] && ok "kleak help --commands lists commands" || not_ok "kleak help --commands lists commands"
for c in $cmds; do
	# the command itself, then each sub-command: "kmemleak", "kmemleak scan"
	for cmd in "$c" $("$K" help --commands "$c" | sed "s/^/$c:/"); do
		read -r -a words <<<"${cmd/:/ }"
		"$K" help --options "$c" >"$T/table"
		# A command without --json (the exporter: no output but metrics)
		# has its usage errors checked as text only.
		if grep -q '^--json ' "$T/table"; then
			usage "${words[*]} --json --bogus" "unrecognized option '--bogus'" "${words[@]}" --json --bogus
			usage "${words[*]} --bogus --json" "unrecognized option '--bogus'" "${words[@]}" --bogus --json
			json=--json
		else
			usage_text "${words[*]} --json (it has none)" "unrecognized option '--json'" "${words[@]}" --json
			json=""
		fi
		usage_text "${words[*]} --bogus" "unrecognized option '--bogus'" "${words[@]}" --bogus
		if grep -q '^--top ' "$T/table"; then
			[ -n "$json" ] && usage "${words[*]} --json --top" "option '--top' needs a value" "${words[@]}" --json --top
			usage_text "${words[*]} --top" "option '--top' needs a value" "${words[@]}" --top
		elif [ -n "$json" ]; then
			usage "${words[*]} --json --top" "unrecognized option '--top'" "${words[@]}" --json --top
		fi
		# every option that takes a value, given none; every flag given one
		# (the error's words: from the JSON document, else from stderr)
		said() {
			if [ -n "$json" ]; then
				"$K" "${words[@]}" --json "$1" 2>/dev/null |
					jq_true --arg e "$2" '.error | endswith($e)' >/dev/null
			else
				[ "$("$K" "${words[@]}" "$1" 2>&1 >/dev/null)" = \
					"kleak ${words[*]}: $2 (see 'kleak help ${words[0]}')" ]
			fi
		}
		bad=""
		while read -r o s kind _; do
			case $kind in
			flag)
				[ "$o" = --help ] && continue
				said "$o=1" "option '$o' takes no value" || bad="$bad $o=1" ;;
			optpath)
				# a value only after '=' (none: stdout); an empty one is an error
				if [ -n "$json" ]; then
					"$K" "${words[@]}" --json "$o=" 2>/dev/null |
						jq_true --arg e "$o: '' is empty" '.kind == "usage" and (.error | contains($e))' \
							>/dev/null || bad="$bad $o="
				else
					"$K" "${words[@]}" "$o=" 2>&1 >/dev/null | grep -qF -- "$o: '' is empty" ||
						bad="$bad $o="
				fi ;;
			*)
				said "$o" "option '$o' needs a value" || bad="$bad $o"
				if [ "$s" != - ]; then
					said "$s" "option '$s' needs a value" || bad="$bad $s"
				fi ;;
			esac
		done <"$T/table"
		[ -z "$bad" ] && ok "${words[*]}: every option's missing or extra value is the same usage error" ||
			not_ok "${words[*]}: every option's missing or extra value is the same usage error" "wrong:$bad"
	done
done

# One getopt loop: the runtime's. main.c parses only --help and --version.
loops=$(grep -lE '\bgetopt(_long)?\s*\(' src/cmd/*.c | grep -vx src/cmd/opts.c)
[ -z "$loops" ] && ok "no command has its own getopt loop" || not_ok "no command has its own getopt loop" "$loops"
# Defaults come from the tables: no command sets an option's default itself.
dflt=$(grep -nE '\b(interval_ns|top|max_size|max_objects|wait_ns) *= *[0-9]' src/cmd/*.c)
[ -z "$dflt" ] && ok "option defaults are set in the tables only" || not_ok "option defaults are set in the tables only" "$dflt"

# --- -d is a wall-clock deadline, -n a sample count ---
# With -i 5 -d 1 the deadline comes before the second tick: a sample at the
# start and the last one at 1 s (not one sample: -d is no sample count).
t0=$(date +%s%N)
"$K" watch -i 5 -d 1 --json >"$T/w.json" 2>/dev/null
rc=$? ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ $rc = 0 ] && [ "$(wc -l <"$T/w.json")" = 2 ] && [ "$ms" -ge 1000 ] && [ "$ms" -lt 4500 ] &&
	tail -n 1 "$T/w.json" | jq_true '.final and .samples == 2 and .elapsed_s >= 0.9 and .elapsed_s < 4' >/dev/null; then
	ok "watch -i 5 -d 1: two samples, the last at the 1 s deadline (${ms} ms)"
else
	not_ok "watch -i 5 -d 1: two samples, the last at the 1 s deadline" "rc=$rc ${ms} ms" "$(tail -n 1 "$T/w.json" | cut -c1-300)"
fi
t0=$(date +%s%N)
"$K" record -o "$T/r.kleak" -i 5 -d 1 --json >"$T/r.json" 2>/dev/null
rc=$? ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ $rc = 0 ] && [ "$ms" -ge 1000 ] && [ "$ms" -lt 4500 ] &&
	jq_true '.samples == 2 and .stopped_by == "duration"' "$T/r.json" >/dev/null; then
	ok "record -i 5 -d 1: two samples, stopped by the duration (${ms} ms)"
else
	not_ok "record -i 5 -d 1: two samples, stopped by the duration" "rc=$rc ${ms} ms $(cat "$T/r.json")"
fi
"$K" watch -i 0.1 -n 3 --json >"$T/n.json" 2>/dev/null
rc=$?
[ $rc = 0 ] && [ "$(wc -l <"$T/n.json")" = 3 ] && tail -n 1 "$T/n.json" | jq_true '.final and .samples == 3' >/dev/null &&
	ok "watch -n 3: three samples, the third the final report" || not_ok "watch -n 3: three samples" "rc=$rc"
"$K" record -o "$T/n.kleak" -i 0.1 -n 3 --json >"$T/rn.json" 2>/dev/null
jq_true '.samples == 3 and .stopped_by == "samples"' "$T/rn.json" >/dev/null &&
	ok "record -n 3: three samples, stopped by the count" || not_ok "record -n 3" "$(cat "$T/rn.json")"
tap_done
