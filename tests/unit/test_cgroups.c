// SPDX-License-Identifier: GPL-2.0
/*
 * cgroups: the memory controller's parsers over every captured file (this
 * host's v1, the 6.12 and 6.1 VMs' v2) and hostile input with its line;
 * mountinfo; naming from paths and from the runtimes' metadata; the
 * analysis over the fixture snapshots (ranking, the lesson's finding) and
 * over hand-made sets (limits from parents, OOM and kmem signals).
 */
#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/cgroups.h"
#include "model/cgroups.h"
#include "parse/cgroup_path.h"
#include "parse/container_meta.h"
#include "parse/memcg.h"
#include "parse/mountinfo.h"
#include "util/buf.h"

static struct buf load(const char *path)
{
	struct buf b = { 0 };
	struct kerr e;

	if (buf_read_file(&b, path, BUF_FILE_CAP, &e))
		fail_msg("cannot read fixture %s: %s", path, e.msg);
	return b;
}

/* Counts of what the fixture walk saw, per file kind. */
static int seen[MEMCG_F_COUNT];

static void check_file(const char *path, const char *base)
{
	int version = strstr(path, "/cgroup/v2/") ? 2 : 1;
	struct buf b = load(path);
	struct memcg m = { 0 };
	struct kerr e = { 0 };
	uint64_t v;
	bool lim, filled;
	int i, r = -1;

	for (i = 0; i < MEMCG_F_COUNT && strcmp(memcg_files[i].name, base); i++)
		;
	if (i == MEMCG_F_COUNT) {
		buf_free(&b);
		return;
	}
	seen[i]++;
	switch (i) {
	case MEMCG_F_STAT:
		r = memcg_stat_parse(b.data, b.len, path, version, &m, &e);
		/* v2: every kernel part these kernels report; v1: none of them */
		if (!r && version == 2)
			assert_true(memcg_has(&m, MEMCG_KERNEL) &&
				    memcg_has(&m, MEMCG_SLAB_RECLAIMABLE) &&
				    memcg_has(&m, MEMCG_SLAB_UNRECLAIMABLE) &&
				    memcg_has(&m, MEMCG_PERCPU) && memcg_has(&m, MEMCG_SOCK) &&
				    memcg_has(&m, MEMCG_KERNEL_STACK) && memcg_has(&m, MEMCG_ANON));
		if (!r && version == 1)
			assert_true(!memcg_has(&m, MEMCG_KERNEL) && memcg_has(&m, MEMCG_ANON) &&
				    memcg_has(&m, MEMCG_FILE));
		break;
	case MEMCG_F_EVENTS:
		r = memcg_events_parse(b.data, b.len, path, &m, &e);
		assert_true(r || (memcg_has(&m, MEMCG_EV_MAX) && memcg_has(&m, MEMCG_EV_OOM_KILL)));
		break;
	case MEMCG_F_MAX:
		r = memcg_max_parse(b.data, b.len, path, &v, &lim, &e);
		break;
	case MEMCG_F_LIMIT:
		r = memcg_v1_limit_parse(b.data, b.len, path, &v, &lim, &e);
		break;
	case MEMCG_F_KMEM_SLABINFO:
		r = memcg_slabinfo_parse(b.data, b.len, path, 4096, &m, &filled, &e);
		break;
	default:
		r = memcg_number_parse(b.data, b.len, path, &v, &e);
	}
	if (r)
		fail_msg("%s: %s (line %ld)", path, e.msg, e.line);
	buf_free(&b);
}

static int visit(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	if (flag == FTW_F)
		check_file(path, path + ftw->base);
	return 0;
}

static void test_memcg_fixtures(void **st)
{
	(void)st;
	memset(seen, 0, sizeof(seen));
	assert_int_equal(nftw("tests/fixtures/cgroups", visit, 16, FTW_PHYS), 0);
	/* 6.18's four v1 cgroups, 6.12's and 6.1's four v2 cgroups each */
	assert_true(seen[MEMCG_F_STAT] >= 12);
	assert_true(seen[MEMCG_F_KMEM_USAGE] >= 4 && seen[MEMCG_F_LIMIT] >= 4);
	assert_true(seen[MEMCG_F_CURRENT] >= 6 && seen[MEMCG_F_EVENTS] >= 6);
	assert_true(seen[MEMCG_F_KMEM_SLABINFO] >= 4);
}

