// SPDX-License-Identifier: GPL-2.0
/* Live samples with the composed sources; see sample_live.h. */
#include "sample_live.h"

#include <string.h>

void sample_take_live(struct sample *s, unsigned mask, struct sample_live *l)
{
	sample_read_live(s, mask);
	if (mask & SRC_BIT(SRC_CGROUPS)) {
		kerr_clear(&s->err[SRC_CGROUPS]);
		s->have[SRC_CGROUPS] = !cgroups_read_live(&l->cgroups, l->max_cgroups,
							  &s->raw[SRC_CGROUPS],
							  &s->err[SRC_CGROUPS]);
	}
}

void sample_live_free(struct sample_live *l)
{
	if (!l)
		return;
	cgroups_live_free(&l->cgroups);
	memset(l, 0, sizeof(*l));
}
