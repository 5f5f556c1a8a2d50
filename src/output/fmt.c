// SPDX-License-Identifier: GPL-2.0
/* The colour switch of the text views. */
#include "fmt.h"

#include <stdlib.h>
#include <unistd.h>

bool fmt_use_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	return (!nc || !*nc) && isatty(fileno(f));
}
