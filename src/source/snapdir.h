/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing a snapshot directory (`kleak snapshot -o DIR`) safely as root.
 *
 * DIR may be a path someone else prepared: a directory holding a symlink
 * named meminfo would make a plain open(O_TRUNC) overwrite the file it
 * points to, a FIFO would hang it, and files already there must not pass
 * for this machine's nor be deleted. So the snapshot is written into a new
 * directory made beside DIR (mkdtemp: mode 0700, ours alone), each file
 * created with O_CREAT|O_EXCL|O_NOFOLLOW relative to it, synced, and the
 * directory renamed into place at the end: DIR must not exist, or be an
 * empty directory (which the rename replaces); anything else is refused
 * before a file is read. A failed snapshot leaves nothing behind, and no
 * file kleak did not write is ever removed.
 *
 *   struct snapdir w;
 *   snapdir_begin(&w, "snap", &e);          // "snap" absent or empty
 *   snapdir_write(&w, "meminfo", data, len, &e);
 *   snapdir_commit(&w, &e);                  // or snapdir_abort(&w)
 */
#ifndef KLEAK_SOURCE_SNAPDIR_H
#define KLEAK_SOURCE_SNAPDIR_H

#include <limits.h>
#include <stddef.h>

#include "util/err.h"

struct snapdir {
	char path[PATH_MAX]; /* where the snapshot goes */
	char tmp[PATH_MAX];  /* where it is written: a new directory beside it */
	int dfd;	     /* tmp, open; -1 when none */
};

/* Checks path and makes the directory to write into. */
int snapdir_begin(struct snapdir *w, const char *path, struct kerr *e);
/*
 * Creates name (a plain file name, or "sub/name" below a directory made
 * with snapdir_mkdir) holding len bytes of data.
 */
int snapdir_write(struct snapdir *w, const char *name, const void *data, size_t len,
		  struct kerr *e);
/* Makes a subdirectory (mode 0700) for files written by name. */
int snapdir_mkdir(struct snapdir *w, const char *name, struct kerr *e);
/* Syncs and renames the directory into place; on failure, aborts. */
int snapdir_commit(struct snapdir *w, struct kerr *e);
/* Removes what was written (only that: the directory is kleak's own). */
void snapdir_abort(struct snapdir *w);

#endif
