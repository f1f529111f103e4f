/* SPDX-License-Identifier: MIT */
/* The bench generators' random numbers: fixed seeds, so the data is the same on every run. */
#ifndef BENCH_RNG_H
#define BENCH_RNG_H

#include <stdint.h>

static uint64_t rng_state;

/* splitmix64: tiny, fast and well mixed; plenty for benchmark data. */
static inline uint64_t next_u64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A value in [0, n): the high half of a 64x64 multiply (no modulo bias
 * worth the name for n this small). */
static inline uint32_t next_below(uint32_t n)
{
	return (uint32_t)(((unsigned __int128)next_u64() * n) >> 64);
}

#endif /* BENCH_RNG_H */
