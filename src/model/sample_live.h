/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live sample with every source, the composed ones too: source/sample.h
 * reads the files and the kernel log; the cgroups source needs parsing to
 * know what to read (the hierarchies from mountinfo, the containers' names
 * from the runtimes' metadata), so it is read here (model/cgroups.h). The
 * commands take live samples through this, never sample_read_live alone.
 * One struct sample_live per sampler keeps what the next sample reuses
 * (the names found); the kernel log's cursor is the sample's own
 * (s->live.kmsg_cursor).
 */
#ifndef KLEAK_MODEL_SAMPLE_LIVE_H
#define KLEAK_MODEL_SAMPLE_LIVE_H

#include <stddef.h>

#include "model/cgroups.h"
#include "source/sample.h"

struct sample_live {
	size_t max_cgroups; /* cgroups read at most: 0 for CGROUPS_DEFAULT_MAX */
	struct cgroups_live cgroups;
};

/* sample_read_live(s, mask) and the composed sources of mask. */
void sample_take_live(struct sample *s, unsigned mask, struct sample_live *l);
void sample_live_free(struct sample_live *l);

#endif
