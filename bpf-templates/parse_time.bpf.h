/* SPDX-License-Identifier: MIT */
/*
 * A field read as a time (text, csv), a byte at a time, into the token:
 * the ISO 8601 forms lang/value/timestamp.c ts_parse() reads, at fixed
 * places (tok.tpos) up to the minutes, then seconds, a fraction and a zone.
 *
 *   tpos 0..15   YYYY-MM-DD?hh:mm, ? a 'T', 't' or ' ' (the date alone ends at 10)
 *   tpos 16      after the minutes: ':' and seconds, a zone, or the end
 *   tpos 17, 18  the seconds' digits; 19 after them: '.' or ',', a zone, the end
 *   tpos 20      fraction digits (fdigits of them, the first 6 in frac)
 *   tpos 30      the zone's digits after its sign (wlen of them, in exp)
 *   tpos 40      after a 'Z'
 *
 * The date's and time's digits go into val (8, 12 or 14 of them, ndigits);
 * a blank after the time (csv) moves to BPFQ_MODE_TRAIL, where only blanks
 * may follow; anything else is BPFQ_MODE_BAD. The field's value is the
 * time in microseconds, an integer (BPFQ_K_INT).
 */
#ifndef BPFQ_PARSE_TIME_H
#define BPFQ_PARSE_TIME_H

#include "timeval.bpf.h"

#define BPFQ_TIME_SPACE 16	/* tok.forms: the date and time are apart by a space */
#define BPFQ_TIME_COLON 32	/* tok.forms: the zone has a ':' */
#define BPFQ_TIME_FRAC_MAX 9	/* fraction digits: nanoseconds, as pandas writes */

static __always_inline int bpfq_time_digit(struct bpfq_tok *t, __u64 c)
{
	if (c - '0' >= 10)
		return 0;
	t->val = t->val * 10 + (c - '0');
	t->ndigits++;
	t->tpos++;
	return 1;
}

/* A zone's first byte, or a blank that ends the time; else not a time. */
static __always_inline void bpfq_time_after(struct bpfq_tok *t, __u64 c, int blanks)
{
	if (c == 'Z' || c == 'z') {
		t->tpos = 40;
	} else if (c == '+' || c == '-') {
		t->eneg = c == '-';
		t->tpos = 30;
	} else if (blanks && bpfq_tok_blank(c)) {
		t->mode = BPFQ_MODE_TRAIL;
	} else {
		t->mode = BPFQ_MODE_BAD;
	}
}

static __always_inline void bpfq_time_fixed(struct bpfq_tok *t, __u64 c, int blanks)
{
	__u32 p = t->tpos;

	if (p == 4 || p == 7) {
		t->tpos += c == '-';
		t->mode = c == '-' ? t->mode : BPFQ_MODE_BAD;
	} else if (p == 13) {
		t->tpos += c == ':';
		t->mode = c == ':' ? t->mode : BPFQ_MODE_BAD;
	} else if (p == 10 && (c == 'T' || c == 't' || c == ' ')) {
		t->forms |= c == ' ' ? BPFQ_TIME_SPACE : 0;
		t->tpos = 11;
	} else if (p == 10 && blanks && bpfq_tok_blank(c)) {
		t->mode = BPFQ_MODE_TRAIL;
	} else if (p == 11 && (t->forms & BPFQ_TIME_SPACE) && blanks && bpfq_tok_blank(c)) {
		/* "2001-03-01  ": the date, and blanks after it. */
		t->tpos = 10;
		t->mode = BPFQ_MODE_TRAIL;
	} else if (!bpfq_time_digit(t, c)) {
		t->mode = BPFQ_MODE_BAD;
	}
}

static __always_inline void bpfq_time_zone(struct bpfq_tok *t, __u64 c, int blanks)
{
	if (t->tpos == 40) {
		t->mode = blanks && bpfq_tok_blank(c) ? BPFQ_MODE_TRAIL : BPFQ_MODE_BAD;
	} else if (c == ':' && t->wlen == 2 && !(t->forms & BPFQ_TIME_COLON)) {
		t->forms |= BPFQ_TIME_COLON;
	} else if (c - '0' < 10 && t->wlen < 4) {
		t->exp = t->exp * 10 + (c - '0');
		t->wlen++;
	} else {
		t->mode = blanks && bpfq_tok_blank(c) ? BPFQ_MODE_TRAIL : BPFQ_MODE_BAD;
	}
}

