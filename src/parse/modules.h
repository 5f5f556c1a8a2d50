/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/modules:
 *
 *   kmem_test 16384 0 - Live 0xffffffffc0a00000 (O)
 *   name size refcount deps state address [taints]
 *
 * deps is "-" or "a,b,"; the address is 0 for readers without
 * CAP_SYSLOG (kptr_restrict), which the caller must treat as unknown.
 */
#ifndef KLEAK_PARSE_MODULES_H
#define KLEAK_PARSE_MODULES_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct kmodule {
	char name[64];
	uint64_t size;
	int64_t refcount; /* -1 when the kernel prints "-" */
	char state[16];	  /* Live, Loading, Unloading */
	uint64_t addr;	  /* 0 when hidden */
	char taints[16];  /* "OE" from "(OE)", empty when none */
	long line;
};

struct modules {
	struct kmodule *v;
	size_t n;
	uint32_t *by_name; /* indices of v sorted by name; NULL in a bare copy */
};

int modules_parse(const char *buf, size_t len, const char *src, struct modules *out,
		  struct kerr *e);
/* The module called name (binary search; a bare copy is scanned). */
const struct kmodule *modules_find(const struct modules *m, const char *name);
/* A copy of src with its index; -ENOMEM. */
int modules_copy(struct modules *dst, const struct modules *src);
void modules_free(struct modules *m);

#endif
