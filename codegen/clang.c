// SPDX-License-Identifier: MIT
/* Runs clang as a child process: BPF C in, BPF object out. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "codegen/clang.h"
#include "codegen/link.h"
#include "runtime/privs.h"

#ifndef BPFQ_CLANG_PATH
#define BPFQ_CLANG_PATH "/usr/bin/clang"
#endif

const char clang_builtin_path[] = BPFQ_CLANG_PATH;

/* The Makefile's BPF_FLAGS are these: `make` compiles the templates as bpfq does. */
const char *const clang_flags[] = {
	"-target", "bpf", "-O2", "-g",
	/*
	 * BTF needs -g, but not the lines of every inlined function: their
	 * instructions are told as their call's line (in the verifier's log
	 * too). The same instructions, and less of clang's time.
	 */
	"-gno-inline-line-tables",
	/* v3: 32-bit jumps and ALU32; every kernel with bpf_loop has it */
	"-mcpu=v3",
	"-D__TARGET_ARCH_x86",
	/* <linux/types.h> includes <asm/types.h> from the multiarch folder */
	"-idirafter", BPFQ_SYS_INCLUDE,
	"-Wno-unused-function",
	NULL,
};

static char *search_path(const char *name)
{
	const char *path = privs_getenv("PATH");
	char *dirs, *dir, *save = NULL, *found = NULL;

	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	dirs = strdup(path);
	for (dir = strtok_r(dirs, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *candidate;

		if (asprintf(&candidate, "%s/%s", *dir ? dir : ".", name) < 0)
			break;
		if (access(candidate, X_OK) == 0)
			found = candidate;
		else
			free(candidate);
	}
	free(dirs);
	return found;
}

char *clang_find(void)
{
	const char *env = privs_getenv("BPFQ_CLANG");

	/* Acting for another user, what runs as root is the clang bpfq was built with. */
	if (privs_for_other())
		return access(clang_builtin_path, X_OK) ? NULL : strdup(clang_builtin_path);
	if (env && *env)
		return strchr(env, '/') ? (access(env, X_OK) ? NULL : strdup(env)) : search_path(env);
	return search_path("clang");
}

static volatile sig_atomic_t *stop_flag;

void clang_stop_on(volatile sig_atomic_t *flag)
{
	stop_flag = flag;
}

static bool stopped(void)
{
	return stop_flag && *stop_flag;
}

static int fail(char **log, const char *what, int err)
{
	if (asprintf(log, "%s: %s", what, strerror(err)) < 0)
		*log = NULL;
	return -1;
}

/* A running clang: its pid, the read end of its stdout and stderr, what it wrote. */
struct child {
	pid_t pid;
	int out;		/* -1 once it is at its end */
	FILE *log_f;
	char *log;
	size_t log_len;
	int status;
};

/*
 * Start clang on src into obj, with -DBPFQ_PART=part unless part is 0, in
 * a process group of its own, so that an interrupt kills all of it (a
 * clang driver with its cc1, or a wrapper script with its clang).
 */
static int spawn(const char *clang, const char *src, const char *obj, int part,
		 struct child *c, char **log)
{
	const char *argv[32];
	char define[] = "-DBPFQ_PART=0";
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	sigset_t none, deflt;
	int pipefd[2], argc = 0, err;

	argv[argc++] = clang;
	for (int i = 0; clang_flags[i]; i++)
		argv[argc++] = clang_flags[i];
	if (part) {
		define[sizeof(define) - 2] = (char)('0' + part);
		argv[argc++] = define;
	}
	argv[argc++] = "-c";
	argv[argc++] = src;
	argv[argc++] = "-o";
	argv[argc++] = obj;
	argv[argc] = NULL;

	/* close-on-exec: the other part's clang must not hold this pipe */
	if (pipe2(pipefd, O_CLOEXEC))
		return fail(log, "pipe", errno);
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGTERM);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &deflt);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDERR_FILENO);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&actions, pipefd[0]);
	/* Acting for another user, none of the user's variables (CPATH, CCC_OVERRIDE_OPTIONS) */
	err = posix_spawn(&c->pid, clang, &actions, &attr, (char **)argv,
			  (char **)privs_child_env());
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attr);
	close(pipefd[1]);
	if (err) {
		close(pipefd[0]);
		return fail(log, clang, err);
	}
	c->out = pipefd[0];
	c->log_f = open_memstream(&c->log, &c->log_len);
	return 0;
}

