// SPDX-License-Identifier: MIT
/*
 * The reference parsers of the input formats (see records.h). Each is a
 * plain byte-at-a-time state machine; a token, a field or a record may
 * continue in the next chunk.
 *
 * A number is [+-]?[0-9]+ (an int64), or a decimal: [+-]?[0-9]*.[0-9]*
 * with a digit, an exponent ([eE][+-]?[0-9]+) or both, rounded half to
 * even at the 18th decimal. A magnitude past int64 cannot be held: an
 * error (BPFQ_ERR_BEYOND), as are integer digits past it before a '.'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lang/engine/groups.h"
#include "lang/engine/records.h"
#include "lang/value/num.h"
#include "lang/value/regex.h"
#include "lang/value/timestamp.h"

/* ---- numbers, one byte at a time ---- */

enum num_state {
	NS_START,	/* nothing yet (csv: only blanks) */
	NS_SIGN,	/* a sign */
	NS_INT,		/* digits */
	NS_DOT,		/* digits (maybe none) and '.' */
	NS_FRAC,	/* a '.' and digits after it */
	NS_E,		/* digits, 'e' */
	NS_ESIGN,	/* digits, 'e', a sign */
	NS_EXP,		/* digits, 'e', digits */
	NS_TRAIL,	/* csv: blanks after a number */
	NS_BAD,		/* not a number */
};

/*
 * The value times 10^18 is sig * 10^scale: sig takes every digit while
 * it is below 10^37 (the integer digits, at most 19 of them, always); of
 * a decimal dropped after that only whether it was not 0 counts (lost):
 * it lies below any digit a rounding looks at, and with a scale >= 0 sig
 * alone is past 2^63 * 10^18.
 */
struct numscan {
	enum num_state state;
	bool neg, eneg, dot, expo, ovf, lost;
	uint64_t mag;		/* the integer digits, while they fit */
	int ndigits;		/* digits before 'e' */
	u128 sig;
	int64_t scale, exp;
	/* From the byte that made it no number: the rest, blanks around it dropped. */
	char word[10];
	int wlen;
	bool gap;
};

#define SIG_ROOM ((u128)10000000000000000000ULL * 1000000000000000000ULL)	/* 10^37 */

static void num_start(struct numscan *s)
{
	*s = (struct numscan){ .state = NS_START, .scale = 18 };
}

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static void num_digit(struct numscan *s, unsigned d)
{
	/* Past 2^63 no value is possible; stop there so the magnitude cannot wrap. */
	if (s->ovf || s->mag > ((uint64_t)INT64_MAX + 1 - d) / 10)
		s->ovf = true;
	else
		s->mag = s->mag * 10 + d;
	s->sig = s->sig * 10 + d;
	s->ndigits++;
}

static void frac_digit(struct numscan *s, unsigned d)
{
	s->ndigits++;
	if (s->sig < SIG_ROOM) {
		s->sig = s->sig * 10 + d;
		s->scale--;
	} else {
		s->lost |= d != 0;
	}
}

static void exp_digit(struct numscan *s, unsigned d)
{
	s->exp = s->exp * 10 + d;
	if (s->exp > BPFQ_EXP_MAX)
		s->exp = BPFQ_EXP_MAX;
}

/* blanks: csv trims blanks around a number; the numbers format never sees them. */
static void num_step(struct numscan *s, unsigned char c, bool blanks)
{
	bool digit = c >= '0' && c <= '9', sign = c == '+' || c == '-', e = c == 'e' || c == 'E';
	bool ends = blanks && is_blank(c);

	switch (s->state) {
	case NS_START:
		if (ends)
			return;
		if (sign) {
			s->neg = c == '-';
			s->state = NS_SIGN;
			return;
		}
		/* fallthrough */
	case NS_SIGN:
	case NS_INT:
		if (digit) {
			num_digit(s, c - '0');
			s->state = NS_INT;
		} else if (c == '.') {
			s->dot = true;
			s->state = NS_DOT;
		} else if (s->state == NS_INT && (e || ends)) {
			s->expo = e;
			s->state = e ? NS_E : NS_TRAIL;
		} else {
			s->state = NS_BAD;
		}
		return;
	case NS_DOT:
	case NS_FRAC:
		if (digit) {
			frac_digit(s, c - '0');
			s->state = NS_FRAC;
		} else if (s->ndigits && (e || ends)) {
			s->expo = e;
			s->state = e ? NS_E : NS_TRAIL;
		} else {
			s->state = NS_BAD;
		}
		return;
	case NS_E:
	case NS_ESIGN:
		if (digit) {
			exp_digit(s, c - '0');
			s->state = NS_EXP;
		} else if (s->state == NS_E && sign) {
			s->eneg = c == '-';
			s->state = NS_ESIGN;
		} else {
			s->state = NS_BAD;
		}
		return;
	case NS_EXP:
		if (digit)
			exp_digit(s, c - '0');
		else
			s->state = ends ? NS_TRAIL : NS_BAD;
		return;
	case NS_TRAIL:
		if (!is_blank(c))
			s->state = NS_BAD;
		return;
	default:
		return;
	}
}

/* A byte of a field that is no number, into its word (up to 9 bytes: no word is longer). */
static void word_byte(struct numscan *s, unsigned char c, bool blanks)
{
	if (blanks && is_blank(c)) {
		s->gap = s->wlen > 0;
		return;
	}
	if (s->gap || s->wlen == 9) {
		s->wlen = 9;
		return;
	}
	s->word[s->wlen++] = (char)c;
}

static void num_byte(struct numscan *s, unsigned char c, bool blanks)
{
	num_step(s, c, blanks);
	/* The byte that made it no number begins the word (num_start() left it empty). */
	if (s->state == NS_BAD)
		word_byte(s, c, blanks);
}

