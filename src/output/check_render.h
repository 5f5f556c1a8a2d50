/* SPDX-License-Identifier: GPL-2.0 */
/* Renderers of `kleak check`'s report: a readable text view and JSON. */
#ifndef KLEAK_OUTPUT_CHECK_RENDER_H
#define KLEAK_OUTPUT_CHECK_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "analyze/check.h"
#include "output/render.h"

void check_render_text(FILE *f, const struct check_report *r, const struct render_opts *o);
void check_render_json(FILE *f, const struct check_report *r, const struct render_opts *o);

#endif
