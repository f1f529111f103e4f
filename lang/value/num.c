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
	/* |a|, |b| < 2^93: the sum cannot pass 128 bits. */
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

/* (a / 10^9) * (b / 10^9) * 10^9 = a * b / 10^9, truncated toward zero. */
uint32_t num_mul(i128 a, i128 b, i128 *r)
{
	u128 p;

	*r = 0;
	/* Past 2^128 the quotient by 10^9 is past 2^98, far out of range. */
	if (__builtin_mul_overflow(mag(a), mag(b), &p))
		return BPFQ_ERR_OVERFLOW;
	return signed_result(p / BPFQ_SCALE, (a < 0) != (b < 0), r);
}

/* a / b * 10^9, truncated toward zero: a * 10^9 < 2^123 fits. */
uint32_t num_div(i128 a, i128 b, i128 *r)
{
	u128 q;

	*r = 0;
	if (b == 0)
		return BPFQ_ERR_DIVZERO;
	q = mag(a) * BPFQ_SCALE / mag(b);
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
