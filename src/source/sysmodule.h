/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-module facts from /sys/module/NAME: the srcversion, a checksum of
 * the module's source files that modpost writes into every module built
 * with MODULE_VERSION or CONFIG_MODULE_SRCVERSION_ALL (out-of-tree modules
 * built against a kernel with modversions get one too). Two builds of the
 * same driver differ in it, which is what names the leaking build across
 * a fleet. Readable without root.
 */
#ifndef KLEAK_SOURCE_SYSMODULE_H
#define KLEAK_SOURCE_SYSMODULE_H

#include <stddef.h>

/*
 * Reads /sys/module/NAME/srcversion (dir NULL) or DIR/NAME/srcversion into
 * out without the newline. 0, -ENOENT when the module has none or is not
 * loaded, -EINVAL for a name that is not a plain module name.
 */
int sysmodule_srcversion(const char *dir, const char *name, char *out, size_t len);

#endif
