/* SPDX-License-Identifier: MIT */
/*
 * An aggregate's state as its answer: exact decimals from the integer and
 * decimal parts both engines keep (GMP does the wide arithmetic), the
 * buckets of a histogram, the estimate of a HyperLogLog.
 */
#ifndef BPFQ_VALUES_H
#define BPFQ_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/value/aggs.h"

/* A value's text: an exact 200-bit decimal, min or max of text escaped (4 bytes a byte). */
#define VALUE_MAX (4 * BPFQ_TEXT_MAX + 16)

/* Bytes as a terminal may show them: a control byte, a backslash, a byte past ASCII as \xNN. */
void value_plain_bytes(const uint8_t *s, size_t n, char *buf, size_t size);

/* min, max of text that is not NULL: its bytes (NULL for other values), *len of them kept. */
const uint8_t *value_textagg(const struct agg_desc *d, const uint64_t *state, size_t *len);

/* SQL's NULL: an aggregate of no values (count, exists and count_distinct are never NULL). */
bool value_is_null(const struct agg_desc *d, const uint64_t *state);

/*
 * The value as text: "12", "-3.5", "true", "null"; avg, var and stddev
 * rounded half away from zero to 6 decimals, trailing zeros cut. Not for
 * hist and lhist (see value_buckets).
 */
void value_text(const struct agg_desc *d, const uint64_t *state, char *buf, size_t size);

bool value_is_hist(const struct agg_desc *d);

/* A min or max of times that is not NULL: its time (microseconds since 1970) in *t. */
bool value_time(const struct agg_desc *d, const uint64_t *state, int64_t *t);

/* One bucket of a hist or lhist: [lo, hi), either end open (NULL text "..."). */
struct bucket {
	char lo[32], hi[32];	/* bpftrace's labels: "1K", "-5"; "" for an open end */
	uint64_t count;
};

/* The buckets from the first nonempty one to the last; returns how many (0: no values). */
int value_buckets(const struct agg_desc *d, const uint64_t *state, struct bucket *out, int max);

/* The standard error of count_distinct's estimate (HyperLogLog, 2^14 registers). */
#define VALUE_HLL_ERROR 0.0081

/*
 * Whether the text t[0..n) matches the string p[0..m) as match says
 * (BPFQ_MATCH_*: a like pattern, with any bytes before or after it, ASCII
 * case folded).
 */
bool text_match(const uint8_t *t, size_t n, const uint8_t *p, size_t m, int match);

#endif /* BPFQ_VALUES_H */
