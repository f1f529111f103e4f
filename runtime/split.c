// SPDX-License-Identifier: MIT
/* Cutting a file into ranges that start at records (see split.h). */
#include <unistd.h>

#include "bpf-templates/bpfq_state.h"
#include "runtime/split.h"

/* No range is smaller: below this, one reader does it faster than two start. */
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

/* A range's size when left bytes remain for n readers (split.h). */
static uint64_t range_size(uint64_t size, uint64_t left, int n)
{
	uint64_t floor = size / 24 > SPLIT_MIN ? size / 24 : SPLIT_MIN;
	uint64_t want = left / (2 * (uint64_t)n);

	return want > floor ? want : floor;
}

int split_ranges(int fd, uint64_t base, uint64_t size, const struct input_format *f, int n,
		 uint64_t *starts)
{
	int k = 0;

	starts[k++] = 0;
	while (n > 1 && k < BPFQ_MAX_RANGES) {
		uint64_t at = starts[k - 1] + range_size(size, size - starts[k - 1], n);

		/* The rest is too little to share: it stays in the last range. */
		if (at + SPLIT_MIN > size)
			break;
		if (f->kind == INPUT_BINARY)
			at -= at % f->record_size;
		else
			at = next_start(fd, base, size, f, at);
		if (at <= starts[k - 1] || at >= size)
			break;
		starts[k++] = at;
	}
	starts[k] = size;
	return k;
}
