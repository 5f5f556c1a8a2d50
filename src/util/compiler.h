/* SPDX-License-Identifier: GPL-2.0 */
/* Small language helpers every layer may use. */
#ifndef KLEAK_UTIL_COMPILER_H
#define KLEAK_UTIL_COMPILER_H

/* Elements of an array (not of a pointer: the kernel's definition, minus its type check). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
