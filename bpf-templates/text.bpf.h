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
#endif

#endif /* BPFQ_TEXT_H */
