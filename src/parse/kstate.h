/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own counts of the objects in its reclaimable caches, which
 * tell unused objects (on an LRU list: the shrinkers free them under
 * memory pressure) from objects in use:
 *
 *   /proc/sys/fs/dentry-state   511957	510113	45	0	76181	0
 *       nr_dentry nr_unused age_limit want_pages nr_negative (5.7+) dummy
 *   /proc/sys/fs/inode-state    435613	0	0	0	0	0	0
 *       nr_inodes nr_free_inodes (the unused ones) preshrink dummy...
 *   /proc/net/sockstat          sockets: used 16
 *       (sockets allocated in the reader's network namespace)
 *
 * nr_negative counts negative dentries on the LRU (fs/dcache.c,
 * "fs/dcache: Track & report number of negative dentries", 5.7). Some
 * kernels print a zero nr_free_inodes whatever the LRU holds (6.18 here):
 * a zero is "unknown", not "none".
 */
#ifndef KLEAK_PARSE_KSTATE_H
#define KLEAK_PARSE_KSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct kstate {
	bool have_dentry;
	uint64_t nr_dentry, nr_unused_dentry;
	bool have_negative;
	uint64_t nr_negative;
	bool have_inode;
	uint64_t nr_inodes, nr_unused_inodes;
	bool have_sockets;
	uint64_t sockets_used;
};

/* Each fills its part of k; 0 or -EINVAL with e naming the line. */
int kstate_parse_dentry(const char *buf, size_t len, const char *src, struct kstate *k,
			struct kerr *e);
int kstate_parse_inode(const char *buf, size_t len, const char *src, struct kstate *k,
		       struct kerr *e);
int kstate_parse_sockstat(const char *buf, size_t len, const char *src, struct kstate *k,
			  struct kerr *e);

/*
 * /proc/PID/cgroup: the memory controller's path ("N:memory:/x" on v1),
 * else the unified one ("0::/x"), into out. false when neither is there.
 */
bool kstate_parse_proc_cgroup(const char *buf, size_t len, char *out, size_t outlen);

#endif
