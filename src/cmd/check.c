// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "cmd.h"

const char cmd_check_help[] = "usage: kleak check\n\nNot implemented yet.\n";

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kleak check: not implemented yet\n");
	return KLEAK_EXIT_ERROR;
}
