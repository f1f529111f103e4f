/* SPDX-License-Identifier: MIT */
/*
 * A number token, its digits taken up to 8 at a time: [+-]?[0-9]+ is an
 * int64; with a '.' (digits on either side, or both) or an exponent
 * ([eE][+-]?[0-9]+) a decimal, rounded half to even at the 18th decimal.
 * A magnitude past int64 cannot be held (BPFQ_TOK_BEYOND). Up to 18
 * decimals the value is val and frac; past them, or with an exponent, the
 * significand sig_hi:sig_lo (BPFQ_FORM_LONG). lang/engine/records.c is
 * the byte-at-a-time statement of the same rules.
 */
#ifndef BPFQ_NUMTOK_H
#define BPFQ_NUMTOK_H

#include "swar.bpf.h"

static __always_inline void bpfq_tok_begin(struct bpfq_tok *t, __u64 start, int neg)
{
	t->start = start;
	t->neg = neg;
	t->val = 0;
	t->frac = 0;
	t->ndigits = 0;
	t->fdigits = 0;
	t->ovf = 0;
	t->forms = 0;
	t->mode = BPFQ_MODE_NUM;
}

/* 2^63 * 10^18 is 5 * 10^17 * 2^64: the first magnitude times 10^18 past every value. */
#define BPFQ_LIMIT_HI 500000000000000000ULL

/*
 * The significand form's steps are global functions, in both parts (as
 * bpfq_udiv128()): inlined, the verifier would walk them at every byte's
 * and every field's path of the parse loop, and most of a query's load
 * time went there; numbers with no exponent and at most 18 decimals never
 * call them.
 */
__noinline int bpfq_tok_to_long(struct bpfq_tok *t)
#if BPFQ_PART == 2
	;
#else
{
	if (!t || (t->forms & BPFQ_FORM_LONG))
		return 0;
	/* A val past 2^63 is beyond already (ovf): its product does not matter. */
	bpfq_mul_scale(t->val, &t->sig_hi, &t->sig_lo);
	t->sig_lo += t->frac;
	t->sig_hi += t->sig_lo < t->frac;
	t->scale = 0;
	t->lost = 0;
	t->exp = 0;
	t->eneg = 0;
	t->forms |= BPFQ_FORM_LONG;
	return 0;
}
#endif

/* *hi:*lo times 10^n (n <= 38) in steps of 10^18; 1 if it passes
 * 2^63 * 10^18 on the way (check: else the caller checks the end, and
 * the product must fit 128 bits). */
static __always_inline int bpfq_big_pow10(__u64 *hi, __u64 *lo, __u64 n, int check)
{
#pragma unroll
	for (int i = 0; i < 3; i++) {
		__u64 step = n > 18 ? 18 : n, p = bpfq_pow10[step & 31], h, l;

		if (!n)
			break;
		/* A high word up to the limit over p: times p it stays below
		 * the limit, no wrap; above it the product is past the limit. */
		if (check && *hi > BPFQ_LIMIT_HI / p)
			return 1;
		bpfq_mul64(*lo, p, &h, &l);
		*hi = *hi * p + h;
		*lo = l;
		n -= step;
	}
	return 0;
}

/* A decimal past the 18th, to the significand. */
__noinline int bpfq_tok_long_digit(struct bpfq_tok *t, __u64 d)
#if BPFQ_PART == 2
	;
#else
{
	__u64 hi, lo;

	if (!t)
		return 0;
	bpfq_tok_to_long(t);
	t->fdigits++;
	/* Past the limit, a digit only says whether the value was rounded;
	 * below it the high word is below 2^59, times 10 no wrap. */
	if (t->sig_hi >= BPFQ_LIMIT_HI) {
		t->lost |= d != 0;
		return 0;
	}
	bpfq_mul64(t->sig_lo, 10, &hi, &lo);
	t->sig_hi = t->sig_hi * 10 + hi;
	t->sig_lo = lo + d;
	t->sig_hi += t->sig_lo < lo;
	t->scale--;
	return 0;
}
#endif

