/* read: the floor under every reader of a file, read() alone.
 *
 *   read FILE...   read() each FILE in 1 MiB chunks into one buffer,
 *                  look at nothing, print the number of bytes read
 *
 * The bench checks the count against the files' size, and gives every
 * contender's time over this one's: what parsing and computing cost above
 * moving the page cache's bytes into a process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1u << 20)

static char buf[CHUNK];

/* FILE's bytes into buf, added to *total; 0, or 1 after saying why not. */
static int read_file(const char *path, uint64_t *total)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "read: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "read: %s: %s\n", path, strerror(errno));
			close(fd);
			return 1;
		}
		if (n == 0)
			break;
		*total += (uint64_t)n;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: read FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (read_file(argv[i], &total))
			return 1;
	printf("%llu\n", (unsigned long long)total);
	return 0;
}
