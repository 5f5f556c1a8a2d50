// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: recording_parse() on arbitrary bytes, each sample fed
 * through series_ingest() as `kleak report` does, must not crash or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/series.h"
#include "parse/recording.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct series_set set;
	struct series_ctx sctx;
};

static int on_sample(struct sample *s, const struct recording_meta *m, void *arg)
{
	struct ctx *c = arg;
	struct kerr e;

	(void)m;
	if (!s->page_size)
		s->page_size = 4096;
	return series_ingest(&c->set, &c->sctx, s, "fuzz", &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct recording_status st;
	struct ctx c;
	struct kerr e;

	memset(&c, 0, sizeof(c));
	if (series_set_init(&c.set, 16))
		return 0;
	recording_parse((const char *)data, size, "fuzz", on_sample, &c, &st, &e);
	series_ctx_free(&c.sctx);
	series_set_free(&c.set);
	return 0;
}
