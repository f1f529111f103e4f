/* SPDX-License-Identifier: MIT */
/*
 * The aggregates' updates, on a state in the area (or a group's value):
 * the layouts of bpfq_state.h, the buckets of lang/value/aggs.c. _i takes an
 * int64 (the fast path), _d a decimal (struct bpfq_d).
 */
#ifndef BPFQ_AGGS_H
#define BPFQ_AGGS_H

#include "prelude.bpf.h"

static __always_inline __u64 bpfq_log2(__u64 v)
{
	__u64 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

/* ---- count, sum, avg, min, max ---- */

static __always_inline void bpfq_i_sum(__u64 *s, __s64 x)
{
	struct bpfq_agg *a = (struct bpfq_agg *)s;
	__u64 lo = a->isum_lo + (__u64)x;

	/* 128-bit add of the sign-extended value: a sum never wraps. */
	a->isum_hi += (x >> 63) + (lo < a->isum_lo);
	a->isum_lo = lo;
	a->icount++;
	a->count++;
}

/* a->isum += the 128-bit value hi:lo; both words' carries. */
static __always_inline void bpfq_add128(struct bpfq_agg *a, __u64 lo, __s64 hi)
{
	__u64 sum = a->isum_lo + lo;

	a->isum_hi += hi + (sum < lo);
	a->isum_lo = sum;
}

/*
 * A batch's sum (generated bpfq_acc_flush): n values, wrapped is their sum
 * mod 2^64 and hi the sum of their high 32 bits (signed). The sum of their
 * low 32 bits is below n * 2^32, far below 2^64, so it is wrapped - hi *
 * 2^32 exactly; the true sum is hi * 2^32 plus that. A record costs two
 * adds and a shift, and no carry test.
 */
static __always_inline void bpfq_i_sum_batch(__u64 *s, __u64 wrapped, __s64 hi, __u64 n)
{
	struct bpfq_agg *a = (struct bpfq_agg *)s;

	bpfq_add128(a, wrapped - ((__u64)hi << 32), 0);
	bpfq_add128(a, (__u64)hi << 32, hi >> 32);
	a->icount += n;
	a->count += n;
}

/* A batch's sum that fits int64 (generated bpfq_acc_flush): n values. */
static __always_inline void bpfq_i_sum_small(__u64 *s, __s64 sum, __u64 n)
{
	struct bpfq_agg *a = (struct bpfq_agg *)s;

	bpfq_add128(a, (__u64)sum, sum >> 63);
	a->icount += n;
	a->count += n;
}

/*
 * min and max read and write the map each time (volatile): kept in a
 * register over a batch of records, the running value is one the verifier
 * tracks exactly, and each record's compare doubles the states it walks.
 */
static __always_inline void bpfq_i_min(__u64 *s, __s64 x)
{
	volatile struct bpfq_agg *a = (struct bpfq_agg *)s;

	if (!a->icount || x < a->imin)
		a->imin = x;
	a->icount++;
	a->count++;
}

static __always_inline void bpfq_i_max(__u64 *s, __s64 x)
{
	volatile struct bpfq_agg *a = (struct bpfq_agg *)s;

	if (!a->icount || x > a->imax)
		a->imax = x;
	a->icount++;
	a->count++;
}

/* words[0..2] += the sign-extended v: 192 bits never wrap here. */
static __always_inline void bpfq_add192(__u64 *w, struct bpfq_d v)
{
	__u64 lo = w[0] + v.lo, c0 = lo < w[0];
	__u64 mid = w[1] + (__u64)v.hi, c1 = mid < w[1];
	__u64 mid2 = mid + c0, c2 = mid2 < mid;

	w[0] = lo;
	w[1] = mid2;
	w[2] += (v.hi < 0 ? ~0ULL : 0) + c1 + c2;
}

static __always_inline void bpfq_d_sum(__u64 *s, struct bpfq_d v)
{
	struct bpfq_agg *a = (struct bpfq_agg *)s;

	bpfq_add192(a->dsum, v);
	a->count++;
}

static __always_inline void bpfq_d_min(__u64 *s, struct bpfq_d v)
{
	struct bpfq_agg *a = (struct bpfq_agg *)s;
	struct bpfq_d m = { a->dmin_lo, a->dmin_hi };

	if (a->count == a->icount || bpfq_d_lt(v, m)) {
		a->dmin_lo = v.lo;
		a->dmin_hi = v.hi;
	}
	a->count++;
}

static __always_inline void bpfq_d_max(__u64 *s, struct bpfq_d v)
{
	struct bpfq_agg *a = (struct bpfq_agg *)s;
	struct bpfq_d m = { a->dmax_lo, a->dmax_hi };

	if (a->count == a->icount || bpfq_d_lt(m, v)) {
		a->dmax_lo = v.lo;
		a->dmax_hi = v.hi;
	}
	a->count++;
}

/* ---- var, stddev: the count, sum and sum of squares of v * 10^18 ---- */

/* One word of a multi-word add: *w += a + *carry; the carry out. */
static __always_inline void bpfq_add_word(__u64 *w, __u64 a, __u64 *carry)
{
	__u64 t = *w + a, c = t < a, s = t + *carry;

	*carry = c | (s < t);
	*w = s;
}

/*
 * w[0..4] += hi:lo times 2^(64 k), the carry on to the top word. Each
 * partial product goes in alone, so that few values are live at once:
 * the folds are leaf functions, and their frames add to the call chain's
 * 512 bytes of stack.
 */
static __always_inline void bpfq_add_at(__u64 *w, int k, __u64 hi, __u64 lo)
{
	__u64 c = 0;

	bpfq_add_word(&w[k], lo, &c);
	bpfq_add_word(&w[k + 1], hi, &c);
#pragma unroll
	for (int i = k + 2; i < 5; i++)
		bpfq_add_word(&w[i], 0, &c);
}

/* sum += u * w, two magnitudes below 2^123 (the product is below 2^246):
 * the outer partial products, lo * lo and hi * hi 2^128 ... */
static __always_inline void bpfq_mul_add_outer(__u64 *sum, struct bpfq_d u, struct bpfq_d w)
{
	__u64 h, l;

	bpfq_mul64(u.lo, w.lo, &h, &l);
	bpfq_add_at(sum, 0, h, l);
	bpfq_mul64((__u64)u.hi, (__u64)w.hi, &h, &l);
	bpfq_add_at(sum, 2, h, l);
}

/* ... and the cross ones, (lo * hi + hi * lo) 2^64. */
static __always_inline void bpfq_mul_add_cross(__u64 *sum, struct bpfq_d u, struct bpfq_d w)
{
	__u64 h, l;

	bpfq_mul64(u.lo, (__u64)w.hi, &h, &l);
	bpfq_add_at(sum, 1, h, l);
	bpfq_mul64((__u64)u.hi, w.lo, &h, &l);
	bpfq_add_at(sum, 1, h, l);
}

static __always_inline void bpfq_moments(__u64 *s, struct bpfq_d v)
{
	struct bpfq_moments *m = (struct bpfq_moments *)s;
	struct bpfq_d u = v.hi < 0 ? bpfq_d_negate(v) : v;

	m->count++;
	bpfq_add192(m->sum, v);
	bpfq_mul_add_outer(m->sumsq, u, u);
	bpfq_mul_add_cross(m->sumsq, u, u);
}

/* ---- corr, covar, regr: both columns' moments and the sum of y * x ---- */

/* The sum |y| * |x| goes to: the positive or the negative sum of products. */
static __always_inline __u64 *bpfq_products_sum(struct bpfq_comoments *c, __s64 yhi, __s64 xhi)
{
	return (yhi < 0) != (xhi < 0) ? c->sumxy_neg : c->sumxy_pos;
}

/*
 * The general path's folds of var, stddev and the pairs as global
 * functions, each verified once and each a leaf: inlined, their
 * temporaries took a new part of the general path's frame at every item,
 * and a pair's two moments and product in one function took 184 bytes,
 * which with the parser's frames passed the 512 bytes of stack the whole
 * call chain has. The values come as scalars, so the call sites need no
 * stack either. A product of 128-bit magnitudes is two calls, its outer
 * and its cross partial products: in one, their temporaries took 120
 * bytes of stack, and the chain passed 512 again.
 */
__noinline int bpfq_moments_outer(struct bpfq_moments *m, __u64 lo, __s64 hi)
#if BPFQ_PART == 2
	;	/* the first part's */
#else
{
	struct bpfq_d v = { lo, hi }, u = hi < 0 ? bpfq_d_negate(v) : v;

	if (m)
		bpfq_mul_add_outer(m->sumsq, u, u);
	return 0;
}
#endif

/* The cross partial products, the count and the sum. */
__noinline int bpfq_moments_cross(struct bpfq_moments *m, __u64 lo, __s64 hi)
#if BPFQ_PART == 2
	;
#else
{
	struct bpfq_d v = { lo, hi }, u = hi < 0 ? bpfq_d_negate(v) : v;

	if (!m)
		return 0;
	bpfq_mul_add_cross(m->sumsq, u, u);
	m->count++;
	bpfq_add192(m->sum, v);
	return 0;
}
#endif

__noinline int bpfq_products_outer(struct bpfq_comoments *c, __u64 ylo, __s64 yhi, __u64 xlo,
				   __s64 xhi)
#if BPFQ_PART == 2
	;
#else
{
	struct bpfq_d y = { ylo, yhi }, x = { xlo, xhi };

	if (c)
		bpfq_mul_add_outer(bpfq_products_sum(c, yhi, xhi), yhi < 0 ? bpfq_d_negate(y) : y,
				   xhi < 0 ? bpfq_d_negate(x) : x);
	return 0;
}
#endif

__noinline int bpfq_products_cross(struct bpfq_comoments *c, __u64 ylo, __s64 yhi, __u64 xlo,
				   __s64 xhi)
#if BPFQ_PART == 2
	;
#else
{
	struct bpfq_d y = { ylo, yhi }, x = { xlo, xhi };

	if (c)
		bpfq_mul_add_cross(bpfq_products_sum(c, yhi, xhi), yhi < 0 ? bpfq_d_negate(y) : y,
				   xhi < 0 ? bpfq_d_negate(x) : x);
	return 0;
}
#endif

static __always_inline void bpfq_moments_fold(struct bpfq_moments *m, __u64 lo, __s64 hi)
{
	bpfq_moments_outer(m, lo, hi);
	bpfq_moments_cross(m, lo, hi);
}

static __always_inline void bpfq_products_fold(struct bpfq_comoments *c, __u64 ylo, __s64 yhi,
					       __u64 xlo, __s64 xhi)
{
	bpfq_products_outer(c, ylo, yhi, xlo, xhi);
	bpfq_products_cross(c, ylo, yhi, xlo, xhi);
}

/* ---- hist: (..., 0), [0, 1), [1, 2), [2, 4), ... ---- */

static __always_inline void bpfq_bucket(__u64 *s, __u64 b, __u64 nb)
{
	s[0]++;
	/* clang can prove b < nb and drop the test; the verifier, after a
	 * division, cannot: keep it. */
	barrier_var(b);
	if (b < nb)
		s[1 + b]++;
}

static __always_inline void bpfq_hist_i(__u64 *s, __s64 x)
{
	bpfq_bucket(s, x < 0 ? 0 : x == 0 ? 1 : 2 + bpfq_log2((__u64)x), BPFQ_HIST_BUCKETS);
}

static __always_inline void bpfq_hist_d(__u64 *s, struct bpfq_d v)
{
	struct bpfq_d one = { BPFQ_SCALE, 0 };

	if (v.hi < 0)
		bpfq_bucket(s, 0, BPFQ_HIST_BUCKETS);
	else if (bpfq_d_lt(v, one))
		bpfq_bucket(s, 1, BPFQ_HIST_BUCKETS);
	else
		bpfq_bucket(s, 2 + bpfq_log2((__u64)bpfq_d_floor(v)), BPFQ_HIST_BUCKETS);
}

/* ---- lhist(e, lo, hi, step): below lo, the steps, at or above hi ---- */

static __always_inline void bpfq_lhist_i(__u64 *s, __s64 x, __s64 lo, __s64 hi, __u64 step,
					 __u64 nb)
{
	if (x < lo)
		bpfq_bucket(s, 0, nb);
	else if (x >= hi)
		bpfq_bucket(s, nb - 1, nb);
	else
		bpfq_bucket(s, 1 + ((__u64)x - (__u64)lo) / step, nb);
}

static __always_inline void bpfq_lhist_d(__u64 *s, struct bpfq_d v, __s64 lo, __s64 hi,
					 __u64 step, __u64 nb)
{
	if (bpfq_d_lt(v, bpfq_d_of_int(lo)))
		bpfq_bucket(s, 0, nb);
	else if (!bpfq_d_lt(v, bpfq_d_of_int(hi)))
		bpfq_bucket(s, nb - 1, nb);
	else
		bpfq_bucket(s, 1 + ((__u64)bpfq_d_floor(v) - (__u64)lo) / step, nb);
}

/* ---- quantile: log-linear buckets of n = |v| * 2^30, 2^b per power of two ---- */

/* n's bucket, counted from the one of |n| < 1 (b: a constant). */
static __always_inline __u64 bpfq_quantile_idx(__u64 nh, __u64 nl, int b)
{
	__u64 e, sh, m, sub = 1ULL << b;

	if (!nh && !nl)
		return 0;
	e = nh ? 64 + bpfq_log2(nh) : bpfq_log2(nl);
	if (e < b)
		return nl;
	sh = e - b;
	if (sh >= 64)
		m = nh >> (sh - 64);
	else if (sh)
		m = nl >> sh | nh << (64 - sh);
	else
		m = nl;
	return sub + (e - b) * sub + (m & (sub - 1));
}

static __always_inline void bpfq_quantile_n(__u64 *s, __u64 nh, __u64 nl, int neg)
{
	__u64 idx = bpfq_quantile_idx(nh, nl, BPFQ_Q_BITS);

	bpfq_bucket(s, neg ? BPFQ_Q_PER_SIGN - idx : BPFQ_Q_PER_SIGN + idx, BPFQ_Q_BUCKETS);
}

/* An integer's |v| * 2^30 is |x| << 30: no division. */
#define BPFQ_Q_OF_INT(x, hi, lo) \
	do { __u64 m_ = bpfq_mag(x); (hi) = m_ >> 34; (lo) = m_ << 30; } while (0)

static __always_inline void bpfq_q_of_dec(struct bpfq_d v, __u64 *hi, __u64 *lo)
{
	struct bpfq_d u = v.hi < 0 ? bpfq_d_negate(v) : v;
	/* |v| * 10^18 * 2^30 is below 2^153: three words, then / 10^18 below 2^93. */
	__u64 top = (__u64)u.hi >> 34;

	*hi = (__u64)u.hi << 30 | u.lo >> 34;
	*lo = u.lo << 30;
	bpfq_div_scale192(&top, hi, lo);
}

static __always_inline void bpfq_quantile_i(__u64 *s, __s64 x)
{
	__u64 hi, lo;

	BPFQ_Q_OF_INT(x, hi, lo);
	bpfq_quantile_n(s, hi, lo, x < 0);
}

static __always_inline void bpfq_quantile_d(__u64 *s, struct bpfq_d v)
{
	__u64 hi, lo;

	bpfq_q_of_dec(v, &hi, &lo);
	bpfq_quantile_n(s, hi, lo, v.hi < 0);
}

/*
 * A group's: 32-bit counts after the count word. 1 when a count would
 * pass 2^32 - 1 (an overflow, as a sum's): a wrapped count is no answer.
 */
static __always_inline int bpfq_quantile_g_n(__u64 *s, __u64 nh, __u64 nl, int neg)
{
	__u64 idx = bpfq_quantile_idx(nh, nl, BPFQ_Q_BITS_GROUP);
	__u64 b = neg ? BPFQ_Q_PER_SIGN_OF(BPFQ_Q_BITS_GROUP) - idx :
			BPFQ_Q_PER_SIGN_OF(BPFQ_Q_BITS_GROUP) + idx;
	__u32 *c = (__u32 *)(s + 1);

	barrier_var(b);
	if (b >= BPFQ_Q_BUCKETS_OF(BPFQ_Q_BITS_GROUP) || c[b] == 0xffffffffu)
		return 1;
	c[b]++;
	s[0]++;
	return 0;
}

static __always_inline int bpfq_quantile_g_i(__u64 *s, __s64 x)
{
	__u64 hi, lo;

	BPFQ_Q_OF_INT(x, hi, lo);
	return bpfq_quantile_g_n(s, hi, lo, x < 0);
}

static __always_inline int bpfq_quantile_g_d(__u64 *s, struct bpfq_d v)
{
	__u64 hi, lo;

	bpfq_q_of_dec(v, &hi, &lo);
	return bpfq_quantile_g_n(s, hi, lo, v.hi < 0);
}

/* ---- quantile_exact: every value into bpfq_values, sorted in user space ---- */

#ifndef BPFQ_EXACT
#define BPFQ_EXACT 0
#endif
#if BPFQ_EXACT
/* User space sizes it (--max-values, the input's size) and mmap()s it to read. */
BPFQ_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfq_xval);
	__uint(map_flags, BPF_F_MMAPABLE);
} bpfq_values SEC(".maps");

