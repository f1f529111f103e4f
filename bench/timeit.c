/* timeit: run one command and print how long it took.
 *
 *   timeit [-i STDIN] OUT ERR -- COMMAND [ARG...]
 *
 * Runs COMMAND with standard output to OUT, standard error to ERR and, with
 * -i, standard input from STDIN (else /dev/null), and prints one line
 * "SECONDS STATUS RSS": the wall time on CLOCK_MONOTONIC from just before
 * fork() to the end of wait4(), so process start-up and exit are counted as
 * a user pays them; STATUS, the exit status (128+N for signal N); RSS, the
 * command's peak resident size in KiB (ru_maxrss of the child). The
 * files are opened before the clock starts. A shell in between would add
 * its own start-up to every contender, hence this helper.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags, 0644);
	if (fd < 0) {
		fprintf(stderr, "timeit: %s: %s\n", path, strerror(errno));
		exit(125);
	}
	return fd;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *in = "/dev/null";
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "-i") == 0) {
		in = argv[i + 1];
		i += 2;
	}
	if (argc - i < 4 || strcmp(argv[i + 2], "--") != 0) {
		fprintf(stderr, "usage: timeit [-i STDIN] OUT ERR -- COMMAND [ARG...]\n");
		return 125;
	}
	int fds[3] = {
		open_or_die(in, O_RDONLY),
		open_or_die(argv[i], O_WRONLY | O_CREAT | O_TRUNC),
		open_or_die(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC),
	};
	char **cmd = argv + i + 3;

	double start = now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("timeit: fork");
		return 125;
	}
	if (pid == 0) {
		for (int fd = 0; fd < 3; fd++)
			dup2(fds[fd], fd);
		for (int fd = 0; fd < 3; fd++) /* no stray descriptors */
			if (fds[fd] > 2)
				close(fds[fd]);
		execvp(cmd[0], cmd);
		fprintf(stderr, "timeit: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	int status;
	struct rusage usage;
	while (wait4(pid, &status, 0, &usage) < 0)
		if (errno != EINTR) {
			perror("timeit: wait4");
			return 125;
		}
	double elapsed = now() - start;

	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("%.6f %d %ld\n", elapsed, code, usage.ru_maxrss);
	return 0;
}
