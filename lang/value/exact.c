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

/* a < b, as the signed 128-bit values they hold. */
static bool less(const struct bpfq_xval *a, const struct bpfq_xval *b)
{
	return (int64_t)a->hi != (int64_t)b->hi ? (int64_t)a->hi < (int64_t)b->hi : a->lo < b->lo;
}

static void swap(struct bpfq_xval *a, struct bpfq_xval *b)
{
	struct bpfq_xval t = *a;

	*a = *b;
	*b = t;
}

/*
 * v[0..n) in place by item (all below naggs), each item's values
 * together, in item order; start[i] is where item i's begin, start[naggs]
 * is n. A bucket sort: each value moves at most once.
 */
static void group_items(struct bpfq_xval *v, size_t n, int naggs, size_t *start)
{
	size_t next[BPFQ_MAX_AGGS];

	for (int i = 0; i <= naggs; i++)
		start[i] = 0;
	for (size_t k = 0; k < n; k++)
		start[v[k].item + 1]++;
	for (int i = 0; i < naggs; i++) {
		start[i + 1] += start[i];
		next[i] = start[i];
	}
	for (int b = 0; b < naggs; b++)
		while (next[b] < start[b + 1]) {
			uint64_t t = v[next[b]].item;

			if (t == (uint64_t)b)
				next[b]++;
			else
				swap(&v[next[b]], &v[next[t]++]);
		}
}

/* The middle one of three values. */
static const struct bpfq_xval *middle(const struct bpfq_xval *a, const struct bpfq_xval *b,
				      const struct bpfq_xval *c)
{
	if (less(a, b))
		return less(b, c) ? b : less(a, c) ? c : a;
	return less(a, c) ? a : less(b, c) ? c : b;
}

/*
 * v[k] the value of rank k + 1 of v[0..n), the smaller ones before it and
 * the others after: a quickselect, three-way (many equal values are
 * common), about the middle of a random three (sorted input is common too).
 */
static void select_rank(struct bpfq_xval *v, size_t n, size_t k, uint64_t *seed)
{
	while (n > 1) {
		size_t lt = 0, i = 0, gt = n, r[3];
		struct bpfq_xval p;

		for (int t = 0; t < 3; t++) {
			*seed ^= *seed << 13, *seed ^= *seed >> 7, *seed ^= *seed << 17;
			r[t] = *seed % n;
		}
		p = *middle(&v[r[0]], &v[r[1]], &v[r[2]]);
		while (i < gt) {
			if (less(&v[i], &p))
				swap(&v[lt++], &v[i++]);
			else if (less(&p, &v[i]))
				swap(&v[i], &v[--gt]);
			else
				i++;
		}
		if (k < lt) {
			n = lt;
		} else if (k >= gt) {
			v += gt;
			k -= gt;
			n -= gt;
		} else {
			return;
		}
	}
}

/* The rank (1 to n) quantile q takes of n values, nearest rank: max(1, ceil(q * n)). */
static size_t rank_of(const struct agg_desc *d, size_t n)
{
	u128 rank = ((u128)n * (u128)d->q + BPFQ_SCALE - 1) / BPFQ_SCALE;

	return rank < 1 ? 1 : (size_t)rank;
}

static int by_size(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	return a < b ? -1 : a > b;
}

const uint64_t *exact_words(const struct agg_desc *d, const uint64_t *state)
{
	return d->keeps ? state + d->words - LAYOUT_EXACT_WORDS : NULL;
}

bool exact_estimated(const struct agg_desc *d, const uint64_t *state)
{
	return d->kind == AGG_QUANTILE && (!d->keeps || !exact_words(d, state)[0]);
}

/* How many values each item kept. */
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
		if (x->v[i].item < (uint64_t)naggs && !drop[x->v[i].item])
			x->v[n++] = x->v[i];
	x->n = n;
}

/* The value at rank max(1, ceil(q * n)) of n, or a median's two middle ones, into w. */
static void pick(const struct agg_desc *d, const struct bpfq_xval *v, size_t n, uint64_t *w)
{
	size_t a = rank_of(d, n) - 1, b = d->mid && n % 2 == 0 ? a + 1 : a;

	w[1] = v[a].lo;
	w[2] = (uint64_t)v[a].hi;
	w[3] = v[b].lo;
	w[4] = (uint64_t)v[b].hi;
}

/*
 * Item src's n values in place, each rank its quantiles (their shares
 * among them) pick at its place: selected in increasing order, each in
 * what is past the one before.
 */
static void select_ranks(const struct agg_desc *d, int naggs, int src, struct bpfq_xval *v,
			 size_t n)
{
	size_t ranks[2 * BPFQ_MAX_AGGS], nranks = 0, from = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	if (!n)
		return;
	for (int i = 0; i < naggs; i++) {
		if (!d[i].keeps || (d[i].share ? d[i].share - 1 : i) != src)
			continue;
		ranks[nranks++] = rank_of(&d[i], n) - 1;
		if (d[i].mid && n % 2 == 0)
			ranks[nranks++] = rank_of(&d[i], n);
	}
	qsort(ranks, nranks, sizeof(*ranks), by_size);
	for (size_t r = 0; r < nranks; r++) {
		if (ranks[r] < from)
			continue;
		select_rank(v + from, n - from, ranks[r] - from, &seed);
		from = ranks[r] + 1;
	}
}

void exact_answer(const struct agg_desc *d, int naggs, struct exact_values *x, uint64_t *area)
{
	size_t start[BPFQ_MAX_AGGS + 1];
	int off = 0;

	if (!area || naggs > BPFQ_MAX_AGGS)
		return;
	exact_prune(d, naggs, x, area);
	group_items(x->v, x->n, naggs, start);
	for (int i = 0; i < naggs; i++)
		if (d[i].keeps && !d[i].share && start[i + 1] > start[i])
			select_ranks(d, naggs, i, x->v + start[i], start[i + 1] - start[i]);
	for (int i = 0; i < naggs; off += d[i++].words) {
		uint64_t *w = area + off + d[i].words - LAYOUT_EXACT_WORDS;
		int src = d[i].share ? d[i].share - 1 : i;
		size_t n = start[src + 1] - start[src];

		if (!d[i].keeps)
			continue;
		for (int k = 0; k < LAYOUT_EXACT_WORDS; k++)
			w[k] = 0;
		if (!n)
			continue;
		w[0] = d[i].kind == AGG_QUANTILE_EXACT ? n : 1;
		pick(&d[i], x->v + start[src], n, w);
	}
}

void exact_free(struct exact_values *x)
{
	free(x->v);
	*x = (struct exact_values){ 0 };
}
