/* SPDX-License-Identifier: MIT */
/*
 * The whole texts of the text keys longer than a group key holds
 * (bpfq_state.h struct bpfq_key): the key keeps their first cap - 8 bytes,
 * their length and the hash of the rest; this table gives the text back
 * for printing and ordering, and finds two texts that the key would take
 * for one. One table for the process: the kernel's map, the evaluator, the
 * partials of a merge all put theirs here; keytext_reset() empties it
 * between queries.
 */
#ifndef BPFQ_KEYTEXT_H
#define BPFQ_KEYTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf-templates/bpfq_state.h"

/* The hash of a long text key's bytes past its first cap - 8, as the kernel folds it. */
uint64_t keytext_hash(const uint8_t *text, uint32_t len, uint32_t cap);

/* What a key holds of text[0..len) (len > cap): its first cap - 8 bytes, then the hash. */
void keytext_id(const uint8_t *text, uint32_t len, uint32_t cap, uint8_t *id);

/*
 * text[0..len) (cap < len <= BPFQ_KEY_LONG) under its id: 0; BPFQ_ERR_KEYSAME
 * when another text has that id; -1 out of memory.
 */
int keytext_put(const uint8_t *text, uint32_t len, uint32_t cap);

/* The text whose key holds id (cap bytes) and len, or NULL. */
const uint8_t *keytext_get(const uint8_t *id, uint32_t len, uint32_t cap);

/* Every text, in no order: fn(text, len, cap, ctx); stops at a nonzero return. */
int keytext_each(int (*fn)(const uint8_t *text, uint32_t len, uint32_t cap, void *ctx), void *ctx);

void keytext_reset(void);

#endif /* BPFQ_KEYTEXT_H */
