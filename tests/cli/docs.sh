#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Help, man page and bash completion agree with the code: every command of
# the table has help, every option its help lists is known to getopt and
# every option of its table is in the help, the completion offers options,
# sub-commands and enum values, and docs/kleak.1 is what docs/gen-man.sh
# makes now.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
K=${KLEAK_OPT:-./kleak}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

cmds=$("$K" help --commands)
[ -n "$cmds" ] && ok "kleak help --commands lists commands" || not_ok "help --commands"
for c in $cmds; do
	"$K" --help | grep -qE "^  $c " && ok "$c: in kleak --help" || not_ok "$c: in kleak --help"
	if "$K" "$c" --help >"$T/h1" 2>&1 && "$K" help "$c" >"$T/h2" && cmp -s "$T/h1" "$T/h2"; then
		ok "$c: --help exits 0 and equals kleak help $c"
	else
		not_ok "$c: --help exits 0 and equals kleak help $c"
	fi
	grep -q "^.SS kleak $c\$" docs/kleak.1 && ok "$c: in the man page" || not_ok "$c: in the man page"
	# Each option in the help is known to getopt. With an argument-taking
	# option, "--help" would be eaten as its value, so give it one first.
	opts=$(sed -nE 's/^ +(-[A-Za-z0-9], )?(--[a-z][a-z0-9.-]*)( ([A-Z][A-Z_|]*|[a-z]+))?.*/\2 \4/p' "$T/h2")
	n=$(wc -l <<<"$opts")
	# The other way round: every long option in the command's table
	# (kleak help --options, what getopt is built from) is in its help.
	"$K" help --options "$c" >"$T/table" || not_ok "$c: kleak help --options"
	undocumented=""
	for o in $(awk '{print $1}' "$T/table"); do
		grep -qE -- "^ +(-[A-Za-z0-9], )?$o\b" "$T/h2" || undocumented="$undocumented $o"
	done
	[ -z "$undocumented" ] && [ -s "$T/table" ] && ok "$c: every getopt option is in its help ($n listed)" \
		|| not_ok "$c: options missing from help:$undocumented"
	bad=""
	while read -r o arg; do
		[ -n "$o" ] || continue
		case "$o" in --help) continue ;; esac
		if [ -n "$arg" ]; then args=("$o=1"); else args=("$o"); fi
		err=$("$K" "$c" "${args[@]}" --help 2>&1 >/dev/null)
		grep -qE "unrecognized option|invalid option|unknown option" <<<"$err" && bad="$bad $o"
	done <<<"$opts"
	[ -z "$bad" ] && ok "$c: every option in its help is known to getopt" \
		|| not_ok "$c: options in help unknown to getopt:$bad"
	# The completion offers every long option the help lists.
	got=$(bash -c '. completion/kleak.bash; COMP_WORDS=("$1" "$2" --); COMP_CWORD=2; _kleak; printf "%s\n" "${COMPREPLY[@]}"' _ "$K" "$c")
	missing=""
	for o in $(awk '{print $1}' <<<"$opts"); do
		grep -qxF -- "$o" <<<"$got" || missing="$missing $o"
	done
	[ -z "$missing" ] && ok "$c: completion offers every option" || not_ok "$c: completion misses:$missing"
done
got=$(bash -c '. completion/kleak.bash; COMP_WORDS=("$1" ""); COMP_CWORD=1; _kleak; printf "%s\n" "${COMPREPLY[@]}"' _ "$K")
missing=""
for c in $cmds; do grep -qx "$c" <<<"$got" || missing="$missing $c"; done
[ -z "$missing" ] && ok "completion offers every command" || not_ok "completion misses commands:$missing"
# Sub-commands and option values come from kleak too.
for c in $cmds; do
	subs=$("$K" help --commands "$c")
	[ -n "$subs" ] || continue
	got=$(bash -c '. completion/kleak.bash; COMP_WORDS=("$1" "$2" ""); COMP_CWORD=2; _kleak; printf "%s\n" "${COMPREPLY[@]}"' _ "$K" "$c")
	[ "$(sort <<<"$got")" = "$(sort <<<"$subs")" ] && ok "$c: completion offers its sub-commands" \
		|| not_ok "$c: completion offers its sub-commands" "got: $got" "want: $subs"
	for s in $subs; do
		"$K" help "$c" | grep -qE "^  $s " && ok "$c $s: in kleak help $c" || not_ok "$c $s: in kleak help $c"
	done
done
for c in $cmds; do
	while read -r o _ kind words; do
		[ "$kind" = enum ] || continue
		got=$(bash -c '. completion/kleak.bash; COMP_WORDS=("$1" "$2" "$3" ""); COMP_CWORD=3; _kleak; printf "%s\n" "${COMPREPLY[@]}"' _ "$K" "$c" "$o" | tr '\n' ' ')
		[ "$got" = "$words " ] && ok "$c $o: completion offers $words" \
			|| not_ok "$c $o: completion offers its words" "got: $got" "want: $words"
	done < <("$K" help --options "$c")
done
docs/gen-man.sh "$K" >"$T/kleak.1"
if cmp -s "$T/kleak.1" docs/kleak.1; then ok "docs/kleak.1 is up to date with the help texts"
else not_ok "docs/kleak.1 is stale: run make man" "$(diff docs/kleak.1 "$T/kleak.1" | head -10)"; fi
man -l docs/kleak.1 >/dev/null 2>"$T/man.err" || true
[ ! -s "$T/man.err" ] && ok "man page renders without warnings" || not_ok "man page warnings" "$(head -3 "$T/man.err")"
tap_done
