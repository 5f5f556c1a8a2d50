// SPDX-License-Identifier: GPL-2.0
/*
 * leaker: makes the kernel allocate and hold memory from user space, at a
 * known count and rate, so tests can check what kleak finds on a live
 * kernel with no module loaded.
 *
 *   --threads N     kernel thread stacks (vmalloc'd under CONFIG_VMAP_STACK:
 *                   caller kernel_clone) and task_struct & co. in slab
 *   --sockets N     unix stream sockets (sock_inode_cache, UNIX, filp, ...)
 *   --pipes N       pipes (pipe_inode_info, pipe buffer arrays, filp, ...)
 *   --tcp N         N loopback TCP connections, both ends held: the
 *                   client's sockets in this task, each accepted one made
 *                   by the kernel in the softirq that takes in the
 *                   handshake's ACK (sk_clone_lock: interrupt context)
 *   --files N       files created and held open in --dir (dentry, inode, filp)
 *   --negdentries N stat() of missing names in --dir (negative dentries)
 *   --churn N       create+unlink N files in --dir, one at a time (balance)
 *   --keys N        "user" keys of 800 bytes in a session keyring of its own:
 *                   one unaccounted kmalloc (kmalloc-1k) per key, user_preparse
 *   --pages N       N anonymous pages, touched, no transparent huge pages
 *   --percpu-maps N BPF per-CPU arrays of one entry (root): one percpu
 *                   allocation each
 *   --ops-churn S   for S seconds: socket, pipe, open and stat of a missing
 *                   name, all released at once; prints "ops N" (no false leaks)
 *   --comm NAME     run under this task name (prctl PR_SET_NAME)
 *   --rate R        objects created per second (default: as fast as possible)
 *   --hold S        hold everything S seconds once created (default 5);
 *                   --until-signal holds until SIGTERM/SIGINT/SIGUSR1
 *   --linger S      after releasing, stay alive S seconds (grow-then-free)
 *
 * Prints "ready PID COUNT" on stdout when all objects are held and
 * "released" once freed, so tests can sample at the right moments.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* keyctl(2) and add_key(2) without libkeyutils */
#define LK_KEYCTL_JOIN_SESSION_KEYRING 1
#define LK_KEYCTL_CLEAR 7
#define LK_KEY_SPEC_SESSION_KEYRING -3

