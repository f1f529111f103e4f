// SPDX-License-Identifier: MIT
/* Runs clang as a child process: BPF C in, BPF object out. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clang.h"
#include "link.h"

extern char **environ;

const char *const clang_flags[] = {
	"-target", "bpf", "-O2", "-g",
	/*
	 * BTF needs -g, but not the lines of every inlined function: their
	 * instructions are told as their call's line (in the verifier's log
	 * too). The same instructions; 15-20% of clang's time (a long csv
	 * program's part: 0.50 -> 0.41 s).
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

/*
 * Start clang on src into obj, with -DBPFQ_PART=part unless part is 0: its
 * pid, and in *out the read end of a pipe with its messages.
 */
static int spawn(const char *clang, const char *src, const char *obj, int part, pid_t *pid,
		 int *out, char **log)
{
	const char *argv[32];
	char define[] = "-DBPFQ_PART=0";
	posix_spawn_file_actions_t actions;
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
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDERR_FILENO);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&actions, pipefd[0]);
	err = posix_spawn(pid, clang, &actions, NULL, (char **)argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(pipefd[1]);
	if (err) {
		close(pipefd[0]);
		return fail(log, clang, err);
	}
	*out = pipefd[0];
	return 0;
}

/* Wait for a spawned clang: 0 when it succeeded; its messages in *log. */
static int finish(pid_t pid, int out, char **log)
{
	int status = 0;

	*log = slurp(out);
	close(out);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
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
	char *objs[2] = { NULL, NULL }, *logs[2] = { NULL, NULL };
	pid_t pids[2];
	int outs[2], started = 0, failed = -1, status = -1;

	for (int i = 0; i < 2 && failed < 0; i++) {
		if (asprintf(&objs[i], "%s.%d", obj, i + 1) < 0) {
			objs[i] = NULL;
			fail(&logs[i], "asprintf", ENOMEM);
		} else if (!spawn(clang, src, objs[i], i + 1, &pids[i], &outs[i], &logs[i])) {
			started++;
			continue;
		}
		failed = i;
	}
	for (int i = 0; i < started; i++)
		if (finish(pids[i], outs[i], &logs[i]) && failed < 0)
			failed = i;
	if (failed >= 0) {
		*log = logs[failed];
		logs[failed] = NULL;
	} else {
		status = link_objects(obj, (const char *const *)objs, 2, log);
	}
	for (int i = 0; i < 2; i++) {
		if (objs[i])
			unlink(objs[i]);
		free(objs[i]);
		free(logs[i]);
	}
	return status;
}

int clang_compile(const char *clang, const char *src, const char *obj, int parts, char **log)
{
	pid_t pid;
	int out;

	*log = NULL;
	if (parts == 2 && cpus_available() >= 2)
		return compile_parts(clang, src, obj, log);
	if (spawn(clang, src, obj, 0, &pid, &out, log))
		return -1;
	return finish(pid, out, log);
}