/* One decimal: among the first 18, to frac; past them, to the significand. */
static __always_inline void bpfq_tok_frac_digit(struct bpfq_tok *t, __u64 d)
{
	if (t->fdigits < 18) {
		t->frac += d * bpfq_pow10[(17 - t->fdigits) & 31];
		t->fdigits++;
		return;
	}
	bpfq_tok_long_digit(t, d);
}

/* An 'e' after the digits. */
static __always_inline void bpfq_tok_exp(struct bpfq_tok *t)
{
	bpfq_tok_to_long(t);
	t->mode = BPFQ_MODE_EXP;
}

/* n (1..8) digits, the first n bytes of w: to the integer part or the fraction. */
static __always_inline void bpfq_tok_digits(struct bpfq_tok *t, __u64 w, __u64 n)
{
	__u64 v = bpfq_digits_value(w, n), keep;

	if (t->mode == BPFQ_MODE_NUM) {
		t->ovf |= t->val > bpfq_max_before[n & 15];
		t->val = t->val * bpfq_pow10[n & 15] + v;
		t->ovf |= t->val > (1ULL << 63);
		t->ndigits += n;
		return;
	}
	if (t->mode == BPFQ_MODE_FRAC) {
		if (t->fdigits + n <= 18) {
			t->frac += v * bpfq_pow10[(18 - t->fdigits - n) & 31];
			t->fdigits += n;
			return;
		}
#pragma unroll
		for (int i = 0; i < 8; i++)
			if (i < n)
				bpfq_tok_frac_digit(t, (w >> (i * 8)) & 0xf);
		return;
	}
	/* The exponent's: it stays at BPFQ_EXP_MAX, far past any value. */
	keep = (__u64)t->exp * bpfq_pow10[n & 15] + v;
	t->exp = keep > BPFQ_EXP_MAX ? BPFQ_EXP_MAX : keep;
	t->mode = BPFQ_MODE_EXPD;
}

/*
 * The significand form's value: sig * 10^(scale +- exp), rounded half to
 * even (a lost digit lies below the remainder's last); flags BPFQ_TOK_*.
 */
__noinline int bpfq_tok_long_field(const struct bpfq_tok *t, struct bpfq_field *f)
#if BPFQ_PART == 2
	;
#else
{
	__s64 k;
	__u64 hi, lo, ph = 0, pl = 1, up, gt, eq;
	int flags;
	struct bpfq_div d;
	struct bpfq_d v;

	if (!t || !f)
		return 0;
	hi = t->sig_hi;
	lo = t->sig_lo;
	k = (__s64)t->scale + (t->eneg ? -(__s64)t->exp : (__s64)t->exp);
	flags = t->lost ? BPFQ_TOK_ROUNDED : 0;
	if (!hi && !lo) {
		k = 0;
	} else if (k > 0) {
		/* sig >= 1: from 10^37 on the value is past 2^63 * 10^18. */
		if (k > 36 || bpfq_big_pow10(&hi, &lo, k, 1))
			return BPFQ_TOK_BEYOND;
	} else if (k <= -39) {
		/* sig < 10^38: less than half of the divisor. */
		hi = 0;
		lo = 0;
		flags = BPFQ_TOK_ROUNDED;
	} else if (k < 0) {
		bpfq_big_pow10(&ph, &pl, -k, 0);
		d.nh = hi;
		d.nl = lo;
		d.dh = ph;
		d.dl = pl;
		bpfq_udiv128(&d);
		/* 10^m / 2, to compare the remainder with. */
		pl = pl >> 1 | ph << 63;
		ph >>= 1;
		gt = d.rh > ph || (d.rh == ph && d.rl > pl);
		eq = d.rh == ph && d.rl == pl;
		up = gt || (eq && (t->lost || (d.nl & 1)));
		lo = d.nl + up;
		hi = d.nh + (lo < d.nl);
		if (d.rh || d.rl)
			flags = BPFQ_TOK_ROUNDED;
	}
	if (hi > BPFQ_LIMIT_HI || (hi == BPFQ_LIMIT_HI && (lo || !t->neg)))
		return BPFQ_TOK_BEYOND;
	v.lo = lo;
	v.hi = (__s64)hi;
	if (t->neg)
		v = bpfq_d_negate(v);
	f->kind = BPFQ_K_DEC;
	f->lo = v.lo;
	f->hi = v.hi;
	return flags;
}
#endif

