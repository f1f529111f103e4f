/* SPDX-License-Identifier: MIT */
/*
 * quantile_exact(), median_exact(): every value folded is kept, with the
 * item that folded it (the kernel's bpfq_values map, the evaluator, a
 * partial's "values"); after the scan the values are ranked and each
 * item's answer is picked at the rank quantile() uses.
 */
#ifndef BPFQ_EXACT_H
#define BPFQ_EXACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/value/aggs.h"
#include "lang/value/num.h"

/* --max-values: how many values quantile_exact keeps by default, all items together. */
#define EXACT_MAX_VALUES (1L << 22)
/* and at most: the kernel's map indexes them with 32 bits. */
#define EXACT_VALUES_LIMIT (1L << 31)

struct exact_values {
	struct bpfq_xval *v;
	size_t n, cap;
};

/* One more value, folded by item; -1 when out of memory. */
int exact_add(struct exact_values *x, i128 v, int item);

/* n more at once (a scan's map, a partial); -1 when out of memory. */
int exact_add_all(struct exact_values *x, const struct bpfq_xval *v, size_t n);

/*
 * Each aggregate's exact answer into its state in area (the n aggregates'
 * states one after another; layout.h LAYOUT_EXACT_WORDS), of the values
 * its folding item kept: the value at rank max(1, ceil(q * n)) of the n,
 * as quantile() ranks them; a median's the two middle ones for an even n.
 * quantile's only when its values all were kept (as many as its count).
 * Reorders x: by item, each rank at its place (a selection, not a sort).
 */
void exact_answer(const struct agg_desc *d, int n, struct exact_values *x, uint64_t *area);

/* Leave out the values of the quantiles that did not keep them all: their sketch answers. */
void exact_prune(const struct agg_desc *d, int n, struct exact_values *x, const uint64_t *area);

/* The words exact_answer() puts in an item's state; NULL when it keeps no values. */
const uint64_t *exact_words(const struct agg_desc *d, const uint64_t *state);

/* A quantile whose answer is its sketch's estimate: by, or its values not all kept. */
bool exact_estimated(const struct agg_desc *d, const uint64_t *state);

void exact_free(struct exact_values *x);

#endif /* BPFQ_EXACT_H */
