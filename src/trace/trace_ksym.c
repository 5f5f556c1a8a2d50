// SPDX-License-Identifier: GPL-2.0
/* Live kernel symbols for trace's call sites and stacks (see trace_ksym.h). */
#include "trace/trace_ksym.h"

#include <string.h>

#include "parse/modules.h"
#include "util/buf.h"

int trace_ksyms_load(struct trace_ksyms *k, struct kerr *e)
{
	struct kallsyms ks = { 0 };
	struct modules mods = { 0 };
	struct buf b = { 0 };
	struct kerr me;
	int ret;

	memset(k, 0, sizeof(*k));
	ret = buf_read_file(&b, "/proc/kallsyms", 256u << 20, e);
	if (!ret)
		ret = kallsyms_parse(b.data, b.len, "/proc/kallsyms", &ks, e);
	if (!ret)
		ret = ksym_table_init(&k->t, &ks, e);
	kallsyms_free(&ks);
	if (ret)
		goto out;
	k->loaded = true;
	/* module ranges bound the last symbol of each module; optional */
	buf_reset(&b);
	if (!buf_read_file(&b, "/proc/modules", 16u << 20, &me) &&
	    !modules_parse(b.data, b.len, "/proc/modules", &mods, &me)) {
		for (size_t i = 0; i < mods.n; i++)
			ksym_table_add_module(&k->t, mods.v[i].name, mods.v[i].addr,
					      mods.v[i].size);
		modules_free(&mods);
	}
out:
	buf_free(&b);
	return ret;
}

bool trace_ksyms_lookup(const struct trace_ksyms *k, uint64_t addr, const char **name,
			uint64_t *offset, const char **module)
{
	struct ksym_loc loc;

	*name = *module = NULL;
	*offset = 0;
	if (!k || !k->loaded || !ksym_lookup(&k->t, addr, &loc))
		return false;
	*name = loc.name;
	*offset = loc.offset;
	*module = loc.module;
	return loc.name != NULL;
}

void trace_ksyms_free(struct trace_ksyms *k)
{
	if (!k || !k->loaded)
		return;
	ksym_table_free(&k->t);
	k->loaded = false;
}
