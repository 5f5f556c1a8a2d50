/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command table and what every command shares: exit codes, help,
 * usage errors and error printing that follows the output mode.
 * cmd/ is the only layer that reads argv, prints errors and picks exit codes.
 */
#ifndef KLEAK_CMD_CMD_H
#define KLEAK_CMD_CMD_H

#include <stdbool.h>

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
	const char *summary; /* one line, for `kleak --help` */
	const char *help;    /* full text for `kleak help NAME` and --help */
};

extern const struct command kleak_commands[];
const struct command *command_find(const char *name);

/* Prints the command's help on stdout; returns KLEAK_EXIT_OK. */
int cmd_help(const char *name);
/*
 * Whether the command line asked for JSON (main sets it before dispatch),
 * so that usage errors, found before a command knows its options, also
 * follow the output mode.
 */
void cmd_set_json(bool json);
/*
 * "kleak NAME: msg" and a hint on stderr (and {"error": ...} on stdout
 * under --json); returns KLEAK_EXIT_USAGE.
 */
__attribute__((format(printf, 2, 3))) int cmd_usage(const char *name,
						    const char *fmt, ...);
/*
 * Reports an error that stopped the run: "kleak: src:line: msg" on stderr
 * and, under --json, {"error": "..."} on stdout. Returns KLEAK_EXIT_ERROR.
 */
int cmd_fail(const struct kerr *e, bool json);

/* Commands, one file each under src/cmd/. */
int cmd_check(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_kmemleak(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_count(int argc, char **argv);
int cmd_exporter(int argc, char **argv); extern const char cmd_exporter_help[];

extern const char cmd_check_help[], cmd_snapshot_help[], cmd_watch_help[],
	cmd_record_help[], cmd_report_help[], cmd_kmemleak_help[],
	cmd_trace_help[], cmd_count_help[];

#endif
