/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_OUTPUT_H
#define BPFQ_OUTPUT_H

#include <stdio.h>
#include "lang/ast.h"
#include "bpf-templates/bpfq_state.h"

/*
 * The answer: one aggregate prints its bare value, several print
 * "label: value" lines. Aggregates of no values are null (SQL), avg is
 * sum / count rounded half away from zero to 6 decimals.
 */
void output_result(FILE *f, const struct query *q, const struct bpfq_result *r);

/* Where the first skipped token was and what it looked like (reads fd). */
void output_malformed_warning(FILE *f, const char *path, int fd, const struct bpfq_result *r);

/* A run-time error: the failing operator in the query, the value, and its place in the file. */
void output_runtime_error(FILE *f, const struct query *q, const char *path, int fd,
			  const struct bpfq_result *r);

#endif /* BPFQ_OUTPUT_H */
