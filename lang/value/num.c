// SPDX-License-Identifier: MIT
/* The language's number semantics, in plain 128-bit C (see num.h). */
#include <stdbool.h>
#include <stdio.h>

#include "lang/value/num.h"

static uint32_t in_range(i128 v, i128 *r)
{
	*r = v;
	return v < NUM_MIN || v > NUM_MAX ? BPFQ_ERR_OVERFLOW : 0;
}

uint32_t num_add(i128 a, i128 b, i128 *r)
{
	/* |a|, |b| < 2^123: the sum cannot pass 128 bits. */
	return in_range(a + b, r);
}

uint32_t num_sub(i128 a, i128 b, i128 *r)
{
	return in_range(a - b, r);
}

static u128 mag(i128 v)
{
	return v < 0 ? -(u128)v : (u128)v;
}

/* A magnitude and a sign: the value, when in range (down to NUM_MIN when negative). */
static uint32_t signed_result(u128 m, bool neg, i128 *r)
{
	if (m > (u128)NUM_MAX + neg)
		return BPFQ_ERR_OVERFLOW;
	*r = neg ? -(i128)m : (i128)m;
	return 0;
}

/* The 256-bit product of two magnitudes, as four 64-bit words, least first. */
static void mul256(u128 a, u128 b, uint64_t w[4])
{
	uint64_t al = (uint64_t)a, ah = (uint64_t)(a >> 64), bl = (uint64_t)b, bh = (uint64_t)(b >> 64);
	u128 ll = (u128)al * bl, lh = (u128)al * bh, hl = (u128)ah * bl, hh = (u128)ah * bh;
	u128 mid = (ll >> 64) + (uint64_t)lh + (uint64_t)hl;
	u128 top = hh + (lh >> 64) + (hl >> 64) + (mid >> 64);

	w[0] = (uint64_t)ll;
	w[1] = (uint64_t)mid;
	w[2] = (uint64_t)top;
	w[3] = (uint64_t)(top >> 64);
}

/* w[0..n-1] (least first) / d, d below 2^64, in place; the remainder. */
static uint64_t div_words(uint64_t *w, int n, uint64_t d)
{
	u128 r = 0;

	for (int i = n - 1; i >= 0; i--) {
		u128 cur = r << 64 | w[i];

		w[i] = (uint64_t)(cur / d);
		r = cur % d;
	}
	return (uint64_t)r;
}

/* (a / 10^18) * (b / 10^18) * 10^18 = a * b / 10^18, truncated toward zero. */
uint32_t num_mul(i128 a, i128 b, i128 *r)
{
	uint64_t w[4];

	*r = 0;
	mul256(mag(a), mag(b), w);
	/* Past 2^192 the quotient by 10^18 is past 2^132, far out of range. */
	if (w[3])
		return BPFQ_ERR_OVERFLOW;
	div_words(w, 3, BPFQ_SCALE);
	if (w[2])
		return BPFQ_ERR_OVERFLOW;
	return signed_result((u128)w[1] << 64 | w[0], (a < 0) != (b < 0), r);
}

/* n (192 bits: hi, lo) / d by shift and subtract, d below 2^124; 0 past 2^128. */
static bool div192(uint64_t hi, u128 lo, u128 d, u128 *q)
{
	u128 rem = 0;
	uint64_t qhi = 0;

	*q = 0;
	for (int i = 191; i >= 0; i--) {
		unsigned bit = i >= 128 ? (unsigned)(hi >> (i - 128)) & 1 : (unsigned)(lo >> i) & 1;

		rem = rem << 1 | bit;
		qhi = qhi << 1 | (uint64_t)(*q >> 127);
		*q <<= 1;
		if (rem >= d) {
			rem -= d;
			*q |= 1;
		}
	}
	return qhi == 0;
}

/* a / b * 10^18, truncated toward zero: a * 10^18 < 2^183, a 192-bit dividend. */
uint32_t num_div(i128 a, i128 b, i128 *r)
{
	uint64_t w[4];
	u128 q;

	*r = 0;
	if (b == 0)
		return BPFQ_ERR_DIVZERO;
	if (!__builtin_mul_overflow(mag(a), (u128)BPFQ_SCALE, &q))
		return signed_result(q / mag(b), (a < 0) != (b < 0), r);
	mul256(mag(a), BPFQ_SCALE, w);
	if (!div192(w[2], (u128)w[1] << 64 | w[0], mag(b), &q))
		return BPFQ_ERR_OVERFLOW;
	return signed_result(q, (a < 0) != (b < 0), r);
}

/* C semantics on the scaled values: the remainder takes the dividend's sign. */
uint32_t num_mod(i128 a, i128 b, i128 *r)
{
	u128 m;

	*r = 0;
	if (b == 0)
		return BPFQ_ERR_DIVZERO;
	m = mag(a) % mag(b);
	*r = a < 0 ? -(i128)m : (i128)m;
	return 0;
}

uint32_t num_neg(i128 a, i128 *r)
{
	return in_range(-a, r);
}

uint32_t num_abs(i128 a, i128 *r)
{
	return in_range(a < 0 ? -a : a, r);
}

i128 num_of_field(const struct bpfq_field *f)
{
	if (f->kind == BPFQ_K_INT)
		return (i128)(int64_t)f->lo * BPFQ_SCALE;
	return num_from_words(f->lo, f->hi);
}

int64_t num_floor(i128 scaled)
{
	i128 q = scaled / (i128)BPFQ_SCALE;

	if (scaled < 0 && q * (i128)BPFQ_SCALE != scaled)
		q--;
	return (int64_t)q;
}

i128 num_from_words(uint64_t lo, int64_t hi)
{
	return (i128)(((u128)(uint64_t)hi << 64) | lo);
}

void num_print_u128(char *buf, size_t size, u128 v)
{
	char digits[40];
	int n = 0;

	do
		digits[n++] = '0' + (int)(v % 10);
	while ((v /= 10));
	for (size_t i = 0; i + 1 < size && n; i++)
		buf[i] = digits[--n], buf[i + 1] = 0;
}

void num_print_i128(char *buf, size_t size, i128 v)
{
	if (size < 2)
		return;
	if (v < 0) {
		buf[0] = '-';
		num_print_u128(buf + 1, size - 1, -(u128)v);
		return;
	}
	num_print_u128(buf, size, (u128)v);
}
