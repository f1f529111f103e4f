// SPDX-License-Identifier: MIT
/* Runs clang as a child process: BPF C in, BPF object out. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clang.h"

extern char **environ;

const char *const clang_flags[] = {
	"-target", "bpf", "-O2", "-g",
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
	const char *path = getenv("PATH");
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
	const char *env = getenv("BPFQ_CLANG");

	if (env && *env)
		return strchr(env, '/') ? (access(env, X_OK) ? NULL : strdup(env)) : search_path(env);
	return search_path("clang");
}

static int fail(char **log, const char *what, int err)
{
	if (asprintf(log, "%s: %s", what, strerror(err)) < 0)
		*log = NULL;
	return -1;
}

/* Everything the child wrote to fd, as a string. */
static char *slurp(int fd)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	char chunk[4096];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			fwrite(chunk, 1, n, out);
	fclose(out);
	return text;
}

int clang_compile(const char *clang, const char *src, const char *obj, char **log)
{
	const char *argv[32];
	posix_spawn_file_actions_t actions;
	int pipefd[2], status = 0, argc = 0, err;
	pid_t pid;

	argv[argc++] = clang;
	for (int i = 0; clang_flags[i]; i++)
		argv[argc++] = clang_flags[i];
	argv[argc++] = "-c";
	argv[argc++] = src;
	argv[argc++] = "-o";
	argv[argc++] = obj;
	argv[argc] = NULL;

	*log = NULL;
	if (pipe(pipefd))
		return fail(log, "pipe", errno);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDERR_FILENO);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&actions, pipefd[0]);
	err = posix_spawn(&pid, clang, &actions, NULL, (char **)argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(pipefd[1]);
	if (err) {
		close(pipefd[0]);
		return fail(log, clang, err);
	}
	*log = slurp(pipefd[0]);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return -1;
}
