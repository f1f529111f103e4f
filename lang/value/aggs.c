// SPDX-License-Identifier: MIT
/*
 * Aggregate states in user space. The evaluator folds every value into
 * the decimal parts of struct bpfq_agg (the kernel's fast path fills the
 * integer parts too); the printer joins both, so the answers agree.
 */
#include <string.h>

#include "lang/value/aggs.h"
#include "lang/value/layout.h"

void agg_desc_of(const struct node *call, struct agg_desc *d)
{
	*d = (struct agg_desc){ .kind = call->agg, .words = layout_agg_words(call),
				.nbuckets = call->nbuckets, .lo = call->lo, .hi = call->hi,
				.step = call->step, .q = call->q, .hll_p = layout_hll_p(call),
				.q_bits = call->agg == AGG_QUANTILE ? layout_q_bits(call) : 0,
				.share = agg_is_quantile(call->agg) ? call->share : 0,
				.keeps = ast_keeps_values(call),
				.mid = agg_is_quantile(call->agg) && call->nargs == 1,
				.time = call->type == TYPE_TIME, .clock = call->clock,
				.text = call->type == TYPE_TEXT };
}

/* Multi-word two's complement: dst += the sign-extended 128-bit v. */
static void add_wide(__u64 *dst, int words, i128 v)
{
	uint64_t add[4] = { (uint64_t)v, (uint64_t)((u128)v >> 64) };
	uint64_t ext = v < 0 ? UINT64_MAX : 0, carry = 0;

	add[2] = add[3] = ext;
	for (int i = 0; i < words; i++) {
		uint64_t s = dst[i] + add[i];
		uint64_t c = s < dst[i];

		dst[i] = s + carry;
		carry = c | (dst[i] < s);
	}
}

/* Unsigned multi-word dst += src (sumsq, merges). */
static void add_words(__u64 *dst, const __u64 *src, int words)
{
	uint64_t carry = 0;

	for (int i = 0; i < words; i++) {
		uint64_t s = dst[i] + src[i];
		uint64_t c = s < dst[i];

		dst[i] = s + carry;
		carry = c | (dst[i] < s);
	}
}

static void fold_basic(struct bpfq_agg *a, i128 v)
{
	uint64_t dcount = a->count - a->icount;

	add_wide(a->dsum, 3, v);
	if (!dcount || v < num_from_words(a->dmin_lo, a->dmin_hi)) {
		a->dmin_lo = (uint64_t)v;
		a->dmin_hi = (int64_t)((u128)v >> 64);
	}
	if (!dcount || v > num_from_words(a->dmax_lo, a->dmax_hi)) {
		a->dmax_lo = (uint64_t)v;
		a->dmax_hi = (int64_t)((u128)v >> 64);
	}
	a->count++;
}

/* out = |u| * |v| in five words: each is below 2^123, the product below 2^246 (out[4] 0). */
static void mul_mag(i128 u, i128 v, __u64 out[5])
{
	u128 mu = u < 0 ? -(u128)u : (u128)u, mv = v < 0 ? -(u128)v : (u128)v;
	uint64_t a[2] = { (uint64_t)mu, (uint64_t)(mu >> 64) };
	uint64_t b[2] = { (uint64_t)mv, (uint64_t)(mv >> 64) };

	memset(out, 0, 5 * sizeof(*out));
	for (int i = 0; i < 2; i++) {
		u128 carry = 0;

		for (int j = 0; j < 2; j++) {
			u128 t = (u128)a[i] * b[j] + out[i + j] + carry;

			out[i + j] = (uint64_t)t;
			carry = t >> 64;
		}
		out[i + 2] += (uint64_t)carry;
	}
}

/* sumsq += v^2. */
static void fold_moments(struct bpfq_moments *m, i128 v)
{
	__u64 sq[5];

	mul_mag(v, v, sq);
	m->count++;
	add_wide(m->sum, 3, v);
	add_words(m->sumsq, sq, 5);
}

uint32_t agg_fold_pair(uint64_t *state, i128 y, i128 x)
{
	struct bpfq_comoments *c = (struct bpfq_comoments *)state;
	__u64 p[5];

	fold_moments(&c->y, y);
	fold_moments(&c->x, x);
	mul_mag(y, x, p);
	add_words((y < 0) != (x < 0) ? c->sumxy_neg : c->sumxy_pos, p, 5);
	return 0;
}

