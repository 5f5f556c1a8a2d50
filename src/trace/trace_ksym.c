// SPDX-License-Identifier: GPL-2.0
/* Live kernel symbols for trace's call sites and stacks (see trace_ksym.h). */
#include "trace/trace_ksym.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse/modules.h"
#include "util/buf.h"

/* FNV-1a over the modules' names and addresses (not their refcounts). */
static uint64_t modules_sig(const struct modules *m)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < m->n; i++) {
		const unsigned char *p = (const unsigned char *)m->v[i].name;

		for (; *p; p++)
			h = (h ^ *p) * 0x100000001b3ull;
		for (int b = 0; b < 8; b++)
			h = (h ^ ((m->v[i].addr >> (8 * b)) & 0xff)) * 0x100000001b3ull;
	}
	return h;
}

/* /proc/modules, parsed; none at all on a kernel built without modules. */
static int modules_read(struct modules *mods, struct kerr *e)
{
	struct buf b = { 0 };
	int ret = buf_read_file(&b, "/proc/modules", 16u << 20, e);

	if (ret == -ENOENT) {
		memset(mods, 0, sizeof(*mods));
		ret = 0;
	} else if (!ret)
		ret = modules_parse(b.data, b.len, "/proc/modules", mods, e);
	buf_free(&b);
	return ret;
}

int trace_ksyms_load(struct trace_ksyms *k, struct kerr *e)
{
	struct kallsyms ks = { 0 };
	struct modules mods = { 0 };
	struct buf b = { 0 };
	struct kerr me;
	int ret;

	memset(k, 0, sizeof(*k));
	/* the modules first: a module loaded in between shows as a change later */
	if (!modules_read(&mods, &me))
		k->modsig = modules_sig(&mods);
	ret = buf_read_file(&b, "/proc/kallsyms", 256u << 20, e);
	if (!ret)
		ret = kallsyms_parse(b.data, b.len, "/proc/kallsyms", &ks, e);
	if (!ret)
		ret = ksym_table_init(&k->t, &ks, e);
	kallsyms_free(&ks);
	if (!ret) {
		k->loaded = true;
		/* module ranges bound the last symbol of each module */
		for (size_t i = 0; i < mods.n; i++)
			ksym_table_add_module(&k->t, mods.v[i].name, mods.v[i].addr,
					      mods.v[i].size);
	}
	modules_free(&mods);
	buf_free(&b);
	return ret;
}

/* Frees the tables older than the kept ones. */
static void chain_trim(struct trace_ksyms *k)
{
	for (int depth = 0; k; depth++, k = k->older)
		if (depth == TRACE_KSYMS_KEPT && k->older) {
			trace_ksyms_free(k->older);
			free(k->older);
			k->older = NULL;
		}
}

int trace_ksyms_refresh(struct trace_ksyms *k, bool *changed, struct kerr *e)
{
	struct modules mods = { 0 };
	struct trace_ksyms fresh, *old;
	int ret;

	*changed = false;
	ret = modules_read(&mods, e);
	if (ret)
		return ret;
	if (k->loaded && modules_sig(&mods) == k->modsig) {
		modules_free(&mods);
		return 0;
	}
	modules_free(&mods);
	ret = trace_ksyms_load(&fresh, e);
	if (ret)
		return ret;
	old = malloc(sizeof(*old));
	if (!old) {
		trace_ksyms_free(&fresh);
		return kerr_set(e, -ENOMEM, "/proc/kallsyms", 0, "out of memory");
	}
	*old = *k;
	*k = fresh;
	k->older = old->loaded ? old : NULL;
	if (!old->loaded)
		free(old);
	chain_trim(k);
	*changed = true;
	return 0;
}

bool trace_ksyms_lookup(const struct trace_ksyms *k, uint64_t addr, const char **name,
			uint64_t *offset, const char **module)
{
	struct ksym_loc loc;

	*name = *module = NULL;
	*offset = 0;
	for (; k; k = k->older) {
		if (!k->loaded || !ksym_lookup(&k->t, addr, &loc))
			continue;
		if (!*module) { /* a module's range, at least */
			*module = loc.module;
			*offset = loc.offset;
		}
		if (loc.name) {
			*name = loc.name;
			*offset = loc.offset;
			*module = loc.module;
			return true;
		}
	}
	return false;
}

void trace_ksyms_free(struct trace_ksyms *k)
{
	if (!k)
		return;
	if (k->older) {
		trace_ksyms_free(k->older);
		free(k->older);
		k->older = NULL;
	}
	if (k->loaded)
		ksym_table_free(&k->t);
	k->loaded = false;
}