/* Read what is there; at the end (or on an error) close the pipe. */
static void drain(struct child *c)
{
	char chunk[4096];
	ssize_t n = read(c->out, chunk, sizeof(chunk));

	if (n > 0 && c->log_f)
		fwrite(chunk, 1, n, c->log_f);
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		close(c->out);
		c->out = -1;
	}
}

/*
 * Collect the clangs' messages until they close their pipes, then reap
 * them; on an interrupt (stop_flag) kill them instead. SIGINT and SIGTERM
 * are blocked but inside ppoll(), so one that comes between the check of
 * the flag and the wait still ends the wait. Returns -1 if interrupted.
 */
static int wait_children(struct child *c, int n)
{
	sigset_t block, old;
	struct pollfd fds[2];
	nfds_t nfds = n == 2 ? 2 : n == 1;
	int open = n, interrupted;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	while (open && !stopped()) {
		for (int i = 0; i < n; i++)
			fds[i] = (struct pollfd){ .fd = c[i].out, .events = POLLIN };
		if (ppoll(fds, nfds, NULL, &old) < 0 && errno != EINTR)
			break;
		open = 0;
		for (int i = 0; i < n; i++) {
			if (c[i].out >= 0 && fds[i].revents)
				drain(&c[i]);
			open += c[i].out >= 0;
		}
	}
	interrupted = open != 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (int i = 0; i < n; i++) {
		if (interrupted)
			kill(-c[i].pid, SIGKILL);
		if (c[i].out >= 0)
			close(c[i].out);
		while (waitpid(c[i].pid, &c[i].status, 0) < 0 && errno == EINTR)
			if (stopped())
				kill(-c[i].pid, SIGKILL);
		if (c[i].log_f)
			fclose(c[i].log_f);
	}
	return interrupted || stopped() ? -1 : 0;
}

static bool succeeded(const struct child *c)
{
	return WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0;
}

/* The CPUs this process may run on (sched_getaffinity), at least 1. */
static int cpus_available(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set) > 0 ? CPU_COUNT(&set) : 1;
}

/*
 * The two parts at once (prelude.bpf.h BPFQ_PART), into obj.1 and obj.2,
 * then linked into obj. On failure, the messages of the first part that
 * failed: where the code both share is wrong, both say the same.
 */
static int compile_parts(const char *clang, const char *src, const char *obj, char **log)
{
	struct child c[2] = { { .out = -1 }, { .out = -1 } };
	char *objs[2] = { NULL, NULL };
	int started = 0, failed = -1, status = -1;

	for (int i = 0; i < 2 && failed < 0; i++) {
		if (asprintf(&objs[i], "%s.%d", obj, i + 1) < 0) {
			objs[i] = NULL;
			fail(&c[i].log, "asprintf", ENOMEM);
		} else if (!spawn(clang, src, objs[i], i + 1, &c[i], &c[i].log)) {
			started++;
			continue;
		}
		failed = i;
	}
	if (wait_children(c, started)) {
		failed = -1;
		fail(log, "clang", EINTR);
	}
	for (int i = 0; i < started && !*log; i++)
		if (!succeeded(&c[i]) && failed < 0)
			failed = i;
	if (failed >= 0) {
		*log = c[failed].log;
		c[failed].log = NULL;
	} else if (!*log) {
		status = link_objects(obj, (const char *const *)objs, 2, log);
	}
	for (int i = 0; i < 2; i++) {
		if (objs[i])
			unlink(objs[i]);
		free(objs[i]);
		free(c[i].log);
	}
	return status;
}

int clang_compile(const char *clang, const char *src, const char *obj, int parts, char **log)
{
	struct child c = { .out = -1 };

	*log = NULL;
	if (parts == 2 && cpus_available() >= 2)
		return compile_parts(clang, src, obj, log);
	if (spawn(clang, src, obj, 0, &c, log))
		return -1;
	if (wait_children(&c, 1)) {
		free(c.log);
		return fail(log, "clang", EINTR);
	}
	*log = c.log;
	return succeeded(&c) ? 0 : -1;
}