/*
 * The token as a field: INT, DEC, or BAD (a lone sign or point, a letter);
 * EMPTY when nothing was seen (csv). Returns BPFQ_TOK_* flags: with
 * BPFQ_TOK_BEYOND the field is BAD.
 */
static __always_inline int bpfq_tok_field(const struct bpfq_tok *t, struct bpfq_field *f)
{
	__u64 limit = (1ULL << 63) - !t->neg, hi, lo;
	__u32 m = t->mode;
	struct bpfq_d d;

	f->kind = m == BPFQ_MODE_IDLE ? BPFQ_K_EMPTY : BPFQ_K_BAD;
	f->lo = 0;
	f->hi = 0;
	f->pad = 0;
	if (m != BPFQ_MODE_NUM && m != BPFQ_MODE_FRAC && m != BPFQ_MODE_EXPD && m != BPFQ_MODE_TRAIL)
		return 0;
	if (!t->ndigits && !t->fdigits)
		return 0;
	/* Integer digits past int64: beyond, whatever follows them. */
	if (t->ovf || t->val > limit)
		return BPFQ_TOK_BEYOND;
	if (t->forms & BPFQ_FORM_LONG)
		return bpfq_tok_long_field(t, f);
	if (!(t->forms & BPFQ_FORM_DOT)) {
		f->kind = BPFQ_K_INT;
		f->lo = t->neg ? 0 - t->val : t->val;
		f->hi = t->neg && t->val ? -1 : 0;
		return 0;
	}
	/* -2^63 is the one magnitude of 2^63 in range, and only without a fraction. */
	if (t->val == (1ULL << 63) && t->frac)
		return BPFQ_TOK_BEYOND;
	bpfq_mul_scale(t->val, &hi, &lo);
	d.lo = lo + t->frac;
	d.hi = (__s64)(hi + (d.lo < lo));
	if (t->neg)
		d = bpfq_d_negate(d);
	f->kind = BPFQ_K_DEC;
	f->lo = d.lo;
	f->hi = d.hi;
	return 0;
}

/* A token's flags into the counters: 1 when it is beyond int64 (an error, the scan stops). */
static __always_inline int bpfq_tok_flags(struct bpfq_result *r, int flags, __u64 start)
{
	if (flags & BPFQ_TOK_ROUNDED) {
		if (!r->rounded)
			r->rounded_off = start;
		r->rounded++;
	}
	if (!(flags & BPFQ_TOK_BEYOND))
		return 0;
	if (!r->error) {
		r->error = BPFQ_ERR_BEYOND;
		r->error_off = start;
	}
	r->done = 1;
	return 1;
}

static __always_inline int bpfq_tok_blank(__u64 c)
{
	return c == ' ' || c == '\t';
}

/*
 * One byte of a field's number (text, csv): the byte-at-a-time form of
 * records.c's num_byte(). blanks: csv trims blanks around the number.
 */