int agg_hist_bucket(i128 v)
{
	int64_t i;
	int b = 0;

	if (v < 0)
		return 0;
	if (v < (i128)BPFQ_SCALE)
		return 1;
	for (i = num_floor(v); i > 1; i >>= 1)
		b++;
	return 2 + b;
}

int agg_lhist_bucket(const struct agg_desc *d, i128 v)
{
	if (v < (i128)d->lo * BPFQ_SCALE)
		return 0;
	if (v >= (i128)d->hi * BPFQ_SCALE)
		return d->nbuckets - 1;
	return 1 + (int)(((uint64_t)num_floor(v) - (uint64_t)d->lo) / (uint64_t)d->step);
}

/* 5^18: 10^18 / 2^18, so that |v| * 2^30 / 10^18 is |v| * 2^12 / 5^18. */
#define FIVE18 ((u128)3814697265625ULL)

/* |v| * 2^30, in the log-linear buckets of bpfq_state.h, 2^bits a power of two. */
int agg_quantile_bucket(i128 v, int bits)
{
	u128 m = v < 0 ? -(u128)v : (u128)v;
	/* |v| * 2^30 passes 128 bits: split |v| at 5^18, each part's product fits. */
	u128 n = (m / FIVE18 << 12) + (m % FIVE18 << 12) / FIVE18;
	int e = 0, idx, sub = BPFQ_Q_SUB_OF(bits);

	if (n == 0)
		return BPFQ_Q_PER_SIGN_OF(bits);
	for (u128 t = n; t > 1; t >>= 1)
		e++;
	idx = n < (u128)sub ? (int)n : sub + (e - bits) * sub + (int)((n >> (e - bits)) & (sub - 1));
	return v < 0 ? BPFQ_Q_PER_SIGN_OF(bits) - idx : BPFQ_Q_PER_SIGN_OF(bits) + idx;
}

i128 agg_quantile_value(int bucket, int bits)
{
	int idx = bucket - BPFQ_Q_PER_SIGN_OF(bits), sub = BPFQ_Q_SUB_OF(bits);
	int a = idx < 0 ? -idx : idx;
	u128 n;

	if (a < sub) {
		n = a;
	} else {
		int e = (a - sub) / sub + bits;

		n = (u128)(sub + (a - sub) % sub) << (e - bits);
	}
	/* n / 2^30, scaled by 10^18 (n * 5^18 / 2^12), rounded toward zero as
	 * the bucket's bound is; n < 2^93, so its low 12 bits apart. */
	n = (n >> 12) * FIVE18 + ((n & 4095) * FIVE18 >> 12);
	return idx < 0 ? -(i128)n : (i128)n;
}

uint64_t agg_hash(i128 v)
{
	return bpfq_fmix64((uint64_t)v ^ bpfq_fmix64((uint64_t)((u128)v >> 64)));
}

uint64_t agg_text_hash(const struct bpfq_text *t)
{
	uint64_t h = BPFQ_JSON_H1;

	for (uint32_t i = 0; i < t->len && i < BPFQ_TEXT_MAX; i += 8) {
		uint64_t w;

		memcpy(&w, t->bytes + i, sizeof(w));
		h = bpfq_json_fold2(h, bpfq_text_word(w, t->len - i));
	}
	return bpfq_fmix64(bpfq_text_hash_end(h, t->len, t->tail));
}

/* Register: the hash's top p bits; its rank: the leading zeros after them, plus one. */
void agg_fold_hash(uint64_t *state, uint64_t h, int p)
{
	uint8_t *regs = (uint8_t *)(state + BPFQ_DISTINCT_HEAD);
	uint64_t w = h << p | 1ULL << (p - 1);
	uint8_t rank = 1;

	while (!(w >> 63)) {
		rank++;
		w <<= 1;
	}
	if (rank > regs[h >> (64 - p)])
		regs[h >> (64 - p)] = rank;
	state[0]++;
}

/* bytes (len of them, the first BPFQ_TEXT_MAX kept) against b's: <0, 0, >0; 0 too when
 * both are longer and their kept bytes agree (bpfq_state.h struct bpfq_textagg). */
