// SPDX-License-Identifier: GPL-2.0
/* libbpf's print hook and program statistics for kleak's BPF users (loader.h). */
#include "trace/loader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static char first_warning[256];

static int print_hook(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static int debug = -1;
	char line[sizeof(first_warning)];
	va_list ap2;

	if (debug < 0)
		debug = getenv("KLEAK_DEBUG") != NULL;
	va_copy(ap2, ap);
	if (debug)
		vfprintf(stderr, fmt, ap2);
	va_end(ap2);
	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = 0;
	/* The first warning names the program and the cause; later ones
	 * only say that the skeleton failed. */
	if (line[0] && !first_warning[0])
		memcpy(first_warning, line, sizeof(line));
	return 0;
}

void loader_log_init(void)
{
	libbpf_set_print(print_hook);
	first_warning[0] = 0;
}

const char *loader_why(int err, char *buf, size_t len)
{
	if (err < 0)
		err = -err;
	if (first_warning[0])
		snprintf(buf, len, "%s (%s)", strerror(err), first_warning);
	else
		snprintf(buf, len, "%s", strerror(err));
	first_warning[0] = 0;
	return buf;
}

size_t loader_prog_stats(const struct bpf_object *obj, struct loader_prog_stat *v, size_t max)
{
	struct bpf_program *p;
	size_t n = 0;

	bpf_object__for_each_program(p, obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		const char *tp = strchr(bpf_program__section_name(p), '/');

		if (bpf_program__fd(p) < 0 || n == max)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
			continue;
		snprintf(v[n].name, sizeof(v[n].name), "%s", tp ? tp + 1 : bpf_program__name(p));
		v[n].run_count = info.run_cnt;
		v[n].run_time_ns = info.run_time_ns;
		v[n].recursion_misses = info.recursion_misses;
		n++;
	}
	return n;
}

bool loader_tp_exists(const struct btf *btf, const char *tp)
{
	char name[96];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}

int loader_stats_enable(void)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	return fd < 0 ? -errno : fd;
}
