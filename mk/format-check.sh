#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make format-check`: runs clang-format (.clang-format at the top) over
# kleak's C sources without changing them and reports what it would
# change: files, lines, and of what kind (lines rejoined or broken
# differently, trailing comments realigned, ...), so one `make format`
# can be judged before it is run. Exit 0 when nothing would change, 1 when
# something would, 2 when clang-format is missing or fails.
#   mk/format-check.sh [FILE...]     default: src and tests, as `make format`
# Environment: CLANG_FORMAT (default clang-format-14, else clang-format),
# FORMAT_DIFF=1 to print the diff too.
set -u
cd "$(dirname "$0")/.."
cf=${CLANG_FORMAT:-}
if [ -z "$cf" ]; then
	cf=clang-format-14
	command -v "$cf" >/dev/null || cf=clang-format
fi
if ! command -v "$cf" >/dev/null; then
	echo "format-check: $cf not found (apt-get install clang-format)" >&2
	exit 2
fi
if [ $# -eq 0 ]; then
	mapfile -t files < <(find src tests -name '*.[ch]' ! -path '*/vm/modules/*' | sort)
else
	files=("$@")
fi

# kinds FILE: one line per changed hunk of FILE, "KIND LINES", LINES the
# lines of today's text that would change. Normal diff output: a header
# "12,14c12,13", then "< old" and "> new" lines.
kinds() {
	awk '
	function flush() {
		if (!nold)
			return
		if (slash)
			k = "macro"
		else if (onecase && nnew > nold)
			k = "case"
		else if (nnew < nold)
			k = "join"
		else if (nnew > nold)
			k = "split"
		else if (comments == nold)
			k = "comment"
		else
			k = "spacing"
		print k, nold
		nold = nnew = slash = onecase = comments = 0
	}
	/^[0-9]+(,[0-9]+)?[acd][0-9]+(,[0-9]+)?$/ { flush(); next }
	/^< / {
		nold++
		if ($0 ~ /\\$/) slash = 1
		if ($0 ~ /^<[ \t]+(case .*|default):.*;/) onecase = 1
		if ($0 ~ /\/[*\/]/) comments++
		next
	}
	/^> / { nnew++ }
	END { flush() }'
}

declare -A kind_lines kind_files
total=0 nfiles=0 failed=0 per_file=()
for f in "${files[@]}"; do
	if ! out=$("$cf" --style=file "$f" 2>&1); then
		echo "format-check: $cf failed on $f: $out" >&2
		failed=1
		continue
	fi
	d=$(diff "$f" - <<<"$out")
	[ -n "$d" ] || continue
	[ "${FORMAT_DIFF:-}" = 1 ] && diff -u "$f" - <<<"$out"
	n=0
	declare -A seen=()
	while read -r k l; do
		kind_lines[$k]=$((${kind_lines[$k]:-0} + l))
		[ -n "${seen[$k]:-}" ] || kind_files[$k]=$((${kind_files[$k]:-0} + 1))
		seen[$k]=1
		n=$((n + l))
	done < <(kinds <<<"$d")
	unset seen
	nfiles=$((nfiles + 1)) total=$((total + n))
	per_file+=("$n $f")
done
[ "$failed" = 0 ] || exit 2
version=$("$cf" --version | sed -n 's/.*version \([0-9.]*\).*/\1/p')
if [ "$total" -eq 0 ]; then
	echo "format-check: clang-format $version changes nothing in ${#files[@]} files"
	exit 0
fi
echo "format-check: clang-format $version would change $total lines in $nfiles of ${#files[@]} files:"
for k in join split spacing comment case macro; do
	[ -n "${kind_lines[$k]:-}" ] || continue
	case $k in
	join) what="lines wrapped short of 100 columns, rejoined" ;;
	split) what="long lines or lists broken at other places" ;;
	spacing) what="the same lines, wrapped or aligned differently" ;;
	comment) what="trailing comments realigned" ;;
	case) what="one-line case labels split" ;;
	macro) what="macro bodies: backslash column" ;;
	esac
	printf '  %6d lines in %3d files: %s\n' "${kind_lines[$k]}" "${kind_files[$k]}" "$what"
done
echo "  most changed:"
printf '%s\n' "${per_file[@]}" | sort -rn | head -n 10 | awk '{ printf "  %6d %s\n", $1, $2 }'
echo "format-check: run 'make format' to apply (FORMAT_DIFF=1 shows the diff)"
exit 1
