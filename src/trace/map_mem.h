/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel memory a BPF map holds, computed the way the kernel counts
 * it from 6.4 on (each map type's ->map_mem_usage, which fdinfo's
 * "memlock:" reports), for the kernels before: there the
 * "memlock" of a map's fdinfo is only round_up(key + value, 8) x
 * max_entries, which leaves out the hash elements' headers, the buckets
 * and every per-CPU copy (half of what trace's maps hold on 6.1). The
 * struct sizes come from the running kernel's BTF; the arithmetic is pure.
 */
#ifndef KLEAK_TRACE_MAP_MEM_H
#define KLEAK_TRACE_MAP_MEM_H

#include <stdbool.h>
#include <stdint.h>

struct btf;

/* Sizes of the kernel's map structs (kernel/bpf/hashtab.c, arraymap.c, stackmap.c). */
struct map_mem_sizes {
	uint32_t htab, bucket, htab_elem; /* struct bpf_htab, bucket, htab_elem */
	uint32_t array;			  /* struct bpf_array */
	uint32_t stack_map, stack_bucket; /* struct bpf_stack_map, stack_map_bucket */
	uint32_t page_size;
};

/* The one shape of a map the arithmetic needs. */
struct map_mem_shape {
	uint32_t type; /* enum bpf_map_type */
	uint32_t key_size, value_size, max_entries, flags;
};

/* From the kernel's BTF; sizes it lacks keep 6.1's x86-64 values. */
void map_mem_sizes_btf(const struct btf *btf, struct map_mem_sizes *z);
/* Bytes the map holds on a kernel with ncpus possible CPUs (0: unknown type). */
uint64_t map_mem_usage(const struct map_mem_sizes *z, const struct map_mem_shape *m, int ncpus);
/* Whether a release ("6.1.0-21-amd64") predates ->map_mem_usage (6.4). */
bool map_mem_fdinfo_understates(const char *release);

#endif
