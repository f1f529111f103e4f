/* SPDX-License-Identifier: MIT */
/*
 * What every generated program starts with, after bpfq_state.h and the
 * query's constants (BPFQ_AREA_WORDS, BPFQ_GROUP_WORDS): the maps, and the
 * checked arithmetic that the generated bpfq_emit() calls. Semantics match
 * the reference evaluator (lang/value/num.c): int64 operations for the fast path
 * (every used field an integer), and decimals times 10^18 in 128 bits,
 * built from 64-bit pieces (BPF has no 128-bit multiply or divide).
 */
#ifndef BPFQ_PRELUDE_H
#define BPFQ_PRELUDE_H

#include "bpfq_state.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/*
 * A long program is compiled in two parts at once, a clang on each CPU,
 * and the objects linked (codegen/clang.c): BPFQ_PART 1 is the program
 * without the side functions, 2 the side functions alone, 0 all of it.
 * The side functions are about half the code: with streams, the
 * streams' steps (bpfq_streams_unsigned, bpfq_streams_signed); without,
 * the unsigned copies of the parsers' steps (BPFQ_UNSIGNED_ASIDE).
 * BPFQ_GLOBAL marks the first part's global functions: static in the
 * second, so clang drops them unread; one that a side function called
 * would be copied there, a static function the verifier walks at every
 * call, so the call is an error instead. The two the records' code calls,
 * bpfq_udiv128() and bpfq_emit_general(), are declared there instead.
 * BPFQ_MAP makes the second part's maps the first part's (extern maps,
 * which libbpf's linker resolves).
 */
#ifndef BPFQ_PART
#define BPFQ_PART 0
#endif
#if BPFQ_PART == 2
#define BPFQ_GLOBAL static __attribute__((noinline, unused, \
					  error("a side function calls a main part's function")))
#define BPFQ_MAP extern
#else
#define BPFQ_GLOBAL __noinline
#define BPFQ_MAP
#endif
/* The unsigned steps' head: side functions' or the first part's (codegen
 * defines BPFQ_SPLIT_SIGNS and BPFQ_STREAMS before this piece). */
#define BPFQ_UNSIGNED_ASIDE (BPFQ_SPLIT_SIGNS && !BPFQ_STREAMS)
#if BPFQ_UNSIGNED_ASIDE
#define BPFQ_UNSIGNED_STEP __noinline
#else
#define BPFQ_UNSIGNED_STEP BPFQ_GLOBAL
#endif

#define BPFQ_BUF_MASK (BPFQ_BUF_SIZE - 1)
#define BPFQ_S64_MIN (-9223372036854775807LL - 1)
#define BPFQ_S64_MAX 9223372036854775807LL

struct bpfq_buf {
	char data[BPFQ_BUF_SIZE + BPFQ_BUF_PAD];
};

/* The state and, after it, the aggregates' area. */
struct bpfq_value {
	struct bpfq_state st;
	__u64 area[BPFQ_AREA_WORDS];
};

/*
 * Both maps are mmap()ed by the readers: no copies, no lookups from user
 * space. The state a slot per range of the file, the buffer a slot per
 * reader: user space sets max_entries (-j).
 */
BPFQ_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfq_value);
	__uint(map_flags, BPF_F_MMAPABLE);
} bpfq_state_map SEC(".maps");

BPFQ_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfq_buf);
	__uint(map_flags, BPF_F_MMAPABLE);
} bpfq_buf_map SEC(".maps");

/* The general path (codegen.c gen_general()): the first part's (parse_loop.bpf.h). */
__noinline int bpfq_emit_general(struct bpfq_value *sv);

static __always_inline __u64 *bpfq_area(struct bpfq_state *st)
{
	return ((struct bpfq_value *)st)->area;
}

/*
 * The batch's order (codegen/accum.c bpfq_acc_order()): v is in a register
 * here, after what computed it; and no load moves above the fence. Macros:
 * the generated code holds no strings.
 */
#define bpfq_keep(v) asm volatile("" : "+r"(v))
#define bpfq_fence() asm volatile("" ::: "memory")

