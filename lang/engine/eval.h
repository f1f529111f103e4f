/* SPDX-License-Identifier: MIT */
/*
 * The reference evaluator: runs a checked query over bytes in user space.
 * It is --engine=user and the oracle the in-kernel answers are tested
 * against, so it is written for plainness, byte by byte, independently of
 * the BPF parsers.
 */
#ifndef BPFQ_EVAL_H
#define BPFQ_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/engine/groups.h"
#include "lang/front/ast.h"
#include "lang/value/distinct.h"
#include "lang/value/exact.h"

struct eval;

/* max_groups: with by, more groups than this is an error (BPFQ_ERR_GROUPS). */
struct eval *eval_new(const struct query *q, long max_groups);

/*
 * quantile_exact: its values go to values (which the caller keeps and
 * may hold some already), at most max in all (BPFQ_ERR_VALUES past it).
 */
void eval_keep_values(struct eval *e, struct exact_values *values, size_t max);

/*
 * count_distinct: its values go to set (which the caller keeps, across
 * files), not the evaluator's own (of --max-distinct's default size).
 */
void eval_keep_distinct(struct eval *e, struct distinct_set *set);

/* Feed the next bytes of the input; returns true when the scan may stop (answer known or error). */
bool eval_feed(struct eval *e, const char *buf, size_t n);

/* End of input: a last record without its separator, a partial binary record. */
void eval_finish(struct eval *e);

const struct bpfq_result *eval_result(const struct eval *e);

/* The aggregates' states (layout.h); with by, the groups'. */
const uint64_t *eval_area(const struct eval *e);
struct groups *eval_groups(const struct eval *e);

/* The caller keeps the groups: eval_free() leaves them. */
void eval_release_groups(struct eval *e);

void eval_free(struct eval *e);

/* The truths of the conditions over file (query.file_conds) for this file, before it is fed. */
void eval_set_file_conds(struct eval *e, uint64_t conds);

/*
 * Those truths for the file at path: bit i for file_conds[i]. 0, or an
 * enum bpfq_error (an arithmetic overflow) and the node that failed.
 */
uint32_t eval_file_conds(const struct query *q, const char *path, uint64_t *conds,
			 const struct node **failed);

/*
 * After a file's scan: each aggregate of file (ast_folds_file()) has
 * counted its records in the state's first word; made the state of the
 * path when that is not 0. area is the answer's, or one group's.
 */
void eval_settle_file_aggs(const struct query *q, uint64_t *area, const char *path);

/* Whether the where clause is false (or unknown) for every record of a file with these truths. */
bool eval_file_rejected(const struct query *q, uint64_t conds);

#endif /* BPFQ_EVAL_H */
