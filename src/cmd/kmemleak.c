// SPDX-License-Identifier: GPL-2.0
/* Placeholder until `kleak kmemleak` lands: it says so and fails. */
#include <stdio.h>

#include "cmd.h"

const char cmd_kmemleak_help[] = "usage: kleak kmemleak\n\nNot implemented yet.\n";

int cmd_kmemleak(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kleak kmemleak: not implemented yet\n");
	return KLEAK_EXIT_ERROR;
}
