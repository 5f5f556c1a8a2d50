// SPDX-License-Identifier: GPL-2.0
/* Placeholder until `kleak trace` lands: it says so and fails. */
#include <stdio.h>

#include "cmd.h"

const char cmd_trace_help[] = "usage: kleak trace\n\nNot implemented yet.\n";

int cmd_trace(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kleak trace: not implemented yet\n");
	return KLEAK_EXIT_ERROR;
}
