/* SPDX-License-Identifier: MIT */
/*
 * Aggregate states in user space: folding a value in (the reference
 * evaluator), merging two states (readers, groups, hosts), and the bucket
 * of a value for hist, lhist, quantile and count_distinct, which the
 * kernel computes the same way (bpf-templates/aggs.bpf.h).
 */
#ifndef BPFQ_AGGS_H
#define BPFQ_AGGS_H

#include <stdbool.h>
#include <stdint.h>

#include "lang/front/ast.h"
#include "lang/value/num.h"

/* What an aggregate is, without its query: enough to fold, merge and print. */
struct agg_desc {
	enum agg_kind kind;
	int words;		/* its state's size in the area */
	int nbuckets;		/* hist, lhist */
	int64_t lo, hi, step;	/* lhist */
	int64_t q;		/* quantile: q * BPFQ_SCALE */
	int share;		/* quantile, quantile_exact: 1 + the item whose values (and state)
				 * it ranks, or 0: its own */
	bool keeps;		/* its values are kept (ast_keeps_values()) */
	bool mid;		/* median, median_exact: the mean of the two middle values */
	int hll_p;		/* count_distinct: register index bits */
	int q_bits;		/* quantile: sub-bucket bits (bpfq_state.h); 32-bit counts below 7 */
	bool time;		/* min, max: of times, printed as times */
	bool clock;		/* and of timestamps: midnight with its 00:00:00 */
	bool text;		/* min, max: of text (struct bpfq_textagg), printed as text */
};

void agg_desc_of(const struct node *call, struct agg_desc *d);

/* Fold one value (scaled) into a state; 0 or an enum bpfq_error. */
uint32_t agg_fold(const struct agg_desc *d, uint64_t *state, i128 v);

/* corr(y, x) and the other two-column aggregates: one more pair, neither NULL. */
uint32_t agg_fold_pair(uint64_t *state, i128 y, i128 x);

/* exists(), count(): one more true condition or record. */
void agg_count(uint64_t *state);

/* dst += src; -1 when a count or sum would pass its width. */
int agg_merge(const struct agg_desc *d, uint64_t *dst, const uint64_t *src);

/* The bucket of v: hist, lhist, quantile; and count_distinct's hash. */
int agg_hist_bucket(i128 v);
int agg_lhist_bucket(const struct agg_desc *d, i128 v);
int agg_quantile_bucket(i128 v, int bits);
uint64_t agg_hash(i128 v);

/* count_distinct of text: a field's hash (bpf-templates/text.bpf.h bpfq_text_hash()), and
 * the fold of a hash into the HyperLogLog. */
uint64_t agg_text_hash(const struct bpfq_text *t);
void agg_fold_hash(uint64_t *state, uint64_t h, int p);

/* min (max false) or max of text (bpfq_state.h struct bpfq_textagg). */
void agg_fold_text(uint64_t *state, const struct bpfq_text *t, bool max);

/* A min or max of text whose answer is longer than the bytes kept: no answer to print. */
bool agg_text_long(const struct agg_desc *d, const uint64_t *state);

/* A quantile bucket's lower bound (toward zero), scaled. */
i128 agg_quantile_value(int bucket, int bits);

/* A quantile state's count of bucket b. */
uint64_t agg_quantile_count(const struct agg_desc *d, const uint64_t *state, int b);

#endif /* BPFQ_AGGS_H */
