// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "cmd.h"

const char cmd_snapshot_help[] = "usage: kleak snapshot\n\nNot implemented yet.\n";

int cmd_snapshot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kleak snapshot: not implemented yet\n");
	return KLEAK_EXIT_ERROR;
}
