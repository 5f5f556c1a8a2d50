// SPDX-License-Identifier: GPL-2.0
/*
 * A plain main for a libFuzzer target: feeds it every file named on the
 * command line (directories are walked), so the fuzz corpora and all the
 * fixtures replay as regression tests under ASan+UBSan inside `make test`,
 * with gcc and no libFuzzer needed. Prints one TAP line per input.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n;

static void run_file(const char *path)
{
	struct buf b = { 0 };
	struct kerr e = { 0 };

	if (buf_read_file(&b, path, BUF_FILE_CAP, &e)) {
		printf("not ok %d - %s: %s\n", ++n, path, e.msg);
		return;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)b.data, b.len);
	buf_free(&b);
	/* Reaching here is the test: a crash aborts under ASan. */
	printf("ok %d - %s\n", ++n, path);
}

static void walk(const char *path)
{
	struct stat st;
	struct dirent **ents;
	int k;

	if (stat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	k = scandir(path, &ents, NULL, alphasort);
	for (int i = 0; i < k; i++) {
		char sub[4096];

		if (ents[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
			walk(sub);
		}
		free(ents[i]);
	}
	if (k >= 0)
		free(ents);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		walk(argv[i]);
	return 0;
}
