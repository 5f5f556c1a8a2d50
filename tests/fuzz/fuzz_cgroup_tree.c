// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the cgroups source's text (parse/cgroup_tree.h), alone
 * and into a cgroup set (each cgroup's files through parse/memcg.h, the
 * containers section through parse/container_meta.h), on arbitrary bytes
 * must not crash, leak or read past the buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model/cgroups.h"
#include "parse/cgroup_tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int visit(const struct cgroup_tree_node *n, void *ctx)
{
	size_t *sum = ctx;

	for (size_t i = 0; i < n->nfiles; i++) /* every byte the parser hands out is readable */
		for (size_t k = 0; k < n->files[i].len; k++)
			*sum += (unsigned char)n->files[i].data[k];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cgroup_tree_info info;
	struct cgroup_set s;
	struct kerr e;
	size_t sum = 0;

	cgroup_tree_parse((const char *)data, size, "fuzz", visit, &sum, &info, &e);
	if (!cgroup_set_parse(&s, (const char *)data, size, "fuzz", 4096, 0, &e))
		cgroup_set_free(&s);
	return (int)(sum & 0);
}
