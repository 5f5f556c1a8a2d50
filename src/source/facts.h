/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The small live facts `kleak investigate` reads beside the samples, as
 * raw bytes or counts: the kernel's object counters (dentry-state,
 * inode-state, sockstat: parse/kstate.h reads them), a process's open
 * descriptors and cgroup, and a module's sysfs attributes (srcversion,
 * version). An unreadable file is a recorded error, never an exit.
 */
#ifndef KLEAK_SOURCE_FACTS_H
#define KLEAK_SOURCE_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

enum facts_file {
	FACTS_DENTRY_STATE, /* /proc/sys/fs/dentry-state */
	FACTS_INODE_STATE,  /* /proc/sys/fs/inode-state */
	FACTS_SOCKSTAT,	    /* /proc/net/sockstat */
	FACTS_NFILES,
};

extern const char *const facts_paths[FACTS_NFILES];

struct facts_raw {
	struct buf b[FACTS_NFILES];
	bool have[FACTS_NFILES];
	struct kerr err[FACTS_NFILES];
};

/* Reads the three counters' files (buffers reused). */
void facts_read(struct facts_raw *r);
void facts_raw_free(struct facts_raw *r);

/*
 * Counts /proc/PID/fd: every open descriptor, and those that are sockets
 * ("socket:[N]"). Needs root for another user's process.
 */
int facts_proc_fds(uint32_t pid, uint64_t *fds, uint64_t *sockets, struct kerr *e);
/* /proc/PID/<file> (comm, cgroup) into b. */
int facts_proc_file(uint32_t pid, const char *file, struct buf *b, struct kerr *e);
/*
 * /sys/module/NAME/ATTR's first line into out ("" when absent: most
 * in-tree modules have no version, srcversion needs MODULE_VERSION or
 * CONFIG_MODULE_SRCVERSION_ALL).
 */
void facts_module_attr(const char *module, const char *attr, char *out, size_t len);

#endif
