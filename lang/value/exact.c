// SPDX-License-Identifier: MIT
#include <stdlib.h>

#include "lang/value/exact.h"
#include "lang/value/layout.h"

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

const uint64_t *exact_words(const struct agg_desc *d, const uint64_t *state)
{
	return d->keeps ? state + d->words - LAYOUT_EXACT_WORDS : NULL;
}

bool exact_estimated(const struct agg_desc *d, const uint64_t *state)
{
	return d->kind == AGG_QUANTILE && (!d->keeps || !exact_words(d, state)[0]);
}

/* How many values each item kept: x unsorted. */
static void count_items(const struct exact_values *x, size_t *kept, int naggs)
{
	for (int i = 0; i < naggs; i++)
		kept[i] = 0;
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i].item < (uint64_t)naggs)
			kept[x->v[i].item]++;
}

/* Whether item i's values all were kept: quantile_exact's always (more is an error). */
static bool all_kept(const struct agg_desc *d, const uint64_t *state, size_t kept)
{
	return d->kind == AGG_QUANTILE_EXACT || (kept && kept == state[0]);
}

void exact_prune(const struct agg_desc *d, int naggs, struct exact_values *x, const uint64_t *area)
{
	size_t kept[BPFQ_MAX_AGGS], n = 0;
	bool drop[BPFQ_MAX_AGGS] = { 0 };
	int off = 0;

	if (!area || naggs > BPFQ_MAX_AGGS)
		return;
	count_items(x, kept, naggs);
	for (int i = 0; i < naggs; off += d[i++].words)
		drop[i] = d[i].keeps && !d[i].share && !all_kept(&d[i], area + off, kept[i]);
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i].item >= (uint64_t)naggs || !drop[x->v[i].item])
			x->v[n++] = x->v[i];
	x->n = n;
}

/* The value at rank max(1, ceil(q * n)) of n, or a median's two middle ones, into w. */
static void pick(const struct agg_desc *d, const struct bpfq_xval *v, size_t n, uint64_t *w)
{
	u128 rank = ((u128)n * (u128)d->q + BPFQ_SCALE - 1) / BPFQ_SCALE;
	size_t a, b;

	rank = rank < 1 ? 1 : rank;
	a = b = (size_t)rank - 1;
	if (d->mid && n % 2 == 0)
		b = a + 1;
	w[1] = v[a].lo;
	w[2] = (uint64_t)v[a].hi;
	w[3] = v[b].lo;
	w[4] = (uint64_t)v[b].hi;
}

void exact_answer(const struct agg_desc *d, int naggs, struct exact_values *x, uint64_t *area)
{
	int off = 0;

	if (!area)
		return;
	exact_prune(d, naggs, x, area);
	if (x->n)
		qsort(x->v, x->n, sizeof(*x->v), by_item_value);
	for (int i = 0; i < naggs; off += d[i++].words) {
		uint64_t *w = area + off + d[i].words - LAYOUT_EXACT_WORDS;
		int src = d[i].share ? d[i].share - 1 : i;
		size_t from, n;

		if (!d[i].keeps)
			continue;
		from = first_of(x, (uint64_t)src);
		n = first_of(x, (uint64_t)src + 1) - from;
		for (int k = 0; k < LAYOUT_EXACT_WORDS; k++)
			w[k] = 0;
		if (!n)
			continue;
		w[0] = d[i].kind == AGG_QUANTILE_EXACT ? n : 1;
		pick(&d[i], x->v + from, n, w);
	}
}

void exact_free(struct exact_values *x)
{
	free(x->v);
	*x = (struct exact_values){ 0 };
}
