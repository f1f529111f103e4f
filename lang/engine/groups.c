// SPDX-License-Identifier: MIT
/* An open-addressing hash table of groups; it doubles at half full. */
#include <stdlib.h>
#include <string.h>

#include "lang/engine/groups.h"
#include "lang/engine/keytext.h"
#include "lang/value/aggs.h"
#include "lang/value/num.h"

struct groups {
	int words;
	long n, cap;
	struct group *slots;	/* area NULL: empty */
	struct group *sorted;	/* groups_sorted()'s copy */
};

struct groups *groups_new(int words)
{
	struct groups *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->words = words;
	g->cap = 64;
	g->slots = calloc(g->cap, sizeof(*g->slots));
	if (!g->slots) {
		free(g);
		return NULL;
	}
	return g;
}

void groups_free(struct groups *g)
{
	if (!g)
		return;
	for (long i = 0; i < g->cap; i++)
		free(g->slots[i].area);
	free(g->slots);
	free(g->sorted);
	free(g);
}

/* The bytes a key holds: a long text's first and its hash (bpfq_state.h), not len. */
static uint32_t held(const struct bpfq_key *k)
{
	uint32_t n = k->kind == BPFQ_K_EMPTY && k->len > BPFQ_KEY_MAX ? BPFQ_KEY_MAX : k->len;

	return n < BPFQ_KEYS_BYTES ? n : BPFQ_KEYS_BYTES;
}

static uint64_t key_hash(const struct bpfq_key *k)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ k->kind;
	const uint8_t *b = k->bytes;

	for (uint32_t i = 0; i < held(k); i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h ^ k->len;
}

static bool key_equal(const struct bpfq_key *a, const struct bpfq_key *b)
{
	return a->kind == b->kind && a->len == b->len && !memcmp(a->bytes, b->bytes, held(a));
}

static struct group *find(struct group *slots, long cap, const struct bpfq_key *k)
{
	long i = (long)(key_hash(k) & (uint64_t)(cap - 1));

	while (slots[i].area && !key_equal(&slots[i].key, k))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct groups *g)
{
	long cap = g->cap * 2;
	struct group *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (long i = 0; i < g->cap; i++)
		if (g->slots[i].area)
			*find(slots, cap, &g->slots[i].key) = g->slots[i];
	free(g->slots);
	g->slots = slots;
	g->cap = cap;
	return 0;
}

static struct bpfq_key normal(const struct bpfq_key *key)
{
	struct bpfq_key k = *key;

	k.reader = 0;
	k.pad = 0;
	return k;
}

uint64_t *groups_find(struct groups *g, const struct bpfq_key *key)
{
	struct bpfq_key k = normal(key);

	return find(g->slots, g->cap, &k)->area;
}

uint64_t *groups_get(struct groups *g, const struct bpfq_key *key, bool *added)
{
	struct bpfq_key k = normal(key);
	struct group *slot;

	*added = false;
	if (2 * (g->n + 1) > g->cap && grow(g))
		return NULL;
	slot = find(g->slots, g->cap, &k);
	if (slot->area)
		return slot->area;
	slot->area = calloc(g->words ? g->words : 1, sizeof(uint64_t));
	if (!slot->area)
		return NULL;
	slot->key = k;
	g->n++;
	*added = true;
	return slot->area;
}

uint32_t seg_len(const uint8_t *seg)
{
	return seg[BPFQ_SEG_LEN] | (uint32_t)seg[BPFQ_SEG_LEN + 1] << 8;
}

uint32_t keys_segment(const struct bpfq_key *k, int i, uint32_t *off)
{
	uint32_t size = 0;

	*off = 0;
	for (int n = 0; n <= i; n++, *off += size) {
		if (*off + BPFQ_SEG_HEAD > k->len || *off + BPFQ_SEG_HEAD > BPFQ_KEYS_BYTES)
			return 0;
		size = BPFQ_SEG_CAP(k->bytes[*off]) ? BPFQ_SEG_TEXT(BPFQ_SEG_CAP(k->bytes[*off]))
						    : BPFQ_SEG_NUM;
		if (*off + size > k->len)
			return 0;
	}
	*off -= size;
	return size;
}

bool keys_get(const struct bpfq_key *k, int i, struct bpfq_key *out)
{
	uint32_t off, size = keys_segment(k, i, &off);

	memset(out, 0, sizeof(*out));
	if (!size)
		return false;
	out->kind = k->bytes[off] & 0xf;
	if (BPFQ_SEG_CAP(k->bytes[off])) {
		out->len = seg_len(k->bytes + off);
		out->pad = size - BPFQ_SEG_HEAD;	/* the cap, for keys_text() */
	} else {
		out->len = out->kind == BPFQ_K_INT || out->kind == BPFQ_K_TIME ||
			   out->kind == BPFQ_K_CLOCK ? 8 :
			   out->kind == BPFQ_K_DEC ? 16 : 0;
	}
	memcpy(out->bytes, k->bytes + off + BPFQ_SEG_HEAD,
	       out->len < size - BPFQ_SEG_HEAD ? out->len : size - BPFQ_SEG_HEAD);
	return true;
}

const uint8_t *keys_text(const struct bpfq_key *k, uint32_t *len)
{
	uint32_t cap = k->pad ? k->pad : BPFQ_KEY_MAX;

	*len = k->len;
	if (k->kind != BPFQ_K_EMPTY || k->len <= cap)
		return k->bytes;
	return keytext_get(k->bytes, k->len, cap);
}

