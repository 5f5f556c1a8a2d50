// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_gen: makes the hostile inputs of tests/cli/hostile.sh and
 * bench/hostile (issue 20) that a shell cannot make cheaply, and measures
 * what kleak costs on them.
 *
 *   hostile_gen rec OUT DIR...          a recording, one sample per snapshot
 *                                       DIR (its meta kept: mono_ns, time)
 *   hostile_gen bomb OUT NAME BYTES     a one-sample recording whose source
 *                                       NAME inflates to BYTES (a gzip bomb:
 *                                       written as a stream, never held)
 *   hostile_gen series OUT SAMPLES N    a recording of SAMPLES samples, each
 *                                       with N slab caches of new names
 *   hostile_gen rss CMD [ARGS...]       runs CMD; prints "rss_kib N" (its
 *                                       peak RSS) and "cpu_ms N" (its user
 *                                       and system time) on stderr, and
 *                                       exits as it
 *   hostile_gen kmsg-unread             bytes of the kernel log not yet read
 *                                       from /proc/kmsg (syslog(2) action 9)
 *   hostile_gen utf8 FILE               exit 0 when FILE is valid UTF-8 (an
 *                                       independent, strict check: RFC 3629)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "source/recording.h"
#include "source/sample.h"
#include "util/buf.h"

static int die(const char *what)
{
	fprintf(stderr, "hostile_gen: %s: %s\n", what, strerror(errno));
	return 1;
}

static int write_out(const char *path, const struct buf *b)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return die(path);
	if (write(fd, b->data, b->len) != (ssize_t)b->len)
		return die(path);
	return close(fd) ? die(path) : 0;
}

/* Each DIR as one sample, through kleak's own reader and encoder. */
static int cmd_rec(int argc, char **argv)
{
	struct recording_encoder enc = { 0 };
	struct buf out = { 0 };
	struct sample s = { 0 };
	struct kerr e;
	int r = 0;

	for (int i = 3; i < argc && !r; i++) {
		struct recording_meta m = { .seq = (uint64_t)i - 2,
					    .interval_ns = 1000000000ULL,
					    .time_s = 1700000000 + i };

		sample_read_dir(&s, argv[i], SRC_ALL);
		if (s.bad.code || recording_encode(&enc, &s, &m, &out, &e)) {
			fprintf(stderr, "hostile_gen: %s: %s\n", argv[i],
				s.bad.code ? s.bad.msg : e.msg);
			r = 1;
		}
	}
	if (!r && !recording_encode_end(&enc, &out, &e))
		r = write_out(argv[2], &out);
	recording_encoder_free(&enc);
	sample_free(&s);
	buf_free(&out);
	return r;
}

