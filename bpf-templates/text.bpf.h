/* SPDX-License-Identifier: MIT */
/*
 * Text comparisons: a field's text (struct bpfq_text, which the parser
 * keeps, parse_fields.bpf.h) against the query's strings. The strings'
 * bytes are in bpfq_lits, in .rodata, which user space fills before the
 * load (runtime/loader.c): the C holds only their offsets and lengths,
 * never a byte of the query. lang/engine/eval.c states the same rules.
 */
#ifndef BPFQ_TEXT_H
#define BPFQ_TEXT_H

/* The records' code runs in the first part only (no fast path with text). */
#if BPFQ_PART != 2
const volatile __u8 bpfq_lits[BPFQ_LITS_MAX] = {};

/* Text k is NULL: its field is missing from the record, or empty. */
static __always_inline int bpfq_text_null(const struct bpfq_state *st, int k)
{
	const struct bpfq_text *t = &st->parse.texts[k & (BPFQ_MAX_TEXTS - 1)];

	return !t->present || !t->len;
}

/*
 * Text k against the string of len bytes at off: <0, 0 or >0, as memcmp
 * of their common length, then the shorter first. The field keeps its
 * first BPFQ_TEXT_MAX bytes and a string is no longer, so that is exact.
 * A global function: the verifier walks its loop once, not at each
 * comparison of the query.
 */
BPFQ_GLOBAL int bpfq_text_cmp(struct bpfq_value *sv, int k, __u32 off, __u32 len)
{
	const struct bpfq_text *t;
	__u32 n;

	if (!sv)
		return 0;
	t = &sv->st.parse.texts[k & (BPFQ_MAX_TEXTS - 1)];
	n = t->len < len ? t->len : len;
	for (__u32 i = 0; i < n && i < BPFQ_TEXT_MAX; i++) {
		__u8 a = t->bytes[i & (BPFQ_TEXT_MAX - 1)];
		__u8 b = bpfq_lits[(off + i) & (BPFQ_LITS_MAX - 1)];

		if (a != b)
			return a < b ? -1 : 1;
	}
	return t->len < len ? -1 : t->len > len;
}

/*
 * Text k's hash for count_distinct (bpfq_state.h bpfq_text_hash_end()),
 * lang/value/aggs.c agg_text_hash() the same. Global: its loop is walked
 * once.
 */
BPFQ_GLOBAL __u64 bpfq_text_hash(struct bpfq_value *sv, int k)
{
	const struct bpfq_text *t;
	__u64 h = BPFQ_JSON_H1;

	if (!sv)
		return 0;
	t = &sv->st.parse.texts[k & (BPFQ_MAX_TEXTS - 1)];
	for (__u32 i = 0; i < t->len && i < BPFQ_TEXT_MAX; i += 8) {
		__u64 w = ((const __u64 *)t->bytes)[(i / 8) & (BPFQ_TEXT_MAX / 8 - 1)];

		h = bpfq_json_fold2(h, bpfq_text_word(w, t->len - i));
	}
	return bpfq_fmix64(bpfq_text_hash_end(h, t->len, t->tail));
}

/*
 * min (max 0) or max (max 1) of text k into a (bpfq_state.h struct
 * bpfq_textagg; lang/value/aggs.c agg_fold_text() the same).
 */
BPFQ_GLOBAL int bpfq_text_minmax(struct bpfq_value *sv, int k, struct bpfq_textagg *a, int max)
{
	const struct bpfq_text *t;
	int c = 0;
	__u32 n;

	if (!sv || !a)
		return 0;
	t = &sv->st.parse.texts[k & (BPFQ_MAX_TEXTS - 1)];
	if (a->count++) {
		n = t->len < a->len ? t->len : a->len;
		for (__u32 i = 0; i < n && i < BPFQ_TEXT_MAX; i++) {
			__u8 x = t->bytes[i & (BPFQ_TEXT_MAX - 1)], y = a->bytes[i & (BPFQ_TEXT_MAX - 1)];

			if (x != y) {
				c = x < y ? -1 : 1;
				break;
			}
		}
		if (!c && (t->len <= BPFQ_TEXT_MAX || a->len <= BPFQ_TEXT_MAX))
			c = t->len < a->len ? -1 : t->len > a->len;
		if (max ? c <= 0 : c >= 0)
			return 0;
	}
	for (int i = 0; i < BPFQ_TEXT_MAX / 8; i++)
		((__u64 *)a->bytes)[i] = ((const __u64 *)t->bytes)[i];
	a->len = t->len;
	return 0;
}

