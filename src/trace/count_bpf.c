// SPDX-License-Identifier: GPL-2.0
/*
 * Skeleton lifecycle of `kleak count` (see count_bpf.h). libbpf's messages
 * are kept, not printed: the first warning goes into the error a failed load
 * or attach reports (KLEAK_DEBUG=1 prints them all; loader.h).
 */
#include "trace/count_bpf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace/loader.h"
#include "util/compiler.h"
#include "count.skel.h"

struct count_session {
	struct count_bpf *skel;
	const char *mechanism;
	char note[1024];
	int ncpus;
};

/*
 * The skeleton with every program off but the interrupt-context ones the
 * kernel has (an allocation in an interrupt belongs to no process: it must
 * not count for -p or --cgroup).
 */
static struct count_bpf *skel_open(const struct count_config *cfg)
{
	struct count_bpf *skel = count_bpf__open();
	struct bpf_program *p;

	if (!skel)
		return NULL;
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, false);
	target_scope(cfg->target, &skel->rodata->scope);
	skel->rodata->kmalloc_gfp_bits = cfg->target->kmalloc_gfp_bits;
	if (cfg->target->thread_size)
		skel->rodata->kleak_thread_size = cfg->target->thread_size;
	skel->rodata->kmalloc_noobj_gfp = cfg->target->kmalloc_noobj_gfp;
	bpf_map__set_max_entries(skel->maps.objs, cfg->max_objects);
	return skel;
}

static int open_cache(struct count_session *s, const struct count_config *cfg, struct kerr *e)
{
	const struct target_cache *c = &cfg->target->cache;
	struct count_bpf *skel = skel_open(cfg);
	char buf[512];
	int r;

	if (!skel)
		return kerr_set(e, -errno, "bpf", 0, "opening the BPF object: %s",
				loader_why(errno, buf, sizeof(buf)));
	s->skel = skel;
	s->mechanism = "raw_tp";
	snprintf(skel->rodata->cache_name, sizeof(skel->rodata->cache_name), "%s", c->cache);
	skel->rodata->kmalloc_size = c->kmalloc_size;
	skel->rodata->kmalloc_type = c->kmalloc_type;
	bpf_program__set_autoload(skel->progs.count_cache_alloc, true);
	bpf_program__set_autoload(skel->progs.count_cache_free, true);
	bpf_program__set_autoload(skel->progs.count_kfree, true);
	if (c->kmalloc_size)
		bpf_program__set_autoload(skel->progs.count_kmalloc, true);
	r = count_bpf__load(skel);
	if (r)
		return kerr_set(e, r, "bpf", 0, "loading the kmem raw tracepoint programs: %s",
				loader_why(r, buf, sizeof(buf)));
	r = count_bpf__attach(skel);
	if (r)
		return kerr_set(e, r, "bpf", 0, "attaching to the kmem tracepoints: %s",
				loader_why(r, buf, sizeof(buf)));
	return 0;
}

/* fentry/fexit: 0, or a negative errno with reason filled. */
static int try_fentry(struct count_session *s, const struct count_config *cfg, char *reason,
		      size_t len)
{
	const struct count_funcs *f = cfg->funcs;
	struct count_bpf *skel;
	char buf[400];
	int r;

	if (!f->in_btf) {
		snprintf(reason, len, "fentry/fexit: no BTF for the functions");
		return -ENOENT;
	}
	skel = skel_open(cfg);
	if (!skel) {
		r = -errno;
		snprintf(reason, len, "fentry/fexit: %s", loader_why(r, buf, sizeof(buf)));
		return r;
	}
	skel->rodata->free_arg = f->free_arg;
	bpf_program__set_autoload(skel->progs.count_fexit_alloc, true);
	bpf_program__set_autoload(skel->progs.count_fentry_free, true);
	r = bpf_program__set_attach_target(skel->progs.count_fexit_alloc, 0, f->alloc);
	if (!r)
		r = bpf_program__set_attach_target(skel->progs.count_fentry_free, 0, f->free);
	if (!r && (r = count_bpf__load(skel)))
		snprintf(reason, len, "fentry/fexit: loading: %s", loader_why(r, buf, sizeof(buf)));
	else if (!r && (r = count_bpf__attach(skel)))
		snprintf(reason, len, "fentry/fexit: attaching: %s",
			 loader_why(r, buf, sizeof(buf)));
	else if (r)
		snprintf(reason, len, "fentry/fexit: %s", loader_why(r, buf, sizeof(buf)));
	if (r) {
		count_bpf__destroy(skel);
		return r;
	}
	s->skel = skel;
	s->mechanism = "fentry/fexit";
	return 0;
}

static bool kprobes_available(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", F_OK);
}

