/* SPDX-License-Identifier: MIT */
/*
 * count_distinct() in user space: the set of the values folded (as the
 * kernel's bpfq_distinct map keeps them: item, group's hash, value), at
 * most max entries; the states count the values new to it, and a value
 * that finds it full makes the answer HyperLogLog's estimate.
 */
#ifndef BPFQ_DISTINCT_H
#define BPFQ_DISTINCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf-templates/bpfq_state.h"

/* --max-distinct: the set's entries by default, all items and groups together. */
#define DISTINCT_MAX (1L << 20)
/* and at most. */
#define DISTINCT_LIMIT (1L << 28)

struct distinct_set {
	struct bpfq_dkey *v;	/* open addressing; item 0xffffffff is an empty slot */
	size_t n, cap, max;
};

void distinct_init(struct distinct_set *s, size_t max);
void distinct_free(struct distinct_set *s);

/* Empty the set (its budget stays). */
void distinct_clear(struct distinct_set *s);

/*
 * (item, tag, lo, hi) of the state's group into s: state's count of new
 * values goes up if it is new, its full mark is set if s is full (or out
 * of memory).
 */
void distinct_put(struct distinct_set *s, uint64_t *state, uint32_t item, uint32_t tag, uint64_t lo,
		  uint64_t hi);

/* k into s: 1 if new, 0 if there, -1 when s is full (or out of memory). */
int distinct_add(struct distinct_set *s, const struct bpfq_dkey *k);

/* The entries one by one: *at 0 to start; NULL past the last. */
const struct bpfq_dkey *distinct_next(const struct distinct_set *s, size_t *at);

/* A group key's hash, as the kernel's bpfq_group_hash(). */
uint64_t distinct_group_hash(const struct bpfq_key *k);

#endif /* BPFQ_DISTINCT_H */