/*
 * v into the next entry, item its folder; 1 past the entries this scan
 * may put. Readers of -j put at once: the atomic add gives each its own.
 * Once they are all taken the count is only read, and the header's item
 * says a value was lost: quantile's go on past them, to its sketch.
 */
static __always_inline int bpfq_values_put(struct bpfq_d v, __u32 item)
{
	__u32 k = 0;
	struct bpfq_xval *h = bpf_map_lookup_elem(&bpfq_values, &k), *e;
	__u64 i;

	if (!h)
		return 1;
	if (*(volatile __u64 *)&h->lo >= (__u64)h->hi)
		goto lost;
	i = __sync_fetch_and_add(&h->lo, 1);
	if (i >= (__u64)h->hi || i >= 0xfffffffeULL)
		goto lost;
	k = (__u32)i + 1;
	e = bpf_map_lookup_elem(&bpfq_values, &k);
	if (!e)
		return 1;
	e->lo = v.lo;
	e->hi = v.hi;
	e->item = item;
	return 0;
lost:
	/* read first: a store at every lost value would pull the line from the other readers */
	if (!*(volatile __u64 *)&h->item)
		h->item = 1;
	return 1;
}

/* quantile_exact: its count is of the values put. */
static __always_inline int bpfq_exact_put(__u64 *s, struct bpfq_d v, __u32 item)
{
	if (bpfq_values_put(v, item))
		return 1;
	s[0]++;
	return 0;
}
#endif

