// SPDX-License-Identifier: GPL-2.0
/* A user's command run to completion, with Ctrl-C going to it (workload.h). */
#include "workload.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void child(char *const *argv, bool stdout_to_stderr, const struct sigaction *old_int,
		  const struct sigaction *old_quit)
{
	sigaction(SIGINT, old_int, NULL);
	sigaction(SIGQUIT, old_quit, NULL);
	if (stdout_to_stderr)
		dup2(STDERR_FILENO, STDOUT_FILENO);
	execvp(argv[0], argv);
	fprintf(stderr, "kleak: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int workload_run(char *const *argv, bool stdout_to_stderr, int *status, struct kerr *e)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	pid_t pid;
	int st, r = 0;

	fflush(stdout);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid < 0) {
		r = kerr_set(e, -errno, argv[0], 0, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(argv, stdout_to_stderr, &old_int, &old_quit);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			r = kerr_set(e, -errno, argv[0], 0, "waitpid: %s", strerror(errno));
			goto out;
		}
	}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (*status == 127)
		r = kerr_set(e, -ENOENT, argv[0], 0, "could not run the command");
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return r;
}
