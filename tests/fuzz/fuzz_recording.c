// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: recording_decode() on arbitrary bytes, each sample
 * parsed (snapshot_parse) and ingested (ingest_sample) as `kleak report`
 * does, must not crash or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/ingest.h"
#include "model/series.h"
#include "model/snapshot.h"
#include "source/recording.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct series_set set;
	struct ingest ingest;
	struct snapshot snap;
};

static int on_sample(struct sample *s, void *arg)
{
	struct ctx *c = arg;
	struct kerr e;
	int r = snapshot_parse(&c->snap, s, SRC_ALL, &e);

	return r ? r : ingest_sample(&c->set, &c->ingest, &c->snap, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct recording_status st;
	struct ctx c;
	struct kerr e;

	memset(&c, 0, sizeof(c));
	if (series_set_init(&c.set, 16))
		return 0;
	recording_decode((const char *)data, size, "fuzz", on_sample, &c, &st, &e);
	snapshot_free(&c.snap);
	ingest_free(&c.ingest);
	series_set_free(&c.set);
	return 0;
}
