/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module section addresses, as "module section address" lines (the
 * module_sections source, rendered from /sys/module/NAME/sections/):
 *
 *   kmem_test .text 0xffffffffc050d000
 *   kmem_test .init.text 0xffffffffc0514000
 *   kmem_test .rodata 0xffffffffc0511000
 *
 * Since 6.4 a module's text, data, rodata and init text are separate
 * allocations (struct module_memory), and /proc/modules gives only the
 * text's address with the total size; the sections say where each
 * part starts. The init text's address stays listed after the kernel
 * freed it. Address 0: hidden from the reader (not root).
 */
#ifndef KLEAK_PARSE_MODULE_SECTIONS_H
#define KLEAK_PARSE_MODULE_SECTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct module_section {
	char module[64];
	char name[64];
	uint64_t addr;
	long line;
};

struct module_sections {
	struct module_section *v;
	size_t n;
};

int module_sections_parse(const char *buf, size_t len, const char *src, struct module_sections *out,
			  struct kerr *e);
void module_sections_free(struct module_sections *s);

#endif
