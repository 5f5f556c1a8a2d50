// SPDX-License-Identifier: GPL-2.0
/*
 * kmemleak's hex dump lines with kernel pointers hidden (KASLR): the one
 * place both kmemleak renderers mask them, under render_opts.show_addresses.
 */
#include <string.h>

#include "output/kmemleak_render.h"

/*
 * "38 40 18 ba 80 88 ff ff 00 ...  8@......": up to 16 bytes as "xx "
 * triples, two spaces, then the text column.
 */
static void mask(char *l, size_t n)
{
	size_t nbytes = 0;

	while (nbytes < 16 && nbytes * 3 + 2 <= n && l[nbytes * 3 + 2 - 1] != ' ' &&
	       (nbytes * 3 + 2 == n || l[nbytes * 3 + 2] == ' '))
		nbytes++;
	for (size_t w = 0; w + 8 <= nbytes; w += 8) {
		char *b6 = l + (w + 6) * 3, *b7 = l + (w + 7) * 3;
		char *ascii;

		if (strncmp(b6, "ff", 2) || strncmp(b7, "ff", 2))
			continue;
		for (size_t k = w; k < w + 8; k++)
			memcpy(l + k * 3, "xx", 2);
		/* "... 00  8@......": the text column starts 2 spaces on */
		ascii = l + nbytes * 3 + 1;
		if (nbytes * 3 + 1 + w + 8 <= n && ascii[-1] == ' ' && ascii[-2] == ' ')
			memset(ascii + w, '.', 8);
	}
}

const char *kmemleak_hex_line(const char *p, size_t n, const struct render_opts *o, char *out,
			      size_t len)
{
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	if (!o->show_addresses)
		mask(out, n);
	return out;
}