struct hostile {
	const char *name, *text;
	long line;
};

static void hostile_run(int kind, const struct hostile *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct memcg m = { 0 };
		struct kerr e = { 0 };
		uint64_t v;
		bool b;
		int r;

		if (kind == 0)
			r = memcg_stat_parse(h[i].text, strlen(h[i].text), "memory.stat", 2, &m,
					     &e);
		else if (kind == 1)
			r = memcg_number_parse(h[i].text, strlen(h[i].text), "memory.current", &v,
					       &e);
		else
			r = memcg_max_parse(h[i].text, strlen(h[i].text), "memory.max", &v, &b, &e);
		if (!r)
			fail_msg("accepted hostile '%s'", h[i].name);
		if (e.line != h[i].line)
			fail_msg("'%s': error at line %ld, want %ld (%s)", h[i].name, e.line,
				 h[i].line, e.msg);
		assert_true(e.msg[0] && e.src[0]);
	}
}

static void test_memcg_hostile(void **st)
{
	static const struct hostile stat[] = {
		{ "word", "anon 1\nkernel twelve\n", 2 },
		{ "one field", "anon 1\nfile 2\nkernel\n", 3 },
		{ "three fields", "kernel 1 2\n", 1 },
		{ "negative", "anon 1\nslab -4\n", 2 },
		{ "overflow", "kernel 18446744073709551616\n", 1 },
		{ "binary", "anon 1\n\x01\xff 2 3\n", 2 },
	};
	static const struct hostile num[] = {
		{ "empty", "", 0 },
		{ "two values", "12 13\n", 1 },
		{ "two lines", "12\n13\n", 2 },
		{ "max is not a number", "max\n", 1 },
		{ "sign", "-1\n", 1 },
	};
	static const struct hostile max[] = {
		{ "empty", "\n", 1 },
		{ "Max", "Max\n", 1 },
		{ "two lines", "max\nmax\n", 2 },
	};

	(void)st;
	hostile_run(0, stat, sizeof(stat) / sizeof(stat[0]));
	hostile_run(1, num, sizeof(num) / sizeof(num[0]));
	hostile_run(2, max, sizeof(max) / sizeof(max[0]));
}

static void test_memcg_values(void **st)
{
	struct kerr e;
	uint64_t v;
	bool lim;
	struct memcg m = { 0 };

	(void)st;
	assert_int_equal(memcg_max_parse("max\n", 4, "m", &v, &lim, &e), 0);
	assert_false(lim);
	assert_int_equal(memcg_max_parse("67108864\n", 9, "m", &v, &lim, &e), 0);
	assert_true(lim && v == 67108864);
	/* PAGE_COUNTER_MAX with 4 KiB and 64 KiB pages: no limit */
	assert_int_equal(memcg_v1_limit_parse("9223372036854771712\n", 20, "l", &v, &lim, &e), 0);
	assert_false(lim);
	assert_true(memcg_v1_unlimited(9223372036854710272ULL));
	assert_int_equal(memcg_v1_limit_parse("67108864", 8, "l", &v, &lim, &e), 0);
	assert_true(lim);
	/* unknown fields ignored, absent ones absent, v1 names not read in v2 */
	assert_int_equal(memcg_stat_parse("kernel 5\nfuture_field 7\nrss 9\n", 30, "s", 2, &m, &e),
			 0);
	assert_true(memcg_has(&m, MEMCG_KERNEL) && m.v[MEMCG_KERNEL] == 5);
	assert_false(memcg_has(&m, MEMCG_VMALLOC));
	assert_false(memcg_has(&m, MEMCG_ANON));
}

static void test_memcg_v1_slabinfo(void **st)
{
	static const char si[] =
		"slabinfo - version: 2.1\n"
		"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
		"dentry             21000  21021    192   21    1 : tunables    0    0    0 : slabdata   1001   1001      0\n"
		"inode_cache          100    112    600   13    2 : tunables    0    0    0 : slabdata      8      8      0\n";
	struct memcg m = { 0 };
	struct kerr e;
	bool filled;

	(void)st;
	assert_int_equal(memcg_slabinfo_parse(si, strlen(si), "s", 4096, &m, &filled, &e), 0);
	assert_true(filled);
	assert_int_equal(m.v[MEMCG_SLAB], (1001 + 8 * 2) * 4096);
	assert_string_equal(m.top_cache, "dentry");
	memset(&m, 0, sizeof(m));
	assert_int_equal(memcg_slabinfo_parse("", 0, "s", 4096, &m, &filled, &e), 0);
	assert_false(filled || memcg_has(&m, MEMCG_SLAB));
	assert_int_not_equal(memcg_slabinfo_parse("slabinfo - version: 2.1\ndentry 1 2\n", 35, "s",
						  4096, &m, &filled, &e),
			     0);
	assert_int_equal(e.line, 2);
}

