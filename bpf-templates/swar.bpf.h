/* SPDX-License-Identifier: MIT */
/*
 * Eight bytes at a time: the parsers load a word at the current position
 * and classify all its bytes at once (SWAR), so one loop iteration takes a
 * token or a run of bytes, not one byte.
 */
#ifndef BPFQ_SWAR_H
#define BPFQ_SWAR_H

#include "prelude.bpf.h"

#define BPFQ_ONES 0x0101010101010101ULL
#define BPFQ_HIGH 0x8080808080808080ULL
#define BPFQ_LOW7 0x7f7f7f7f7f7f7f7fULL

/* High bit of each byte that is >= n (n <= 0x80). Exact: no carry crosses bytes. */
static __always_inline __u64 bpfq_bytes_ge(__u64 w, __u64 n)
{
	return (((w & BPFQ_LOW7) + (0x80 - n) * BPFQ_ONES) | w) & BPFQ_HIGH;
}

/* High bit of each byte equal to c. */
static __always_inline __u64 bpfq_bytes_eq(__u64 w, __u64 c)
{
	__u64 t = w ^ (c * BPFQ_ONES);

	return ~(((t & BPFQ_LOW7) + BPFQ_LOW7) | t) & BPFQ_HIGH;
}

static __always_inline __u64 bpfq_digit_mask(__u64 w)
{
	return bpfq_bytes_ge(w, '0') & ~bpfq_bytes_ge(w, '9' + 1);
}

/*
 * One more than the index of the lowest flagged byte of a nonzero mask.
 * BPF has no ctz, and clang's expansion wants a constant-pool table:
 * isolate the lowest flag, 1 << (8k + 7), and let a multiply put k + 1 in
 * the top four bits: the constant holds k + 1 at bit 53 - 8k (the 8 of
 * k = 7 is its bit 0). No branch: a tree of them was predicted only where
 * the lengths repeat, and cost more instructions and verifier states.
 * The verifier sees the result in 0..15, so a position advanced by it at
 * every number stays bounded with no mask (parse_numbers.bpf.h).
 */
static __always_inline __u64 bpfq_first_byte_end(__u64 m)
{
	return ((m & -m) * 0x0020406080a0c0e1ULL) >> 60;
}

/* The index of the lowest flagged byte of a nonzero mask. */
static __always_inline __u64 bpfq_first_byte(__u64 m)
{
	return bpfq_first_byte_end(m) - 1;
}

/* High bits of the first n (1..8) bytes: the bytes of this read. */
static __always_inline __u64 bpfq_valid_mask(__u64 n)
{
	return n >= 8 ? BPFQ_HIGH : BPFQ_HIGH & ((1ULL << (n * 8)) - 1);
}

/*
 * w with its first n (1..8) bytes moved to the top: w << (64 - 8n). BPF
 * takes a 64-bit shift's amount modulo 64 (the ISA says so, and the JITs'
 * shift instructions do it), so the amount is -8n, one multiply; 64 - 8n
 * took two instructions more, and a register, at every number. In asm:
 * in C a shift by 64 or more is undefined.
 */
static __always_inline __u64 bpfq_first_bytes_to_top(__u64 w, __u64 n)
{
	__u64 s = n;

	/* The multiply too: clang makes it a shift and a negation. */
	asm("%[s] *= -8\n\t%[w] <<= %[s]" : [w] "+r"(w), [s] "+r"(s));
	return w;
}

/* The value of the first n (1..8) bytes of w, all digits, first byte most significant. */
static __always_inline __u64 bpfq_digits_value(__u64 w, __u64 n)
{
	/* Shift the digits to the top: the bytes after them (and any borrow
	 * the subtraction carried into them) fall out, zeros lead. */
	__u64 t = (w - 0x3030303030303030ULL) << ((8 - n) * 8);

	t = ((t & 0x0f0f0f0f0f0f0f0fULL) * 2561) >> 8;
	t = ((t & 0x00ff00ff00ff00ffULL) * 6553601) >> 16;
	return ((t & 0x0000ffff0000ffffULL) * 42949672960001ULL) >> 32;
}

