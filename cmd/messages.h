/* SPDX-License-Identifier: MIT */
/* Messages that point into the input file: skipped tokens, run-time errors. */
#ifndef BPFQ_MESSAGES_H
#define BPFQ_MESSAGES_H

#include <stdio.h>
#include "bpf-templates/bpfq_state.h"
#include "lang/front/ast.h"
#include "runtime/input.h"

/*
 * A line for each kind of skip: "skipped N tokens that are not numbers;
 * the first, 'abc', at nums.txt:2:1", empty, non-numeric and missing
 * fields read as NULL, a partial binary record (nothing when none).
 */
void messages_skip_warnings(FILE *f, struct input *in, const struct query *q,
			    const struct bpfq_result *r);

/* The failing operator in the query, the value, and its place in the file. */
void messages_runtime_error(FILE *f, const struct query *q, struct input *in,
			    const struct bpfq_result *r, long max_groups, long max_values);

/* A multi-line log from libbpf or clang, indented, after an error line. */
/* A condition over file failed (an overflow) as it was decided for path, at node failed. */
void messages_file_cond_error(FILE *f, const struct query *q, const char *path, uint32_t err,
			      const struct node *failed);

/*
 * A warning for each count_distinct whose answer (in some groups) is the
 * estimate: a value found its set full; budget says what to raise.
 */
struct answer;
void messages_distinct_estimates(FILE *f, const char *prog, const struct answer *a,
				 const char *budget);

void messages_log(FILE *f, const char *log);
void messages_log_tail(FILE *f, const char *log, int max, const char *more);

#endif /* BPFQ_MESSAGES_H */
