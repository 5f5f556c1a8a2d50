// SPDX-License-Identifier: GPL-2.0
/*
 * kleak: find Linux kernel memory leaks.
 * Global options, dispatch to the command table, and a check at exit that
 * everything written to stdout really got there (a full disk or a closed
 * pipe must not look like success).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

#ifndef KLEAK_VERSION
#define KLEAK_VERSION "0.1"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kleak [--version] [--help] <command> [<args>]\n"
		"\n"
		"Find Linux kernel memory leaks: detect (check, watch), localize\n"
		"(check, watch, trace) and confirm (kmemleak, trace, count).\n"
		"With no command, kleak runs `check`.\n"
		"\n"
		"Commands:\n");
	for (const struct command *c = kleak_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "  %-10s %s\n", "help", "show help for a command");
	fprintf(f,
		"\n"
		"Exit codes: 0 completed (whatever was found), 1 error, 2 usage,\n"
		"3 findings at or above --fail-on.\n"
		"See 'kleak help <command>' and kleak(1).\n");
}

static int stdout_check(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "kleak: writing output: %s\n", strerror(errno));
		return KLEAK_EXIT_ERROR;
	}
	return 0;
}

static int dispatch(int argc, char **argv)
{
	const struct command *c;

	if (argc == 0) {
		static char *def[] = { "check", NULL };

		return cmd_check(1, def);
	}
	if (!strcmp(argv[0], "help")) {
		if (argc < 2) {
			usage(stdout);
			return KLEAK_EXIT_OK;
		}
		return cmd_help(argc, argv);
	}
	c = command_find(argv[0]);
	if (!c) {
		fprintf(stderr, "kleak: '%s' is not a kleak command. See 'kleak --help'.\n",
			argv[0]);
		return KLEAK_EXIT_USAGE;
	}
	return c->fn(argc, argv); /* options: opts_parse, from the command's table */
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	/* '+' stops at the first non-option: the subcommand. */
	while ((opt = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return stdout_check();
		case 'V':
			printf("kleak %s\n", KLEAK_VERSION);
			return stdout_check();
		default:
			usage(stderr);
			return KLEAK_EXIT_USAGE;
		}
	}
	rc = dispatch(argc - optind, argv + optind);
	return stdout_check() ? KLEAK_EXIT_ERROR : rc;
}
