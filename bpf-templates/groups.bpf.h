/* SPDX-License-Identifier: MIT */
/*
 * by: one state per group, in a hash map the size user space sets
 * (--max-groups) before the load. Values start all zero (the states need
 * no identities), copied from a zero map; BPF_F_NO_PREALLOC keeps the
 * memory to the groups there are.
 */
#ifndef BPFQ_GROUPS_H
#define BPFQ_GROUPS_H

#include "prelude.bpf.h"

struct bpfq_group_value {
	__u64 area[BPFQ_GROUP_WORDS];
};

BPFQ_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);		/* set by user space */
	__uint(key_size, BPFQ_GROUP_KEY_SIZE);	/* a struct bpfq_key's first bytes */
	__type(value, struct bpfq_group_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} bpfq_groups SEC(".maps");

BPFQ_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfq_group_value);
} bpfq_zero SEC(".maps");

#if BPFQ_KEY_LONGS
/* The texts of the keys longer than the group key holds, by what it holds of them. */
BPFQ_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFQ_KEY_LONGS);	/* times --max-groups, by user space */
	__type(key, struct bpfq_keytext_id);
	__type(value, struct bpfq_keytext);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} bpfq_keytexts SEC(".maps");

/*
 * Whether a and b hold the same len bytes (past them, whatever a longer
 * text left): the whole words, then the last one's bytes. A loop with one
 * exit on the count, so the verifier walks it once a word.
 */
static __always_inline int bpfq_keytext_same(const struct bpfq_keytext *a,
					     const struct bpfq_keytext *b, __u32 len)
{
	__u32 words = len / 8, i;
	__u64 x, y;

#pragma clang loop unroll(disable)
	for (i = 0; i < words && i < BPFQ_KEY_LONG / 8; i++)
		if (*(const __u64 *)(a->bytes + i * 8) != *(const __u64 *)(b->bytes + i * 8))
			return 0;
	if (!(len % 8))
		return 1;
	i = words & (BPFQ_KEY_LONG / 8 - 1);
	x = bpfq_text_word(*(const __u64 *)(a->bytes + i * 8), len % 8);
	y = bpfq_text_word(*(const __u64 *)(b->bytes + i * 8), len % 8);
	return x == y;
}

/*
 * A text key longer than the cap bytes its key holds (at off in the key's
 * bytes, its whole text in keytext[k]): the hash into the key's last 8 of
 * them, and the text into the map of texts, unless one is there already
 * under the same id: then it must be the same text, or the two would be
 * one group. 0, or the error. The map's key and value go to the helpers
 * from the state's map value, as bpfq_group()'s key does. Global: the
 * verifier walks its loop once, not at each record's path.
 */
BPFQ_GLOBAL int bpfq_key_text_long(struct bpfq_value *sv, int k, int off, __u32 len, __u32 cap)
{
	struct bpfq_keytext *v, *t;
	struct bpfq_keytext_id *id;
	struct bpfq_value *mine;
	__u32 slot;
	__u8 *text;

	if (!sv)
		return BPFQ_ERR_GROUPS;
	slot = sv->st.target.slot;
	if (k < 0 || k >= BPFQ_MAX_KEYS || off < 0 || off > BPFQ_KEYS_BYTES - BPFQ_KEY_MAX ||
	    cap < 16 || cap > BPFQ_KEY_MAX || len > BPFQ_KEY_LONG)
		return BPFQ_ERR_KEY;
	mine = bpf_map_lookup_elem(&bpfq_state_map, &slot);
	if (!mine)
		return BPFQ_ERR_GROUPS;
	t = &mine->st.parse.keytext[k];
	t->len = len;
	text = mine->st.parse.rec.key.bytes + off;
	*(__u64 *)(text + ((cap - 8) & (BPFQ_KEY_MAX - 8))) = t->hash;
	id = &mine->st.parse.keyid;
	__builtin_memset(id, 0, sizeof(*id));
	id->len = len;
	id->cap = cap;
	__builtin_memcpy(id->bytes, text, 16);
	if (cap > 16)
		__builtin_memcpy(id->bytes + 16, text + 16, 16);
	if (cap > 32)
		__builtin_memcpy(id->bytes + 32, text + 32, 32);
	v = bpf_map_lookup_elem(&bpfq_keytexts, id);
	if (!v) {
		if (!bpf_map_update_elem(&bpfq_keytexts, id, t, BPF_NOEXIST))
			return 0;
		v = bpf_map_lookup_elem(&bpfq_keytexts, id);
		if (!v)
			return BPFQ_ERR_GROUPS;
	}
	return bpfq_keytext_same(v, t, len) ? 0 : BPFQ_ERR_KEYSAME;
}

