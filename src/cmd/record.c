// SPDX-License-Identifier: GPL-2.0
/* Placeholder until `kleak record` lands: it says so and fails. */
#include <stdio.h>

#include "cmd.h"

const char cmd_record_help[] = "usage: kleak record\n\nNot implemented yet.\n";

int cmd_record(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kleak record: not implemented yet\n");
	return KLEAK_EXIT_ERROR;
}
