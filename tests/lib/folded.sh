# SPDX-License-Identifier: GPL-2.0
# Checks of the folded stack format (docs/html.md), for the shell suites:
# source this file, then
#   folded_check FILE      every line "frame;...;frame COUNT", else the bad lines
#   folded_bytes FILE RE   the sum of COUNT over the lines whose frames match RE
# A line: frames joined by ';', none empty, no control byte; a module frame
# ends in " [module]"; exactly one space, then a decimal count.

folded_check() {
	LC_ALL=C awk '
	{
		if (!match($0, / [0-9]+$/)) { printf "line %d: no \" COUNT\" at the end: %s\n", NR, $0; bad = 1; next }
		frames = substr($0, 1, RSTART - 1)
		if (frames == "" || frames ~ / $/) { printf "line %d: no frames, or two spaces\n", NR; bad = 1 }
		if ($0 ~ /[\001-\037\177]/) { printf "line %d: a control byte\n", NR; bad = 1 }
		n = split(frames, f, ";")
		for (i = 1; i <= n; i++) {
			if (f[i] == "") { printf "line %d: empty frame %d\n", NR, i; bad = 1 }
			if (f[i] ~ /\[/ && f[i] !~ /^[^[]+ \[[^] []+\]$/) {
				printf "line %d: frame %d is not \"func [module]\": %s\n", NR, i, f[i]; bad = 1
			}
		}
	}
	END { if (NR == 0) { print "no line"; bad = 1 } exit bad }' "$1"
}

folded_bytes() {
	LC_ALL=C awk -v re="$2" '{ c = $NF; sub(/ [0-9]+$/, ""); if ($0 ~ re) s += c }
		END { printf "%d\n", s }' "$1"
}
