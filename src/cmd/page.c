// SPDX-License-Identifier: GPL-2.0
/* The HTML page and folded stacks of the commands; see page.h. */
#include "page.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/ksym.h"
#include "output/stacks_from.h"
#include "parse/kallsyms.h"
#include "util/text.h"

void page_init(struct page *p, int argc, char **argv)
{
	size_t n;

	memset(p, 0, sizeof(*p));
	n = (size_t)snprintf(p->command, sizeof(p->command), "kleak");
	for (int i = 0; i < argc && n < sizeof(p->command); i++) {
		char q[512];

		n += (size_t)snprintf(p->command + n, sizeof(p->command) - n, " %s",
				      text_shell_quote(argv[i], q, sizeof(q)));
	}
	p->r.meta.command = p->command;
	p->r.meta.version = "kleak " KLEAK_VERSION;
	p->r.meta.gaps = -1;
}

int page_growth(struct page *p, const struct series_set *set, const struct trend_report *rep,
		const struct html_trend_args *a)
{
	struct html_trend_args args = *a;
	int r;

	args.command = p->command;
	args.version = p->r.meta.version;
	r = html_from_trend(&p->doc, set, rep, &args);
	p->have_doc = true;
	if (!r)
		p->r = p->doc.r; /* its arrays stay in p->doc */
	return r;
}

/*
 * The symbols of the modules a recording or watch saw (ingest's baseline),
 * for a kmemleak report whose module frames are bare addresses. 1 when
 * there are none.
 */
static int baseline_syms(const struct ingest *in, struct ksym_table *t, struct kerr *e)
{
	struct kallsyms ks;
	int r;

	if (!in || !in->have_base || !in->base_kallsyms.len)
		return 1;
	r = kallsyms_parse(in->base_kallsyms.data, in->base_kallsyms.len, "kallsyms", &ks, e);
	if (!r)
		r = ksym_table_init(t, &ks, e);
	if (!r && ksym_table_add_modules(t, &in->base_modules))
		r = -ENOMEM;
	if (r)
		ksym_table_free(t);
	return r ? 1 : 0; /* unusable symbols leave the frames as they are */
}

/* kmemleak's report could not be used: the page says so, the caller warns. */
static int kmemleak_failed(struct page *p, const char *note, struct kerr *e)
{
	char msg[400];

	snprintf(p->knote, sizeof(p->knote), "%s%s left out: %s", note ? note : "",
		 note ? ";" : "kmemleak's report", kerr_str(e, msg, sizeof(msg)));
	p->r.have_kmemleak = true;
	p->r.kmemleak_note = p->knote;
	p->r.ngroups = 0;
	p->r.kmemleak_stacks = NULL;
	return e->code ? e->code : -EINVAL;
}

int page_kmemleak(struct page *p, const char *buf, size_t len, const char *src,
		  const struct ingest *in, const char *note, struct kerr *e)
{
	struct kmemleak_group_opts go = { .sort = KMEMLEAK_SORT_BYTES };
	struct ksym_table t;
	struct kerr se = { 0 };
	bool syms = false;
	int r;

	if (kmemleak_parse(buf, len, src, &p->kr, e))
		return kmemleak_failed(p, note, e);
	if (kmemleak_has_raw_frames(&p->kr))
		syms = !baseline_syms(in, &t, &se);
	go.syms = syms ? &t : NULL;
	r = kmemleak_group(&p->kr, &go, &p->kg, e);
	if (syms)
		ksym_table_free(&t);
	if (!r) {
		p->groups = calloc(p->kg.n ? p->kg.n : 1, sizeof(*p->groups));
		if (!p->groups || stacks_from_kmemleak(&p->kstacks, &p->kg))
			r = kerr_set(e, -ENOMEM, src, 0, "out of memory");
	}
	if (r)
		return kmemleak_failed(p, note, e);
	html_groups_from_kmemleak(p->groups, &p->kg);
	snprintf(p->knote, sizeof(p->knote), "%s", note ? note : "");
	p->r.have_kmemleak = true;
	p->r.kmemleak_note = p->knote[0] ? p->knote : NULL;
	p->r.groups = p->groups;
	p->r.ngroups = p->kg.n;
	p->r.kmemleak_stacks = &p->kstacks;
	return 0;
}

int page_trace(struct page *p, const struct trace_report *rep, const char *note)
{
	p->cs = calloc(rep->ncs ? rep->ncs : 1, sizeof(*p->cs));
	if (!p->cs || stacks_from_trace(&p->tstacks, rep, rep->ksyms))
		return -ENOMEM;
	snprintf(p->tnote, sizeof(p->tnote), "%s", note ? note : "");
	p->r.have_trace = true;
	p->r.trace_note = p->tnote[0] ? p->tnote : NULL;
	p->r.callsites = p->cs;
	p->r.ncallsites = html_callsites_from_trace(p->cs, rep);
	p->r.trace_stacks = &p->tstacks;
	return 0;
}

int page_write(struct page *p, const char *path, struct kerr *e)
{
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		return kerr_set(e, -errno, path, 0, "%s", strerror(errno));
	r = html_report_write(f, &p->r, NULL);
	if (fclose(f) && !r)
		r = -EIO;
	if (r)
		return kerr_set(e, r, path, 0, "%s",
				r == -ENOMEM ? "out of memory" : "write failed");
	return 0;
}

int page_folded(const struct stacks *s, const char *path, struct kerr *e)
{
	bool out = !strcmp(path, "-");
	FILE *f = out ? stdout : fopen(path, "w");
	int r;

	if (!f)
		return kerr_set(e, -errno, path, 0, "%s", strerror(errno));
	r = folded_write(f, s);
	if (out)
		r = fflush(f) && !r ? -EIO : r;
	else if (fclose(f) && !r)
		r = -EIO;
	if (r)
		return kerr_set(e, r, out ? "stdout" : path, 0, "%s",
				r == -ENOMEM ? "out of memory" : "write failed");
	return 0;
}

void page_free(struct page *p)
{
	if (!p)
		return;
	if (p->have_doc)
		html_trend_doc_free(&p->doc);
	kmemleak_groups_free(&p->kg);
	kmemleak_report_free(&p->kr);
	stacks_free(&p->kstacks);
	stacks_free(&p->tstacks);
	free(p->groups);
	free(p->cs);
	memset(p, 0, sizeof(*p));
}
