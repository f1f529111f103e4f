// SPDX-License-Identifier: MIT
#include "lang/value/distinct.h"

#include <stdlib.h>
#include <string.h>

#define EMPTY UINT32_MAX

void distinct_init(struct distinct_set *s, size_t max)
{
	*s = (struct distinct_set){ .max = max };
}

void distinct_free(struct distinct_set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

void distinct_clear(struct distinct_set *s)
{
	for (size_t i = 0; i < s->cap; i++)
		s->v[i].item = EMPTY;
	s->n = 0;
}

static uint64_t key_hash(const struct bpfq_dkey *k)
{
	return bpfq_fmix64(k->lo ^ bpfq_fmix64(k->hi ^ bpfq_fmix64(k->group ^ ((uint64_t)k->item << 32 |
									      k->tag))));
}

/* k's slot: its own, or the empty one it would take. */
static struct bpfq_dkey *slot(const struct distinct_set *s, const struct bpfq_dkey *k)
{
	size_t i = key_hash(k) & (s->cap - 1);

	while (s->v[i].item != EMPTY && memcmp(&s->v[i], k, sizeof(*k)))
		i = (i + 1) & (s->cap - 1);
	return &s->v[i];
}

/* Twice the entries (at most half full); -1 when out of memory. */
static int grow(struct distinct_set *s)
{
	struct distinct_set old = *s;

	s->cap = old.cap ? old.cap * 2 : 1024;
	s->v = malloc(s->cap * sizeof(*s->v));
	if (!s->v) {
		*s = old;
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++)
		s->v[i].item = EMPTY;
	for (size_t i = 0; i < old.cap; i++)
		if (old.v[i].item != EMPTY)
			*slot(s, &old.v[i]) = old.v[i];
	free(old.v);
	return 0;
}

int distinct_add(struct distinct_set *s, const struct bpfq_dkey *k)
{
	if (k->item == EMPTY || (s->cap && slot(s, k)->item != EMPTY))
		return 0;
	if (s->n >= s->max || ((s->n + 1) * 2 > s->cap && grow(s)))
		return -1;
	*slot(s, k) = *k;
	s->n++;
	return 1;
}

void distinct_put(struct distinct_set *s, uint64_t *state, uint32_t item, uint32_t tag, uint64_t lo,
		  uint64_t hi)
{
	struct bpfq_dkey k = { .item = item, .tag = tag, .group = state[BPFQ_DISTINCT_GROUP],
			       .lo = lo, .hi = hi };
	int added = distinct_add(s, &k);

	if (added < 0)
		state[BPFQ_DISTINCT_FULL] = 1;
	else
		state[BPFQ_DISTINCT_NEW] += (uint64_t)added;
}

const struct bpfq_dkey *distinct_next(const struct distinct_set *s, size_t *at)
{
	while (*at < s->cap)
		if (s->v[(*at)++].item != EMPTY)
			return &s->v[*at - 1];
	return NULL;
}

uint64_t distinct_group_hash(const struct bpfq_key *k)
{
	uint64_t w[sizeof(*k) / 8], h;

	memcpy(w, k, sizeof(w));
	h = bpfq_group_word_hash(0, w[0] & ~0xffffffffULL, 0);
	for (uint32_t i = 1; i < sizeof(w) / 8; i++)
		h = bpfq_group_word_hash(h, w[i], i);
	return h | 1;
}