/* A ustar header for name holding size bytes. */
static void tar_header(unsigned char h[512], const char *name, unsigned long long size)
{
	unsigned sum = 0;

	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	snprintf((char *)h + 124, 12, "%011llo", size);
	snprintf((char *)h + 136, 12, "%011o", 1700000000u);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

static int deflate_out(z_stream *z, const void *p, size_t n, int flush, FILE *f)
{
	unsigned char out[65536];

	z->next_in = (Bytef *)p;
	z->avail_in = (uInt)n;
	do {
		z->next_out = out;
		z->avail_out = sizeof(out);
		if (deflate(z, flush) == Z_STREAM_ERROR)
			return -1;
		if (fwrite(out, 1, sizeof(out) - z->avail_out, f) != sizeof(out) - z->avail_out)
			return -1;
	} while (z->avail_out == 0 || (flush == Z_FINISH && z->avail_in));
	return 0;
}

/* A meta entry, then NAME of BYTES repeated lines: streamed, never held. */
static int cmd_bomb(int argc, char **argv)
{
	static const char meta[] =
		"kleak_snapshot=1\nrelease=bomb\npage_size=4096\n"
		"mono_ns=1000000000\nkleak_recording=1\nsample=1\n";
	static const char line[] = "MemTotal:       16384 kB\n";
	unsigned long long bytes = strtoull(argv[4], NULL, 0), done = 0;
	static const char zeros[512];
	unsigned char h[512];
	char name[128], chunk[65536];
	size_t csize = sizeof(chunk) / (sizeof(line) - 1) * (sizeof(line) - 1); /* whole lines */
	z_stream z = { 0 };
	FILE *f = fopen(argv[2], "w");

	if (!f)
		return die(argv[2]);
	bytes -= bytes % (sizeof(line) - 1); /* whole lines */
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = line[i % (sizeof(line) - 1)];
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return die("zlib");
	tar_header(h, "sample-000001/meta", sizeof(meta) - 1);
	deflate_out(&z, h, 512, Z_NO_FLUSH, f);
	deflate_out(&z, meta, sizeof(meta) - 1, Z_NO_FLUSH, f);
	deflate_out(&z, zeros, 512 - (sizeof(meta) - 1), Z_NO_FLUSH, f);
	snprintf(name, sizeof(name), "sample-000001/%s", argv[3]);
	tar_header(h, name, bytes);
	deflate_out(&z, h, 512, Z_NO_FLUSH, f);
	while (done < bytes) {
		size_t n = bytes - done < csize ? (size_t)(bytes - done) : csize;

		if (deflate_out(&z, chunk, n, Z_NO_FLUSH, f))
			return die("deflate");
		done += n;
	}
	deflate_out(&z, zeros, (512 - bytes % 512) % 512, Z_FINISH, f);
	deflateEnd(&z);
	return fclose(f) ? die(argv[2]) : 0;
}

/* SAMPLES samples of N caches each, every name new: N x SAMPLES series. */
static int cmd_series(int argc, char **argv)
{
	unsigned long samples = strtoul(argv[3], NULL, 0), n = strtoul(argv[4], NULL, 0);
	struct recording_encoder enc = { 0 };
	struct buf out = { 0 };
	struct sample s = { 0 };
	struct kerr e;
	int r = 0;

	for (unsigned long i = 0; i < samples && !r; i++) {
		struct recording_meta m = { .seq = i + 1,
					    .interval_ns = 1000000000ULL,
					    .time_s = 1700000000 + (int64_t)i };
		struct buf *sl = &s.raw[SRC_SLABINFO];

		sample_reset(&s, SAMPLE_LIVE, NULL);
		buf_reset(&s.meta);
		buf_printf(&s.meta,
			   "kleak_snapshot=1\nrelease=series\npage_size=4096\nmono_ns=%lu\n",
			   (i + 1) * 1000000000UL);
		s.have_meta = true;
		buf_reset(sl);
		buf_printf(sl, "slabinfo - version: 2.1\n# name <active_objs> ...\n");
		for (unsigned long k = 0; k < n; k++)
			buf_printf(sl,
				   "c%lu_%lu 100 100 4096 8 8 : tunables 0 0 0 : slabdata 8 8 0\n",
				   i, k);
		s.have[SRC_SLABINFO] = true;
		r = recording_encode(&enc, &s, &m, &out, &e) ? 1 : 0;
	}
	if (!r && !recording_encode_end(&enc, &out, &e))
		r = write_out(argv[2], &out);
	recording_encoder_free(&enc);
	sample_free(&s);
	buf_free(&out);
	return r;
}

static int cmd_rss(char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return die("fork");
	if (!pid) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return die("wait4");
	fprintf(stderr, "rss_kib %ld\ncpu_ms %ld\n", ru.ru_maxrss,
		(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
			(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static int cmd_utf8(const char *path)
{
	struct buf b = { 0 };
	struct kerr e;
	const unsigned char *p;

	if (buf_read_file(&b, path, 1u << 30, &e))
		return fprintf(stderr, "hostile_gen: %s\n", e.msg), 2;
	p = (const unsigned char *)b.data;
	for (size_t i = 0; i < b.len;) {
		unsigned c = p[i], need, min, cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
		min = need == 3 ? 0x10000 : need == 2 ? 0x800 : 0x80;
		if (!need || c > 0xf4)
			goto bad;
		cp = c & (0x3f >> need);
		for (unsigned k = 1; k <= need; k++) {
			if (i + k >= b.len || (p[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		i += need + 1;
		continue;
bad:
		fprintf(stderr, "hostile_gen: %s: not UTF-8 at byte %zu\n", path, i);
		buf_free(&b);
		return 1;
	}
	buf_free(&b);
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	if (!strcmp(c, "rec") && argc >= 4)
		return cmd_rec(argc, argv);
	if (!strcmp(c, "bomb") && argc == 5)
		return cmd_bomb(argc, argv);
	if (!strcmp(c, "series") && argc == 5)
		return cmd_series(argc, argv);
	if (!strcmp(c, "rss") && argc >= 3)
		return cmd_rss(argv + 2);
	if (!strcmp(c, "kmsg-unread") && argc == 2) {
		int n = klogctl(9, NULL, 0); /* SYSLOG_ACTION_SIZE_UNREAD */

		if (n < 0)
			return die("syslog");
		printf("%d\n", n);
		return 0;
	}
	if (!strcmp(c, "utf8") && argc == 3)
		return cmd_utf8(argv[2]);
	fprintf(stderr,
		"usage: hostile_gen rec|bomb|series|rss|kmsg-unread|utf8 ... (see the source)\n");
	return 2;
}