static int text_order(const uint8_t *bytes, uint32_t len, const struct bpfq_textagg *b)
{
	uint32_t n = len < b->len ? len : b->len;
	int c = memcmp(bytes, b->bytes, n < BPFQ_TEXT_MAX ? n : BPFQ_TEXT_MAX);

	if (c)
		return c < 0 ? -1 : 1;
	if (len > BPFQ_TEXT_MAX && b->len > BPFQ_TEXT_MAX)
		return 0;
	return len < b->len ? -1 : len > b->len;
}

/* Keep bytes (len of them) in a if they come before (max: after) a's. */
static void keep_text(struct bpfq_textagg *a, const uint8_t *bytes, uint32_t len, bool max,
		      uint64_t count)
{
	bool first = !a->count;
	int c = first ? 0 : text_order(bytes, len, a);

	a->count += count;
	if (!first && (max ? c <= 0 : c >= 0))
		return;
	memcpy(a->bytes, bytes, len < BPFQ_TEXT_MAX ? len : BPFQ_TEXT_MAX);
	a->len = len;
}

bool agg_text_long(const struct agg_desc *d, const uint64_t *state)
{
	const struct bpfq_textagg *t = (const struct bpfq_textagg *)state;

	return d->text && t->count && t->len > BPFQ_TEXT_MAX;
}

void agg_fold_text(uint64_t *state, const struct bpfq_text *t, bool max)
{
	keep_text((struct bpfq_textagg *)state, t->bytes, t->len, max, 1);
}

void agg_count(uint64_t *state)
{
	state[0]++;
}

uint64_t agg_quantile_count(const struct agg_desc *d, const uint64_t *state, int b)
{
	return d->q_bits < BPFQ_Q_BITS ? ((const uint32_t *)(state + 1))[b] : state[1 + b];
}

/* A group's 32-bit count that would pass 2^32 - 1 is an overflow, as in the kernel. */
static uint32_t fold_quantile(const struct agg_desc *d, uint64_t *state, i128 v)
{
	int b = agg_quantile_bucket(v, d->q_bits);
	uint32_t *c = (uint32_t *)(state + 1);

	if (d->q_bits == BPFQ_Q_BITS) {
		state[1 + b]++;
	} else if (c[b] == UINT32_MAX) {
		return BPFQ_ERR_OVERFLOW;
	} else {
		c[b]++;
	}
	state[0]++;
	return 0;
}

uint32_t agg_fold(const struct agg_desc *d, uint64_t *state, i128 v)
{
	switch (d->kind) {
	case AGG_VAR_SAMP:
	case AGG_VAR_POP:
	case AGG_STDDEV_SAMP:
	case AGG_STDDEV_POP:
		fold_moments((struct bpfq_moments *)state, v);
		break;
	case AGG_HIST:
		state[0]++;
		state[1 + agg_hist_bucket(v)]++;
		break;
	case AGG_LHIST:
		state[0]++;
		state[1 + agg_lhist_bucket(d, v)]++;
		break;
	case AGG_QUANTILE:
		return fold_quantile(d, state, v);
	case AGG_COUNT_DISTINCT:
		agg_fold_hash(state, agg_hash(v), d->hll_p);
		break;
	case AGG_COUNT:
	case AGG_QUANTILE_EXACT:	/* the value itself goes to the run's exact_values */
		state[0]++;
		break;
	default:
		fold_basic((struct bpfq_agg *)state, v);
		break;
	}
	return 0;
}

static int add_count(__u64 *dst, uint64_t v)
{
	return __builtin_add_overflow(*dst, v, dst) ? -1 : 0;
}

