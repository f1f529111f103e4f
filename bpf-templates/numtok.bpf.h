/* SPDX-License-Identifier: MIT */
/*
 * A number token, its digits taken up to 8 at a time: [+-]?[0-9]+ is an
 * int64, [+-]?[0-9]+.[0-9]+ a decimal (an integer part in int64's range,
 * at most 9 decimals that are not 0). lang/engine/records.c is the byte-at-a-time
 * statement of the same rules.
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
	t->mode = BPFQ_MODE_NUM;
}

/* n (1..8) digits, the first n bytes of w: to the integer part or the fraction. */
static __always_inline void bpfq_tok_digits(struct bpfq_tok *t, __u64 w, __u64 n)
{
	__u64 v = bpfq_digits_value(w, n), keep, drop;

	if (t->mode == BPFQ_MODE_NUM) {
		t->ovf |= t->val > bpfq_max_before[n & 15];
		t->val = t->val * bpfq_pow10[n & 15] + v;
		t->ovf |= t->val > (1ULL << 63);
		t->ndigits += n;
		return;
	}
	/* The fraction keeps 9 digits; digits past them must be 0. */
	keep = t->fdigits >= 9 ? 0 : 9 - t->fdigits;
	if (keep >= n) {
		t->frac += v * bpfq_pow10[(keep - n) & 15];
	} else {
		drop = n - keep;
		t->ovf |= v % bpfq_pow10[drop & 15] != 0;
		t->frac += v / bpfq_pow10[drop & 15];
	}
	t->fdigits += n;
}

/* The token as a field: INT, DEC, or BAD (a lone sign, "5.", a magnitude past int64);
 * EMPTY when nothing was seen (csv). */
static __always_inline void bpfq_tok_field(const struct bpfq_tok *t, struct bpfq_field *f)
{
	__u64 limit = (1ULL << 63) - !t->neg, hi, lo;
	struct bpfq_d d;

	f->kind = t->mode == BPFQ_MODE_IDLE ? BPFQ_K_EMPTY : BPFQ_K_BAD;
	f->lo = 0;
	f->hi = 0;
	f->pad = 0;
	if (t->mode == BPFQ_MODE_IDLE || t->ovf || !t->ndigits || t->val > limit)
		return;
	/* TRAIL: blanks after a number (csv); it was a decimal iff it has decimals. */
	if (t->mode == BPFQ_MODE_NUM || (t->mode == BPFQ_MODE_TRAIL && !t->fdigits)) {
		f->kind = BPFQ_K_INT;
		f->lo = t->neg ? 0 - t->val : t->val;
		f->hi = t->neg && t->val ? -1 : 0;
		return;
	}
	/* -2^63 is the one magnitude of 2^63 in range, and only without a fraction. */
	if ((t->mode != BPFQ_MODE_FRAC && t->mode != BPFQ_MODE_TRAIL) || !t->fdigits ||
	    (t->val == (1ULL << 63) && t->frac))
		return;
	bpfq_mul64(t->val, BPFQ_SCALE, &hi, &lo);
	d.lo = lo + t->frac;
	d.hi = (__s64)(hi + (d.lo < lo));
	if (t->neg)
		d = bpfq_d_negate(d);
	f->kind = BPFQ_K_DEC;
	f->lo = d.lo;
	f->hi = d.hi;
}

static __always_inline int bpfq_tok_blank(__u64 c)
{
	return c == ' ' || c == '\t';
}

/*
 * One byte of a field's number (text, csv): the byte-at-a-time form of
 * records.c's num_byte(). blanks: csv trims blanks around the number.
 */
static __always_inline void bpfq_tok_byte(struct bpfq_tok *t, __u64 c, int blanks)
{
	int digit = c - '0' < 10;

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
		if (digit)
			bpfq_tok_digits(t, c, 1);
		else if (c == '.' && t->ndigits)
			t->mode = BPFQ_MODE_FRAC;
		else
			t->mode = blanks && t->ndigits && bpfq_tok_blank(c) ? BPFQ_MODE_TRAIL : BPFQ_MODE_BAD;
		return;
	case BPFQ_MODE_FRAC:
		if (digit)
			bpfq_tok_digits(t, c, 1);
		else
			t->mode = blanks && t->fdigits && bpfq_tok_blank(c) ? BPFQ_MODE_TRAIL : BPFQ_MODE_BAD;
		return;
	case BPFQ_MODE_TRAIL:
		if (!bpfq_tok_blank(c))
			t->mode = BPFQ_MODE_BAD;
		return;
	default:
		return;
	}
}

#endif /* BPFQ_NUMTOK_H */
