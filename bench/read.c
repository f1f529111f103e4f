/* read: the floor under every reader of a file, read() alone.
 *
 *   read FILE   read() FILE in 1 MiB chunks into one buffer, look at
 *               nothing, print the number of bytes read
 *
 * The bench checks the count against the file's size, and gives every
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

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: read FILE\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "read: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	uint64_t total = 0;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "read: %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
	}
	printf("%llu\n", (unsigned long long)total);
	return 0;
}