static void test_mountinfo(void **st)
{
	struct buf b = load("tests/fixtures/cgroups/6.18/mountinfo");
	static const char inside[] =
		"1 0 0:1 / / rw - ext4 /dev/vda rw\n"
		"7 1 0:41 /docker/abc /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n"
		"8 1 0:42 / /mnt/with\\040space rw shared:4 - cgroup cgroup rw,memory,cpu\n";
	struct cgroup_mounts m;
	struct kerr e;
	int mem = -1;

	(void)st;
	assert_int_equal(mountinfo_parse(b.data, b.len, "mountinfo", &m, &e), 0);
	assert_int_equal(m.n, 10);
	for (size_t i = 0; i < m.n; i++)
		if (m.v[i].memory)
			mem = (int)i;
	assert_true(mem >= 0);
	assert_string_equal(m.v[mem].point, "/sys/fs/cgroup/memory");
	assert_int_equal(m.v[mem].version, 1);
	assert_int_equal(m.v[m.n - 1].version, 2);
	mountinfo_free(&m);
	buf_free(&b);
	assert_int_equal(mountinfo_parse(inside, strlen(inside), "mi", &m, &e), 0);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.v[0].root, "/docker/abc");
	assert_string_equal(m.v[1].point, "/mnt/with space");
	assert_true(m.v[1].memory);
	mountinfo_free(&m);
	assert_int_not_equal(mountinfo_parse("1 0 0:1 / / rw - ext4 /dev/vda rw\n1 2 3\n", 40, "mi",
					     &m, &e),
			     0);
	assert_int_equal(e.line, 2);
}

#define ID "6c9666698cd844ff0a8d5b29d73bfc07aec6a060f68205c5e24512e98e68e3ea"
#define UID "0f6a3b2c-1d4e-4f5a-8b9c-0d1e2f3a4b5c"
#define UIDU "0f6a3b2c_1d4e_4f5a_8b9c_0d1e2f3a4b5c"

static void test_cgroup_path(void **st)
{
	static const struct {
		const char *path;
		enum cgroup_kind kind;
		const char *runtime, *id, *pod, *unit;
		bool inside;
	} t[] = {
		{ "/docker/" ID, CGROUP_CONTAINER, "docker", ID, "", "", false },
		{ "/docker/" ID "/init.scope", CGROUP_CONTAINER, "docker", ID, "", "", true },
		{ "/system.slice/docker-" ID ".scope", CGROUP_CONTAINER, "docker", ID, "", "",
		  false },
		{ "/machine.slice/libpod-" ID ".scope", CGROUP_CONTAINER, "podman", ID, "", "",
		  false },
		{ "/libpod_parent/libpod-" ID, CGROUP_CONTAINER, "podman", ID, "", "", false },
		{ "/libpod_parent/" ID, CGROUP_CONTAINER, "podman", ID, "", "", false },
		{ "/kubepods/burstable/pod" UID "/" ID, CGROUP_CONTAINER, "kubernetes", ID, UID, "",
		  false },
		{ "/kubepods/pod" UID, CGROUP_POD, "kubernetes", "", UID, "", false },
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UIDU
		  ".slice/cri-containerd-" ID ".scope",
		  CGROUP_CONTAINER, "containerd", ID, UID, "kubepods-burstable-pod" UIDU ".slice",
		  false },
		{ "/kubepods.slice/kubepods-pod" UIDU ".slice", CGROUP_POD, "kubernetes", "", UID,
		  "kubepods-pod" UIDU ".slice", false },
		{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU
		  ".slice/crio-" ID ".scope",
		  CGROUP_CONTAINER, "cri-o", ID, UID, "kubepods-besteffort-pod" UIDU ".slice",
		  false },
		{ "/system.slice/nginx.service", CGROUP_UNIT, "systemd", "", "", "nginx.service",
		  false },
		{ "/user.slice", CGROUP_UNIT, "systemd", "", "", "user.slice", false },
		{ "/system.slice/foo.service/sub", CGROUP_PLAIN, NULL, "", "", "", false },
		{ "/", CGROUP_PLAIN, NULL, "", "", "", false },
		{ "/kleak-hold", CGROUP_PLAIN, NULL, "", "", "", false },
		{ "/docker", CGROUP_PLAIN, NULL, "", "", "", false },
		{ "/docker/"
		  "6C9666698cd844ff0a8d5b29d73bfc07aec6a060f68205c5e24512e98e68e3ea",
		  CGROUP_PLAIN, NULL, "", "", "", false },
		{ "/other/" ID, CGROUP_PLAIN, NULL, "", "", "", false },
	};

	(void)st;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct cgroup_ident id;

		cgroup_path_classify(t[i].path, &id);
		if (id.kind != t[i].kind || strcmp(id.id, t[i].id) ||
		    strcmp(id.pod_uid, t[i].pod) || (t[i].unit[0] && strcmp(id.unit, t[i].unit)) ||
		    (id.rest != 0) != t[i].inside ||
		    (t[i].runtime ? !id.runtime || strcmp(id.runtime, t[i].runtime)
				  : id.runtime != NULL))
			fail_msg("%s: kind %d runtime %s id '%s' pod '%s' unit '%s' rest %zu",
				 t[i].path, id.kind, id.runtime ? id.runtime : "(null)", id.id,
				 id.pod_uid, id.unit, id.rest);
	}
}

