// SPDX-License-Identifier: MIT
/* The long text keys' texts: an open-addressing table by id; it doubles at half full. */
#include <stdlib.h>
#include <string.h>

#include "lang/engine/keytext.h"

struct entry {
	uint32_t len, cap;
	uint8_t id[BPFQ_KEY_MAX];
	uint8_t *text;		/* NULL: empty */
};

static struct entry *table;
static size_t table_cap, table_n;

uint64_t keytext_hash(const uint8_t *text, uint32_t len, uint32_t cap)
{
	uint64_t h = BPFQ_KEY_H0;

	for (uint32_t i = cap - 8; i < len; i++)
		h = bpfq_json_fold1(h, text[i]);
	return h;
}

void keytext_id(const uint8_t *text, uint32_t len, uint32_t cap, uint8_t *id)
{
	uint64_t h = keytext_hash(text, len, cap);

	memcpy(id, text, cap - 8);
	memcpy(id + cap - 8, &h, sizeof(h));
}

static size_t slot_of(const uint8_t *id, uint32_t len, uint32_t cap)
{
	uint64_t h;

	memcpy(&h, id + cap - 8, sizeof(h));
	return (size_t)bpfq_fmix64(h ^ len ^ (uint64_t)cap << 32);
}

static struct entry *find(struct entry *t, size_t n, const uint8_t *id, uint32_t len, uint32_t cap)
{
	size_t i = slot_of(id, len, cap) & (n - 1);

	while (t[i].text && !(t[i].len == len && t[i].cap == cap && !memcmp(t[i].id, id, cap)))
		i = (i + 1) & (n - 1);
	return &t[i];
}

static int grow(void)
{
	size_t n = table_cap ? 2 * table_cap : 64;
	struct entry *t = calloc(n, sizeof(*t));

	if (!t)
		return -1;
	for (size_t i = 0; i < table_cap; i++)
		if (table[i].text)
			*find(t, n, table[i].id, table[i].len, table[i].cap) = table[i];
	free(table);
	table = t;
	table_cap = n;
	return 0;
}

int keytext_put(const uint8_t *text, uint32_t len, uint32_t cap)
{
	uint8_t id[BPFQ_KEY_MAX] = { 0 };
	struct entry *e;

	keytext_id(text, len, cap, id);
	if (2 * (table_n + 1) > table_cap && grow())
		return -1;
	e = find(table, table_cap, id, len, cap);
	if (e->text)
		return memcmp(e->text, text, len) ? BPFQ_ERR_KEYSAME : 0;
	if (!(e->text = malloc(len)))
		return -1;
	memcpy(e->text, text, len);
	memcpy(e->id, id, sizeof(id));
	e->len = len;
	e->cap = cap;
	table_n++;
	return 0;
}

const uint8_t *keytext_get(const uint8_t *id, uint32_t len, uint32_t cap)
{
	uint8_t full[BPFQ_KEY_MAX] = { 0 };

	if (!table_cap || cap < 16 || cap > BPFQ_KEY_MAX)
		return NULL;
	memcpy(full, id, cap);
	return find(table, table_cap, full, len, cap)->text;
}

int keytext_each(int (*fn)(const uint8_t *text, uint32_t len, uint32_t cap, void *ctx), void *ctx)
{
	int err = 0;

	for (size_t i = 0; i < table_cap && !err; i++)
		if (table[i].text)
			err = fn(table[i].text, table[i].len, table[i].cap, ctx);
	return err;
}

void keytext_reset(void)
{
	for (size_t i = 0; i < table_cap; i++)
		free(table[i].text);
	free(table);
	table = NULL;
	table_cap = table_n = 0;
}