/*
 * The high bit of each byte of w that is not a digit, from t = w - '0' in
 * every byte: exact up to the first one. A byte is a digit iff its t is
 * below 10: t + 0x76 sets the high bit of a t of 10 to 0x7f, and t's own
 * is set for the rest (bytes below '0' wrap). Past the first such byte,
 * borrows and carries may flag more; before it, digits neither borrow
 * nor carry.
 */
static __always_inline __u64 bpfq_nondigit_mask(__u64 t)
{
	return ((t + 0x7676767676767676ULL) | t) & BPFQ_HIGH;
}

/* The value of the digits 0..9 in the top bytes of t (the first one
 * most significant), zeros below them. */
static __always_inline __u64 bpfq_top_digits_value(__u64 t)
{
	t = (t * 2561) >> 8;
	t = ((t & 0x00ff00ff00ff00ffULL) * 6553601) >> 16;
	return ((t & 0x0000ffff0000ffffULL) * 42949672960001ULL) >> 32;
}

/*
 * Digit lanes: a number's digits 0..9 one a byte, from t, its bytes
 * top-aligned: its separator (minus '0') in the top byte, its units under
 * it, the rest of its digits below those and zeros below them
 * (bpfq_simple_digits()). A sum of lanes is each lane's sum, exact while no
 * lane passes 255: the unsigned numbers' streams add lanes, not values
 * (parse_numbers.bpf.h), and convert a batch's sum once. Each form costs
 * the least the query allows (codegen sets BPFQ_LANES_FORM from what its
 * where compares x with):
 * 0, no comparison: t itself. The separators' lane is the top one: the
 *    carries of its sum leave the word, and bpfq_lanes_in_order() drops it.
 * 1, equalities: t << 8, the digits alone, units in the top byte: equal
 *    when the numbers are (leading zeros are zero lanes).
 * 2, order: its bytes reversed, units in the lowest byte: lanes compare
 *    as the numbers do (fewer digits: zeros above them).
 */
static __always_inline __u64 bpfq_digit_lanes(__u64 t)
{
	if (BPFQ_LANES_FORM == 0)
		return t;
	if (BPFQ_LANES_FORM == 1)
		return t << 8;
	return __builtin_bswap64(t << 8);
}

/* A sum of bpfq_digit_lanes(), units in its lowest byte (once a batch). */
static __always_inline __u64 bpfq_lanes_in_order(__u64 v)
{
	if (BPFQ_LANES_FORM == 0)
		return __builtin_bswap64(v) >> 8;
	if (BPFQ_LANES_FORM == 1)
		return __builtin_bswap64(v);
	return v;
}

/* The value of a sum of digit lanes, each lane at most 255: pairs of
 * lanes into 16 bits, pairs of those into 32, then the two halves. */
static __always_inline __u64 bpfq_lanes_value(__u64 v)
{
	v = (v & 0x00ff00ff00ff00ffULL) + ((v >> 8) & 0x00ff00ff00ff00ffULL) * 10;
	v = (v & 0x0000ffff0000ffffULL) + ((v >> 16) & 0x0000ffff0000ffffULL) * 100;
	return (v & 0xffffffff) + (v >> 32) * 10000;
}

/* The same from t = w - '0' in every byte, its first n (1..7) bytes digits 0..9. */
static __always_inline __u64 bpfq_digits_top(__u64 t, __u64 n)
{
	return bpfq_top_digits_value(t << ((8 - n) * 8));
}

/* 10^n, and the largest magnitude that can take n more digits without passing 2^64. */
static const __u64 bpfq_pow10[32] = { 1, 10, 100, 1000, 10000, 100000, 1000000,
	10000000, 100000000, 1000000000, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
	10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL };
static const __u64 bpfq_max_before[16] = {
	18446744073709551615ULL, 1844674407370955160ULL, 184467440737095515ULL,
	18446744073709550ULL, 1844674407370954ULL, 184467440737094ULL,
	18446744073708ULL, 1844674407369ULL, 184467440736ULL,
};

static __always_inline __u64 bpfq_load8(struct bpfq_buf *buf, __u64 pos)
{
	return *(__u64 *)(buf->data + (pos & BPFQ_BUF_MASK));
}

#endif /* BPFQ_SWAR_H */
