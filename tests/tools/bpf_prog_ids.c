// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_prog_ids: which of the given BPF program ids the kernel still has,
 * asked of the kernel itself (BPF_PROG_GET_FD_BY_ID), so that a test of
 * "no program left behind" needs no bpftool and cannot pass by not asking.
 *
 *   bpf_prog_ids ID...
 *
 * Prints each id that still exists, one a line; exit 0. Exit 2 when the
 * kernel answers anything but "no such program" (not root, no BPF): then
 * nothing can be said.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char *end;
		unsigned long id = strtoul(argv[i], &end, 10);
		int fd;

		if (*end || end == argv[i] || id > 0xffffffffUL) {
			fprintf(stderr, "bpf_prog_ids: not an id: %s\n", argv[i]);
			return 2;
		}
		fd = bpf_prog_get_fd_by_id((unsigned int)id);
		if (fd >= 0) {
			printf("%lu\n", id);
			close(fd);
		} else if (errno != ENOENT) {
			fprintf(stderr, "bpf_prog_ids: %lu: %s\n", id, strerror(errno));
			return 2;
		}
	}
	return 0;
}