static int try_kprobe(struct count_session *s, const struct count_config *cfg, char *reason,
		      size_t len)
{
	const struct count_funcs *f = cfg->funcs;
	struct count_bpf *skel;
	struct bpf_link *l;
	char buf[400];
	int r;

	if (!kprobes_available()) {
		snprintf(reason, len,
			 "kprobe/kretprobe: this kernel has no kprobes (no kprobe PMU in /sys/bus/event_source/devices, no kprobe_events: CONFIG_KPROBES is off)");
		return -EOPNOTSUPP;
	}
	skel = skel_open(cfg);
	if (!skel) {
		r = -errno;
		snprintf(reason, len, "kprobe: %s", loader_why(r, buf, sizeof(buf)));
		return r;
	}
	skel->rodata->free_arg = f->free_arg;
	bpf_program__set_autoload(skel->progs.count_kretprobe_alloc, true);
	bpf_program__set_autoload(skel->progs.count_kprobe_free, true);
	r = count_bpf__load(skel);
	if (r) {
		snprintf(reason, len, "kprobe/kretprobe: loading: %s",
			 loader_why(r, buf, sizeof(buf)));
		goto fail;
	}
	l = bpf_program__attach_kprobe(skel->progs.count_kretprobe_alloc, true, f->alloc);
	if (!l) {
		r = -errno;
		snprintf(reason, len, "kretprobe on %s: %s", f->alloc,
			 loader_why(r, buf, sizeof(buf)));
		goto fail;
	}
	skel->links.count_kretprobe_alloc = l;
	l = bpf_program__attach_kprobe(skel->progs.count_kprobe_free, false, f->free);
	if (!l) {
		r = -errno;
		snprintf(reason, len, "kprobe on %s: %s", f->free, loader_why(r, buf, sizeof(buf)));
		goto fail;
	}
	skel->links.count_kprobe_free = l;
	s->skel = skel;
	s->mechanism = "kprobe/kretprobe";
	return 0;
fail:
	count_bpf__destroy(skel);
	return r;
}

static int open_funcs(struct count_session *s, const struct count_config *cfg, struct kerr *e)
{
	char fent[600] = "fentry/fexit: not tried (--mechanism kprobe)",
	     kp[600] = "kprobe/kretprobe: not tried (--mechanism fentry)";
	int r = -EOPNOTSUPP;

	if (cfg->mech != COUNT_MECH_KPROBE) {
		r = try_fentry(s, cfg, fent, sizeof(fent));
		if (!r)
			return 0;
	}
	if (cfg->mech != COUNT_MECH_FENTRY) {
		r = try_kprobe(s, cfg, kp, sizeof(kp));
		if (!r && cfg->mech == COUNT_MECH_AUTO)
			snprintf(s->note, sizeof(s->note), "%s; using kprobe/kretprobe", fent);
		if (!r)
			return 0;
	}
	return kerr_set(
		e, r, "bpf", 0,
		"cannot trace %s/%s on this kernel: %s; %s. Use --cache NAME instead: the kmem tracepoints need neither (e.g. --cache %s)",
		cfg->funcs->alloc, cfg->funcs->free, fent, kp,
		!strncmp(cfg->funcs->obj_type, "struct ", 7) ? cfg->funcs->obj_type + 7 : "dentry");
}

int count_session_open(const struct count_config *cfg, struct count_session **out, struct kerr *e)
{
	struct count_session *s = calloc(1, sizeof(*s));
	int r;

	*out = NULL;
	if (!s)
		return kerr_set(e, -ENOMEM, "bpf", 0, "out of memory");
	loader_log_init();
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus <= 0) {
		r = kerr_set(e, s->ncpus ? s->ncpus : -EINVAL, "bpf", 0,
			     "cannot count possible CPUs");
		goto fail;
	}
	r = cfg->funcs ? open_funcs(s, cfg, e) : open_cache(s, cfg, e);
	if (r)
		goto fail;
	*out = s;
	return 0;
fail:
	count_session_close(s);
	return r;
}

const char *count_session_mechanism(const struct count_session *s)
{
	return s->mechanism;
}

const char *count_session_note(const struct count_session *s)
{
	return s->note;
}

int count_session_read(struct count_session *s, struct count_counters *c, struct kerr *e)
{
	int fd = bpf_map__fd(s->skel->maps.counters);
	struct loader_prog_stat ps[24];
	__u64 vals[s->ncpus];
	size_t n;

	memset(c, 0, sizeof(*c));
	for (__u32 k = 0; k < CS_NR; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals))
			return kerr_set(e, -errno, "bpf", 0, "reading the counters: %s",
					strerror(errno));
		for (int i = 0; i < s->ncpus; i++)
			c->stat[k] += vals[i];
	}
	n = loader_prog_stats(s->skel->obj, ps, ARRAY_SIZE(ps));
	for (size_t i = 0; i < n; i++)
		c->recursion_misses += ps[i].recursion_misses;
	return 0;
}

void count_session_close(struct count_session *s)
{
	if (!s)
		return;
	count_bpf__destroy(s->skel);
	free(s);
}
