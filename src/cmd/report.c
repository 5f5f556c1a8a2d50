// SPDX-License-Identifier: GPL-2.0
/* Placeholder until `kleak report` lands: it says so and fails. */
#include <stdio.h>

#include "cmd.h"

const char cmd_report_help[] = "usage: kleak report\n\nNot implemented yet.\n";

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kleak report: not implemented yet\n");
	return KLEAK_EXIT_ERROR;
}
