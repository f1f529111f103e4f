/* SPDX-License-Identifier: MIT */
/*
 * The groups of a 'by' query in user space: key -> the aggregates' area.
 * The evaluator fills one; the kernel engine gathers the BPF map's groups
 * (one per reader) into one; bpfq merge joins those of many hosts.
 */
#ifndef BPFQ_GROUPS_H
#define BPFQ_GROUPS_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf-templates/bpfq_state.h"

struct group {
	struct bpfq_key key;	/* reader 0 */
	uint64_t *area;
};

struct groups;

struct groups *groups_new(int words);
void groups_free(struct groups *g);

/* The group's area, or NULL if there is no such group. */
uint64_t *groups_find(struct groups *g, const struct bpfq_key *key);

/* The group's area, a zeroed one if the key is new; NULL when out of memory. */
uint64_t *groups_get(struct groups *g, const struct bpfq_key *key, bool *added);

long groups_count(const struct groups *g);

/* Several keys (kind BPFQ_K_KEYS, bpfq_state.h): where key i's segment starts
 * (*off) and its bytes; 0 past the last. */
uint32_t keys_segment(const struct bpfq_key *k, int i, uint32_t *off);

/* A text segment's length (bpfq_state.h BPFQ_SEG_LEN). */
uint32_t seg_len(const uint8_t *seg);

/*
 * A text key's bytes, all len of them: a long one's (longer than its cap,
 * k->pad of keys_get(), else BPFQ_KEY_MAX) from lang/engine/keytext.h;
 * NULL when its text is not known.
 */
const uint8_t *keys_text(const struct bpfq_key *k, uint32_t *len);

/* Several keys: key i of k as a single key is, into *out (a text's pad its cap);
 * false past the last. */
bool keys_get(const struct bpfq_key *k, int i, struct bpfq_key *out);

/*
 * k's keys (one, or several) as several, with a text key at position pos
 * (text[0..len), at most BPFQ_KEY_MAX bytes) into *out: 'by file' beside
 * other keys. False when they do not fit.
 */
bool keys_insert_text(const struct bpfq_key *k, int pos, const char *text, uint32_t len,
		      struct bpfq_key *out);

/* Key i of two keys of several, as groups_sorted() orders them. */
int keys_compare(const struct bpfq_key *a, const struct bpfq_key *b, int i);

/* A value's segment at seg: NULL (null), else v (times 10^18) as an int or a decimal. */
void keys_put_value(uint8_t *seg, bool null, __int128 v);

/* The groups sorted by key: values before text, then NULL; numbers by value, text bytewise. */
struct group *groups_sorted(struct groups *g, long *n);

#endif /* BPFQ_GROUPS_H */
