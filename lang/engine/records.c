// SPDX-License-Identifier: MIT
/*
 * The reference parsers of the input formats (see records.h). Each is a
 * plain byte-at-a-time state machine; a token, a field or a record may
 * continue in the next chunk.
 *
 * A number is [+-]?[0-9]+ (an int64), or a decimal: [+-]?[0-9]*.[0-9]*
 * with a digit, an exponent ([eE][+-]?[0-9]+) or both, rounded half to
 * even at the 9th decimal. A magnitude past int64 cannot be held: an
 * error (BPFQ_ERR_BEYOND), as are integer digits past it before a '.'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lang/engine/records.h"
#include "lang/value/num.h"
#include "lang/value/regex.h"

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
 * The value times 10^9 is sig * 10^scale: sig takes every digit while it
 * is below 10^28 (the integer digits, at most 19 of them, always); of a
 * decimal dropped after that only whether it was not 0 counts (lost): it
 * lies below any digit a rounding looks at, and with a scale >= 0 sig
 * alone is past 2^63 * 10^9.
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

#define SIG_ROOM ((u128)10000000000000000000ULL * 1000000000ULL)	/* 10^28 */

static void num_start(struct numscan *s)
{
	*s = (struct numscan){ .state = NS_START, .scale = 9 };
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

/* A decimal's magnitude times 10^9, rounded half to even at the 9th decimal; flags BPFQ_TOK_*. */
static int num_scaled(const struct numscan *s, u128 *out)
{
	int64_t k = s->scale + (s->eneg ? -s->exp : s->exp);
	u128 limit = (u128)((uint64_t)INT64_MAX + 1) * BPFQ_SCALE, q, r, half;
	bool up;

	*out = 0;
	if (!s->sig)
		return s->lost ? BPFQ_TOK_ROUNDED : 0;
	if (k >= 0) {
		if (k > 28 || s->sig > limit / pow10_128(k))
			return BPFQ_TOK_BEYOND;
		*out = s->sig * pow10_128(k);
		return *out > limit - !s->neg ? BPFQ_TOK_BEYOND : 0;
	}
	/* sig < 10^29: a divisor of 10^30 or more leaves 0, less than half of it. */
	if (-k >= 30) {
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
		p->slot_of[q->slot_field[i]] = i;
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

/* The current field's text, if it is compared as text; else NULL. */
static struct bpfq_text *field_text(struct records *p)
{
	int k = p->slot >= 0 ? p->q->text_of_slot[p->slot] : -1;

	return k >= 0 ? &p->texts[k] : NULL;
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

/* A byte of a used field's content: its number, its text if compared, or if it is the key. */
static void field_content(struct records *p, unsigned char c)
{
	struct bpfq_rec *rec = &p->rec;
	struct bpfq_text *t;

	if (p->slot < 0)
		return;
	track_byte(&p->num, c, p->q->format.kind == INPUT_CSV);
	for (int k = 0; k < p->q->nregex; k++)
		if (p->q->regex_slot[k] == p->slot)
			rec->rx[k] = regex_step(p->q->regex[k], rec->rx[k], c);
	if ((t = field_text(p))) {
		if (t->len < BPFQ_TEXT_MAX)
			t->bytes[t->len] = c;
		t->len++;
	}
	if (p->slot == p->q->key_slot) {
		if (rec->key.len < BPFQ_KEY_MAX)
			rec->key.bytes[rec->key.len++] = c;
		else
			rec->key_long = 1;
	}
}

static void begin_field(struct records *p, uint64_t off)
{
	struct bpfq_text *t;

	p->slot = p->field < BPFQ_MAX_FIELD ? p->slot_of[p->field] : -1;
	p->field_off = off;
	p->quoted = false;
	p->field_len = 0;
	if (p->slot >= 0)
		track_start(&p->num);
	if ((t = field_text(p))) {
		t->present = 1;
		t->len = 0;
	}
}

/* The field ended: its value, and the NULL counters. */
static void end_field(struct records *p)
{
	struct bpfq_field *f;

	/* A field used only as a group key's text is no number: nothing to count. */
	if (p->slot >= 0 && p->q->slot_numeric[p->slot]) {
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
	memset(&p->rec, 0, sizeof(p->rec));
	p->rec.off = p->off;
	p->rec.key.kind = BPFQ_K_EMPTY;	/* a text key, until a value says otherwise */
	for (int k = 0; k < BPFQ_MAX_TEXTS; k++)
		p->texts[k].present = 0;	/* missing until the field begins */
	p->in_record = true;
	p->field = 0;
}

/* The record ended: fields it lacked are missing; then the query sees it. */
static void end_record(struct records *p)
{
	for (int i = 0; i < p->q->nslots; i++) {
		if (p->q->slot_field[i] >= p->field) {
			p->rec.f[i].kind = BPFQ_K_MISSING;
			count_at(&p->r->missing, &p->r->missing_off, p->rec.off);
		}
	}
	if (p->q->key_slot >= 0 && p->q->slot_field[p->q->key_slot] >= p->field)
		p->rec.key.kind = BPFQ_K_MISSING;
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
	default:
		p->r->partial = p->npartial;
		break;
	}
	return p->stop;
}
