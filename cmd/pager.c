// SPDX-License-Identifier: MIT
/*
 * The REPL's pager (pager.h). Acting for another user (sudo and the like),
 * a pager as root would hand that user a root shell (less's and more's
 * '!'): the child takes the caller's ids before its exec, with the fixed
 * environment of privs_child_env(), TERM, and LESSSECURE=1.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/pager.h"
#include "runtime/privs.h"
#include "runtime/slurp.h"

#ifndef BPFQ_PAGER_PATH
#define BPFQ_PAGER_PATH ""
#endif

/* TERM for the pager: a terminfo name, or none. */
static void term_entry(char *entry, size_t size)
{
	const char *t = getenv("TERM");

	*entry = '\0';
	if (!t || !*t || strlen(t) > 64 || strspn(t, "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_") != strlen(t))
		return;
	snprintf(entry, size, "TERM=%s", t);
}

/* In the child: the caller's ids when bpfq acts for another; 0 on success. */
static int drop_to_caller(void)
{
	gid_t gid = privs_caller_gid();

	if (!privs_for_other())
		return 0;
	if (setgroups(1, &gid) && errno != EPERM)
		return -1;
	return setgid(gid) || setuid(privs_caller_uid()) ? -1 : 0;
}

/* In the child, stdin the pipe: exec the pager, or exit 127. */
static void exec_pager(const char *user_pager)
{
	const char *path = BPFQ_PAGER_PATH, *base = strrchr(path, '/');
	char term[80];

	if (drop_to_caller())
		_exit(127);
	if (user_pager)
		execl("/bin/sh", "sh", "-c", user_pager, (char *)NULL);
	else if (privs_for_other()) {
		char *const *fixed = privs_child_env();
		char *env[8];
		int n = 0;

		while (fixed[n] && n < 5) {
			env[n] = fixed[n];
			n++;
		}
		term_entry(term, sizeof(term));
		env[n++] = "LESSSECURE=1";
		if (*term)
			env[n++] = term;
		env[n] = NULL;
		execle(path, path, base && !strcmp(base, "/less") ? "-FRX" : NULL, (char *)NULL,
		       env);
	} else {
		execl(path, path, base && !strcmp(base, "/less") ? "-FRX" : NULL, (char *)NULL);
	}
	_exit(127);
}

/* The pager to run: $PAGER's command, "" for the build's, or NULL for none. */
static const char *choose(void)
{
	const char *p = privs_getenv("PAGER");

	if (!isatty(STDOUT_FILENO))
		return NULL;
	if (p)
		return *p ? p : NULL;
	return *BPFQ_PAGER_PATH ? "" : NULL;
}

void pager_show(const char *text)
{
	const char *pager = choose();
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe, old_int;
	int fds[2], status = 0;
	pid_t pid;

	fflush(stdout);
	if (!pager || pipe(fds)) {
		fputs(text, stdout);
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		if (dup2(fds[0], STDIN_FILENO) < 0)
			_exit(127);
		close(fds[0]);
		exec_pager(*pager ? pager : NULL);
	}
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		fputs(text, stdout);
		return;
	}
	/* The pager's q closes the pipe early; ctrl-C is the pager's. */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigaction(SIGINT, &ign, &old_int);
	/* What the pager took before it went away is all it wanted. */
	(void)write_all(fds[1], text, strlen(text));
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigaction(SIGINT, &old_int, NULL);
	/* No pager after all (a $PAGER the shell cannot find): the text as it is. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		fputs(text, stdout);
}
