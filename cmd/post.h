/* SPDX-License-Identifier: MIT */
/*
 * Arithmetic over aggregates, having, order by and limit: user space
 * works them out on the final values of an answer (after the scan, or
 * after bpfq merge), so the kernel program only computes aggregates.
 */
#ifndef BPFQ_POST_H
#define BPFQ_POST_H

#include "cmd/output.h"
#include "lang/front/ast.h"

/* The answer of the output columns, and what it owns. */
struct post {
	struct answer a;
	struct agg_desc descs[BPFQ_MAX_AGGS];
	char *names[BPFQ_MAX_AGGS];
	struct group *groups;
	uint64_t *areas;
};

/*
 * From in, the answer over q->items, the answer of q->cols (q->post):
 * the groups that pass having, in order, at most limit of them. With
 * order by and limit k, only k groups are kept while reading them. 0, or
 * EXIT_INPUT after printing why (an overflow, a division by zero).
 */
int post_apply(const struct query *q, const struct answer *in, struct post *out);
void post_free(struct post *p);

/*
 * For bpfq merge: a query parsed from partials' "select" text, checked
 * against their aggregates (names[i] labels descs[i]). False when it
 * asks for none of the post stage; 0 > *bad when an aggregate is not
 * among the names.
 */
bool post_resolve(struct query *q, char *const *names, const struct agg_desc *descs, int n,
		  bool *bad);

#endif /* BPFQ_POST_H */