static volatile sig_atomic_t stop;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int release_threads;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void *thread_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	while (!release_threads)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void pace(double rate, long i, const struct timespec *t0)
{
	struct timespec now, d;
	double due, el;

	if (rate <= 0)
		return;
	due = (double)i / rate;
	clock_gettime(CLOCK_MONOTONIC, &now);
	el = (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
	if (due > el) {
		d.tv_sec = (time_t)(due - el);
		d.tv_nsec = (long)((due - el - (double)d.tv_sec) * 1e9);
		nanosleep(&d, NULL);
	}
}

static void die(const char *what)
{
	fprintf(stderr, "leaker: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A fresh session keyring, so the keys go when the process does. */
static void keys_add(long n, const char *tag)
{
	char desc[64], payload[800];

	memset(payload, 'k', sizeof(payload));
	if (syscall(SYS_keyctl, LK_KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		die("keyctl join session keyring");
	for (long i = 0; i < n && !stop; i++) {
		snprintf(desc, sizeof(desc), "kleak-%s-%d-%ld", tag, getpid(), i);
		if (syscall(SYS_add_key, "user", desc, payload, sizeof(payload),
			    LK_KEY_SPEC_SESSION_KEYRING) < 0)
			die("add_key");
	}
}

static void *pages_take(long n)
{
	size_t len = (size_t)n * 4096;
	char *p;

	if (!n)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	return p;
}

/* A BPF per-CPU array of one 8-byte entry: one percpu allocation. */
static int percpu_map(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_PERCPU_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	return (int)syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
}

/* One churn op: objects made and all released again. */
static void churn_op(const char *dir, long i)
{
	char path[4096];
	struct stat st;
	int fd, p[2];

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd >= 0)
		close(fd);
	if (!pipe(p)) {
		close(p[0]);
		close(p[1]);
	}
	snprintf(path, sizeof(path), "%s/op-%d", dir, getpid());
	fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/missing-%d-%ld", dir, getpid(), i & 1023);
	stat(path, &st);
}

static long ops_churn(const char *dir, double secs)
{
	struct timespec t0, now;
	long i = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int j = 0; j < 256; j++, i++)
			churn_op(dir, i);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (!stop &&
		 (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9 <
			 secs);
	return i;
}

static void sleep_s(double s)
{
	struct timespec d = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (!stop && nanosleep(&d, &d) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	/* The options in two columns, a case a line: */
	/* clang-format off */
	static const struct option opts[] = {
		{ "threads", 1, NULL, 't' }, { "sockets", 1, NULL, 's' },
		{ "pipes", 1, NULL, 'p' },   { "files", 1, NULL, 'f' },
		{ "negdentries", 1, NULL, 'n' }, { "churn", 1, NULL, 'c' },
		{ "dir", 1, NULL, 'd' },     { "rate", 1, NULL, 'r' },
		{ "hold", 1, NULL, 'H' },    { "until-signal", 0, NULL, 'U' },
		{ "linger", 1, NULL, 'L' },  { "keys", 1, NULL, 'k' },
		{ "pages", 1, NULL, 'P' },   { "percpu-maps", 1, NULL, 'm' },
		{ "ops-churn", 1, NULL, 'o' }, { "comm", 1, NULL, 'C' },
		{ "tcp", 1, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	/* clang-format on */
	long nthreads = 0, nsock = 0, npipes = 0, nfiles = 0, nneg = 0, nchurn = 0;
	long nkeys = 0, npages = 0, nmaps = 0, ntcp = 0;
	double rate = 0, hold = 5, linger = 0, churn_secs = 0;
	const char *dir = NULL, *comm = NULL;
	char *pages;
	int opt, until_signal = 0, *fds;
	long nfds = 0, i, k = 0, total;
	pthread_t *th;
	struct rlimit rl;
	struct timespec t0;
	char path[4096];

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		/* clang-format off */
		switch (opt) {
		case 't': nthreads = atol(optarg); break;
		case 's': nsock = atol(optarg); break;
		case 'p': npipes = atol(optarg); break;
		case 'f': nfiles = atol(optarg); break;
		case 'n': nneg = atol(optarg); break;
		case 'c': nchurn = atol(optarg); break;
		case 'd': dir = optarg; break;
		case 'r': rate = atof(optarg); break;
		case 'H': hold = atof(optarg); break;
		case 'U': until_signal = 1; break;
		case 'L': linger = atof(optarg); break;
		case 'k': nkeys = atol(optarg); break;
		case 'P': npages = atol(optarg); break;
		case 'm': nmaps = atol(optarg); break;
		case 'o': churn_secs = atof(optarg); break;
		case 'C': comm = optarg; break;
		case 'T': ntcp = atol(optarg); break;
		default: return 2;
		}
		/* clang-format on */
	}
	if ((nfiles || nneg || nchurn || churn_secs > 0) && !dir) {
		fprintf(stderr, "leaker: --files/--negdentries/--churn/--ops-churn need --dir\n");
		return 2;
	}
	if (comm && prctl(PR_SET_NAME, comm, 0, 0, 0))
		die("prctl PR_SET_NAME");
	if (churn_secs > 0) {
		signal(SIGTERM, on_signal);
		printf("ops %ld\n", ops_churn(dir, churn_secs));
		return 0;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGUSR1, on_signal);
	total = nsock + 2 * npipes + nfiles + nmaps + 2 * ntcp + 16;
	/* Raise the fd limit; without CAP_SYS_RESOURCE only up to the hard one. */
	rl.rlim_cur = rl.rlim_max = (rlim_t)total + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		if ((rlim_t)total + 64 > rl.rlim_max) {
			fprintf(stderr, "leaker: %ld descriptors needed, hard limit %llu\n",
				total + 64, (unsigned long long)rl.rlim_max);
			return 1;
		}
	}
	fds = calloc((size_t)total, sizeof(*fds));
	th = calloc((size_t)nthreads + 1, sizeof(*th));
	if (!fds || !th)
		die("calloc");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nthreads && !stop; i++, k++) {
		pthread_attr_t a;

		pace(rate, k, &t0);
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 65536);
		if ((errno = pthread_create(&th[i], &a, thread_main, NULL)))
			die("pthread_create");
		pthread_attr_destroy(&a);
	}
	nthreads = i;
	for (i = 0; i < nsock && !stop; i++, k++) {
		pace(rate, k, &t0);
		if ((fds[nfds] = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
			die("socket");
		nfds++;
	}
	for (i = 0; i < npipes && !stop; i++, k++) {
		pace(rate, k, &t0);
		if (pipe(&fds[nfds]))
			die("pipe");
		nfds += 2;
	}
	if (ntcp) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t alen = sizeof(a);
		int lfd = socket(AF_INET, SOCK_STREAM, 0);

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 128) ||
		    getsockname(lfd, (struct sockaddr *)&a, &alen))
			die("tcp listen");
		for (i = 0; i < ntcp && !stop; i++, k++) {
			pace(rate, k, &t0);
			if ((fds[nfds] = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
			    connect(fds[nfds], (struct sockaddr *)&a, sizeof(a)))
				die("tcp connect");
			if ((fds[nfds + 1] = accept(lfd, NULL, NULL)) < 0)
				die("tcp accept");
			nfds += 2;
		}
		close(lfd);
	}
	for (i = 0; i < nfiles && !stop; i++, k++) {
		pace(rate, k, &t0);
		snprintf(path, sizeof(path), "%s/leaker-%d-%ld", dir, getpid(), i);
		if ((fds[nfds] = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600)) < 0)
			die("open");
		nfds++;
	}
	for (i = 0; i < nmaps && !stop; i++, k++) {
		pace(rate, k, &t0);
		if ((fds[nfds] = percpu_map()) < 0)
			die("bpf map create");
		nfds++;
	}
	if (nkeys)
		keys_add(nkeys, "key");
	k += nkeys;
	pages = pages_take(npages);
	k += npages;
	for (i = 0; i < nneg && !stop; i++, k++) {
		struct stat st;

		pace(rate, k, &t0);
		snprintf(path, sizeof(path), "%s/missing-%d-%ld", dir, getpid(), i);
		stat(path, &st);
	}
	for (i = 0; i < nchurn && !stop; i++, k++) {
		int fd;

		pace(rate, k, &t0);
		snprintf(path, sizeof(path), "%s/churn-%d-%ld", dir, getpid(), i);
		if ((fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600)) < 0)
			die("open");
		close(fd);
		unlink(path);
	}
	printf("ready %d %ld\n", getpid(), k);
	fflush(stdout);
	if (until_signal)
		while (!stop)
			pause();
	else
		sleep_s(hold);
	pthread_mutex_lock(&mu);
	release_threads = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	if (pages)
		munmap(pages, (size_t)npages * 4096);
	if (nkeys)
		syscall(SYS_keyctl, LK_KEYCTL_CLEAR, LK_KEY_SPEC_SESSION_KEYRING);
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/leaker-%d-%ld", dir, getpid(), i);
		unlink(path);
	}
	printf("released\n");
	fflush(stdout);
	stop = 0;
	if (linger > 0)
		sleep_s(linger);
	free(fds);
	free(th);
	return 0;
}
