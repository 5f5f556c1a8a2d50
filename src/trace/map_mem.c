// SPDX-License-Identifier: GPL-2.0
/*
 * Map memory as the kernel's ->map_mem_usage computes it (see map_mem.h):
 * htab_map_mem_usage for preallocated hash maps (per-CPU or not),
 * array_map_mem_usage, stack_map_mem_usage.
 */
#include "trace/map_mem.h"

#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>
#include <linux/bpf.h>

#define HASHTAB_MAP_LOCK_COUNT 8

static uint64_t round8(uint64_t v)
{
	return (v + 7) & ~7ull;
}

static uint64_t pow2_up(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static uint64_t page_up(uint64_t v, uint64_t page)
{
	return (v + page - 1) / page * page;
}

static uint32_t struct_size(const struct btf *btf, const char *name, uint32_t dflt)
{
	int id = btf ? btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT) : -1;
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;

	return t && t->size ? t->size : dflt;
}

void map_mem_sizes_btf(const struct btf *btf, struct map_mem_sizes *z)
{
	z->htab = struct_size(btf, "bpf_htab", 640);
	z->bucket = struct_size(btf, "bucket", 16);
	z->htab_elem = struct_size(btf, "htab_elem", 48);
	z->array = struct_size(btf, "bpf_array", 320);
	z->stack_map = struct_size(btf, "bpf_stack_map", 320);
	z->stack_bucket = struct_size(btf, "stack_map_bucket", 16);
	z->page_size = 4096;
}

/* Preallocated hash maps: buckets, lock counters, elements, per-CPU values. */
static uint64_t htab_usage(const struct map_mem_sizes *z, const struct map_mem_shape *m,
			   bool percpu, int ncpus)
{
	uint64_t value = round8(m->value_size), entries = m->max_entries;
	uint64_t elem = z->htab_elem + round8(m->key_size) + (percpu ? 8 : value);
	uint64_t usage = z->htab;

	usage += (uint64_t)z->bucket * pow2_up(m->max_entries);
	usage += 4ull * ncpus * HASHTAB_MAP_LOCK_COUNT;
	if (!percpu)
		entries += ncpus; /* the extra elements of non-per-CPU maps */
	usage += elem * entries;
	if (percpu)
		usage += value * ncpus * entries;
	else
		usage += 8ull * ncpus;
	return usage;
}

static uint64_t array_usage(const struct map_mem_sizes *z, const struct map_mem_shape *m,
			    bool percpu, int ncpus)
{
	uint64_t elem = round8(m->value_size), entries = m->max_entries;

	if (percpu)
		return z->array + entries * 8 + entries * elem * ncpus;
	if (m->flags & BPF_F_MMAPABLE)
		return page_up(z->array, z->page_size) + page_up(entries * elem, z->page_size);
	return z->array + entries * elem;
}

uint64_t map_mem_usage(const struct map_mem_sizes *z, const struct map_mem_shape *m, int ncpus)
{
	switch (m->type) {
	case BPF_MAP_TYPE_HASH:
		return htab_usage(z, m, false, ncpus);
	case BPF_MAP_TYPE_PERCPU_HASH:
		return htab_usage(z, m, true, ncpus);
	case BPF_MAP_TYPE_ARRAY:
		return array_usage(z, m, false, ncpus);
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return array_usage(z, m, true, ncpus);
	case BPF_MAP_TYPE_STACK_TRACE:
		return z->stack_map + pow2_up(m->max_entries) * 8 +
		       (uint64_t)m->max_entries * (z->stack_bucket + m->value_size);
	default:
		return 0;
	}
}

bool map_mem_fdinfo_understates(const char *release)
{
	unsigned major = 0, minor = 0;

	if (sscanf(release, "%u.%u", &major, &minor) != 2)
		return false;
	return major < 6 || (major == 6 && minor < 4);
}
