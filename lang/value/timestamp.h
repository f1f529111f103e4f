/* SPDX-License-Identifier: MIT */
/*
 * Times, as the language defines them: an int64 of microseconds since
 * 1970-01-01T00:00:00Z (UTC, no leap seconds), parsed from ISO 8601 text
 * and printed back. The kernel computes the same from the field's bytes
 * one at a time (bpf-templates/parse_time.bpf.h) and with the same integer
 * arithmetic (bpf-templates/timeval.bpf.h).
 */
#ifndef BPFQ_TIMESTAMP_H
#define BPFQ_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/front/ast.h"

#define TS_US_PER_SEC 1000000LL
#define TS_US_PER_DAY (86400LL * TS_US_PER_SEC)
#define TS_TEXT_MAX 48	/* a time's text, the widest year and a fraction */

/*
 * s[0..n) as a time: YYYY-MM-DD, then optionally 'T', 't' or a space and
 * HH:MM, :SS, a '.' or ',' and 1 to 9 fraction digits (the first 6 kept,
 * the rest cut), and after the time a zone: Z, z, +HH, +HHMM or +HH:MM (or '-').
 * Blanks (space, tab) around it are allowed. A date alone is its midnight.
 */
bool ts_parse(const char *s, size_t n, int64_t *us);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian), and back. */
int64_t ts_days_from_civil(int64_t y, int m, int d);
void ts_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/*
 * "2001-03-01 14:05:07", with ".123" (trailing zeros cut) when there is a
 * fraction; at midnight the date alone, unless clock (a timestamp's
 * "2001-03-01 00:00:00"). iso: "2001-03-01T14:05:07Z".
 */
void ts_format(int64_t us, bool iso, bool clock, char *buf, size_t size);

/* year(), month(), ... of a time (FN_YEAR..FN_SECOND). */
int64_t ts_part(enum fn_kind fn, int64_t us);

/* date_trunc(unit, t): the start of its year, month, day, hour or minute (enum ts_unit). */
int64_t ts_trunc(int unit, int64_t us);

/* A date_trunc unit by name (any case), or -1. */
int ts_unit_of(const char *name, size_t n);

#endif /* BPFQ_TIMESTAMP_H */