/*
 * Comparisons as masks by arithmetic, for the fast path's branchless where
 * (codegen/mask.c): all ones when true, 0 when false. BPF has neither a
 * conditional move nor a set on compare, so a C comparison is a branch.
 * a < b is the sign of a - b, corrected where the subtraction overflows (a
 * and b of unlike signs), spread over the word by an arithmetic shift: a
 * fold then takes its value by one and (x & m), and counts by one
 * subtraction (matched -= m), with no negation between.
 * The barriers keep clang from seeing the comparison again, and from
 * turning the mask's uses back into selects (branches).
 */
static __always_inline __u64 bpfq_lt_mask(__s64 a, __s64 b)
{
	__u64 d = (__u64)a - (__u64)b, r;

	barrier_var(d);
	r = (__u64)((__s64)(d ^ (((__u64)a ^ (__u64)b) & (d ^ (__u64)a))) >> 63);
	barrier_var(r);
	return r;
}

/*
 * clang still sees an equality here: it makes the mask a select on d == 0,
 * a branch. Kept: predicted where the equality is rare or common (x ==
 * 18: faster than a branchless mask), though it mispredicts where it
 * holds at random (count() where x == 1 on random 0s and 1s: slower).
 */
static __always_inline __u64 bpfq_eq_mask(__s64 a, __s64 b)
{
	__u64 d = (__u64)a ^ (__u64)b, r;

	barrier_var(d);
	r = ~(__u64)((__s64)(d | -d) >> 63);
	barrier_var(r);
	return r;
}

/* ---- int64, the fast path: each returns 0 or an enum bpfq_error ---- */

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

static __always_inline __u64 bpfq_mag(__s64 a)
{
	return a < 0 ? 0 - (__u64)a : (__u64)a;
}

static __always_inline __u32 bpfq_absv(__s64 *res, __s64 a)
{
	*res = (__s64)bpfq_mag(a);
	return a == BPFQ_S64_MIN ? BPFQ_ERR_OVERFLOW : 0;
}

/*
 * BPF has no 128-bit multiply and clang 14 no signed division (sdiv needs
 * -mcpu=v4): work on magnitudes with unsigned operations, then fix the sign.
 */