static int collect(const struct container_meta *m, void *ctx)
{
	return container_names_add(ctx, "podman", m->id, m->name);
}

static void test_container_meta(void **st)
{
	struct buf b;
	struct container_meta m;
	struct container_names cn = { 0 };
	char root[256], config[256];
	struct kerr e;
	static const char args[] =
		"/usr/bin/dockerd\0--data-root\0/srv/d\0--config-file=/etc/d.json\0-H\0unix:///x\0";

	(void)st;
	b = load("tests/fixtures/containers/docker-config.v2.json");
	assert_int_equal(container_meta_docker(b.data, b.len, "c", &m, &e), 0);
	assert_string_equal(m.name, "kleak-neg");
	assert_int_equal(strlen(m.id), 64);
	buf_free(&b);
	b = load("tests/fixtures/containers/docker-daemon.json");
	assert_int_equal(container_meta_docker_root(b.data, b.len, "d", root, sizeof(root), &e), 0);
	assert_string_equal(root, "/srv/docker");
	buf_free(&b);
	b = load("tests/fixtures/containers/podman-containers.json");
	assert_int_equal(container_meta_podman(b.data, b.len, "p", collect, &cn, &e), 0);
	assert_int_equal(cn.n, 2);
	assert_string_equal(cn.v[0].name, "web");
	assert_string_equal(cn.v[1].name, "db");
	container_names_free(&cn);
	buf_free(&b);
	b = load("tests/fixtures/containers/containerd-cri-config.json");
	assert_int_equal(container_meta_oci(b.data, b.len, "o", &m, &e), 0);
	assert_string_equal(m.name, "default/nginx-7d4b9c6f5-x2x9q/nginx");
	assert_string_equal(m.pod_name, "default/nginx-7d4b9c6f5-x2x9q");
	assert_string_equal(m.pod_uid, UID);
	buf_free(&b);
	b = load("tests/fixtures/containers/crio-config.json");
	assert_int_equal(container_meta_oci(b.data, b.len, "o", &m, &e), 0);
	assert_string_equal(m.name, "kube-system/coredns-5d78c9869d-abcde/(sandbox)");
	buf_free(&b);
	b = load("tests/fixtures/containers/nerdctl-config.json");
	assert_int_equal(container_meta_oci(b.data, b.len, "o", &m, &e), 0);
	assert_string_equal(m.name, "cache");
	buf_free(&b);
	assert_int_not_equal(container_meta_docker("{\n\"Name\": \"/x\",\n\"ID\": }", 23, "bad", &m,
						   &e),
			     0);
	assert_int_equal(e.line, 3);
	assert_int_not_equal(container_meta_docker("{} x", 4, "bad", &m, &e), 0);
	assert_int_not_equal(container_meta_podman("{}", 2, "bad", collect, &cn, &e), 0);
	container_meta_dockerd_args(args, sizeof(args) - 1, root, sizeof(root), config,
				    sizeof(config));
	assert_string_equal(root, "/srv/d");
	assert_string_equal(config, "/etc/d.json");
	container_meta_dockerd_args("dockerd\0-g\0", 11, root, sizeof(root), config,
				    sizeof(config));
	assert_string_equal(root, "");
}

