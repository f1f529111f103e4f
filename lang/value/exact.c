// SPDX-License-Identifier: MIT
#include <stdlib.h>

#include "lang/value/exact.h"

static int reserve(struct exact_values *x, size_t more)
{
	size_t cap = x->cap ? x->cap : 1024;
	struct bpfq_xval *v;

	if (x->n + more <= x->cap)
		return 0;
	while (cap < x->n + more)
		cap *= 2;
	v = realloc(x->v, cap * sizeof(*v));
	if (!v)
		return -1;
	x->v = v;
	x->cap = cap;
	return 0;
}

int exact_add(struct exact_values *x, i128 v, int item)
{
	if (reserve(x, 1))
		return -1;
	x->v[x->n++] = (struct bpfq_xval){ .lo = (uint64_t)v, .hi = (int64_t)((u128)v >> 64),
					   .item = (uint64_t)item };
	return 0;
}

int exact_add_all(struct exact_values *x, const struct bpfq_xval *v, size_t n)
{
	if (reserve(x, n))
		return -1;
	for (size_t i = 0; i < n; i++)
		x->v[x->n++] = v[i];
	return 0;
}

static int by_item_value(const void *pa, const void *pb)
{
	const struct bpfq_xval *a = pa, *b = pb;
	i128 va = num_from_words(a->lo, a->hi), vb = num_from_words(b->lo, b->hi);

	if (a->item != b->item)
		return a->item < b->item ? -1 : 1;
	return va < vb ? -1 : va > vb;
}

/* The first value of item's, or where it would be: x is sorted by item. */
static size_t first_of(const struct exact_values *x, uint64_t item)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->v[mid].item < item)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void exact_answer(const struct agg_desc *d, int naggs, struct exact_values *x, uint64_t *area)
{
	int off = 0;

	if (x->n)
		qsort(x->v, x->n, sizeof(*x->v), by_item_value);
	for (int i = 0; area && i < naggs; off += d[i++].words) {
		uint64_t *s = area + off;
		int src = d[i].share ? d[i].share - 1 : i;
		size_t from, n;
		u128 rank;

		if (d[i].kind != AGG_QUANTILE_EXACT)
			continue;
		from = first_of(x, (uint64_t)src);
		n = first_of(x, (uint64_t)src + 1) - from;
		s[0] = n;
		s[1] = s[2] = 0;
		if (!n)
			continue;
		rank = ((u128)n * (u128)d[i].q + BPFQ_SCALE - 1) / BPFQ_SCALE;
		rank = rank < 1 ? 1 : rank;
		s[1] = x->v[from + rank - 1].lo;
		s[2] = (uint64_t)x->v[from + rank - 1].hi;
	}
}

void exact_free(struct exact_values *x)
{
	free(x->v);
	*x = (struct exact_values){ 0 };
}
