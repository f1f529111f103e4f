// SPDX-License-Identifier: MIT
#include "lang/value/layout.h"

#define WORDS(type) ((int)(sizeof(type) / sizeof(__u64)))

int layout_hll_p(const struct node *call)
{
	return call->hll_p ? call->hll_p : BPFQ_HLL_P;
}

int layout_q_bits(const struct node *call)
{
	return call->q_bits ? call->q_bits : BPFQ_Q_BITS;
}

int layout_agg_words(const struct node *call)
{
	switch (call->agg) {
	case AGG_VAR_SAMP:
	case AGG_VAR_POP:
	case AGG_STDDEV_SAMP:
	case AGG_STDDEV_POP:
		return WORDS(struct bpfq_moments);
	case AGG_COVAR_POP:
	case AGG_COVAR_SAMP:
	case AGG_CORR:
	case AGG_REGR_SLOPE:
	case AGG_REGR_INTERCEPT:
		return WORDS(struct bpfq_comoments);
	case AGG_HIST:
	case AGG_LHIST:
		return 1 + call->nbuckets;	/* the count, then the buckets */
	case AGG_QUANTILE:	/* the count, then the buckets' counts: 32-bit ones with by */
		if (layout_q_bits(call) != BPFQ_Q_BITS)
			return 1 + (BPFQ_Q_BUCKETS_OF(layout_q_bits(call)) + 1) / 2;
		/* and the exact answer from its values, when they all were kept (exact.h) */
		return 1 + BPFQ_Q_BUCKETS + LAYOUT_EXACT_WORDS;
	case AGG_QUANTILE_EXACT:
		return LAYOUT_EXACT_WORDS;
	case AGG_COUNT_DISTINCT:
		/* the head (bpfq_state.h), then a byte a register */
		return BPFQ_DISTINCT_HEAD + (1 << layout_hll_p(call)) / 8;
	case AGG_MIN:
	case AGG_MAX:
		return call->type == TYPE_TEXT ? WORDS(struct bpfq_textagg) : WORDS(struct bpfq_agg);
	default:
		return WORDS(struct bpfq_agg);
	}
}

int layout_offset(const struct query *q, int item)
{
	int off = 0;

	for (int i = 0; i < item; i++)
		off += layout_agg_words(q->items[i]);
	return off;
}

int layout_words(const struct query *q)
{
	return layout_offset(q, q->nitems);
}