/* count, sums, and min/max by the counts of their parts. */
static int merge_basic(struct bpfq_agg *a, const struct bpfq_agg *b)
{
	uint64_t adc = a->count - a->icount, bdc = b->count - b->icount;
	i128 isum;

	if (b->icount && (!a->icount || b->imin < a->imin))
		a->imin = b->imin;
	if (b->icount && (!a->icount || b->imax > a->imax))
		a->imax = b->imax;
	if (bdc && (!adc || num_from_words(b->dmin_lo, b->dmin_hi) <
			    num_from_words(a->dmin_lo, a->dmin_hi))) {
		a->dmin_lo = b->dmin_lo;
		a->dmin_hi = b->dmin_hi;
	}
	if (bdc && (!adc || num_from_words(b->dmax_lo, b->dmax_hi) >
			    num_from_words(a->dmax_lo, a->dmax_hi))) {
		a->dmax_lo = b->dmax_lo;
		a->dmax_hi = b->dmax_hi;
	}
	if (__builtin_add_overflow(num_from_words(a->isum_lo, a->isum_hi),
				   num_from_words(b->isum_lo, b->isum_hi), &isum))
		return -1;
	a->isum_lo = (uint64_t)isum;
	a->isum_hi = (int64_t)((u128)isum >> 64);
	add_words(a->dsum, b->dsum, 3);
	return add_count(&a->count, b->count) || add_count(&a->icount, b->icount) ? -1 : 0;
}

static int merge_moments(struct bpfq_moments *a, const struct bpfq_moments *b)
{
	add_words(a->sum, b->sum, 3);
	add_words(a->sumsq, b->sumsq, 5);
	return add_count(&a->count, b->count);
}

/* The count word, then n 32-bit counts: a sum past 2^32 - 1 is an overflow. */
static int merge_counts32(uint64_t *dst, const uint64_t *src, int n)
{
	uint32_t *a = (uint32_t *)(dst + 1);
	const uint32_t *b = (const uint32_t *)(src + 1);

	for (int i = 0; i < n; i++)
		if (__builtin_add_overflow(a[i], b[i], &a[i]))
			return -1;
	return add_count((__u64 *)dst, src[0]);
}

int agg_merge(const struct agg_desc *d, uint64_t *dst, const uint64_t *src)
{
	const struct bpfq_textagg *t = (const struct bpfq_textagg *)src;

	if (d->text && t->count)
		keep_text((struct bpfq_textagg *)dst, t->bytes, t->len, d->kind == AGG_MAX, t->count);
	if (d->text)
		return 0;
	switch (d->kind) {
	case AGG_VAR_SAMP:
	case AGG_VAR_POP:
	case AGG_STDDEV_SAMP:
	case AGG_STDDEV_POP:
		return merge_moments((void *)dst, (const void *)src);
	case AGG_COVAR_POP:
	case AGG_COVAR_SAMP:
	case AGG_CORR:
	case AGG_REGR_SLOPE:
	case AGG_REGR_INTERCEPT: {
		struct bpfq_comoments *a = (void *)dst;
		const struct bpfq_comoments *b = (const void *)src;

		add_words(a->sumxy_pos, b->sumxy_pos, 5);
		add_words(a->sumxy_neg, b->sumxy_neg, 5);
		return merge_moments(&a->y, &b->y) || merge_moments(&a->x, &b->x) ? -1 : 0;
	}
	case AGG_COUNT_DISTINCT: {
		uint8_t *ra = (uint8_t *)(dst + BPFQ_DISTINCT_HEAD);
		const uint8_t *rb = (const uint8_t *)(src + BPFQ_DISTINCT_HEAD);

		for (unsigned i = 0; i < 1u << d->hll_p; i++)
			ra[i] = rb[i] > ra[i] ? rb[i] : ra[i];
		/* the states shared one set: their new values are apart (distinct.h) */
		dst[BPFQ_DISTINCT_GROUP] |= src[BPFQ_DISTINCT_GROUP];
		dst[BPFQ_DISTINCT_FULL] |= src[BPFQ_DISTINCT_FULL];
		return add_count((__u64 *)&dst[BPFQ_DISTINCT_NEW], src[BPFQ_DISTINCT_NEW]) ||
		       add_count((__u64 *)dst, src[0]);
	}
	case AGG_QUANTILE_EXACT:	/* the values join apart (exact.h); the answer comes after */
		return add_count((__u64 *)dst, src[0]);
	case AGG_QUANTILE:
		if (d->q_bits < BPFQ_Q_BITS)
			return merge_counts32(dst, src, BPFQ_Q_BUCKETS_OF(d->q_bits));
		/* fallthrough */
	case AGG_HIST:
	case AGG_LHIST:
		for (int i = 0; i < d->words; i++)
			if (add_count((__u64 *)&dst[i], src[i]))
				return -1;
		return 0;
	default:
		return merge_basic((struct bpfq_agg *)dst, (const struct bpfq_agg *)src);
	}
}
