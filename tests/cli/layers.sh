#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The layer rules of docs/ARCHITECTURE.md, checked with grep so they stay
# true: data flows source -> parse -> model -> analyze -> output, wired by
# cmd. A layer includes only the layers below it; parse and source, the two
# bottom layers, know nothing of each other.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh

# includes DIR: every "quoted" include of the files under src/DIR, as
# "file:line: path" (a bare name is the file's own directory).
includes() {
	grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' "src/$1" |
		sed -E 's/^([^:]+:[0-9]+):[^"]*"([^"]+)".*/\1: \2/'
}

# only NAME DIR ALLOWED...: the files under src/DIR include only from the
# directories ALLOWED (and their own).
only() {
	local name=$1 dir=$2 bad
	shift 2
	local re="^($dir$(printf '|%s' "$@"))/"
	bad=$(includes "$dir" | awk -F': ' -v re="$re" '$2 ~ /\// && $2 !~ re')
	[ -z "$bad" ] && ok "$name" || not_ok "$name" "$bad"
}

# none NAME DIR FORBIDDEN...: the files under src/DIR include nothing from FORBIDDEN.
none() {
	local name=$1 dir=$2 bad
	shift 2
	local re="^($(IFS='|'; echo "$*"))/"
	bad=$(includes "$dir" | awk -F': ' -v re="$re" '$2 ~ re')
	[ -z "$bad" ] && ok "$name" || not_ok "$name" "$bad"
}

only "util is the bottom: includes only util/" util
only "parse is pure: includes only parse/ and util/ (no model/, no source/)" parse util
only "source parses nothing: includes only source/ and util/ (no parse/)" source util
only "model includes only parse/, source/ and util/ (no analyze/)" model parse source util
none "analyze includes no output/, cmd/ or source/ directly" analyze output cmd source
none "output renders: includes no cmd/" output cmd
only "export serves what output rendered: includes only output/, parse/ and util/" export output parse util

# model calls no analysis: no function an analyze/ header declares is
# named in src/model.
fns=$(grep -hE '^[a-z][^#(]*\(' src/analyze/*.h |
	sed -E 's/^[^(]*[^a-zA-Z0-9_]([a-zA-Z_][a-zA-Z0-9_]*)\(.*/\1/' | sort -u)
[ "$(wc -w <<<"$fns")" -gt 10 ] || not_ok "analyze/ headers declare functions" "found: $fns"
bad=""
for f in $fns; do
	hits=$(grep -rnE "(^|[^a-zA-Z0-9_])$f[[:space:]]*\\(" src/model)
	[ -n "$hits" ] && bad="$bad$hits"$'\n'
done
[ -z "$bad" ] && ok "model calls no analyze/ function ($(wc -w <<<"$fns") checked)" ||
	not_ok "model calls analyze/ functions" "$bad"

# One live metadata reader: uname() is called in source/ only.
bad=$(grep -rnE '\buname[[:space:]]*\(' src --include='*.c' | grep -v '^src/source/')
[ -z "$bad" ] && ok "the live metadata (uname) is read in source/ only" || not_ok "uname outside source/" "$bad"

# Nothing but main.c and cmd/ includes cmd/.
bad=$(grep -rnE '#[[:space:]]*include[[:space:]]+"cmd/' src | grep -vE '^src/(main\.c|cmd/)')
[ -z "$bad" ] && ok "only main.c and cmd/ include cmd/" || not_ok "cmd/ included below cmd" "$bad"
tap_done
