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

#include <gmp.h>

#include "lang/value/aggs.h"

/* A value's text: an exact 200-bit decimal, min or max of text escaped (4 bytes a byte). */
#define VALUE_MAX (4 * BPFQ_KEY_LONG + 16)	/* a text key's, escaped; longer than a text's */

/* Bytes as a terminal may show them: a control byte, a backslash, a byte past ASCII as \xNN. */
void value_plain_bytes(const uint8_t *s, size_t n, char *buf, size_t size);

/* min, max of text that is not NULL: its bytes (NULL for other values), *len of them kept. */
const uint8_t *value_textagg(const struct agg_desc *d, const uint64_t *state, size_t *len);

/* SQL's NULL: an aggregate of no values (count, exists and count_distinct are never NULL). */
bool value_is_null(const struct agg_desc *d, const uint64_t *state);

/*
 * The value as text: "12", "-3.5", "true", "null". Counts, sums, min, max
 * and quantiles exact; avg, var, stddev and the pairs' aggregates as
 * value_print_number() prints them. Not for hist and lhist (see
 * value_buckets). A value computed from aggregates (AGG_NONE) holds its
 * text: word 0 says it has one, VALUE_COMPUTED_WORDS - 1 words after it
 * the text (value_set_computed()).
 */
void value_text(const struct agg_desc *d, const uint64_t *state, char *buf, size_t size);

#define VALUE_COMPUTED_WORDS (1 + 48 / 8)

/* Store v's text (value_print_number()) as a computed value's state, or NULL. */
void value_set_computed(uint64_t *state, const mpq_t v, bool exact, bool null);

/*
 * A number's value (not NULL, not a histogram) into v: exists 1 or 0, a
 * count, the exact sum, avg, var, covariance; true when exact, false for
 * an irrational root (stddev, corr), then v is below it in magnitude,
 * within 2^-255 of it relatively.
 */
bool value_number(const struct agg_desc *d, const uint64_t *state, mpq_t v);

/* A scaled value (v * 10^18, num.h) as a number. */
void value_set_scaled(mpq_t v, i128 scaled);

/*
 * A number as text: exact when it is a decimal of at most 38 digits,
 * the zeros after the point counted (DuckDB's DECIMAL(38, s): "1.5",
 * "0.000338"); else the double nearest it in
 * the shortest text that reads back as that double, as Python's repr()
 * and DuckDB print it ("0.3333333333333333", "1e-05", "1.2e+16").
 * exact false: v is a root's approximation from below (value_number()).
 */
void value_print_number(const mpq_t v, bool exact, char *buf, size_t size);

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

/* The standard error of count_distinct's estimate: HyperLogLog's 1.04 / sqrt(2^p). */
double value_hll_error(int p);

/* Whether count_distinct's answer is the estimate: a value found its set full. */
bool value_distinct_estimated(const struct agg_desc *d, const uint64_t *state);

/*
 * Whether the text t[0..n) matches the string p[0..m) as match says
 * (BPFQ_MATCH_*: a like pattern, with any bytes before or after it, ASCII
 * case folded).
 */
bool text_match(const uint8_t *t, size_t n, const uint8_t *p, size_t m, int match);

#endif /* BPFQ_VALUES_H */
