/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to the HTML report: its sections (html_sections.c). */
#ifndef KLEAK_OUTPUT_HTML_SECTIONS_H
#define KLEAK_OUTPUT_HTML_SECTIONS_H

#include <stdio.h>

#include "output/html_report.h"

void html_summary_conclusion(FILE *f, const struct html_conclusion *c);
void html_section_conclusion(FILE *f, const struct html_conclusion *c);
void html_section_findings(FILE *f, const struct html_report *r);
void html_section_components(FILE *f, const struct html_report *r);
int html_section_growth(FILE *f, const struct html_report *r);
int html_section_kmemleak(FILE *f, const struct html_report *r);
int html_section_trace(FILE *f, const struct html_report *r);
void html_section_run(FILE *f, const struct html_report *r);
void html_section_method(FILE *f, const struct html_report *r);

#endif