static void test_names_roundtrip(void **st)
{
	struct container_names a = { 0 }, b;
	struct buf out = { 0 };
	struct kerr e;

	(void)st;
	assert_int_equal(container_names_add(&a, "docker", ID, "web"), 0);
	assert_int_equal(container_names_add(&a, "kubernetes", "pod:" UID, "default/my pod"), 0);
	assert_int_equal(container_names_add(&a, "docker", ID, "web-renamed"), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(container_names_render(&a, &out), 0);
	assert_int_equal(container_names_parse(out.data, out.len, "containers", &b, &e), 0);
	assert_int_equal(b.n, 2);
	assert_string_equal(container_names_find(&b, ID)->name, "web-renamed");
	assert_string_equal(container_names_find(&b, "pod:" UID)->name, "default/my_pod");
	assert_null(container_names_find(&b, "nope"));
	container_names_free(&a);
	container_names_free(&b);
	assert_int_not_equal(container_names_parse("docker x y\ndocker z\n", 20, "c", &b, &e), 0);
	assert_int_equal(e.line, 2);
	buf_free(&out);
}

static void test_analyze_fixtures(void **st)
{
	struct cgroup_set s;
	struct cgroups_report r;
	struct cgroups_opts o;
	struct cgroup_target t;
	struct buf mb = load("tests/fixtures/cgroups/6.18/meminfo");
	struct meminfo mi;
	struct kerr e;
	size_t neg = SIZE_MAX;

	(void)st;
	cgroups_opts_default(&o);
	assert_int_equal(cgroup_set_take(&s, "tests/fixtures/cgroups/6.12", 0, 4096, &e), 0);
	assert_int_equal(cgroups_analyze(&s, NULL, &o, &r, &e), 0);
	assert_int_equal(r.nrows, 3);
	assert_string_equal(r.rows[0].ent->path, "/kleak-hold");
	assert_string_equal(r.rows[2].ent->path, "/kleak-empty");
	assert_int_equal(r.nfindings, 0);
	cgroups_report_free(&r);
	cgroup_set_free(&s);

	assert_int_equal(meminfo_parse(mb.data, mb.len, "meminfo", &mi, &e), 0);
	assert_int_equal(cgroup_set_take(&s, "tests/fixtures/cgroups/6.18", 0, 4096, &e), 0);
	assert_int_equal(cgroups_analyze(&s, &mi, &o, &r, &e), 0);
	assert_int_equal(r.nrows, 3);
	assert_string_equal(r.rows[2].ent->path, "/docker"); /* the aggregate ranks last */
	assert_true(r.rows[2].aggregate);
	for (size_t i = 0; i < r.nrows; i++)
		if (!strcmp(r.rows[i].name, "kleak-neg"))
			neg = i;
	assert_true(neg != SIZE_MAX && r.rows[neg].has_limit &&
		    r.rows[neg].limit_bytes == 64 << 20);
	assert_int_equal(r.nfindings, 1);
	assert_string_equal(r.findings[0].id, "cgroup-kernel-at-limit");
	assert_string_equal(r.findings[0].subject, "kleak-neg");
	assert_string_equal(r.findings[0].next, "kleak count --cache dentry --container kleak-neg");
	cgroups_report_free(&r);

	assert_int_equal(cgroup_set_find(&s, "kleak-hold", &t, &e), 0);
	assert_true(!strncmp(t.path, "/docker/", 8) && t.version == 1);
	assert_int_equal(cgroup_set_find(&s, t.path + 8, &t, &e), 0); /* full id */
	assert_string_equal(t.name, "kleak-hold");
	assert_int_equal(cgroup_set_find(&s, "kleak-hlod", &t, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "close names: kleak-hold"));
	assert_int_equal(cgroup_set_find(&s, "kleak", &t, &e), -ENOENT);
	cgroup_set_free(&s);
	meminfo_free(&mi);
	buf_free(&mb);
}

/* A hand-made set: /a (limit 100 MiB) with /a/b (no limit of its own). */
static void add(struct cgroup_set *s, const char *path, int depth)
{
	s->v = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	memset(&s->v[s->n], 0, sizeof(*s->v));
	s->v[s->n].path = strdup(path);
	s->v[s->n].depth = depth;
	s->v[s->n].m.version = 2;
	s->n++;
}

static void test_analyze_rules(void **st)
{
	struct cgroup_set s = { 0 };
	struct cgroups_report r;
	struct cgroups_opts o;
	struct meminfo host = { 0 };
	struct meminfo_field hf[2] = { { "MemTotal", 1000ULL << 20, true, 1 },
				       { "MemAvailable", 100ULL << 20, true, 2 } };
	struct kerr e;

	(void)st;
	cgroups_opts_default(&o);
	add(&s, "/", 0);
	add(&s, "/my app", 1);
	add(&s, "/my app/b", 2);
	add(&s, "/c", 1);
	add(&s, "/d", 1);
	memcg_set(&s.v[4].m, MEMCG_LIMIT, 100 << 20);
	memcg_set(&s.v[4].m, MEMCG_MEMORY, 50 << 20);
	memcg_set(&s.v[4].m, MEMCG_KERNEL, 1 << 20);
	memcg_set(&s.v[4].m, MEMCG_EV_MAX, 2);
	memcg_set(&s.v[1].m, MEMCG_LIMIT, 100 << 20);
	memcg_set(&s.v[1].m, MEMCG_KERNEL, 95 << 20);
	memcg_set(&s.v[1].m, MEMCG_MEMORY, 99 << 20);
	memcg_set(&s.v[2].m, MEMCG_KERNEL, 10 << 20);
	memcg_set(&s.v[2].m, MEMCG_MEMORY, 12 << 20);
	memcg_set(&s.v[2].m, MEMCG_EV_MAX, 3);
	memcg_set(&s.v[2].m, MEMCG_SLAB_RECLAIMABLE, 8 << 20);
	memcg_set(&s.v[2].m, MEMCG_SLAB_UNRECLAIMABLE, 1 << 20);
	memcg_set(&s.v[3].m, MEMCG_EV_OOM_KILL, 2);
	memcg_set(&s.v[3].m, MEMCG_SLAB_UNRECLAIMABLE, 1 << 20);
	assert_int_equal(cgroups_analyze(&s, NULL, &o, &r, &e), 0);
	/* /my app holds 95 MiB of which its child 10: specific, first */
	assert_string_equal(r.rows[0].ent->path, "/my app");
	assert_false(r.rows[0].aggregate);
	/* /my app/b has no limit of its own: its parent's applies */
	assert_string_equal(r.rows[1].ent->path, "/my app/b");
	assert_true(r.rows[1].has_limit && r.rows[1].limit_bytes == 100 << 20);
	/* /c has no `kernel`: ranked by its parts, reported null */
	assert_false(r.rows[2].kernel_reported);
	assert_int_equal(r.rows[2].kernel_bytes, 1 << 20);
	/* findings: the oom kill and two containers at the limit, quoted;
	 * /d reached its limit with little kernel memory: info only */
	assert_int_equal(r.nfindings, 4);
	assert_string_equal(r.findings[3].id, "cgroup-limit-hit");
	assert_string_equal(r.findings[3].subject, "/d");
	assert_string_equal(r.findings[0].id, "cgroup-kernel-at-limit");
	assert_string_equal(r.findings[0].next, "kleak count --cache dentry --container '/my app'");
	assert_string_equal(r.findings[1].id, "cgroup-kernel-at-limit");
	assert_non_null(strstr(r.findings[1].evidence, "mostly reclaimable"));
	assert_string_equal(r.findings[2].id, "cgroup-oom-kill");
	cgroups_report_free(&r);
	/* a host short of memory: not the container's own case; the limit
	 * hits remain, as info */
	host.v = hf;
	host.n = 2;
	assert_int_equal(cgroups_analyze(&s, &host, &o, &r, &e), 0);
	assert_int_equal(r.nfindings, 3);
	assert_string_equal(r.findings[0].id, "cgroup-oom-kill");
	assert_string_equal(r.findings[1].id, "cgroup-limit-hit");
	cgroups_report_free(&r);
	/* --container keeps the subtree */
	o.only = "/my app";
	assert_int_equal(cgroups_analyze(&s, NULL, &o, &r, &e), 0);
	assert_int_equal(r.nrows, 2);
	cgroups_report_free(&r);
	cgroup_set_free(&s);
}

/* Names and runtimes from the runtimes' files win over what a path says. */
static void test_analyze_names(void **st)
{
	struct cgroup_set s = { 0 };
	struct cgroups_report r;
	struct cgroups_opts o;
	struct kerr e;

	(void)st;
	cgroups_opts_default(&o);
	add(&s, "/kubepods/pod" UID, 1);
	add(&s, "/kubepods/pod" UID "/" ID, 2);
	memcg_set(&s.v[0].m, MEMCG_KERNEL, 10);
	memcg_set(&s.v[1].m, MEMCG_KERNEL, 9);
	assert_int_equal(container_names_add(&s.names, "containerd", ID, "default/web/nginx"), 0);
	assert_int_equal(container_names_add(&s.names, "kubernetes", "pod:" UID, "default/web"), 0);
	assert_int_equal(cgroups_analyze(&s, NULL, &o, &r, &e), 0);
	assert_string_equal(r.rows[0].name, "default/web/nginx");
	assert_string_equal(r.rows[0].ident.runtime, "containerd");
	assert_string_equal(r.rows[1].name, "default/web");
	assert_true(r.rows[1].aggregate);
	cgroups_report_free(&r);
	cgroup_set_free(&s);
}

static int rm_visit(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* The live cgroups copied into a snapshot read back the same. */
static void test_snapshot_roundtrip(void **st)
{
	char dir[] = "/tmp/kleak-cgsnap.XXXXXX";
	struct cgroup_set live, copy;
	struct cgroups_live l = { 0 };
	struct buf text = { 0 };
	struct kerr e;
	size_t same = 0;

	(void)st;
	if (cgroups_read_live(&l, 0, &text, &e)) {
		print_message("no memory cgroup here (%s): nothing to copy\n", e.msg);
		cgroups_live_free(&l);
		skip();
	}
	assert_int_equal(cgroup_set_parse(&live, text.data, text.len, "live", 4096, 0, &e), 0);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(cgroups_snapshot_write(dir, text.data, text.len, "live", &e), 0);
	buf_free(&text);
	cgroups_live_free(&l);
	assert_int_equal(cgroup_set_take(&copy, dir, 0, 4096, &e), 0);
	/* cgroups come and go between the two walks: most must match */
	for (size_t i = 0; i < copy.n; i++)
		for (size_t j = 0; j < live.n; j++)
			if (!strcmp(copy.v[i].path, live.v[j].path) &&
			    copy.v[i].m.version == live.v[j].m.version &&
			    memcg_has(&copy.v[i].m, MEMCG_MEMORY) ==
				    memcg_has(&live.v[j].m, MEMCG_MEMORY)) {
				same++;
				break;
			}
	assert_true(copy.n > 0 && same * 10 >= live.n * 9);
	/* --container by path on the live system: the directory to attach to */
	if (live.n > 1) {
		struct cgroup_target t;
		struct stat sb;

		assert_int_equal(cgroups_container_resolve(live.v[1].path, &t, &e), 0);
		assert_string_equal(t.path, live.v[1].path);
		assert_true(!stat(t.dir, &sb) && S_ISDIR(sb.st_mode));
		assert_non_null(strstr(t.dir, live.v[1].path));
	}
	cgroup_set_free(&live);
	cgroup_set_free(&copy);
	nftw(dir, rm_visit, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcg_fixtures),	 cmocka_unit_test(test_memcg_hostile),
		cmocka_unit_test(test_memcg_values),	 cmocka_unit_test(test_memcg_v1_slabinfo),
		cmocka_unit_test(test_mountinfo),	 cmocka_unit_test(test_cgroup_path),
		cmocka_unit_test(test_container_meta),	 cmocka_unit_test(test_names_roundtrip),
		cmocka_unit_test(test_analyze_fixtures), cmocka_unit_test(test_analyze_rules),
		cmocka_unit_test(test_analyze_names),	 cmocka_unit_test(test_snapshot_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
