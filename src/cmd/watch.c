// SPDX-License-Identifier: GPL-2.0
/* Placeholder until `kleak watch` lands: it says so and fails. */
#include <stdio.h>

#include "cmd.h"

const char cmd_watch_help[] = "usage: kleak watch\n\nNot implemented yet.\n";

int cmd_watch(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kleak watch: not implemented yet\n");
	return KLEAK_EXIT_ERROR;
}