/* ---- count_distinct: a set of the values, and HyperLogLog of their hashes ---- */

/* p: the register index bits, a constant (BPFQ_HLL_P, or BPFQ_HLL_P_GROUP with by). */
static __always_inline void bpfq_hll_h(__u64 *s, __u64 h, int p)
{
	__u8 *regs = (__u8 *)(s + BPFQ_DISTINCT_HEAD);
	__u64 w = h << p | 1ULL << (p - 1);
	__u64 rank = 64 - bpfq_log2(w), idx = h >> (64 - p);

	if (rank > regs[idx])
		regs[idx] = rank;
	s[BPFQ_DISTINCT_N]++;
}

#ifndef BPFQ_DISTINCT
#define BPFQ_DISTINCT 0
#endif
#if BPFQ_DISTINCT
/*
 * User space sizes it (--max-distinct, the input's size). Readers share
 * it: an insert is atomic, so a value two readers meet is new to one.
 */
BPFQ_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct bpfq_dkey);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} bpfq_distinct SEC(".maps");

/* The group key's hash (bpfq_state.h bpfq_group_word_hash()), never 0. */
static __always_inline __u64 bpfq_group_hash(const struct bpfq_key *k)
{
	const __u64 *w = (const __u64 *)k;
	__u64 h = bpfq_group_word_hash(0, w[0] & ~0xffffffffULL, 0);

	for (__u32 i = 1; i < BPFQ_GROUP_KEY_SIZE / 8; i++)
		h = bpfq_group_word_hash(h, w[i], i);
	return h | 1;
}

