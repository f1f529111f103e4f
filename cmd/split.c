// SPDX-License-Identifier: MIT
/* Cutting a file into ranges that start at records (see split.h). */
#include <unistd.h>

#include "cmd/split.h"

/* Below this, one reader does it faster than two start. */
#define SPLIT_MIN (1u << 20)

static int is_boundary(const struct input_format *f, unsigned char c)
{
	if (f->kind == INPUT_NUMBERS)
		return c == ' ' || c == ',' || (c >= '\t' && c <= '\r');
	return c == '\n';
}

/* The first offset at or after from that follows a separator; size if none. */
static uint64_t next_start(int fd, uint64_t base, uint64_t size, const struct input_format *f,
			   uint64_t from)
{
	unsigned char buf[65536];

	while (from < size) {
		ssize_t n = pread(fd, buf, sizeof(buf), base + from);

		if (n <= 0)
			return size;
		for (ssize_t i = 0; i < n; i++)
			if (is_boundary(f, buf[i]))
				return from + i + 1;
		from += n;
	}
	return size;
}

int split_ranges(int fd, uint64_t base, uint64_t size, const struct input_format *f, int n,
		 uint64_t *starts)
{
	int k = 0;

	if (n > 1 && size / n < SPLIT_MIN)
		n = size / SPLIT_MIN > 1 ? (int)(size / SPLIT_MIN) : 1;
	starts[k++] = 0;
	for (int i = 1; i < n; i++) {
		uint64_t at = size / n * i;

		if (f->kind == INPUT_BINARY)
			at -= at % f->record_size;
		else
			at = next_start(fd, base, size, f, at);
		if (at > starts[k - 1] && at < size)
			starts[k++] = at;
	}
	starts[k] = size;
	return k;
}
