// SPDX-License-Identifier: MIT
/* BPFQ_READ_SIZES: one run's input read at several read sizes, a child each. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf-templates/bpfq_state.h"
#include "cmd/run_internal.h"
#include "runtime/privs.h"

/* One scan of BPFQ_READ_SIZES: a read size, and where its answer goes. */
struct size_run {
	size_t size;
	int out, err;
};

#define SIZE_RUNS_MAX 16

/* "SIZE:OUTFD:ERRFD ...": each descriptor open, each size one --read-size takes. */
static int parse_size_runs(const char *env, struct size_run *runs)
{
	int n = 0;

	while (*env) {
		char *end;
		unsigned long size = strtoul(env, &end, 10), out, err;

		if (n == SIZE_RUNS_MAX || end == env || *end != ':' || !size || size > BPFQ_BUF_SIZE)
			return -1;
		out = strtoul(end + 1, &end, 10);
		if (*end != ':')
			return -1;
		err = strtoul(end + 1, &end, 10);
		if ((*end && *end != ' ') || out > 1024 || err > 1024 ||
		    fcntl((int)out, F_GETFD) < 0 || fcntl((int)err, F_GETFD) < 0)
			return -1;
		runs[n++] = (struct size_run){ size, (int)out, (int)err };
		env = *end ? end + 1 : end;
	}
	return n;
}

/*
 * In a child of read_sizes(): this run's answer at its read size, on the
 * descriptors named, from where the input stood before the first scan.
 */
static int become_size_run(struct run *r, const struct size_run *run, off_t at)
{
	/* the child's own options: static, as nothing frees them before it exits */
	static struct options o;

	if (dup2(run->out, STDOUT_FILENO) < 0 || dup2(run->err, STDERR_FILENO) < 0 ||
	    (r->in.seekable && lseek(r->in.fd, at, SEEK_SET) < 0))
		_exit(EXIT_INPUT);
	o = *r->o;
	o.read_size = run->size;
	r->o = &o;
	return 0;
}

/*
 * BPFQ_READ_SIZES: run_internal.h. Returns in each child; the parent
 * prints "SIZE STATUS" for each and exits.
 */
int run_read_sizes(struct run *r, bool *again)
{
	const char *env = privs_getenv("BPFQ_READ_SIZES");
	struct size_run runs[SIZE_RUNS_MAX];
	int n, st, status = EXIT_OK;
	off_t at;

	if (!env || r->file)
		return 0;
	n = parse_size_runs(env, runs);
	at = lseek(r->in.fd, 0, SEEK_CUR);
	if (n <= 0 || !r->in.seekable || at < 0) {
		fprintf(stderr, "bpfq: error: BPFQ_READ_SIZES: expected SIZE:OUTFD:ERRFD ... "
				"with open descriptors, and a regular file\n");
		return EXIT_INPUT;
	}
	for (int i = 0; i < n; i++) {
		pid_t pid;

		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			*again = i > 0;
			return become_size_run(r, &runs[i], at);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0) {
			fprintf(stderr, "bpfq: error: BPFQ_READ_SIZES: %s\n", strerror(errno));
			status = EXIT_INPUT;
			break;
		}
		printf("%zu %d\n", runs[i].size, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	fflush(NULL);
	_exit(status);
}