static __always_inline void bpfq_tok_step(struct bpfq_tok *t, __u64 c, int blanks)
{
	int digit = c - '0' < 10;

	int e = (c | 0x20) == 'e', ends = blanks && bpfq_tok_blank(c);

	switch (t->mode) {
	case BPFQ_MODE_IDLE:
		if (blanks && bpfq_tok_blank(c))
			return;
		t->mode = BPFQ_MODE_NUM;
		if (c == '+' || c == '-') {
			t->neg = c == '-';
			return;
		}
		/* fallthrough */
	case BPFQ_MODE_NUM:
		if (digit) {
			bpfq_tok_digits(t, c, 1);
		} else if (c == '.') {
			t->mode = BPFQ_MODE_FRAC;
			t->forms |= BPFQ_FORM_DOT;
		} else if (e && t->ndigits) {
			bpfq_tok_exp(t);
		} else {
			t->mode = ends && t->ndigits ? BPFQ_MODE_TRAIL : BPFQ_MODE_BAD;
		}
		return;
	case BPFQ_MODE_FRAC:
		if (digit)
			bpfq_tok_digits(t, c, 1);
		else if (e && (t->ndigits || t->fdigits))
			bpfq_tok_exp(t);
		else
			t->mode = ends && (t->ndigits || t->fdigits) ? BPFQ_MODE_TRAIL : BPFQ_MODE_BAD;
		return;
	case BPFQ_MODE_EXP:
		if (c == '+' || c == '-') {
			t->eneg = c == '-';
			t->mode = BPFQ_MODE_EXPS;
			return;
		}
		/* fallthrough */
	case BPFQ_MODE_EXPS:
	case BPFQ_MODE_EXPD:
		if (digit)
			bpfq_tok_digits(t, c, 1);
		else
			t->mode = ends && t->mode == BPFQ_MODE_EXPD ? BPFQ_MODE_TRAIL : BPFQ_MODE_BAD;
		return;
	case BPFQ_MODE_TRAIL:
		if (!bpfq_tok_blank(c))
			t->mode = BPFQ_MODE_BAD;
		return;
	default:
		return;
	}
}

/* The word of a field that is no number, lower case: blanks around it (csv) are no part of it. */
#define BPFQ_WORD_NONE 32
#define BPFQ_WORD_GAP 16

static __always_inline void bpfq_tok_word(struct bpfq_tok *t, __u64 c, int blanks)
{
	if (blanks && bpfq_tok_blank(c)) {
		if (t->wlen)
			t->wlen |= BPFQ_WORD_GAP;
		return;
	}
	if (t->wlen >= 8) {
		t->wlen = BPFQ_WORD_NONE;
		return;
	}
	/* Letters to lower case; other bytes as they are ('\x0f' | 0x20 would be '/'). */
	if (c - 'A' < 26)
		c |= 0x20;
	t->word |= c << (t->wlen * 8);
	t->wlen++;
}

static __always_inline void bpfq_tok_byte(struct bpfq_tok *t, __u64 c, int blanks)
{
	__u32 was = t->mode;

	bpfq_tok_step(t, c, blanks);
	if (t->mode != BPFQ_MODE_BAD)
		return;
	/* Its first byte that is no number begins the word. */
	if (was != BPFQ_MODE_BAD) {
		t->word = 0;
		t->wlen = 0;
	}
	bpfq_tok_word(t, c, blanks);
}

/* The kind of NULL a field that is no number is (enum bpfq_null_kind), or -1: no such word. */
static __always_inline int bpfq_tok_null(const struct bpfq_tok *t)
{
	__u64 w = t->word;

	if (t->ndigits || t->fdigits || (t->forms & BPFQ_FORM_DOT))
		return -1;
	/* A sign alone: '-' is a NULL, '+' is not. */
	if (t->mode == BPFQ_MODE_NUM || (t->mode == BPFQ_MODE_BAD && !t->wlen))
		return t->neg ? BPFQ_NULL_DASH : -1;
	if (t->mode != BPFQ_MODE_BAD || (t->wlen & ~BPFQ_WORD_GAP) > 8)
		return -1;
	if (w == 0x616e || w == 0x612f6e)	/* "na", "n/a" */
		return BPFQ_NULL_NA;
	if (w == 0x6c6c756e)			/* "null" */
		return BPFQ_NULL_NULL;
	if (w == 0x666e69 || w == 0x7974696e69666e69ULL)	/* "inf", "infinity" */
		return BPFQ_NULL_INF;
	if (w == 0x6e616e)			/* "nan" */
		return BPFQ_NULL_NAN;
	return -1;
}

#endif /* BPFQ_NUMTOK_H */
