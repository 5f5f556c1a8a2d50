// SPDX-License-Identifier: GPL-2.0
/* Who runs in a cgroup, from its path; the layouts in cgroup_path.h. */
#include "cgroup_path.h"

#include <stdio.h>
#include <string.h>

bool cgroup_is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return n > 0;
}

/* systemd scope prefixes of container runtimes: "<prefix><id>.scope". */
static const struct {
	const char *prefix, *runtime;
} scopes[] = {
	{ "docker-", "docker" }, { "libpod-", "podman" },      { "cri-containerd-", "containerd" },
	{ "crio-", "cri-o" },	 { "nerdctl-", "containerd" },
};

static bool has_suffix(const char *s, size_t n, const char *suf)
{
	size_t sl = strlen(suf);

	return n >= sl && !memcmp(s + n - sl, suf, sl);
}

/* "<prefix><64 hex>[.scope]" -> runtime and id. */
static bool scope_container(const char *c, size_t n, struct cgroup_ident *id)
{
	if (has_suffix(c, n, ".scope"))
		n -= 6;
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		size_t pl = strlen(scopes[i].prefix);

		if (n == pl + 64 && !memcmp(c, scopes[i].prefix, pl) && cgroup_is_hex(c + pl, 64)) {
			id->runtime = scopes[i].runtime;
			memcpy(id->id, c + pl, 64);
			id->id[64] = '\0';
			return true;
		}
	}
	return false;
}

/* "pod<uid>" or "kubepods[-qos]-pod<uid_with_underscores>.slice". */
static bool pod_component(const char *c, size_t n, char uid[CGROUP_UID_LEN])
{
	const char *p = NULL;
	size_t ul;

	if (has_suffix(c, n, ".slice")) {
		for (size_t i = 0; i + 3 < n; i++)
			if (!memcmp(c + i, "pod", 3) && (i == 0 || c[i - 1] == '-'))
				p = c + i + 3;
		n -= 6;
	} else if (n > 3 && !memcmp(c, "pod", 3)) {
		p = c + 3;
	}
	if (!p)
		return false;
	ul = n - (size_t)(p - c);
	if (ul != 36)
		return false;
	for (size_t i = 0; i < ul; i++) {
		char ch = p[i] == '_' ? '-' : p[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? ch != '-' : !cgroup_is_hex(&ch, 1))
			return false;
		uid[i] = ch;
	}
	uid[ul] = '\0';
	return true;
}

static bool unit_name(const char *c, size_t n)
{
	static const char *const sufs[] = { ".service", ".scope", ".slice",
					    ".socket",	".mount", ".swap" };

	for (size_t i = 0; i < sizeof(sufs) / sizeof(sufs[0]); i++)
		if (has_suffix(c, n, sufs[i]) && n > strlen(sufs[i]))
			return true;
	return false;
}

/* A component that names a container, given the one before it. */
static bool container_component(const char *prev, size_t pn, const char *c, size_t n, bool in_pod,
				struct cgroup_ident *id)
{
	if (scope_container(c, n, id))
		return true;
	if (n != 64 || !cgroup_is_hex(c, 64))
		return false;
	if (in_pod)
		id->runtime = "kubernetes";
	else if (pn == 6 && !memcmp(prev, "docker", 6))
		id->runtime = "docker";
	else if (pn == 13 && !memcmp(prev, "libpod_parent", 13))
		id->runtime = "podman";
	else
		return false;
	memcpy(id->id, c, 64);
	id->id[64] = '\0';
	return true;
}

void cgroup_path_classify(const char *path, struct cgroup_ident *out)
{
	const char *p = path, *prev = "";
	size_t pn = 0;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *c;
		size_t n;

		while (*p == '/')
			p++;
		c = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - c);
		if (!n)
			break;
		if (out->kind != CGROUP_CONTAINER && pod_component(c, n, out->pod_uid)) {
			out->kind = CGROUP_POD;
			out->runtime = "kubernetes";
			if (unit_name(c, n) && n < CGROUP_UNIT_LEN) {
				memcpy(out->unit, c, n);
				out->unit[n] = '\0';
			}
		} else if (out->kind != CGROUP_CONTAINER &&
			   container_component(prev, pn, c, n, out->kind == CGROUP_POD, out)) {
			out->kind = CGROUP_CONTAINER;
			out->rest = *p ? (size_t)(p - path) : 0;
		} else if (out->kind == CGROUP_CONTAINER) {
			break; /* inside a container: rest set above */
		} else if (unit_name(c, n) && n < CGROUP_UNIT_LEN) {
			if (out->kind != CGROUP_POD) {
				out->kind = CGROUP_UNIT;
				out->runtime = "systemd";
			}
			memcpy(out->unit, c, n);
			out->unit[n] = '\0';
		} else if (out->kind == CGROUP_UNIT) {
			out->kind = CGROUP_PLAIN; /* a plain cgroup below a unit */
			out->runtime = NULL;
			out->unit[0] = '\0';
		}
		prev = c;
		pn = n;
	}
}
