/* SPDX-License-Identifier: MIT */
/*
 * Numbers as the language defines them, stated plainly for the reference
 * evaluator and the printer: a value is a decimal with 18 fractional
 * digits in -2^63 <= v < 2^63, kept as v * 10^18 in an __int128
 * ("scaled", below 2^123 in magnitude): 37 significant digits, exactly.
 * An integer is such a value whose fraction is 0. Every operation either
 * gives a value in range or an error; * and / truncate toward zero at the
 * 18th decimal (their intermediates take up to 256 bits). Input with more
 * decimals is rounded half to even at the 18th. The kernel's code
 * (bpf-templates/prelude.bpf.h) computes the same with 64-bit pieces.
 */
#ifndef BPFQ_NUM_H
#define BPFQ_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf-templates/bpfq_state.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

#define NUM_MIN ((i128)INT64_MIN * (i128)BPFQ_SCALE)
#define NUM_MAX (-NUM_MIN - 1)

/* Each returns 0 or an enum bpfq_error; the result in *r. */
uint32_t num_add(i128 a, i128 b, i128 *r);
uint32_t num_sub(i128 a, i128 b, i128 *r);
uint32_t num_mul(i128 a, i128 b, i128 *r);
uint32_t num_div(i128 a, i128 b, i128 *r);
uint32_t num_mod(i128 a, i128 b, i128 *r);
uint32_t num_neg(i128 a, i128 *r);
uint32_t num_abs(i128 a, i128 *r);

/* The scaled value of a parsed field (BPFQ_K_INT or BPFQ_K_DEC). */
i128 num_of_field(const struct bpfq_field *f);

/* floor(v): the integer part rounded toward -infinity, as an int64. */
int64_t num_floor(i128 scaled);

/* 128-bit words of a state, as both engines keep them. */
i128 num_from_words(uint64_t lo, int64_t hi);

/* Decimal text of a signed or unsigned 128-bit integer. */
void num_print_i128(char *buf, size_t size, i128 v);
void num_print_u128(char *buf, size_t size, u128 v);

#endif /* BPFQ_NUM_H */
