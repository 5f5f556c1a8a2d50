// SPDX-License-Identifier: GPL-2.0
/* /sys/module/NAME/srcversion; see sysmodule.h. */
#include "sysmodule.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int sysmodule_srcversion(const char *dir, const char *name, char *out, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	if (!len || !*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s/srcversion", dir ? dir : "/sys/module", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, out, len - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	out[n] = 0;
	out[strcspn(out, "\n")] = 0;
	return out[0] ? 0 : -ENOENT;
}
