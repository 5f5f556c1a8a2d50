/* SPDX-License-Identifier: GPL-2.0 */
/* Renderers of `kleak cgroups`' report: a readable table and JSON (docs/cgroups.md). */
#ifndef KLEAK_OUTPUT_CGROUPS_RENDER_H
#define KLEAK_OUTPUT_CGROUPS_RENDER_H

#include <stdio.h>

#include "analyze/cgroups.h"
#include "output/render.h"

void cgroups_render_text(FILE *f, const struct cgroups_report *r, const struct render_opts *o);
void cgroups_render_json(FILE *f, const struct cgroups_report *r, const struct render_opts *o);

#endif
