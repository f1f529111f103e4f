// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/slurp.h"

char *slurp_fd(int fd, size_t max, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *data = malloc(cap + 1), *more;
	ssize_t got;

	while (data) {
		if (n == cap) {
			if (cap > max) {
				errno = EFBIG;
				break;
			}
			cap *= 2;
			if (!(more = realloc(data, cap + 1)))
				break;
			data = more;
		}
		got = read(fd, data + n, cap - n);
		if (got < 0)
			break;
		if (got == 0 && n <= max) {
			data[n] = 0;
			*len = n;
			return data;
		}
		if (got == 0) {
			errno = EFBIG;
			break;
		}
		n += got;
	}
	free(data);
	return NULL;
}

bool write_all(int fd, const void *data, size_t n)
{
	const char *buf = data;

	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		buf += w;
		n -= w;
	}
	return true;
}
