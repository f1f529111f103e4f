/* SPDX-License-Identifier: MIT */
/*
 * Where each aggregate's state lies in the area after struct bpfq_state
 * (or in a group's map value), in 64-bit words. Codegen prints these
 * offsets as constants; the evaluator, the printer and --partial read the
 * same ones.
 */
#ifndef BPFQ_LAYOUT_H
#define BPFQ_LAYOUT_H

#include "lang/front/ast.h"

/*
 * An array map's value is at most KMALLOC_MAX_SIZE (4 MB on x86_64 with 4
 * KB pages); the state before the area takes a few KB.
 */
#define LAYOUT_MAX_WORDS (448 * 1024)

/* count_distinct: its register index bits (BPFQ_HLL_P, or BPFQ_HLL_P_GROUP with by). */
int layout_hll_p(const struct node *call);

/*
 * The exact answer of an item that keeps its values (ast_keeps_values()),
 * which user space puts after the scan: a word (quantile_exact's count;
 * quantile's 1 when its values all were kept, else 0), then the two values
 * whose mean it is (lo, hi words each; the same value twice but for the
 * even count of a median). quantile_exact's state is these; quantile's
 * ends with them, after its buckets.
 */
#define LAYOUT_EXACT_WORDS 5

/* quantile: its sub-bucket bits (BPFQ_Q_BITS, or BPFQ_Q_BITS_GROUP with by). */
int layout_q_bits(const struct node *call);

/* The words of one aggregate's state. */
int layout_agg_words(const struct node *call);

/* The first word of item i's state. */
int layout_offset(const struct query *q, int item);

/* The words of all of them: one group's, or the whole query's. */
int layout_words(const struct query *q);

#endif /* BPFQ_LAYOUT_H */