/* A single key as a segment at out's end: a text one as text, a value or NULL as a value. */
static bool put_single(struct bpfq_key *out, const struct bpfq_key *k)
{
	uint32_t size = k->kind == BPFQ_K_EMPTY ? BPFQ_SEG_TEXT(BPFQ_KEY_MAX) : BPFQ_SEG_NUM;
	uint8_t *seg = out->bytes + out->len;

	if (out->len + size > BPFQ_KEYS_BYTES || k->len > BPFQ_KEY_LONG)
		return false;
	memset(seg, 0, size);
	seg[0] = k->kind == BPFQ_K_EMPTY ? BPFQ_SEG_CODE(BPFQ_KEY_MAX) | BPFQ_K_EMPTY : k->kind;
	if (k->kind == BPFQ_K_EMPTY) {
		seg[BPFQ_SEG_LEN] = k->len & 0xff;
		seg[BPFQ_SEG_LEN + 1] = k->len >> 8;
	}
	memcpy(seg + BPFQ_SEG_HEAD, k->bytes, held(k));
	out->len += size;
	return true;
}

/* Key i of k, one key or several, at out's end. */
static bool put_key(struct bpfq_key *out, const struct bpfq_key *k, int i)
{
	uint32_t off, size;

	if (k->kind != BPFQ_K_KEYS)
		return put_single(out, k);
	size = keys_segment(k, i, &off);
	if (!size || out->len + size > BPFQ_KEYS_BYTES)
		return false;
	memcpy(out->bytes + out->len, k->bytes + off, size);
	out->len += size;
	return true;
}

bool keys_insert_text(const struct bpfq_key *k, int pos, const char *text, uint32_t len,
		      struct bpfq_key *out)
{
	struct bpfq_key t = { .kind = BPFQ_K_EMPTY, .len = len };
	uint32_t off;
	int n = 1;
	bool ok = len <= BPFQ_KEY_MAX;

	while (k->kind == BPFQ_K_KEYS && keys_segment(k, n, &off))
		n++;
	memset(out, 0, sizeof(*out));
	out->kind = BPFQ_K_KEYS;
	if (ok)
		memcpy(t.bytes, text, len);
	for (int i = 0; ok && i <= n; i++) {
		if (i == pos)
			ok = put_single(out, &t);
		if (ok && i < n)
			ok = put_key(out, k, i);
	}
	return ok;
}

void keys_put_value(uint8_t *seg, bool null, __int128 v)
{
	memset(seg, 0, BPFQ_SEG_NUM);
	if (null) {
		seg[0] = BPFQ_K_MISSING;
	} else if (v % (i128)BPFQ_SCALE == 0) {
		int64_t i = (int64_t)(v / (i128)BPFQ_SCALE);

		seg[0] = BPFQ_K_INT;
		memcpy(seg + BPFQ_SEG_HEAD, &i, sizeof(i));
	} else {
		seg[0] = BPFQ_K_DEC;
		memcpy(seg + BPFQ_SEG_HEAD, &v, sizeof(v));
	}
}

long groups_count(const struct groups *g)
{
	return g->n;
}

/* Values (INT, DEC) first, by value; then text, bytewise; then NULL. */
static int rank(const struct bpfq_key *k)
{
	return k->kind == BPFQ_K_INT || k->kind == BPFQ_K_DEC ? 0 : k->kind == BPFQ_K_EMPTY ? 1 : 2;
}

static i128 key_value(const struct bpfq_key *k)
{
	int64_t i;
	i128 d;

	if (k->kind == BPFQ_K_INT) {
		memcpy(&i, k->bytes, sizeof(i));
		return (i128)i * BPFQ_SCALE;
	}
	memcpy(&d, k->bytes, sizeof(d));
	return d;
}

static int compare_key(const struct bpfq_key *a, const struct bpfq_key *b)
{
	int ra = rank(a), rb = rank(b), c;
	const uint8_t *ta, *tb;
	uint32_t la, lb;

	if (ra != rb)
		return ra - rb;
	if (ra == 0) {
		i128 va = key_value(a), vb = key_value(b);

		return va < vb ? -1 : va > vb;
	}
	ta = keys_text(a, &la);
	tb = keys_text(b, &lb);
	if (!ta || !tb)
		return !ta - !tb;
	c = memcmp(ta, tb, la < lb ? la : lb);
	return c ? c : (int)la - (int)lb;
}

int keys_compare(const struct bpfq_key *a, const struct bpfq_key *b, int i)
{
	struct bpfq_key ka, kb;

	if (!keys_get(a, i, &ka) || !keys_get(b, i, &kb))
		return 0;
	return compare_key(&ka, &kb);
}

/* Several keys: by the first, then the second, and so on. */
static int compare(const void *pa, const void *pb)
{
	const struct bpfq_key *a = &((const struct group *)pa)->key;
	const struct bpfq_key *b = &((const struct group *)pb)->key;
	struct bpfq_key ka, kb;
	int c = 0;

	if (a->kind != BPFQ_K_KEYS || b->kind != BPFQ_K_KEYS)
		return compare_key(a, b);
	for (int i = 0; !c && keys_get(a, i, &ka) && keys_get(b, i, &kb); i++)
		c = compare_key(&ka, &kb);
	return c;
}

struct group *groups_sorted(struct groups *g, long *n)
{
	long k = 0;

	free(g->sorted);
	g->sorted = malloc((g->n ? g->n : 1) * sizeof(*g->sorted));
	if (!g->sorted)
		return NULL;
	for (long i = 0; i < g->cap; i++)
		if (g->slots[i].area)
			g->sorted[k++] = g->slots[i];
	qsort(g->sorted, k, sizeof(*g->sorted), compare);
	*n = k;
	return g->sorted;
}
