// SPDX-License-Identifier: GPL-2.0
/* Placeholder until `kleak count` lands: it says so and fails. */
#include <stdio.h>

#include "cmd.h"

const char cmd_count_help[] = "usage: kleak count\n\nNot implemented yet.\n";

int cmd_count(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kleak count: not implemented yet\n");
	return KLEAK_EXIT_ERROR;
}