static __always_inline __u32 bpfq_mul(__s64 *res, __s64 a, __s64 b)
{
	__u64 ua = bpfq_mag(a), ub = bpfq_mag(b), m;
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

/* C semantics: the remainder takes the dividend's sign; MIN % -1 is 0. */
static __always_inline __u32 bpfq_mod(__s64 *res, __s64 a, __s64 b)
{
	__u64 r;

	*res = 0;
	if (b == 0)
		return BPFQ_ERR_DIVZERO;
	r = bpfq_mag(a) % bpfq_mag(b);
	*res = a < 0 ? (__s64)(0 - r) : (__s64)r;
	return 0;
}

/* ---- decimals: v * 10^18 as (hi, lo), two's complement ---- */

struct bpfq_d {
	__u64 lo;
	__s64 hi;
};

/* -2^63 * 10^18 and 2^63 * 10^18 - 1 (2^63 * 10^18 is 5 * 10^17 * 2^64): the range of every value. */
#define BPFQ_D_MIN_HI (-500000000000000000LL)
#define BPFQ_D_MIN_LO 0ULL
#define BPFQ_D_MAX_HI 499999999999999999LL
#define BPFQ_D_MAX_LO 0xffffffffffffffffULL

static __always_inline int bpfq_d_lt(struct bpfq_d a, struct bpfq_d b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

static __always_inline int bpfq_d_eq(struct bpfq_d a, struct bpfq_d b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

static __always_inline __u32 bpfq_d_range(struct bpfq_d v)
{
	struct bpfq_d min = { BPFQ_D_MIN_LO, BPFQ_D_MIN_HI }, max = { BPFQ_D_MAX_LO, BPFQ_D_MAX_HI };

	return bpfq_d_lt(v, min) || bpfq_d_lt(max, v) ? BPFQ_ERR_OVERFLOW : 0;
}

/* The full product of two 64-bit numbers, from 32-bit halves. */
static __always_inline void bpfq_mul64(__u64 a, __u64 b, __u64 *hi, __u64 *lo)
{
	__u64 al = a & 0xffffffff, ah = a >> 32, bl = b & 0xffffffff, bh = b >> 32;
	__u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	__u64 mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);

	*lo = (mid << 32) | (ll & 0xffffffff);
	*hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

#define BPFQ_E9 1000000000ULL

/*
 * x * 10^18 as (hi, lo), in two steps of 10^9: a 30-bit factor needs two
 * 32-bit products a step where 10^18 needs four, and fewer registers (the
 * callers' frames add to the call chain's 512 bytes of stack).
 */
static __always_inline void bpfq_mul_scale(__u64 x, __u64 *hi, __u64 *lo)
{
	__u64 h = 0, l = x;

#pragma unroll
	for (int i = 0; i < 2; i++) {
		__u64 ll = (l & 0xffffffff) * BPFQ_E9, lh = (l >> 32) * BPFQ_E9;
		__u64 mid = (ll >> 32) + (lh & 0xffffffff);

		l = (mid << 32) | (ll & 0xffffffff);
		h = h * BPFQ_E9 + (lh >> 32) + (mid >> 32);
	}
	*hi = h;
	*lo = l;
}

static __always_inline struct bpfq_d bpfq_d_negate(struct bpfq_d v)
{
	struct bpfq_d r = { 0 - v.lo, (__s64)(0 - (__u64)v.hi - (v.lo != 0)) };

	return r;
}

static __always_inline struct bpfq_d bpfq_d_of_int(__s64 x)
{
	struct bpfq_d r;
	__u64 hi;

	bpfq_mul64(bpfq_mag(x), BPFQ_SCALE, &hi, &r.lo);
	r.hi = (__s64)hi;
	return x < 0 ? bpfq_d_negate(r) : r;
}

static __always_inline struct bpfq_d bpfq_d_of_field(const struct bpfq_field *f)
{
	struct bpfq_d r = { f->lo, f->hi };

	return f->kind == BPFQ_K_INT ? bpfq_d_of_int((__s64)f->lo) : r;
}

static __always_inline __u32 bpfq_d_add(struct bpfq_d *res, struct bpfq_d a, struct bpfq_d b)
{
	res->lo = a.lo + b.lo;
	res->hi = (__s64)((__u64)a.hi + (__u64)b.hi + (res->lo < a.lo));
	return bpfq_d_range(*res);
}

static __always_inline __u32 bpfq_d_sub(struct bpfq_d *res, struct bpfq_d a, struct bpfq_d b)
{
	return bpfq_d_add(res, a, bpfq_d_negate(b));
}

static __always_inline __u32 bpfq_d_neg(struct bpfq_d *res, struct bpfq_d a)
{
	*res = bpfq_d_negate(a);
	return bpfq_d_range(*res);
}

static __always_inline __u32 bpfq_d_abs(struct bpfq_d *res, struct bpfq_d a)
{
	*res = a.hi < 0 ? bpfq_d_negate(a) : a;
	return bpfq_d_range(*res);
}

/*
 * One word of a division by 10^9, r the remainder of the words above: in
 * 32-bit steps each partial dividend stays below 2^62 (BPF has no 128-bit
 * division). Returns this word's remainder.
 */
static __always_inline __u64 bpfq_div_e9_word(__u64 *w, __u64 r)
{
	__u64 t = (r << 32) | (*w >> 32), q1 = t / BPFQ_E9;

	t = ((t % BPFQ_E9) << 32) | (*w & 0xffffffff);
	*w = (q1 << 32) | (t / BPFQ_E9);
	return t % BPFQ_E9;
}

/* w2:w1:w0 / 10^18, truncated, as two divisions by 10^9; the remainder. */
static __always_inline __u64 bpfq_div_scale192(__u64 *w2, __u64 *w1, __u64 *w0)
{
	__u64 r1, r2;

	r1 = bpfq_div_e9_word(w0, bpfq_div_e9_word(w1, bpfq_div_e9_word(w2, 0)));
	r2 = bpfq_div_e9_word(w0, bpfq_div_e9_word(w1, bpfq_div_e9_word(w2, 0)));
	return r2 * BPFQ_E9 + r1;
}

/* (hi, lo) / 10^18, truncated; *rem the remainder. */
static __always_inline void bpfq_div_scale(__u64 *hi, __u64 *lo, __u64 *rem)
{
	__u64 r1, r2;

	r1 = bpfq_div_e9_word(lo, bpfq_div_e9_word(hi, 0));
	r2 = bpfq_div_e9_word(lo, bpfq_div_e9_word(hi, 0));
	*rem = r2 * BPFQ_E9 + r1;
}

/* A magnitude back to a signed value, if it is in range. */
static __always_inline __u32 bpfq_d_signed(struct bpfq_d *res, __u64 hi, __u64 lo, int neg)
{
	struct bpfq_d m = { lo, (__s64)hi };

	/* Magnitudes past 2^127 are far out of range. */
	if ((__s64)hi < 0) {
		res->lo = 0;
		res->hi = 0;
		return BPFQ_ERR_OVERFLOW;
	}
	*res = neg ? bpfq_d_negate(m) : m;
	return bpfq_d_range(*res);
}

/*
 * a * b / 10^18, truncated toward zero. Each magnitude is below 2^123
 * (hi < 2^59): the product is below 2^246; past 2^192 it is out of range
 * whatever the scale, so three words of it are divided.
 */
static __always_inline __u32 bpfq_d_mul(struct bpfq_d *res, struct bpfq_d a, struct bpfq_d b)
{
	int neg = (a.hi < 0) != (b.hi < 0);
	struct bpfq_d ua = a.hi < 0 ? bpfq_d_negate(a) : a, ub = b.hi < 0 ? bpfq_d_negate(b) : b;
	__u64 p1, p0, c1h, c1l, c2h, c2l, hh, hl, k, w2;

	bpfq_mul64(ua.lo, ub.lo, &p1, &p0);
	bpfq_mul64((__u64)ua.hi, ub.lo, &c1h, &c1l);
	bpfq_mul64(ua.lo, (__u64)ub.hi, &c2h, &c2l);
	bpfq_mul64((__u64)ua.hi, (__u64)ub.hi, &hh, &hl);
	p1 += c1l;
	k = p1 < c1l;
	p1 += c2l;
	k += p1 < c2l;
	/* c1h, c2h < 2^59: their sum and the carries do not wrap. */
	w2 = c1h + c2h + k + hl;
	if (hh || w2 < hl) {
		res->lo = 0;
		res->hi = 0;
		return BPFQ_ERR_OVERFLOW;
	}
	bpfq_div_scale192(&w2, &p1, &p0);
	if (w2) {
		res->lo = 0;
		res->hi = 0;
		return BPFQ_ERR_OVERFLOW;
	}
	return bpfq_d_signed(res, p1, p0, neg);
}

/*
 * Unsigned division by shift and subtract, the divisor not 0: global
 * functions, each verified once (and loaded only when called). The
 * working values live in *d, not in registers: loads through an
 * argument's pointer are unknown to the verifier, so the states of the
 * rounds converge instead of multiplying (struct bpfq_div, bpfq_state.h).
 */
/* One round: wide, the dividend is n2:nh:nl, else nh:nl. */
static __always_inline void bpfq_div_round(struct bpfq_div *d, int wide)
{
	__u64 rh, rl;

	/* Reload everything from *d each round (clang would keep it in registers). */
	asm volatile("" ::: "memory");
	/* r = r << 1 | n's top bit; n = n << 1, its freed low bit the quotient's */
	rh = d->rh << 1 | d->rl >> 63;
	rl = d->rl << 1 | (wide ? d->n2 : d->nh) >> 63;

	if (wide)
		d->n2 = d->n2 << 1 | d->nh >> 63;
	d->nh = d->nh << 1 | d->nl >> 63;
	d->nl <<= 1;
	if (rh > d->dh || (rh == d->dh && rl >= d->dl)) {
		rh -= d->dh + (rl < d->dl);
		rl -= d->dl;
		d->nl |= 1;
	}
	d->rh = rh;
	d->rl = rl;
}

/* The rounds of one division, from a remainder of 0. */
static __always_inline void bpfq_div_rounds(struct bpfq_div *d, int rounds, int wide)
{
	d->rh = 0;
	d->rl = 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < rounds; i++)
		bpfq_div_round(d, wide);
}

/* nh:nl / dh:dl. */
__noinline int bpfq_udiv128(struct bpfq_div *d)
#if BPFQ_PART == 2
	;	/* the first part's */
#else
{
	if (d)
		bpfq_div_rounds(d, 128, 0);
	return 0;
}
#endif

/* n2:nh:nl / dh:dl: a decimal's division only (its own function, so
 * that the verifier walks its 192 rounds in a query that divides only). */
__noinline int bpfq_udiv192(struct bpfq_div *d)
#if BPFQ_PART == 2
	;	/* the first part's */
#else
{
	if (d)
		bpfq_div_rounds(d, 192, 1);
	return 0;
}
#endif

/* a / b * 10^18, truncated toward zero: |a| * 10^18 < 2^183, a 192-bit dividend. */
static __always_inline __u32 bpfq_d_div(struct bpfq_d *res, struct bpfq_d a, struct bpfq_d b,
					struct bpfq_div *d)
{
	int neg = (a.hi < 0) != (b.hi < 0);
	struct bpfq_d ua = a.hi < 0 ? bpfq_d_negate(a) : a, ub = b.hi < 0 ? bpfq_d_negate(b) : b;
	__u64 h, l, nh, nl;

	res->lo = 0;
	res->hi = 0;
	if (!b.lo && !b.hi)
		return BPFQ_ERR_DIVZERO;
	bpfq_mul64(ua.lo, BPFQ_SCALE, &nh, &nl);
	bpfq_mul64((__u64)ua.hi, BPFQ_SCALE, &h, &l);
	nh += l;
	d->n2 = h + (nh < l);
	d->nh = nh;
	d->nl = nl;
	d->dh = (__u64)ub.hi;
	d->dl = ub.lo;
	bpfq_udiv192(d);
	if (d->n2)
		return BPFQ_ERR_OVERFLOW;
	return bpfq_d_signed(res, d->nh, d->nl, neg);
}

/* The scaled values' C remainder: the sign of the dividend. */
static __always_inline __u32 bpfq_d_mod(struct bpfq_d *res, struct bpfq_d a, struct bpfq_d b,
					struct bpfq_div *d)
{
	struct bpfq_d ua = a.hi < 0 ? bpfq_d_negate(a) : a, ub = b.hi < 0 ? bpfq_d_negate(b) : b;

	res->lo = 0;
	res->hi = 0;
	if (!b.lo && !b.hi)
		return BPFQ_ERR_DIVZERO;
	*d = (struct bpfq_div){ (__u64)ua.hi, ua.lo, (__u64)ub.hi, ub.lo, 0, 0, 0 };
	bpfq_udiv128(d);
	return bpfq_d_signed(res, d->rh, d->rl, a.hi < 0);
}

/* floor(v), the integer part toward -infinity: an int64 for every value in range. */
static __always_inline __s64 bpfq_d_floor(struct bpfq_d v)
{
	struct bpfq_d m = v.hi < 0 ? bpfq_d_negate(v) : v;
	__u64 hi = (__u64)m.hi, lo = m.lo, rem;

	bpfq_div_scale(&hi, &lo, &rem);
	if (v.hi >= 0)
		return (__s64)lo;
	return (__s64)(0 - lo - (rem != 0));
}

/* ---- three-valued conditions: SQL's, for the general path ---- */

#define BPFQ_F 0
#define BPFQ_T 1
#define BPFQ_U 2	/* unknown: an operand was NULL */

static __always_inline int bpfq_and3(int a, int b)
{
	return a == BPFQ_F || b == BPFQ_F ? BPFQ_F : a == BPFQ_U || b == BPFQ_U ? BPFQ_U : BPFQ_T;
}

static __always_inline int bpfq_or3(int a, int b)
{
	return a == BPFQ_T || b == BPFQ_T ? BPFQ_T : a == BPFQ_U || b == BPFQ_U ? BPFQ_U : BPFQ_F;
}

static __always_inline int bpfq_not3(int a)
{
	return a == BPFQ_U ? BPFQ_U : !a;
}

/* A run-time error ends the scan; user space reports the node and the record. */
static __always_inline int bpfq_fail(struct bpfq_state *st, __u32 kind, __u32 node,
				     const struct bpfq_field *x, __u64 off)
{
	struct bpfq_result *r = &st->result;

	r->error = kind;
	r->error_node = node;
	r->error_x = *x;
	r->error_off = off;
	r->done = 1;
	return 1;
}

#endif /* BPFQ_PRELUDE_H */