static __always_inline void bpfq_time_step(struct bpfq_tok *t, __u64 c, int blanks)
{
	__u32 p = t->tpos;

	if (p < 16) {
		bpfq_time_fixed(t, c, blanks);
	} else if (p == 16) {
		if (c == ':')
			t->tpos = 17;
		else
			bpfq_time_after(t, c, blanks);
	} else if (p == 17 || p == 18) {
		if (!bpfq_time_digit(t, c))
			t->mode = BPFQ_MODE_BAD;
	} else if (p == 19) {
		if (c == '.' || c == ',')
			t->tpos = 20;
		else
			bpfq_time_after(t, c, blanks);
	} else if (p == 20) {
		if (c - '0' < 10 && t->fdigits < BPFQ_TIME_FRAC_MAX) {
			if (t->fdigits < 6)
				t->frac = t->frac * 10 + (c - '0');
			t->fdigits++;
		} else if (t->fdigits && c - '0' >= 10) {
			bpfq_time_after(t, c, blanks);
		} else {
			t->mode = BPFQ_MODE_BAD;
		}
	} else {
		bpfq_time_zone(t, c, blanks);
	}
}

/* One byte of a time field; blanks: csv's blanks around a value. */
static __always_inline void bpfq_time_byte(struct bpfq_tok *t, __u64 c, int blanks)
{
	if (t->mode == BPFQ_MODE_BAD)
		return;
	if (t->mode == BPFQ_MODE_TRAIL) {
		if (!bpfq_tok_blank(c))
			t->mode = BPFQ_MODE_BAD;
		return;
	}
	if (t->mode == BPFQ_MODE_IDLE) {
		if (blanks && bpfq_tok_blank(c))
			return;
		t->mode = BPFQ_MODE_NUM;
		t->tpos = 0;
		t->exp = 0;
		t->eneg = 0;
		t->wlen = 0;
	}
	bpfq_time_step(t, c, blanks);
}

static __always_inline int bpfq_time_days_ok(__u64 y, __u64 m, __u64 d)
{
	__u64 last = 31;

	if (m == 2)
		last = 28 + ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
	else if (m == 4 || m == 6 || m == 9 || m == 11)
		last = 30;
	return m >= 1 && m <= 12 && d >= 1 && d <= last;
}

/* Whether the form ended where a time may end. */
static __always_inline int bpfq_time_complete(const struct bpfq_tok *t)
{
	__u32 p = t->tpos;

	if (p == 30)
		return (t->wlen == 2 && !(t->forms & BPFQ_TIME_COLON)) || t->wlen == 4;
	return p == 10 || (p == 11 && (t->forms & BPFQ_TIME_SPACE)) || p == 16 || p == 19 ||
	       (p == 20 && t->fdigits) || p == 40;
}

/* The field's time: INT (microseconds), EMPTY (csv: nothing but blanks), or BAD. */
static __always_inline void bpfq_time_field(const struct bpfq_tok *t, struct bpfq_field *f)
{
	__u64 v = t->val, y, mo, d, h = 0, mi = 0, s = 0, frac = t->frac, zone;
	__s64 us;

	f->kind = t->mode == BPFQ_MODE_IDLE ? BPFQ_K_EMPTY : BPFQ_K_BAD;
	f->lo = 0;
	f->hi = 0;
	f->pad = 0;
	if (t->mode == BPFQ_MODE_IDLE || t->mode == BPFQ_MODE_BAD || !bpfq_time_complete(t))
		return;
	if (t->ndigits == 14) {
		s = v % 100;
		v /= 100;
	}
	if (t->ndigits >= 12) {
		mi = v % 100;
		h = v / 100 % 100;
		v /= 10000;
	}
	d = v % 100;
	mo = v / 100 % 100;
	y = v / 10000;
	zone = t->wlen == 4 ? t->exp : t->exp * 100;	/* hhmm */
	if (!bpfq_time_days_ok(y, mo, d) || h > 23 || mi > 59 || s > 59 || zone / 100 > 23 ||
	    zone % 100 > 59)
		return;
#pragma unroll
	for (int i = 0; i < 6; i++)
		if (i >= t->fdigits)
			frac *= 10;
	us = bpfq_days_from_civil(y, mo, d) * (__s64)BPFQ_US_PER_DAY +
	     (__s64)(((h * 60 + mi) * 60 + s) * BPFQ_US_PER_SEC + frac);
	zone = (zone / 100 * 60 + zone % 100) * 60 * BPFQ_US_PER_SEC;
	us = t->eneg ? us + (__s64)zone : us - (__s64)zone;
	f->kind = BPFQ_K_INT;
	f->lo = (__u64)us;
	f->hi = us < 0 ? -1 : 0;
}

#endif /* BPFQ_PARSE_TIME_H */
