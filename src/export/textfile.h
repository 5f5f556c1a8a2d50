/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The textfile route, for hosts that run node_exporter already: its
 * textfile collector reads every *.prom file of a directory at each scrape,
 * so the file must never be seen half-written. textfile_write writes the
 * body to a temporary file in the same directory (".NAME.XXXXXX", a name
 * the collector ignores), fsyncs it, renames it over PATH (atomic within a
 * file system) and fsyncs the directory, so PATH always holds one whole
 * sample, the old or the new. `kleak watch --textfile PATH` calls it each
 * interval with the text format (node_exporter reads no OpenMetrics).
 */
#ifndef KLEAK_EXPORT_TEXTFILE_H
#define KLEAK_EXPORT_TEXTFILE_H

#include <stddef.h>

#include "util/err.h"

/* 0, or a negative errno with e naming the file (the temporary is removed). */
int textfile_write(const char *path, const char *data, size_t len, struct kerr *e);

#endif
