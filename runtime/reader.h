/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_READER_H
#define BPFQ_READER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "loader.h"

struct reader_stats {
	uint64_t bytes;		/* bytes read() returned */
	uint64_t reads;		/* read() calls, the final 0-byte one too */
	uint64_t retries;	/* reads repeated because the program missed them */
};

/* Called after each read the program parsed (n == 0 at the end), with its bytes. */
struct reader_watch {
	void (*fn)(void *ctx, const char *buf, size_t n);
	void *ctx;
};

/*
 * Read fd to its end through the program's buffer, read_size bytes at a
 * time, so that the program parses every byte; stop early when it says the
 * answer is known. Returns 0, -1 with errno on a read error, or -2 if the
 * program kept missing a read (reason in *why), or 1 when *interrupted.
 */
int reader_run(struct loader *l, int fd, size_t read_size, volatile sig_atomic_t *interrupted,
	       const struct reader_watch *watch, struct reader_stats *stats, const char **why);

#endif /* BPFQ_READER_H */
