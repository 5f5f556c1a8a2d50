#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The awk an SRE would write for kleak's vmalloc aggregation: bytes by
# caller and by module (pages= x 4096, else the size column; unpurged apart).
awk '$3 == "unpurged" { next }
	{ c = $3; sub(/\+.*/, "", c); b = $2; m = "-"
	  for (i = 4; i <= NF; i++) {
		if ($i ~ /^pages=/) { split($i, p, "="); b = p[2] * 4096 }
		else if ($i ~ /^\[/) m = $i
	  }
	  byc[c " " m] += b; bym[m] += b }
	END { for (k in byc) print "caller", k, byc[k]; for (k in bym) print "module", k, bym[k] }' "$1" |
	sort -k4,4nr
