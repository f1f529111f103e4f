/* SPDX-License-Identifier: MIT */
/*
 * What every generated program starts with, after bpfq_state.h: maps, the
 * checked int64 arithmetic and the aggregate updates that the generated
 * bpfq_emit() calls. Semantics match the reference evaluator (lang/eval.c).
 */
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define BPFQ_BUF_MASK (BPFQ_BUF_SIZE - 1)
#define BPFQ_S64_MIN (-9223372036854775807LL - 1)
#define BPFQ_S64_MAX 9223372036854775807LL

struct bpfq_buf {
	char data[BPFQ_BUF_SIZE + BPFQ_BUF_PAD];
};

/* Both maps are mmap()ed by the reader: no copies, no lookups from user space. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfq_state);
	__uint(map_flags, BPF_F_MMAPABLE);
} bpfq_state_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfq_buf);
	__uint(map_flags, BPF_F_MMAPABLE);
} bpfq_buf_map SEC(".maps");

/* Each returns 0 or an enum bpfq_error, and the result through *res. */

static __always_inline __u32 bpfq_add(__s64 *res, __s64 a, __s64 b)
{
	__s64 r = (__s64)((__u64)a + (__u64)b);

	*res = r;
	/* Overflow iff both operands differ in sign from the result. */
	return ((a ^ r) & (b ^ r)) < 0 ? BPFQ_ERR_OVERFLOW : 0;
}

static __always_inline __u32 bpfq_sub(__s64 *res, __s64 a, __s64 b)
{
	__s64 r = (__s64)((__u64)a - (__u64)b);

	*res = r;
	return ((a ^ b) & (a ^ r)) < 0 ? BPFQ_ERR_OVERFLOW : 0;
}

static __always_inline __u32 bpfq_neg(__s64 *res, __s64 a)
{
	*res = (__s64)(0 - (__u64)a);
	return a == BPFQ_S64_MIN ? BPFQ_ERR_OVERFLOW : 0;
}

static __always_inline __u64 bpfq_abs(__s64 a)
{
	return a < 0 ? 0 - (__u64)a : (__u64)a;
}

/*
 * BPF has no 128-bit multiply and clang 14 no signed division (sdiv needs
 * -mcpu=v4): work on magnitudes with unsigned operations, then fix the sign.
 */
static __always_inline __u32 bpfq_mul(__s64 *res, __s64 a, __s64 b)
{
	__u64 ua = bpfq_abs(a), ub = bpfq_abs(b), m;
	int neg = (a < 0) != (b < 0);
	__u64 limit = (__u64)BPFQ_S64_MAX + neg;

	if (ua && ub > limit / ua) {
		*res = 0;
		return BPFQ_ERR_OVERFLOW;
	}
	m = ua * ub;
	*res = neg ? (__s64)(0 - m) : (__s64)m;
	return 0;
}

static __always_inline __u32 bpfq_div(__s64 *res, __s64 a, __s64 b)
{
	__u64 q;

	*res = 0;
	if (b == 0)
		return BPFQ_ERR_DIVZERO;
	if (a == BPFQ_S64_MIN && b == -1)
		return BPFQ_ERR_OVERFLOW;
	q = bpfq_abs(a) / bpfq_abs(b);
	*res = ((a < 0) != (b < 0)) ? (__s64)(0 - q) : (__s64)q;
	return 0;
}

/* C semantics: the remainder takes the dividend's sign; MIN % -1 is 0. */
static __always_inline __u32 bpfq_mod(__s64 *res, __s64 a, __s64 b)
{
	__u64 r;

	*res = 0;
	if (b == 0)
		return BPFQ_ERR_DIVZERO;
	r = bpfq_abs(a) % bpfq_abs(b);
	*res = a < 0 ? (__s64)(0 - r) : (__s64)r;
	return 0;
}

/* A run-time error ends the scan; user space reports the node and the value. */
static __always_inline int bpfq_fail(struct bpfq_result *r, __u32 kind, __u32 node,
				     __s64 x, __u64 off)
{
	r->error = kind;
	r->error_node = node;
	r->error_value = x;
	r->error_off = off;
	r->done = 1;
	return 1;
}

static __always_inline void bpfq_agg_count(struct bpfq_agg *a)
{
	a->count++;
}

/* 128-bit add of the sign-extended value: a sum never wraps. */
static __always_inline void bpfq_agg_sum(struct bpfq_agg *a, __s64 v)
{
	__u64 lo = a->sum_lo + (__u64)v;

	a->sum_hi += (v >> 63) + (lo < a->sum_lo);
	a->sum_lo = lo;
	a->count++;
}

static __always_inline void bpfq_agg_min(struct bpfq_agg *a, __s64 v)
{
	if (v < a->min)
		a->min = v;
	a->count++;
}

static __always_inline void bpfq_agg_max(struct bpfq_agg *a, __s64 v)
{
	if (v > a->max)
		a->max = v;
	a->count++;
}
