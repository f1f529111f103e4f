/* SPDX-License-Identifier: MIT */
/*
 * The input formats stated plainly, byte by byte: how the reference
 * evaluator turns bytes into records. The kernel's parsers
 * (bpf-templates/parse_*.bpf.h) read words at a time and must agree with
 * these field for field, counter for counter.
 */
#ifndef BPFQ_RECORDS_H
#define BPFQ_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/front/ast.h"

/* Called once per record; returns true to stop the scan. */
typedef bool record_fn(void *ctx, const struct bpfq_rec *rec);

struct records;

/* A parser for q's format, counting into r (bytes, records, malformed, nulls). */
struct records *records_new(const struct query *q, struct bpfq_result *r, record_fn *fn,
			    void *ctx);

/* The next bytes; returns true when a record asked to stop. */
bool records_feed(struct records *p, const char *buf, size_t n);

/* by: text key k's whole text when it is longer than its key holds (bpfq_state.h). */
const uint8_t *records_keytext(const struct records *p, int k);

/* The end of the input: a last record without its line end, a partial binary record. */
bool records_finish(struct records *p);

void records_free(struct records *p);

/* The current record's text k (query.text_of_slot): a field compared as text. */
const struct bpfq_text *records_text(const struct records *p, int k);

/* A field's bytes as a number: BPFQ_K_INT, BPFQ_K_DEC or BPFQ_K_BAD (and EMPTY for none);
 * returns BPFQ_TOK_* flags (rounded, beyond int64: then BPFQ_K_BAD). */
int records_number(const char *s, size_t n, struct bpfq_field *f);

#endif /* BPFQ_RECORDS_H */
