/* SPDX-License-Identifier: MIT */
/* What the steps of one query (run.c, run_kernel.c, run_user.c) share. */
#ifndef BPFQ_RUN_INTERNAL_H
#define BPFQ_RUN_INTERNAL_H

#include <stdint.h>

#include "cmd/progress.h"
#include "cmd/run.h"
#include "codegen/plan.h"
#include "lang/engine/groups.h"
#include "lang/front/ast.h"
#include "lang/front/diag.h"
#include "lang/value/distinct.h"
#include "lang/value/exact.h"
#include "runtime/input.h"
#include "runtime/paths.h"

/* The answer of the files read so far (run_files.c). */
struct run_sum {
	bool have;
	struct bpfq_result result;
	uint64_t *area;
	struct groups *groups;
};

/* Everything one run owns. */
struct run {
	const struct options *o;
	struct query q;
	struct schema schema;	/* a csv header's names */
	const char *const *args;	/* the path arguments (run_files.c) */
	int nargs;
	struct path_list files;	/* the inputs they name, in order */
	int file;		/* the one in 'in' */
	uint64_t list_bytes;	/* its regular files' bytes, once known (run_kernel.c) */
	bool list_sized;
	uint64_t file_bytes;	/* what the engine read of it */
	struct run_sum sum;
	struct input in;
	struct progress progress;
	struct run_stats stats;
	/* The answer, from either engine: */
	struct bpfq_result result;
	uint64_t *area;		/* the aggregates' states (layout.h), without by */
	struct groups *groups;	/* with by */
	struct exact_values values;	/* quantile_exact's, of every file so far */
	struct distinct_set distinct;	/* count_distinct's (--engine=user), of every file so far */
	int distinct_fd;		/* the kernel's set, kept for a program loaded again; or -1 */
	bool distinct_lost;		/* a file read again lost the earlier files' values */
	const volatile struct bpfq_result *live;	/* the result while the scan runs */
	uint64_t done;
	bool settled;		/* run_settle_input() was done */
	uint64_t file_conds;	/* the file's truths of the conditions over file (run_file_decide()) */
	bool skip;		/* where is false for every record of the file: it is not read */
	bool look_for_csv;	/* names columns, no format named, no .csv path: header_sniff_csv() */
	bool json_maybe;	/* names keys the check as numbers or text refused: JSON lines? */
	bool json_found;	/* the first input starts as JSON lines do */
	bool csv_found;		/* or, a pipe or compressed file, as csv does (header_sniff_csv()) */
	struct run_last *last;
	const char *program;	/* the kernel engine's C while it loads (-d verifier) */
};

/*
 * Before the input's first bytes are looked at or read: whether it is
 * compressed, and whether an input read as numbers by default holds
 * numbers. Once per file; returns an exit status.
 */
int run_settle_input(struct run *r);

/*
 * BPFQ_READ_SIZES (the differential tests, tests/diff/run): the input
 * read once per read size, each read in a child of this process, in turn,
 * with its own stdout and stderr: the kernel engine's load and verifier
 * are most of a small file's run, the user engine's start most of its,
 * and neither depends on the read size. Returns 0 in each child (*again:
 * from the second on, the kernel's maps hold an earlier child's groups),
 * or an exit status; the parent exits. Not under sudo (privs_getenv).
 */
int run_read_sizes(struct run *r, bool *again);

/*
 * The query's path arguments: its 'from', the command line's files, or
 * standard input; 0, or an exit status (a missing 'from' on a terminal in
 * d, else said). Then the files they name (globs and folders expanded),
 * before the first is opened.
 */
int run_files_find(struct run *r, struct diag *d);
int run_files_expand(struct run *r);
const char *run_file_path(const struct run *r);

/*
 * Before a file is opened: the truths of the query's conditions over file
 * for its path, and whether the where clause then rejects every record
 * (r->skip: the file is not read). Returns an exit status.
 */
int run_file_decide(struct run *r);

/* A file not read: its answer is that of no record passing where. */
int run_file_skipped(struct run *r);

/* Before an engine reads a file after the first: the run's answer is the sum so far. */
void run_file_start(struct run *r);

/*
 * After an engine read a file: its checks and warnings (its size, a
 * run-time error, the tokens skipped), then its answer joins the files'
 * before it. Returns an exit status.
 */
int run_file_done(struct run *r);

/* Whether another file is to be read, and the next one opened (and its header read). */
bool run_more_files(const struct run *r);
int run_next_file(struct run *r);

void run_files_free(struct run *r);

/* After each read: places for messages (pipes), and the progress line. */
void run_on_read(void *ctx, const char *buf, size_t n);

/*
 * The BPF C for the query at a hook (-d c prints it; the REPL's \c shows
 * it), and in *plan the shape it was made in (the compile's parts).
 */
char *run_generate(struct run *r, enum hook_kind hook, struct codegen_plan *plan, size_t *len);

/* The engines: 0 (EXIT_OK) with the answer in r, or an exit status. */
int run_kernel(struct run *r);
int run_user_engine(struct run *r);

#endif /* BPFQ_RUN_INTERNAL_H */
