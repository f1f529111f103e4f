/* others: what a bpfq scan costs the other processes of the machine.
 *
 *   others loop N     N getppid() system calls (through syscall(2), so no
 *                     library caches the answer); prints the mean
 *                     nanoseconds of CPU time a call
 *   others read FILE  FILE read to its end in 4 KiB read() calls (as
 *                     dd bs=4k); prints the MB/s and the mean nanoseconds
 *                     a call, both by CPU time
 *
 * bench/others runs them alone and while bpfq scans, interleaved: the
 * syscall hook runs at every system call's return of every process while
 * a scan is attached, so the difference is what each call of another
 * process pays for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The thread's CPU time, user and system: on a machine shared with other
 * work, the time spent waiting for a CPU would swamp the calls' cost. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int loop(long n)
{
	double t0 = now(), t;

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	t = now() - t0;
	printf("%.1f ns/call\n", t / (double)n * 1e9);
	return 0;
}

static int read_file(const char *path)
{
	static char buf[4096];
	long calls = 0, bytes = 0;
	double t0, t;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "others: %s: %s\n", path, strerror(errno));
		return 1;
	}
	t0 = now();
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		bytes += n;
		calls++;
	}
	t = now() - t0;
	close(fd);
	if (n < 0) {
		fprintf(stderr, "others: %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("%.1f MB/s %.1f ns/call\n", (double)bytes / t / 1e6,
	       t / (double)(calls ? calls : 1) * 1e9);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "loop"))
		return loop(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "read"))
		return read_file(argv[2]);
	fprintf(stderr, "usage: others loop N | others read FILE\n");
	return 2;
}
