/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_READER_H
#define BPFQ_READER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "runtime/loader.h"

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

struct reader_opts {
	size_t read_size;	/* bytes per read() */
	uint64_t limit;		/* read no more than this (a file's size at the start); 0: to EOF */
	volatile sig_atomic_t *interrupted;	/* set by a signal: stop */
	struct reader_watch watch;
};

/*
 * Read fd to its end (or the limit, then a 0-byte read so the program
 * finishes its last token) into the buffer of the state slot's reader
 * (target.reader), so that the program parses every byte into the slot; stop early when it says the answer is known.
 * Returns 0, -1 with errno on a read error, or -2 if the program kept
 * missing a read (reason in *why), or 1 when *interrupted.
 */
int reader_run(struct loader *l, int slot, int fd, const struct reader_opts *o,
	       struct reader_stats *stats, const char **why);

#endif /* BPFQ_READER_H */
