#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Generates docs/kleak.1 from kleak's own help texts (one source of truth:
# the command table and each command's help). Usage: docs/gen-man.sh [KLEAK]
# Prints the page on stdout; `make man` writes docs/kleak.1, and
# tests/cli/docs.sh fails when the committed page is stale.
set -eu
K=${1:-./kleak}
esc() { sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\\&'/" -e 's/^-/\\-/' ; }
ver=$("$K" --version | awk '{print $2}')
cat <<HDR
.TH KLEAK 1 "" "kleak $ver" "User Commands"
.SH NAME
kleak \- find Linux kernel memory leaks
.SH SYNOPSIS
.B kleak
[\fB\-\-version\fR] [\fB\-\-help\fR] \fIcommand\fR [\fIargs\fR]
.SH DESCRIPTION
kleak tells whether the kernel is leaking memory, where (slab cache,
vmalloc caller, module), and proves it (kmemleak reports, live BPF tracing
of outstanding allocations, alloc/free counting). Detect with
\fBcheck\fR and \fBwatch\fR; localize with \fBcheck\fR, \fBwatch\fR and
\fBtrace\fR; confirm with \fBkmemleak\fR, \fBtrace\fR and \fBcount\fR.
With no command, kleak runs \fBcheck\fR.
.SH COMMANDS
HDR
for c in $("$K" help --commands); do
	echo ".SS kleak $c"
	echo ".nf"
	"$K" help "$c" | esc
	echo ".fi"
done
cat <<'TAIL'
.SH EXIT STATUS
0 the run completed, whatever it found; 1 an error stopped the run (a
source that exists but does not parse, a BPF load failure); 2 usage error;
3 findings at or above \fB\-\-fail\-on\fR.
.SH OUTPUT
\fB\-\-json\fR writes JSON only to stdout, diagnostics to stderr. One-shot
commands write one document; streaming commands (watch, trace, count) write
NDJSON, one object per interval and a complete final object. Schemas are in
the docs/ directory of the source tree. Raw kernel addresses are printed
only with \fB\-\-show\-addresses\fR.
.SH ENVIRONMENT
NO_COLOR disables colour; colour and in-place refresh are used only on a
terminal.
.SH SEE ALSO
slabtop(1), perf-kmem(1), bpftool(8)
TAIL