/* The NULL word a field that is no number is: enum bpfq_null_kind, or -1. */
static int num_null_kind(const struct numscan *s)
{
	static const struct {
		const char *word;
		int kind;
	} words[] = {
		{ "na", BPFQ_NULL_NA }, { "n/a", BPFQ_NULL_NA }, { "null", BPFQ_NULL_NULL },
		{ "inf", BPFQ_NULL_INF }, { "infinity", BPFQ_NULL_INF }, { "nan", BPFQ_NULL_NAN },
	};

	if (s->ndigits || s->dot)
		return -1;
	if (s->state == NS_SIGN || (s->state == NS_BAD && !s->wlen))
		return s->neg ? BPFQ_NULL_DASH : -1;
	if (s->state != NS_BAD || s->wlen > 8)
		return -1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if ((size_t)s->wlen == strlen(words[i].word) &&
		    !strncasecmp(s->word, words[i].word, s->wlen))
			return words[i].kind;
	return -1;
}

static u128 pow10_128(int64_t n)
{
	u128 p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/* A decimal's magnitude times 10^18, rounded half to even at the 18th decimal; flags BPFQ_TOK_*. */
static int num_scaled(const struct numscan *s, u128 *out)
{
	int64_t k = s->scale + (s->eneg ? -s->exp : s->exp);
	u128 limit = (u128)((uint64_t)INT64_MAX + 1) * BPFQ_SCALE, q, r, half;
	bool up;

	*out = 0;
	if (!s->sig)
		return s->lost ? BPFQ_TOK_ROUNDED : 0;
	if (k >= 0) {
		if (k > 36 || s->sig > limit / pow10_128(k))
			return BPFQ_TOK_BEYOND;
		*out = s->sig * pow10_128(k);
		return *out > limit - !s->neg ? BPFQ_TOK_BEYOND : 0;
	}
	/* sig < 10^38: a divisor of 10^39 or more leaves 0, less than half of it. */
	if (-k >= 39) {
		*out = 0;
		return BPFQ_TOK_ROUNDED;
	}
	q = s->sig / pow10_128(-k);
	r = s->sig % pow10_128(-k);
	half = pow10_128(-k) / 2;
	/* A lost digit is below r's last: past half exactly when r is half. */
	up = r > half || (r == half && (s->lost || (q & 1)));
	*out = q + up;
	if (*out > limit - !s->neg)
		return BPFQ_TOK_BEYOND;
	return r || s->lost ? BPFQ_TOK_ROUNDED : 0;
}

/* The number scanned, or EMPTY (nothing but blanks) or BAD; flags BPFQ_TOK_*. */
static int num_end(const struct numscan *s, struct bpfq_field *f)
{
	u128 scaled;
	int flags;

	memset(f, 0, sizeof(*f));
	f->kind = BPFQ_K_BAD;
	if (s->state == NS_START) {
		f->kind = BPFQ_K_EMPTY;
		return 0;
	}
	if (s->state != NS_INT && s->state != NS_FRAC && s->state != NS_EXP &&
	    s->state != NS_TRAIL && !(s->state == NS_DOT && s->ndigits))
		return 0;
	/* The integer digits alone past int64: beyond, whatever follows them. */
	if (s->ovf || s->mag > (uint64_t)INT64_MAX + s->neg)
		return BPFQ_TOK_BEYOND;
	if (!s->dot && !s->expo) {
		f->kind = BPFQ_K_INT;
		f->lo = s->neg ? 0 - s->mag : s->mag;
		f->hi = s->neg && s->mag ? -1 : 0;
		return 0;
	}
	flags = num_scaled(s, &scaled);
	if (flags & BPFQ_TOK_BEYOND)
		return flags;
	f->kind = BPFQ_K_DEC;
	f->lo = (uint64_t)(s->neg ? -scaled : scaled);
	f->hi = (int64_t)((s->neg ? -scaled : scaled) >> 64);
	return flags;
}

/* The scan of the current token or field. */
struct numtrack {
	struct numscan s;
};

static void track_start(struct numtrack *t)
{
	num_start(&t->s);
}

static void track_byte(struct numtrack *t, unsigned char c, bool blanks)
{
	num_byte(&t->s, c, blanks);
}

static int track_end(const struct numtrack *t, struct bpfq_field *f)
{
	return num_end(&t->s, f);
}

int records_number(const char *s, size_t n, struct bpfq_field *f)
{
	struct numtrack t;

	track_start(&t);
	for (size_t i = 0; i < n; i++)
		track_byte(&t, s[i], true);
	return track_end(&t, f);
}

/* ---- the parsers ---- */

/* A time's text is shorter: "2001-03-01T14:05:07.123456789+01:00" and blanks around it. */
#define TIME_TEXT_MAX 64

struct records {
	const struct query *q;
	struct bpfq_result *r;
	record_fn *fn;
	void *ctx;
	bool stop;
	uint64_t off;		/* file offset of the current byte */
	struct bpfq_rec rec;
	bool in_record;		/* text, csv: a byte of the record was seen */
	int field;		/* text, csv: the current field's position */
	bool in_field;		/* text: inside a field */
	int slot;		/* the current field's slot, or -1 */
	uint64_t field_off;	/* its first byte */
	struct numtrack num;	/* the current token or used field */
	bool quoted;		/* csv: the field began with a quote */
	int quote_state;	/* csv: 0 outside quotes, 1 inside, 2 a quote inside seen */
	bool cr;		/* text, csv: a '\r' waits: dropped before '\n' */
	int slot_of[BPFQ_MAX_FIELD];	/* field position -> slot, or -1 */
	uint8_t partial[BPFQ_MAX_RECORD];	/* binary: bytes of the current record */
	int npartial;		/* binary: bytes of the current record */
	size_t field_len;	/* csv: bytes of the current field: a quote after them is content */
	struct bpfq_text texts[BPFQ_MAX_TEXTS];	/* the fields compared as text */
	/* by: each text key longer than its cap, whole (bpfq_state.h struct bpfq_parse) */
	uint8_t keytext[BPFQ_MAX_KEYS][BPFQ_KEY_LONG];
	char text[TIME_TEXT_MAX];	/* a time field's bytes from its first that is no blank */
	size_t text_len;	/* all of them, past TIME_TEXT_MAX too */
	size_t text_end;	/* past the last that is no blank */
	struct bpfq_json json;	/* json: where in the line (the kernel's carry, same meaning) */
	uint64_t key_h1[BPFQ_MAX_SLOTS], key_h2[BPFQ_MAX_SLOTS];	/* json: each field's path */
};

struct records *records_new(const struct query *q, struct bpfq_result *r, record_fn *fn,
			    void *ctx)
{
	struct records *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->q = q;
	p->r = r;
	p->fn = fn;
	p->ctx = ctx;
	for (int i = 0; i < BPFQ_MAX_FIELD; i++)
		p->slot_of[i] = -1;
	for (int i = 0; i < q->nslots; i++)
		if (i != q->whole_slot)
			p->slot_of[q->slot_field[i]] = i;
	for (int i = 0; q->format.kind == INPUT_JSON && i < q->format.nkeys; i++)
		json_key_hash(q, i, &p->key_h1[i], &p->key_h2[i]);
	p->slot = -1;
	return p;
}

void records_free(struct records *p)
{
	free(p);
}

const struct bpfq_text *records_text(const struct records *p, int k)
{
	return &p->texts[k];
}

/* Slot's text, if it is compared as text; else NULL. */
static struct bpfq_text *slot_text(struct records *p, int slot)
{
	int k = slot >= 0 ? p->q->text_of_slot[slot] : -1;

	return k >= 0 ? &p->texts[k] : NULL;
}

/* The current field's text, if it is compared as text; else NULL. */
static struct bpfq_text *field_text(struct records *p)
{
	return slot_text(p, p->slot);
}

static void emit(struct records *p)
{
	if (!p->stop && p->fn(p->ctx, &p->rec))
		p->stop = true;
}

/* A counter of NULL fields, with the place of the first. */
static void count_at(__u64 *count, __u64 *first, uint64_t off)
{
	if (!*count)
		*first = off;
	(*count)++;
}

/* A number's flags (BPFQ_TOK_*): rounded ones counted; one beyond int64 stops with no answer. */
static bool number_held(struct records *p, int flags)
{
	if (flags & BPFQ_TOK_ROUNDED)
		count_at(&p->r->rounded, &p->r->rounded_off, p->field_off);
	if (!(flags & BPFQ_TOK_BEYOND))
		return true;
	p->r->error = BPFQ_ERR_BEYOND;
	p->r->error_off = p->field_off;
	p->r->done = 1;
	p->stop = true;
	return false;
}

/* A field that is no number: a NULL word of its kind, or another. */
static void count_bad(struct records *p, int kind)
{
	if (kind < 0) {
		count_at(&p->r->bad, &p->r->bad_off, p->field_off);
		return;
	}
	if (!bpfq_nulls(p->r))
		p->r->nulls_off = p->field_off;
	p->r->nulls[kind]++;
}

/* ---- numbers: a stream of tokens ---- */

static bool is_sep(unsigned char c)
{
	return c == ' ' || c == ',' || (c >= '\t' && c <= '\r');
}

static void numbers_end_token(struct records *p)
{
	struct bpfq_field *f = &p->rec.f[0];

	int flags = track_end(&p->num, f);

	p->in_field = false;
	if (!number_held(p, flags))
		return;
	if (f->kind != BPFQ_K_INT && f->kind != BPFQ_K_DEC) {
		count_at(&p->r->malformed, &p->r->malformed_off, p->field_off);
		return;
	}
	p->r->records++;
	p->rec.off = p->field_off;
	emit(p);
}

static void numbers_byte(struct records *p, unsigned char c)
{
	if (is_sep(c)) {
		if (p->in_field)
			numbers_end_token(p);
		return;
	}
	if (!p->in_field) {
		p->in_field = true;
		p->field_off = p->off;
		track_start(&p->num);
	}
	track_byte(&p->num, c, false);
}

/* ---- text and csv: records of fields ---- */

/* A time field's byte: kept from its first that is not a blank; text_end is past its last. */
static void time_byte(struct records *p, unsigned char c)
{
	if (!p->text_len && is_blank(c))
		return;
	if (p->text_len < TIME_TEXT_MAX)
		p->text[p->text_len] = c;
	p->text_len++;
	if (!is_blank(c))
		p->text_end = p->text_len;
}

/*
 * A byte of a text key past the cap bytes its key holds (text): the whole
 * text goes to keytext[k]. False past BPFQ_KEY_LONG bytes: too long.
 */
static bool key_long_byte(struct records *p, int k, const uint8_t *text, uint32_t cap, uint32_t n,
			  unsigned char c)
{
	if (k < 0 || n >= BPFQ_KEY_LONG)
		return false;
	if (n == cap)
		memcpy(p->keytext[k], text, cap);
	p->keytext[k][n] = c;
	return true;
}

/* A byte of slot's text key of several (bpfq_state.h): its segment keeps key_cap of them. */
static void key_seg_byte(struct records *p, int slot, int off, unsigned char c)
{
	uint8_t *seg = p->rec.key.bytes + off;
	uint32_t n = seg_len(seg);
	int k = -1;

	for (int i = 0; i < p->q->nkeys && k < 0; i++)
		if (p->q->key_text[i] && p->q->key_off[i] == off)
			k = i;
	if (n < (uint32_t)p->q->key_cap) {
		seg[BPFQ_SEG_HEAD + n] = c;
	} else if (!key_long_byte(p, k, seg + BPFQ_SEG_HEAD, p->q->key_cap, n, c)) {
		if (!p->rec.key_long)
			p->rec.key_long = slot + 1;
		return;
	}
	seg[BPFQ_SEG_LEN] = (n + 1) & 0xff;
	seg[BPFQ_SEG_LEN + 1] = (n + 1) >> 8;
}

const uint8_t *records_keytext(const struct records *p, int k)
{
	return k >= 0 && k < BPFQ_MAX_KEYS ? p->keytext[k] : NULL;
}

/* A byte of slot's text: its regexes' states, its text if compared, the key if it is one. */
static void slot_byte(struct records *p, int slot, unsigned char c)
{
	struct bpfq_rec *rec = &p->rec;
	struct bpfq_text *t;

	for (int k = 0; k < p->q->nregex; k++)
		if (p->q->regex_slot[k] == slot)
			rec->rx[k] = regex_step(p->q->regex[k], rec->rx[k], c);
	if ((t = slot_text(p, slot))) {
		if (t->len < BPFQ_TEXT_MAX)
			t->bytes[t->len] = c;
		else
			t->tail = bpfq_json_fold1(t->tail, c);
		t->len++;
	}
	if (slot == p->q->key_slot) {
		if (rec->key.len < BPFQ_KEY_MAX)
			rec->key.bytes[rec->key.len++] = c;
		else if (key_long_byte(p, 0, rec->key.bytes, BPFQ_KEY_MAX, rec->key.len, c))
			rec->key.len++;
		else
			rec->key_long = 1;
	}
	if (p->q->nkeys > 1 && p->q->key_seg[slot] >= 0)
		key_seg_byte(p, slot, p->q->key_seg[slot], c);
}

/* A byte of a used field's content: its number, and its text's parts. */
static void field_content(struct records *p, unsigned char c)
{
	if (p->slot < 0)
		return;
	if (p->q->slot_time[p->slot])
		time_byte(p, c);
	track_byte(&p->num, c, p->q->format.kind == INPUT_CSV ||
		   (p->q->format.kind == INPUT_JSON && !p->json.bare));
	slot_byte(p, p->slot, c);
}

static void begin_field(struct records *p, uint64_t off)
{
	struct bpfq_text *t;

	p->slot = p->field < BPFQ_MAX_FIELD ? p->slot_of[p->field] : -1;
	p->field_off = off;
	p->quoted = false;
	p->field_len = 0;
	p->text_len = 0;
	p->text_end = 0;
	if (p->slot >= 0)
		track_start(&p->num);
	if ((t = field_text(p))) {
		t->present = 1;
		t->len = 0;
		t->tail = 0;
	}
}

/* A time field ended: its time, empty (csv: nothing but blanks), or NULL. */
static void end_time_field(struct records *p)
{
	struct bpfq_field *f = &p->rec.f[p->slot];
	int64_t us;

	*f = (struct bpfq_field){ .kind = BPFQ_K_BAD };
	if (!p->text_len) {
		f->kind = BPFQ_K_EMPTY;
		count_at(&p->r->empty, &p->r->empty_off, p->field_off);
	} else if (p->text_end <= TIME_TEXT_MAX && ts_parse(p->text, p->text_end, &us)) {
		f->kind = BPFQ_K_INT;
		f->lo = (uint64_t)us;
		f->hi = us < 0 ? -1 : 0;
	} else {
		count_at(&p->r->badtime, &p->r->badtime_off, p->field_off);
	}
}

/* The field ended: its value, and the NULL counters. */
static void end_field(struct records *p)
{
	struct bpfq_field *f;

	if (p->slot >= 0 && p->q->slot_time[p->slot]) {
		end_time_field(p);
	} else if (p->slot >= 0 && p->q->slot_numeric[p->slot]) {
		/* A field used only as a group key's text is no number: nothing to count. */
		f = &p->rec.f[p->slot];
		if (!number_held(p, track_end(&p->num, f)))
			return;
		if (f->kind == BPFQ_K_EMPTY)
			count_at(&p->r->empty, &p->r->empty_off, p->field_off);
		else if (f->kind == BPFQ_K_BAD)
			count_bad(p, num_null_kind(&p->num.s));
	}
	p->field++;
	p->slot = -1;
}

static void begin_record(struct records *p)
{
	struct bpfq_text *t;

	memset(&p->rec, 0, sizeof(p->rec));
	p->rec.off = p->off;
	p->rec.key.kind = BPFQ_K_EMPTY;	/* a text key, until a value says otherwise */
	for (int k = 0; k < BPFQ_MAX_TEXTS; k++)
		p->texts[k].present = 0;	/* missing until the field begins */
	t = slot_text(p, p->q->whole_slot);
	if (t) {
		t->present = 1;		/* $0: every line has one */
		t->len = 0;
		t->tail = 0;
	}
	p->in_record = true;
	p->field = 0;
}

/* Whether the record ended without slot's field: a line too short, an object without its key. */
static bool field_missing(const struct records *p, int slot)
{
	if (p->q->format.kind == INPUT_JSON)
		return !((p->json.seen >> slot) & 1);
	return p->q->slot_field[slot] >= p->field;
}

static void json_notes(struct records *p);

/* The record ended: fields it lacked are missing; then the query sees it. An empty
 * text is NULL as a key: a csv field's, or $0 of an empty line (not a JSON ""). */
static void end_record(struct records *p)
{
	bool null_empty = p->q->format.kind != INPUT_JSON;

	if (p->q->format.kind == INPUT_JSON)
		json_notes(p);
	for (int i = 0; i < p->q->nslots; i++) {
		if (field_missing(p, i)) {
			p->rec.f[i].kind = BPFQ_K_MISSING;
			count_at(&p->r->missing, &p->r->missing_off, p->rec.off);
		}
	}
	if (p->q->key_slot >= 0 && (field_missing(p, p->q->key_slot) ||
				     (null_empty && !p->rec.key.len)))
		p->rec.key.kind = BPFQ_K_MISSING;
	for (int i = 0; p->q->nkeys > 1 && i < p->q->nslots; i++) {
		uint8_t *seg = p->rec.key.bytes + (p->q->key_seg[i] >= 0 ? p->q->key_seg[i] : 0);

		if (p->q->key_seg[i] >= 0)
			seg[0] = BPFQ_SEG_CODE(p->q->key_cap) |
				(field_missing(p, i) || (null_empty && !seg_len(seg)) ?
				 BPFQ_K_MISSING : BPFQ_K_EMPTY);
	}
	p->r->records++;
	p->in_record = false;
	emit(p);
}

/* text: a byte that is not a '\r' waiting for its '\n'. */
static void text_content(struct records *p, unsigned char c)
{
	if (c == '\n') {
		if (!p->in_record)
			begin_record(p);	/* an empty line is a record, as in awk */
		if (p->in_field)
			end_field(p);
		p->in_field = false;
		end_record(p);
		return;
	}
	if (!p->in_record)
		begin_record(p);
	if (p->q->whole_slot >= 0)
		slot_byte(p, p->q->whole_slot, c);
	if (is_blank(c)) {
		if (p->in_field)
			end_field(p);
		p->in_field = false;
		return;
	}
	if (!p->in_field) {
		begin_field(p, p->off);
		p->in_field = true;
	}
	field_content(p, c);
}

/* A '\r' that waited for a '\n' and got another byte: content, at its own place. */
static void late_cr(struct records *p, void (*content)(struct records *, unsigned char))
{
	p->off--;
	content(p, '\r');
	p->off++;
}

/* text: fields are runs of non-blanks (space, tab); a '\r' before '\n' or the end is dropped. */
static void text_byte(struct records *p, unsigned char c)
{
	if (p->cr) {
		p->cr = false;
		if (c != '\n')
			late_cr(p, text_content);
	}
	if (c == '\r') {
		if (!p->in_record)
			begin_record(p);
		p->cr = true;
		return;
	}
	text_content(p, c);
}

/* csv, outside quotes: record and field ends, a quote that opens a field, content. */
static void csv_plain(struct records *p, unsigned char c)
{
	if (c == '\n') {
		if (p->in_record) {	/* an empty line is no record */
			end_field(p);
			end_record(p);
		}
		return;
	}
	if (!p->in_record) {
		begin_record(p);
		begin_field(p, p->off);
	}
	if (c == (unsigned char)p->q->format.delim) {
		end_field(p);
		begin_field(p, p->off + 1);
	} else if (c == '"' && !p->field_len && !p->quoted) {
		p->quoted = true;
		p->quote_state = 1;
	} else {
		field_content(p, c);
		p->field_len++;
	}
}

/* csv: RFC 4180, "" is a quote inside quotes; a '\r' before '\n' (outside quotes) is dropped. */
static void csv_byte(struct records *p, unsigned char c)
{
	if (p->quote_state == 1) {
		if (c == '"')
			p->quote_state = 2;
		else
			field_content(p, c);
		return;
	}
	if (p->quote_state == 2) {
		p->quote_state = c == '"' ? 1 : 0;
		if (c == '"') {
			field_content(p, c);
			return;
		}
	}
	if (p->cr) {
		p->cr = false;
		if (c != '\n')
			late_cr(p, csv_plain);
	}
	if (c == '\r') {
		p->cr = true;
		return;
	}
	csv_plain(p, c);
}

/* ---- json: JSON lines (bpf-templates/parse_json.bpf.h states the rules) ---- */

static bool json_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The line is no JSON object: the rest of it is skipped, then it is counted. */
static void json_bad(struct records *p)
{
	p->json.state = BPFQ_J_SKIP;
}

static void json_drop(struct records *p)
{
	count_at(&p->r->malformed, &p->r->malformed_off, p->rec.off);
	p->in_record = false;
	p->json.state = BPFQ_J_LINE;
}

/* A byte of a key (into its hashes) or of a string value (into its field). */
static void json_put(struct records *p, unsigned char b)
{
	struct bpfq_json *j = &p->json;

	if (j->state == BPFQ_J_KEY) {
		j->h1 = bpfq_json_fold1(j->h1, b);
		j->h2 = bpfq_json_fold2(j->h2, b);
		j->klen++;
	} else {
		field_content(p, b);
	}
}

static void json_put_cp(struct records *p, uint32_t cp)
{
	unsigned char b[4];
	int n;

	if (cp < 0x80) {
		b[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = 0xc0 | cp >> 6;
		b[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = 0xe0 | cp >> 12;
		b[1] = 0x80 | ((cp >> 6) & 0x3f);
		b[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		b[0] = 0xf0 | cp >> 18;
		b[1] = 0x80 | ((cp >> 12) & 0x3f);
		b[2] = 0x80 | ((cp >> 6) & 0x3f);
		b[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	for (int i = 0; i < n; i++)
		json_put(p, b[i]);
}

/* A u escape's 4th digit read: a code point, or half of a surrogate pair. */
static void json_escaped(struct records *p)
{
	struct bpfq_json *j = &p->json;
	uint32_t cp = j->cp;

	j->esc = BPFQ_JE_NONE;
	if (j->hi) {
		if (cp < 0xdc00 || cp > 0xdfff) {
			json_bad(p);
			return;
		}
		cp = 0x10000 + ((j->hi - 0xd800) << 10) + (cp - 0xdc00);
		j->hi = 0;
	} else if (cp >= 0xd800 && cp <= 0xdbff) {
		j->hi = cp;
		j->esc = BPFQ_JE_PAIR;
		return;
	} else if (cp >= 0xdc00 && cp <= 0xdfff) {
		json_bad(p);
		return;
	}
	json_put_cp(p, cp);
}

static int json_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

static void json_escape(struct records *p, unsigned char c)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *at = c ? strchr(from, c) : NULL;

	if (c == 'u') {
		p->json.esc = BPFQ_JE_HEX;
		p->json.cp = 0;
		return;
	}
	if (!at) {
		json_bad(p);
		return;
	}
	p->json.esc = BPFQ_JE_NONE;
	json_put(p, to[at - from]);
}

/* The key ended: the field it names, if the query uses its path (not inside an array). */
static void json_key_end(struct records *p)
{
	struct bpfq_json *j = &p->json;

	j->h1 = bpfq_json_fold1(j->h1, j->klen | (1ULL << 32));
	j->h2 = bpfq_json_fold2(j->h2, j->klen | (1ULL << 32));
	j->field = -1;
	for (int i = 0; !j->arrays && i < p->q->format.nkeys; i++)
		if (p->key_h1[i] == j->h1 && p->key_h2[i] == j->h2)
			j->field = i;
	j->state = BPFQ_J_COLON;
}

/* A value begins: the key's field, unless an earlier same key gave it. */
static void json_value_begin(struct records *p)
{
	struct bpfq_json *j = &p->json;

	p->field = j->field >= 0 ? j->field : BPFQ_MAX_FIELD;
	j->field = -1;
	/* A repeated key's value is no field: the first one's, its text too, stays. */
	if (p->field < BPFQ_MAX_FIELD && p->slot_of[p->field] >= 0 &&
	    (j->seen >> p->slot_of[p->field]) & 1)
		p->field = BPFQ_MAX_FIELD;
	begin_field(p, p->off);
	if (p->slot < 0)
		return;
	j->seen |= 1U << p->slot;
	j->note[p->slot] = 0;
}

/* true and false, bare: 1 and 0; -1 for another value. */
static int json_bool(const struct numscan *s)
{
	if (s->state != NS_BAD || s->neg || s->ndigits || s->dot)
		return -1;
	if (s->wlen == 4 && !strncasecmp(s->word, "true", 4))
		return 1;
	if (s->wlen == 5 && !strncasecmp(s->word, "false", 5))
		return 0;
	return -1;
}

/* A used value's number into its field, and what to count of it (enum bpfq_json_note). */
static uint8_t json_number(struct records *p, struct bpfq_field *f)
{
	int b = p->json.bare ? json_bool(&p->num.s) : -1, flags, kind;
	uint8_t note;

	if (b >= 0) {
		memset(f, 0, sizeof(*f));
		f->kind = BPFQ_K_INT;
		f->lo = b;
		return 0;
	}
	flags = track_end(&p->num, f);
	note = (flags & BPFQ_TOK_ROUNDED ? BPFQ_JN_ROUNDED : 0) |
	       (flags & BPFQ_TOK_BEYOND ? BPFQ_JN_BEYOND : 0);
	if (f->kind == BPFQ_K_EMPTY)
		return note | BPFQ_JN_EMPTY;
	if (f->kind != BPFQ_K_BAD)
		return note;
	kind = num_null_kind(&p->num.s);
	return note | (kind >= 0 ? BPFQ_JN_NULL + kind : BPFQ_JN_BAD);
}

/* A string or bare value ended: into its field; its counts wait for the record's end. */
/* A bare value's byte: its first four kept, to tell a null. */
static void json_bare_byte(struct bpfq_json *j, unsigned char c)
{
	if (j->blen < 4)
		j->bword |= (uint32_t)c << (j->blen * 8);
	j->blen++;
}

/* A bare null read as text is NULL, as a missing key is: its text and regexes start over. */
static void json_null_text(struct records *p)
{
	struct bpfq_text *t = field_text(p);

	if (!p->json.bare || p->json.blen != 4 || p->json.bword != 0x6c6c756e)	/* "null" */
		return;
	if (t)
		t->present = 0;
	for (int k = 0; k < p->q->nregex; k++)
		if (p->q->regex_slot[k] == p->slot)
			p->rec.rx[k] = 0;
}

static void json_value_end(struct records *p)
{
	if (p->slot >= 0)
		json_null_text(p);
	p->json.state = BPFQ_J_AFTER;
	if (p->slot >= 0 && p->q->slot_numeric[p->slot]) {
		p->json.note[p->slot] = json_number(p, &p->rec.f[p->slot]);
		p->json.voff[p->slot] = p->field_off;
	}
	p->slot = -1;
}

/* An object or array as a used key's value: no number. */
static void json_container_value(struct records *p)
{
	json_value_begin(p);
	if (p->slot >= 0) {
		p->num.s.state = NS_BAD;
		p->num.s.wlen = 9;
	}
	p->json.bare = 0;
	json_value_end(p);
}

/* A count of a record's values: the first place is the first record's first such value. */
static void json_count(__u64 *count, __u64 *first, uint64_t rec_off, uint64_t off)
{
	if (!*count || (*first >= rec_off && off < *first))
		*first = off;
	(*count)++;
}

/* The record's values' notes into the counters; a number past int64 stops the scan. */
static void json_notes(struct records *p)
{
	struct bpfq_result *r = p->r;
	uint64_t at = p->rec.off;

	for (int i = 0; i < p->q->nslots; i++) {
		int note = p->json.note[i], kind = note & BPFQ_JN_KIND;
		uint64_t off = p->json.voff[i];

		if (!((p->json.seen >> i) & 1) || !p->q->slot_numeric[i])
			continue;
		if ((note & BPFQ_JN_BEYOND) && (!r->error || off < r->error_off)) {
			r->error = BPFQ_ERR_BEYOND;
			r->error_off = off;
			r->done = 1;
			p->stop = true;
		}
		if (note & BPFQ_JN_ROUNDED)
			json_count(&r->rounded, &r->rounded_off, at, off);
		if (kind == BPFQ_JN_EMPTY) {
			json_count(&r->empty, &r->empty_off, at, off);
		} else if (kind == BPFQ_JN_BAD) {
			json_count(&r->bad, &r->bad_off, at, off);
		} else if (kind >= BPFQ_JN_NULL) {
			if (!bpfq_nulls(r) || (r->nulls_off >= at && off < r->nulls_off))
				r->nulls_off = off;
			r->nulls[kind - BPFQ_JN_NULL]++;
		}
	}
}

static void json_open(struct records *p, unsigned char c)
{
	struct bpfq_json *j = &p->json;
	uint32_t d = j->depth;

	if (d >= BPFQ_JSON_DEPTH) {
		json_bad(p);
		return;
	}
	if (d)
		json_container_value(p);
	j->ph1[d] = d ? j->h1 : BPFQ_JSON_H1;
	j->ph2[d] = d ? j->h2 : BPFQ_JSON_H2;
	if (c == '[')
		j->arrays |= 1U << d;
	j->depth = d + 1;
	j->state = c == '[' ? BPFQ_J_VALUE_OR_END : BPFQ_J_KEY_OR_END;
}

static void json_close(struct records *p, unsigned char c)
{
	struct bpfq_json *j = &p->json;
	uint32_t d = j->depth - 1;

	if (d >= BPFQ_JSON_DEPTH || ((j->arrays >> d) & 1) != (c == ']')) {
		json_bad(p);
		return;
	}
	j->arrays &= ~(1U << d);
	j->depth = d;
	j->state = d ? BPFQ_J_AFTER : BPFQ_J_DONE;
}

static void json_string(struct records *p, unsigned char c)
{
	struct bpfq_json *j = &p->json;
	int d;

	switch (j->esc) {
	case BPFQ_JE_NONE:
		if (c == '"') {
			if (j->state == BPFQ_J_KEY)
				json_key_end(p);
			else
				json_value_end(p);
		} else if (c == '\\') {
			j->esc = BPFQ_JE_BACKSLASH;
		} else if (c < 0x20) {
			json_bad(p);
		} else {
			json_put(p, c);
		}
		return;
	case BPFQ_JE_BACKSLASH:
		json_escape(p, c);
		return;
	case BPFQ_JE_PAIR:
	case BPFQ_JE_PAIR_U:
		if (c != (j->esc == BPFQ_JE_PAIR ? '\\' : 'u')) {
			json_bad(p);
			return;
		}
		j->esc = j->esc == BPFQ_JE_PAIR ? BPFQ_JE_PAIR_U : BPFQ_JE_HEX;
		j->cp = 0;
		return;
	default:
		if ((d = json_hex(c)) < 0) {
			json_bad(p);
			return;
		}
		j->cp = j->cp * 16 + d;
		if (++j->esc == BPFQ_JE_HEX + 4)
			json_escaped(p);
		return;
	}
}

static void json_value(struct records *p, unsigned char c)
{
	struct bpfq_json *j = &p->json;

	if (json_blank(c))
		return;
	if (c == ']' && j->state == BPFQ_J_VALUE_OR_END) {
		json_close(p, c);
	} else if (c == '{' || c == '[') {
		json_open(p, c);
	} else if (c == ',' || c == ':' || c == '}' || c == ']') {
		json_bad(p);
	} else {
		json_value_begin(p);
		j->esc = BPFQ_JE_NONE;
		j->bare = c != '"';
		j->state = j->bare ? BPFQ_J_BARE : BPFQ_J_STRING;
		j->bword = 0;
		j->blen = 0;
		if (j->bare) {
			json_bare_byte(j, c);
			field_content(p, c);
		}
	}
}

static void json_after(struct records *p, unsigned char c)
{
	struct bpfq_json *j = &p->json;

	if (json_blank(c))
		return;
	if (c == '}' || c == ']')
		json_close(p, c);
	else if (c != ',' || !j->depth)
		json_bad(p);
	else
		j->state = (j->arrays >> (j->depth - 1)) & 1 ? BPFQ_J_VALUE : BPFQ_J_KEY_NEXT;
}

static void json_key(struct records *p, unsigned char c)
{
	struct bpfq_json *j = &p->json;

	if (json_blank(c))
		return;
	if (c == '}' && j->state == BPFQ_J_KEY_OR_END) {
		json_close(p, c);
	} else if (c != '"') {
		json_bad(p);
	} else {
		j->h1 = j->ph1[j->depth - 1];
		j->h2 = j->ph2[j->depth - 1];
		j->klen = 0;
		j->esc = BPFQ_JE_NONE;
		j->state = BPFQ_J_KEY;
	}
}

static void json_line(struct records *p, unsigned char c)
{
	struct bpfq_json *j = &p->json;

	if (json_blank(c))
		return;
	begin_record(p);
	j->seen = 0;
	j->depth = 0;
	j->arrays = 0;
	j->hi = 0;
	j->field = -1;
	if (c == '{')
		json_open(p, c);
	else
		json_bad(p);
}

static void json_byte(struct records *p, unsigned char c)
{
	struct bpfq_json *j = &p->json;

	if (c == '\n') {
		if (j->state == BPFQ_J_DONE) {
			j->state = BPFQ_J_LINE;
			end_record(p);
		} else if (j->state != BPFQ_J_LINE) {
			json_drop(p);
		}
		return;
	}
	switch (j->state) {
	case BPFQ_J_LINE: json_line(p, c); break;
	case BPFQ_J_KEY_OR_END: case BPFQ_J_KEY_NEXT: json_key(p, c); break;
	case BPFQ_J_KEY: case BPFQ_J_STRING: json_string(p, c); break;
	case BPFQ_J_COLON:
		if (c == ':')
			j->state = BPFQ_J_VALUE;
		else if (!json_blank(c))
			json_bad(p);
		break;
	case BPFQ_J_VALUE: case BPFQ_J_VALUE_OR_END: json_value(p, c); break;
	case BPFQ_J_BARE:
		if (json_blank(c) || c == ',' || c == '}' || c == ']') {
			json_value_end(p);
			json_after(p, c);
		} else if (c == '"' || c == '{' || c == '[' || c == ':') {
			json_bad(p);
		} else {
			json_bare_byte(j, c);
			field_content(p, c);
		}
		break;
	case BPFQ_J_AFTER: json_after(p, c); break;
	case BPFQ_J_DONE:
		if (!json_blank(c))
			json_bad(p);
		break;
	default: break;
	}
}

/* ---- binary: fixed-size records of integers ---- */

static uint64_t load_le(const uint8_t *b, int size, bool big_endian)
{
	uint64_t v = 0;

	for (int i = 0; i < size; i++)
		v |= (uint64_t)b[big_endian ? size - 1 - i : i] << (8 * i);
	return v;
}

/* A field's integer: sign-extended for i*, as is for u*; past int64, BAD. */
static void binary_field(const struct rec_field *rf, const uint8_t *rec, struct bpfq_field *f)
{
	int size = 1 << (rf->type / 2);
	uint64_t v = load_le(rec + rf->offset, size, rf->big_endian);
	bool is_signed = !(rf->type & 1);

	memset(f, 0, sizeof(*f));
	if (is_signed && size < 8 && (v >> (8 * size - 1)) & 1)
		v |= ~0ULL << (8 * size);
	if (!is_signed && size == 8 && v > (uint64_t)INT64_MAX) {
		f->kind = BPFQ_K_BAD;
		return;
	}
	f->kind = BPFQ_K_INT;
	f->lo = v;
	f->hi = (int64_t)v < 0 ? -1 : 0;
}

static void binary_record(struct records *p)
{
	const struct input_format *fmt = &p->q->format;

	memset(&p->rec, 0, sizeof(p->rec));
	p->rec.off = p->off + 1 - fmt->record_size;
	for (int i = 0; i < p->q->nslots; i++) {
		const struct rec_field *rf = &fmt->fields[p->q->slot_field[i]];

		binary_field(rf, p->partial, &p->rec.f[i]);
		if (p->rec.f[i].kind != BPFQ_K_BAD)
			continue;
		/* A stream's value past int64 is skipped, like a malformed token. */
		if (fmt->stream) {
			count_at(&p->r->malformed, &p->r->malformed_off, p->rec.off);
			return;
		}
		count_at(&p->r->bad, &p->r->bad_off, p->rec.off + rf->offset);
	}
	p->r->records++;
	emit(p);
}

static void binary_byte(struct records *p, unsigned char c)
{
	p->partial[p->npartial++] = c;
	if (p->npartial == p->q->format.record_size) {
		binary_record(p);
		p->npartial = 0;
	}
}

bool records_feed(struct records *p, const char *buf, size_t n)
{
	for (size_t i = 0; i < n && !p->stop; i++) {
		unsigned char c = buf[i];

		switch (p->q->format.kind) {
		case INPUT_NUMBERS: numbers_byte(p, c); break;
		case INPUT_TEXT: text_byte(p, c); break;
		case INPUT_CSV: csv_byte(p, c); break;
		case INPUT_JSON: json_byte(p, c); break;
		default: binary_byte(p, c); break;
		}
		p->off++;
	}
	return p->stop;
}

bool records_finish(struct records *p)
{
	if (p->stop)
		return true;
	switch (p->q->format.kind) {
	case INPUT_NUMBERS:
		if (p->in_field)
			numbers_end_token(p);
		break;
	case INPUT_TEXT:
		if (p->in_record) {
			if (p->in_field)
				end_field(p);
			end_record(p);
		}
		break;
	case INPUT_CSV:
		if (p->quote_state == 1) {
			p->r->error = BPFQ_ERR_QUOTE;
			p->r->error_off = p->field_off;
			p->r->done = 1;
			return true;
		}
		if (p->in_record) {
			end_field(p);
			end_record(p);
		}
		break;
	case INPUT_JSON:
		if (p->json.state == BPFQ_J_DONE)
			end_record(p);
		else if (p->json.state != BPFQ_J_LINE)
			json_drop(p);
		p->json.state = BPFQ_J_LINE;
		break;
	default:
		p->r->partial = p->npartial;
		break;
	}
	return p->stop;
}
