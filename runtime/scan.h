/* SPDX-License-Identifier: MIT */
/*
 * The scan of a loaded program: its readers read the ranges of the input
 * (split.h), then the answer is taken from every range's slot of the
 * state map and, with by, from the groups map.
 */
#ifndef BPFQ_SCAN_H
#define BPFQ_SCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "lang/engine/groups.h"
#include "lang/front/ast.h"
#include "lang/value/distinct.h"
#include "lang/value/exact.h"
#include "runtime/loader.h"
#include "runtime/reader.h"

/*
 * A list of small files read at once (scan_job.inputs): range k is the
 * whole of file k from its base, parsed into state slot k, so that each
 * file's answer stays its own (scan_answer.parts).
 */
struct scan_input {
	int fd;
	const char *name;	/* for messages */
	uint64_t base, len;	/* where the scan starts (after a header), and how far */
	uint64_t file_conds;	/* the file's truths of the conditions over file */
};

/*
 * A file's answer out of a scan of inputs: its counters; its states stay
 * in its slot of the state map (loader__area()) until the next scan.
 */
struct scan_part {
	struct bpfq_result result;
	uint64_t bytes_read;
};

/* What to read, and how. */
struct scan_job {
	const struct query *q;		/* a checked query: its aggregates, by, format */
	int fd;				/* the input, at base; readers after the first reopen it */
	const char *name;		/* the input, for messages */
	bool seekable;			/* a regular file: read-ahead hints */
	uint64_t base;			/* file offset of the scan's first byte */
	size_t read_size;		/* bytes per read() */
	bool verbose;
	bool rescan;			/* the program scanned before: empty its groups map */
	uint64_t file_conds;		/* the file's truths of the conditions over file */
	volatile sig_atomic_t *interrupted;	/* set by a signal: stop */
	/* Range k is [starts[k], starts[k+1]) from base, parsed into state slot k. */
	int readers, nranges;
	const uint64_t *starts;
	/* Or, with inputs, range k is inputs[k] (nranges of them). */
	const struct scan_input *inputs;
	/* One range: after each read, with its bytes (a pipe's places). */
	struct reader_watch watch;
	/* Several ranges: the bytes of all of them so far. */
	void (*progress)(void *ctx, uint64_t done);
	void *progress_ctx;
	/* quantile_exact: the values so far, which the scan's join; at most max_values. */
	struct exact_values *values;
	size_t max_values;
	/* count_distinct: a rescan empties the set (by file; the same file again) */
	bool clear_distinct;
};

/* What the scan found; the caller frees area, groups and attach_log. */
struct scan_answer {
	struct bpfq_result result;	/* the counted ranges' counters, joined */
	uint64_t *area;			/* the aggregates' states (layout.h), without by */
	struct groups *groups;		/* with by */
	uint64_t bytes_read, reads;	/* what the readers read() */
	uint64_t result_bytes;		/* what user space took from the maps */
	char *attach_log;		/* libbpf's messages when the attach failed */
	/* With inputs: each file's answer (room for nranges), up to counted. */
	struct scan_part *parts;
	int counted;
};

enum scan_status {
	SCAN_OK,
	SCAN_INTERRUPTED,	/* a signal stopped it */
	SCAN_INPUT,		/* a read failed (said on stderr) */
	SCAN_KERNEL,		/* the program failed (said on stderr) */
	SCAN_ATTACH,		/* the attach failed: attach_log says why */
	/*
	 * A csv range cut inside a quoted field: the answer of the ranges is
	 * not the file's, so the scan must be done again by one reader.
	 */
	SCAN_AGAIN_ALONE,
};

/*
 * Clear the ranges' states, attach, read the ranges with job->readers
 * threads, detach, and join the answer into *a (zeroed by the caller).
 */
enum scan_status scan_run(const struct scan_job *job, struct loader *l, struct scan_answer *a);

/*
 * count_distinct: the values in the kernel's set into s (--partial: bpfq
 * merge counts their union); -1 when s is full or out of memory.
 */
int scan_read_distinct(struct loader *l, struct distinct_set *s);

#endif /* BPFQ_SCAN_H */