/* The common case, a text its key holds, needs no call. */
static __always_inline int bpfq_key_text(struct bpfq_state *st, int k, int off, __u32 len,
					 __u32 cap)
{
	return len <= cap ? 0 : bpfq_key_text_long((struct bpfq_value *)st, k, off, len, cap);
}
#endif

/*
 * The group of the record's key (st->parse.rec.key); NULL when the map is
 * full (or out of memory): an error, not a drop. The key goes to the
 * helpers from the state's map value: in a global function the state is
 * plain memory to the verifier, and kernels before 6.13 or so (6.1, 6.12)
 * take a map key only from the stack or a map value (a copy on the stack
 * would pass 6.1's 512 bytes of stack over the calls).
 */
static __always_inline __u64 *bpfq_group(struct bpfq_state *st)
{
	struct bpfq_group_value *v;
	struct bpfq_value *mine;
	__u32 zero = 0, slot = st->target.slot;
	struct bpfq_key *key;

	mine = bpf_map_lookup_elem(&bpfq_state_map, &slot);
	if (!mine)
		return NULL;
	key = &mine->st.parse.rec.key;
	key->reader = st->target.reader;
	v = bpf_map_lookup_elem(&bpfq_groups, key);
	if (v)
		return v->area;
	v = bpf_map_lookup_elem(&bpfq_zero, &zero);
	if (!v || bpf_map_update_elem(&bpfq_groups, key, v, BPF_NOEXIST))
		return NULL;
	v = bpf_map_lookup_elem(&bpfq_groups, key);
	return v ? v->area : NULL;
}

/* A value's key: an integer (also a decimal with no fraction) as 8 bytes, else 16. */
static __always_inline struct bpfq_key *bpfq_clear_key(struct bpfq_state *st)
{
	struct bpfq_key *key = &st->parse.rec.key;

	__builtin_memset(key, 0, BPFQ_GROUP_KEY_SIZE);
	return key;
}

static __always_inline __u64 *bpfq_group_int(struct bpfq_state *st, __s64 x)
{
	struct bpfq_key *key = bpfq_clear_key(st);

	key->kind = BPFQ_K_INT;
	key->len = 8;
	*(__s64 *)key->bytes = x;
	return bpfq_group(st);
}

static __always_inline __u64 *bpfq_group_dec(struct bpfq_state *st, struct bpfq_d v, int null)
{
	struct bpfq_d m = v.hi < 0 ? bpfq_d_negate(v) : v;
	__u64 hi = (__u64)m.hi, lo = m.lo, rem;
	struct bpfq_key *key;

	if (null) {
		key = bpfq_clear_key(st);
		key->kind = BPFQ_K_MISSING;
		return bpfq_group(st);
	}
	bpfq_div_scale(&hi, &lo, &rem);
	if (!rem)
		return bpfq_group_int(st, bpfq_d_floor(v));
	key = bpfq_clear_key(st);
	key->kind = BPFQ_K_DEC;
	key->len = 16;
	*(__u64 *)key->bytes = v.lo;
	*(__s64 *)(key->bytes + 8) = v.hi;
	return bpfq_group(st);
}

/*
 * Several keys: a value into its segment at off (a constant of the
 * query's code): NULL, an integer (a decimal with no fraction too), or a
 * decimal, as a single key's bpfq_group_dec() tells them apart.
 */
static __always_inline void bpfq_key_value(struct bpfq_state *st, int off, struct bpfq_d v,
					   int null)
{
	struct bpfq_d m = v.hi < 0 ? bpfq_d_negate(v) : v;
	__u64 hi = (__u64)m.hi, lo = m.lo, rem;
	__u64 *w;

	if (off < 0 || off > BPFQ_KEYS_BYTES - BPFQ_SEG_NUM)
		return;
	w = (__u64 *)(st->parse.rec.key.bytes + off);
	w[0] = BPFQ_K_MISSING;
	w[1] = 0;
	w[2] = 0;
	if (null)
		return;
	bpfq_div_scale(&hi, &lo, &rem);
	if (!rem) {
		w[0] = BPFQ_K_INT;
		w[1] = (__u64)bpfq_d_floor(v);
		return;
	}
	w[0] = BPFQ_K_DEC;
	w[1] = v.lo;
	w[2] = (__u64)v.hi;
}

/* Several keys: their segments are filled; the group of them all. */
static __always_inline __u64 *bpfq_group_keys(struct bpfq_state *st, int len)
{
	st->parse.rec.key.kind = BPFQ_K_KEYS;
	st->parse.rec.key.len = len;
	return bpfq_group(st);
}

#endif /* BPFQ_GROUPS_H */
