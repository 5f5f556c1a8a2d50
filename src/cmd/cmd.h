/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command table and what every command shares: exit codes, help,
 * usage errors and error printing that follows the output mode.
 * cmd/ is the only layer that reads argv, prints errors and picks exit codes.
 */
#ifndef KLEAK_CMD_CMD_H
#define KLEAK_CMD_CMD_H

#include <stdbool.h>

#include "cmd/opts.h"
#include "util/err.h"

enum kleak_exit {
	KLEAK_EXIT_OK = 0,	 /* the run completed, whatever it found */
	KLEAK_EXIT_ERROR = 1,	 /* an error stopped the run */
	KLEAK_EXIT_USAGE = 2,	 /* bad command line */
	KLEAK_EXIT_FINDINGS = 3, /* findings at or above --fail-on */
};

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;	     /* one line, for `kleak --help` */
	const struct cmd_spec *spec; /* options, help, sub-commands (opts.h) */
};

extern const struct command kleak_commands[];
const struct command *command_find(const char *name);

/*
 * `kleak help NAME` (the help on stdout), `kleak help --commands [NAME]`
 * (commands, or NAME's sub-commands, one a line) and `kleak help
 * --options NAME` (opts_list) for completion and tests.
 */
int cmd_help(int argc, char **argv);
/*
 * Whether the command line asked for JSON (opts_parse sets it before it
 * reports anything), so that usage errors follow the output mode.
 */
void cmd_set_json(bool json);
/*
 * A usage error: one line on stderr, "kleak NAME: msg (see 'kleak help
 * NAME')", and under --json {"error": "kleak NAME: msg", "kind": "usage"}
 * on stdout. NAME may be "kmemleak scan". Returns KLEAK_EXIT_USAGE.
 */
__attribute__((format(printf, 2, 3))) int cmd_usage(const char *name, const char *fmt, ...);
/*
 * Reports an error that stopped the run: "kleak: src:line: msg" on stderr
 * and, under --json, {"error": "..."} on stdout. Returns KLEAK_EXIT_ERROR.
 */
int cmd_fail(const struct kerr *e, bool json);

/*
 * The words of --fail-on: finding severities (check, kmemleak) and trend
 * verdicts (watch, report), as analyze/ names them.
 */
extern const struct opt_word cmd_severity_words[], cmd_verdict_words[];

/* Commands, one file each under src/cmd/. */
int cmd_check(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_kmemleak(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_count(int argc, char **argv);
int cmd_cgroups(int argc, char **argv);
int cmd_exporter(int argc, char **argv);
int cmd_investigate(int argc, char **argv);

extern const struct cmd_spec cmd_check_spec, cmd_snapshot_spec, cmd_watch_spec, cmd_record_spec,
	cmd_report_spec, cmd_kmemleak_spec, cmd_trace_spec, cmd_count_spec, cmd_cgroups_spec,
	cmd_exporter_spec, cmd_investigate_spec;

#endif
