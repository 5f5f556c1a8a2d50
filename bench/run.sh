#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: the benchmarks (not tests). BENCH="parse kmemleak watch html
# trace" picks them; the default runs the quick ones (trace's overhead run
# takes many minutes and needs root: BENCH=trace). BENCH=hostile: growth of
# CPU and RSS on the once-quadratic inputs of issue 20 (needs make test-bins).
set -u
cd "$(dirname "$0")/.."
for b in ${BENCH:-parse kmemleak watch html}; do
	echo "## bench: $b"
	bash "bench/$b/run.sh" || echo "bench $b failed"
done