/*
 * The value (tag, lo, hi) into the set: counted in the state when new to
 * it; a full set (E2BIG, or no memory) makes the answer the estimate.
 * gk: the record's group key with by, else NULL.
 */
static __always_inline void bpfq_distinct_put(__u64 *s, __u32 item, __u32 tag, __u64 lo, __u64 hi,
					      const struct bpfq_key *gk)
{
	struct bpfq_dkey k = { .item = item, .tag = tag, .lo = lo, .hi = hi };
	__u8 one = 1;
	long err;

	if (gk && !s[BPFQ_DISTINCT_GROUP])
		s[BPFQ_DISTINCT_GROUP] = bpfq_group_hash(gk);
	k.group = s[BPFQ_DISTINCT_GROUP];
	/* Most values were seen: a lookup takes no lock, an update a bucket's. */
	if (bpf_map_lookup_elem(&bpfq_distinct, &k))
		return;
	err = bpf_map_update_elem(&bpfq_distinct, &k, &one, BPF_NOEXIST);
	if (!err)
		s[BPFQ_DISTINCT_NEW]++;
	else if (err != -17)	/* EEXIST: a value seen before */
		s[BPFQ_DISTINCT_FULL] = 1;
}

static __always_inline void bpfq_distinct_d(__u64 *s, struct bpfq_d v, int p, __u32 item,
					    const struct bpfq_key *gk)
{
	bpfq_hll_h(s, bpfq_fmix64(v.lo ^ bpfq_fmix64((__u64)v.hi)), p);
	bpfq_distinct_put(s, item, 0, v.lo, (__u64)v.hi, gk);
}

/* Text: its hash (bpfq_text_hash()) and length. */
static __always_inline void bpfq_distinct_t(__u64 *s, __u64 h, __u32 len, int p, __u32 item,
					    const struct bpfq_key *gk)
{
	bpfq_hll_h(s, h, p);
	bpfq_distinct_put(s, item, 1, h, len, gk);
}
#endif

#endif /* BPFQ_AGGS_H */
