/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening the files a user hands kleak: snapshot directories, recordings,
 * saved kernel logs and kmemleak reports, kallsyms and modules copies.
 * kleak runs as root, so such a file must not reach where its owner could
 * not: only regular files are read (a FIFO would hang the open, a device
 * such as /dev/zero never ends), opened without blocking; a file inside a
 * snapshot directory is opened beneath it (openat2 RESOLVE_BENEATH: a
 * symlink or ".." out of the directory is refused; without openat2, no
 * symlink at all); and a file of a kernel filesystem (procfs, sysfs,
 * debugfs, tracefs ...) is read only when it is one of the tables kleak
 * reads live, since reading others has effects (/proc/kmsg takes the
 * messages it returns away from syslog, and blocks). The size is checked
 * against the cap before anything is read.
 *
 * The live sources (/proc/meminfo ...) are read with buf_read_file: their
 * paths are kleak's own, not a user's.
 */
#ifndef KLEAK_UTIL_INPUT_H
#define KLEAK_UTIL_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/*
 * Opens path for reading as above. Returns a file descriptor, or a
 * negative errno with e set: -ENOENT, -EACCES ..., or -EINVAL for a file
 * that is refused ("a FIFO, not a regular file").
 */
int input_open(const char *path, struct kerr *e);
/*
 * Opens the directory path (a symlink given on the command line is
 * followed: it is the user's own choice). Returns an fd or a negative errno.
 */
int input_open_dir(const char *path, struct kerr *e);
/*
 * Opens name beneath the directory dirfd; dirpath names the directory in
 * errors. -ENOENT when absent; -EXDEV for a path leaving the directory.
 */
int input_open_at(int dirfd, const char *dirpath, const char *name, struct kerr *e);

/* Reads a whole input opened as above, at most cap bytes. */
int input_read(struct buf *b, const char *path, size_t cap, struct kerr *e);
int input_read_at(struct buf *b, int dirfd, const char *dirpath, const char *name, size_t cap,
		  struct kerr *e);

/*
 * Whether an error of the functions above is a refusal (the file exists
 * and is not something kleak reads: a FIFO, a device, a symlink out of the
 * directory, a kernel file, larger than the cap), as opposed to an absent
 * or unreadable file.
 */
bool input_refused(int code);

/* "dir/name" into buf; -ENAMETOOLONG when it does not fit (never cut). */
int input_join(char *buf, size_t len, const char *dir, const char *name);

#endif
