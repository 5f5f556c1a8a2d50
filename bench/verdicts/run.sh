#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The verdict simulation (docs/verdicts.md): `make bench-verdicts` runs it
# on this tree. `bench/verdicts/run.sh --before COMMIT [ARGS]` builds the
# same program against the model and trend code of COMMIT (for the
# "before" table: a kleak without leak windows or family-wise control,
# built with -DBENCH_BEFORE) and runs it with ARGS.
set -eu
cd "$(dirname "$0")/../.."
if [ "${1:-}" != --before ]; then
	make --no-print-directory build/bench/bench_verdicts
	exec build/bench/bench_verdicts "$@"
fi
commit=$2
shift 2
W=$(mktemp -d /tmp/kleak-bench-verdicts.XXXXXX)
trap 'rm -rf "$W"' EXIT
git archive "$commit" src | tar -x -C "$W"
for f in "$W"/src/util/*.c "$W"/src/parse/*.c "$W"/src/analyze/*.c "$W"/src/model/*.c \
	"$W"/src/source/*.c; do
	o=$W/$(echo "${f#"$W"/}" | tr / _).o
	${CC:-gcc} -O2 -std=gnu11 -D_GNU_SOURCE -I"$W/src" -c "$f" -o "$o"
done
ar rcs "$W/libkleak.a" "$W"/*.o
${CC:-gcc} -O2 -std=gnu11 -D_GNU_SOURCE -DBENCH_BEFORE -I"$W/src" -o "$W/bench_verdicts" \
	bench/verdicts/bench_verdicts.c "$W/libkleak.a" -lz -lm
"$W/bench_verdicts" "$@"