/* A pattern position's meaning (bpfq_pat()): beside the bytes 0..255. */
#define BPFQ_PAT_STAR 256	/* any bytes: '%', or the lead or trail of contains ... */
#define BPFQ_PAT_ANY 257	/* one byte: '_' */
#define BPFQ_PAT_NONE 0xffffffffU

/*
 * The match's positions are in the map (st->parse.match), not on the
 * stack: the verifier tracks stack slots exactly and would walk the loop
 * once per value; map memory it does not track, so the step is checked
 * once.
 */
struct bpfq_match_ctx {
	struct bpfq_match *s;
	const struct bpfq_text *t;
};

static __always_inline __u32 bpfq_fold(__u32 b, __u32 match)
{
	return (match & BPFQ_MATCH_CI) && b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b;
}

/* The pattern: the string, a star before it (LEAD) and after it (TRAIL). */
static __always_inline __u32 bpfq_pat(const struct bpfq_match *c, __u32 j)
{
	__u32 lead = !!(c->flags & BPFQ_MATCH_LEAD), b;

	if (lead && j == 0)
		return BPFQ_PAT_STAR;
	if ((c->flags & BPFQ_MATCH_TRAIL) && j == c->m - 1)
		return BPFQ_PAT_STAR;
	b = bpfq_lits[(c->off + j - lead) & (BPFQ_LITS_MAX - 1)];
	if ((c->flags & BPFQ_MATCH_WILD) && b == '%')
		return BPFQ_PAT_STAR;
	if ((c->flags & BPFQ_MATCH_WILD) && b == '_')
		return BPFQ_PAT_ANY;
	return bpfq_fold(b, c->flags);
}

/*
 * One step of the two-position match (lang/value/values.c states it): a
 * mismatch after a star retries one byte further along the text, so the
 * steps are at most about n * m; no backtracking over every star.
 */
static long bpfq_match_step(__u64 k, void *data)
{
	struct bpfq_match_ctx *x = data;
	struct bpfq_match *c = x->s;
	__u32 p, b;

	if (!c || !x->t)
		return 1;
	p = c->j < c->m ? bpfq_pat(c, c->j) : BPFQ_PAT_NONE;

	if (c->i >= c->n) {
		if (p == BPFQ_PAT_STAR) {
			c->j++;
			return 0;
		}
		c->result = c->j >= c->m;
		return 1;
	}
	b = bpfq_fold(x->t->bytes[c->i & (BPFQ_TEXT_MAX - 1)], c->flags);
	if (p == BPFQ_PAT_STAR) {
		c->star = c->j++;
		c->mark = c->i;
	} else if (p == BPFQ_PAT_ANY || p == b) {
		c->i++;
		c->j++;
	} else if (c->star != BPFQ_PAT_NONE) {
		c->j = c->star + 1;
		c->i = ++c->mark;
	} else {
		c->result = 0;
		return 1;
	}
	return 0;
}

/*
 * Text k matches the string of len bytes at off as match says (like,
 * ilike, starts_with, ...): 1 or 0; -1 for a field longer than the bytes
 * kept, but for starts_with, which needs no more than the string's.
 * Inlined: as a function of its own it would be one frame too many under
 * a fast line's emit (8 at most: hook, parser, its loop's step, the line,
 * the general path, this, the loop's step).
 */
static __always_inline int bpfq_text_match(struct bpfq_value *sv, int k, __u32 off, __u32 len, __u32 match)
{
	struct bpfq_match_ctx x;
	struct bpfq_match *c;
	__u32 n, m;

	if (!sv || len > BPFQ_TEXT_MAX)
		return 0;
	x.t = &sv->st.parse.texts[k & (BPFQ_MAX_TEXTS - 1)];
	x.s = c = &sv->st.parse.match;
	if (x.t->len > BPFQ_TEXT_MAX && match != BPFQ_MATCH_TRAIL)
		return -1;
	n = x.t->len < BPFQ_TEXT_MAX ? x.t->len : BPFQ_TEXT_MAX;
	m = len + !!(match & BPFQ_MATCH_LEAD) + !!(match & BPFQ_MATCH_TRAIL);
	*c = (struct bpfq_match){ .star = BPFQ_PAT_NONE, .n = n, .m = m, .off = off,
				  .flags = match };
	bpf_loop((n + 1) * (m + 1) + m + 1, bpfq_match_step, &x, 0);
	return c->result;
}
#endif

#endif /* BPFQ_TEXT_H */
