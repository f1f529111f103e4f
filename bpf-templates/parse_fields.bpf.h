/* SPDX-License-Identifier: MIT */
/*
 * What the text and csv parsers share: records made of fields, of which
 * only the used ones (bpfq_slot_of(), generated) are parsed. A used
 * field's number is read byte by byte into the carry; when the field ends
 * its value goes to the record (st->parse.rec) and the NULL counters, when
 * the record ends its missing fields are NULL and bpfq_emit() sees it.
 * lang/engine/records.c states the same rules.
 */
#ifndef BPFQ_PARSE_FIELDS_H
#define BPFQ_PARSE_FIELDS_H

#include "parse_loop.bpf.h"
#include "numtok.bpf.h"
#include "parse_time.bpf.h"

/*
 * A query with regexes (~, !~) has them generated: bpfq_rx_byte() steps
 * each regex of the field's slot by one byte (a table lookup in .rodata:
 * the automaton is data bpfq computed, not code).
 */
#ifndef BPFQ_NREGEX
#define BPFQ_NREGEX 0
#endif
#if !BPFQ_NREGEX
static __always_inline void bpfq_rx_byte(struct bpfq_rec *rec, int slot, __u64 ch)
{
}

static __always_inline void bpfq_rx_clear(struct bpfq_rec *rec, int slot)
{
}
#endif

static __always_inline void bpfq_count_null(__u64 *count, __u64 *first, __u64 off)
{
	if (!*count)
		*first = off;
	(*count)++;
}

/* A field that is no number: a NULL word's kind, or another. */
static __always_inline void bpfq_count_bad(struct bpfq_result *r, int kind, __u64 off)
{
	if (kind < 0 || kind >= BPFQ_NULL_KINDS) {
		bpfq_count_null(&r->bad, &r->bad_off, off);
		return;
	}
	if (!bpfq_nulls(r))
		r->nulls_off = off;
	r->nulls[kind & 7]++;
}

static __always_inline void bpfq_begin_record(struct bpfq_parse_ctx *c, __u64 off)
{
	struct bpfq_rec *rec = &c->st->parse.rec;

	rec->off = off;
	rec->key.kind = BPFQ_K_EMPTY;	/* a text key */
	rec->key.len = 0;
	rec->key_long = 0;
	/* The map compares all of a key's bytes: a shorter key after a
	 * longer one must not keep the longer one's tail (one group as two). */
	if (BPFQ_KEY_SLOT >= 0 || BPFQ_KEY_TEXTS)
		__builtin_memset(rec->key.bytes, 0, BPFQ_GROUP_KEY_SIZE - BPFQ_KEY_BYTES_OF(0));
	if (BPFQ_NREGEX)
		__builtin_memset(rec->rx, 0, sizeof(rec->rx));
#pragma unroll
	for (int k = 0; k < BPFQ_NTEXTS && k < BPFQ_MAX_TEXTS; k++)
		c->p->texts[k].present = 0;
	/* $0: every line has one. */
	if (BPFQ_WHOLE_SLOT >= 0 && BPFQ_NTEXTS) {
		int k = bpfq_slot_text(BPFQ_WHOLE_SLOT);

		if (k >= 0 && k < BPFQ_MAX_TEXTS) {
			c->p->texts[k].present = 1;
			c->p->texts[k].len = 0;
			c->p->texts[k].tail = 0;
		}
	}
	c->p->in_record = 1;
	c->p->field = 0;
}

static __always_inline void bpfq_begin_field(struct bpfq_parse_ctx *c, __u64 off)
{
	c->p->slot = c->p->field <= BPFQ_LAST_FIELD ? bpfq_slot_of(c->p->field) : -1;
	c->p->quoted = 0;
	bpfq_tok_begin(&c->p->tok, off, 0);
	c->p->tok.mode = BPFQ_MODE_IDLE;
	c->p->tok.seen = 0;
	if (BPFQ_NTEXTS) {
		int k = bpfq_slot_text(c->p->slot);

		if (k >= 0 && k < BPFQ_MAX_TEXTS) {
			c->p->texts[k].present = 1;
			c->p->texts[k].len = 0;
			c->p->texts[k].tail = 0;
		}
	}
}

/* A byte of slot's field compared as text: kept, up to BPFQ_TEXT_MAX, and counted. */
static __always_inline void bpfq_text_byte(struct bpfq_parse_ctx *c, int slot, __u64 ch)
{
	int k = bpfq_slot_text(slot);
	struct bpfq_text *t;

	if (k < 0 || k >= BPFQ_MAX_TEXTS)
		return;
	t = &c->p->texts[k];
	if (t->len < BPFQ_TEXT_MAX)
		t->bytes[t->len & (BPFQ_TEXT_MAX - 1)] = ch;
	else
		t->tail = bpfq_json_fold1(t->tail, ch);
	t->len++;
}

/*
 * A byte of a text key past the cap bytes its key holds (text, cap, both
 * constants of the caller): the whole text goes to keytext[k], the bytes
 * past its first cap - 8 into its hash (bpfq_state.h struct bpfq_key).
 * 0 past BPFQ_KEY_LONG bytes: too long.
 */
static __always_inline int bpfq_key_long_byte(struct bpfq_parse *p, int k, const __u8 *text,
					      __u32 cap, __u32 n, __u64 ch)
{
	struct bpfq_keytext *t;

	if (k < 0 || k >= BPFQ_MAX_KEYS || n >= BPFQ_KEY_LONG)
		return 0;
	t = &p->keytext[k];
	if (n == cap) {
		__builtin_memcpy(t->bytes, text, cap);
		t->hash = BPFQ_KEY_H0;
#pragma unroll
		for (int i = cap - 8; i < cap; i++)
			t->hash = bpfq_json_fold1(t->hash, text[i]);
	}
	t->bytes[n & (BPFQ_KEY_LONG - 1)] = ch;
	t->hash = bpfq_json_fold1(t->hash, ch);
	return 1;
}

/*
 * A byte of a text key of several: into its segment (bpfq_state.h), up to
 * BPFQ_KEY_CAP of them, past them whole into its keytext. off is a
 * constant of bpfq_key_seg(); the bound tells the verifier so whatever
 * clang makes of the switch.
 */
static __always_inline void bpfq_key_seg_byte(struct bpfq_parse_ctx *c, int slot, int off,
					      __u64 ch)
{
	struct bpfq_rec *rec = &c->st->parse.rec;
	__u16 *len;
	__u32 n;

	if (off < 0 || off > BPFQ_KEYS_BYTES - BPFQ_SEG_TEXT(BPFQ_KEY_CAP))
		return;
	len = (__u16 *)(rec->key.bytes + off + BPFQ_SEG_LEN);
	n = *len;
	if (n < BPFQ_KEY_CAP) {
		rec->key.bytes[off + BPFQ_SEG_HEAD + (n & (BPFQ_KEY_CAP - 1))] = ch;
	} else if (!bpfq_key_long_byte(c->p, bpfq_key_tix(slot),
				       rec->key.bytes + off + BPFQ_SEG_HEAD, BPFQ_KEY_CAP, n, ch)) {
		if (!rec->key_long)
			rec->key_long = slot + 1;
		return;
	}
	*len = n + 1;
}

/* A byte of slot's text: its regexes' states, its text if it is compared, and its
 * text if it is the group key. */
static __always_inline void bpfq_slot_byte(struct bpfq_parse_ctx *c, int slot, __u64 ch)
{
	struct bpfq_rec *rec = &c->st->parse.rec;

	bpfq_rx_byte(rec, slot, ch);
	if (BPFQ_NTEXTS)
		bpfq_text_byte(c, slot, ch);
	if (BPFQ_KEY_TEXTS)
		bpfq_key_seg_byte(c, slot, bpfq_key_seg(slot), ch);
	if (slot != BPFQ_KEY_SLOT)
		return;
	if (rec->key.len < BPFQ_KEY_MAX)
		rec->key.bytes[rec->key.len++ & (BPFQ_KEY_MAX - 1)] = ch;
	else if (bpfq_key_long_byte(c->p, 0, rec->key.bytes, BPFQ_KEY_MAX, rec->key.len, ch))
		rec->key.len++;
	else
		rec->key_long = 1;
}

/* A byte of the field: its number, and its text's parts. */
static __always_inline void bpfq_field_byte(struct bpfq_parse_ctx *c, __u64 ch, int blanks)
{
	c->p->tok.seen++;
	if (c->p->slot < 0)
		return;
	if (bpfq_slot_time(c->p->slot))
		bpfq_time_byte(&c->p->tok, ch, blanks);
	else
		bpfq_tok_byte(&c->p->tok, ch, blanks);
	bpfq_slot_byte(c, c->p->slot, ch);
}

/* The field ended: its value into the record, and the NULL counters. */
static __always_inline void bpfq_end_field(struct bpfq_parse_ctx *c)
{
	struct bpfq_result *r = &c->st->result;
	struct bpfq_field *f;

	if (c->p->slot >= 0 && c->p->slot < BPFQ_MAX_SLOTS && bpfq_slot_time(c->p->slot)) {
		f = &c->st->parse.rec.f[c->p->slot & (BPFQ_MAX_SLOTS - 1)];
		bpfq_time_field(&c->p->tok, f);
		if (f->kind == BPFQ_K_EMPTY)
			bpfq_count_null(&r->empty, &r->empty_off, c->p->tok.start);
		else if (f->kind == BPFQ_K_BAD)
			bpfq_count_null(&r->badtime, &r->badtime_off, c->p->tok.start);
	} else if (c->p->slot >= 0 && c->p->slot < BPFQ_MAX_SLOTS &&
		   bpfq_slot_numeric(c->p->slot)) {
		/* A field used only as a group key's text is no number: nothing to count. */
		f = &c->st->parse.rec.f[c->p->slot & (BPFQ_MAX_SLOTS - 1)];
		bpfq_tok_flags(r, bpfq_tok_field(&c->p->tok, f), c->p->tok.start);
		if (f->kind == BPFQ_K_EMPTY)
			bpfq_count_null(&r->empty, &r->empty_off, c->p->tok.start);
		else if (f->kind == BPFQ_K_BAD)
			bpfq_count_bad(r, bpfq_tok_null(&c->p->tok), c->p->tok.start);
	}
	c->p->field++;
	c->p->slot = -1;
}

#if BPFQ_FORMAT == BPFQ_FORMAT_JSON
/* The values' notes into the counters (parse_json.bpf.h). */
static __always_inline void bpfq_json_notes(struct bpfq_parse_ctx *c);
#endif

/* Whether the record ended without slot's field: a line too short, an object without its key. */
static __always_inline int bpfq_field_missing(struct bpfq_parse_ctx *c, int slot)
{
#if BPFQ_FORMAT == BPFQ_FORMAT_JSON
	return !((c->p->json.seen >> (slot & 31)) & 1);
#else
	return slot != BPFQ_WHOLE_SLOT && bpfq_field_of(slot) >= c->p->field;
#endif
}

/* An empty text is NULL as a key: a csv field's, or $0 of an empty line (not a JSON ""). */
#define BPFQ_NULL_EMPTY (BPFQ_FORMAT != BPFQ_FORMAT_JSON)

/* The record ended: the fields it lacks are NULL; then the query sees it. Returns 1 to stop. */
static __always_inline int bpfq_end_record(struct bpfq_parse_ctx *c)
{
	struct bpfq_state *st = c->st;
	struct bpfq_rec *rec = &st->parse.rec;
	struct bpfq_result *r = &st->result;

#if BPFQ_FORMAT == BPFQ_FORMAT_JSON
	bpfq_json_notes(c);
#endif
	/* A number beyond int64 (bpfq_tok_flags()): no answer, the scan stops. */
	if (r->error)
		return 1;
#pragma unroll
	for (int i = 0; i < BPFQ_NSLOTS; i++) {
		if (bpfq_field_missing(c, i)) {
			rec->f[i].kind = BPFQ_K_MISSING;
			bpfq_count_null(&r->missing, &r->missing_off, rec->off);
		}
	}
	if (BPFQ_KEY_SLOT >= 0 && (bpfq_field_missing(c, BPFQ_KEY_SLOT) ||
				   (BPFQ_NULL_EMPTY && !rec->key.len)))
		rec->key.kind = BPFQ_K_MISSING;
#pragma unroll
	for (int i = 0; BPFQ_KEY_TEXTS && i < BPFQ_NSLOTS; i++) {
		int off = bpfq_key_seg(i);

		if (off >= 0 && off < BPFQ_KEYS_BYTES - 1)
			rec->key.bytes[off] = BPFQ_SEG_CODE(BPFQ_KEY_CAP) |
				(bpfq_field_missing(c, i) ||
				 (BPFQ_NULL_EMPTY && !rec->key.bytes[off + BPFQ_SEG_LEN] &&
				  !rec->key.bytes[off + BPFQ_SEG_LEN + 1]) ?
				 BPFQ_K_MISSING : BPFQ_K_EMPTY);
	}
	r->records++;
	c->p->in_record = 0;
	return bpfq_emit(st, rec->f, rec->off);
}

/*
 * Fields no slot uses, a word at a time: their bytes only count
 * (bpfq_field_byte()), so the parser goes from one byte that matters to
 * the next (csv: the delimiter, '\n', '\r', a quote that opens or closes a
 * field; text: a blank, '\n', '\r') in one step, not one step a byte. In
 * csv, the delimiter is crossed too (to a used field, the crossing is the
 * call's last), and a quoted field whose closing quote is followed by the
 * delimiter. Anything
 * else (a used field, "" inside quotes, a '\r') is left at that byte to
 * bpfq_fields_byte(), which then finds the parser in the state it would have
 * reached byte by byte.
 */
/* Words a call may look at: about a line of a wide csv. */
#define BPFQ_SKIP_WORDS 16

/* The bytes that end an unquoted field or change the parser's state. */
static __always_inline __u64 bpfq_skip_stops(__u64 w)
{
	__u64 m = bpfq_bytes_eq(w, '\n') | bpfq_bytes_eq(w, '\r');

	if (BPFQ_CSV)
		return m | bpfq_bytes_eq(w, BPFQ_DELIM);
	return m | bpfq_bytes_eq(w, ' ') | bpfq_bytes_eq(w, '\t');
}

/* csv: whether the byte at off (below the read's end) is the delimiter,
 * which ends the current field for the next one. */
static __always_inline int bpfq_skip_crosses(struct bpfq_buf *buf, __u64 off)
{
	return BPFQ_CSV && (__u8)buf->data[off & BPFQ_BUF_MASK] == BPFQ_DELIM;
}

/* The delimiter before off crossed: the next field begins at off (what
 * bpfq_end_field() and bpfq_begin_field() do for an unused field). */
static __always_inline void bpfq_skip_cross(struct bpfq_state *st, __u64 off)
{
	struct bpfq_parse_ctx c = { .st = st, .p = &st->parse };

	c.p->field++;
	bpfq_begin_field(&c, st->result.bytes + off);
}

/*
 * From pos, inside an unused field (bpfq_skip_applies()): the position of
 * the next byte bpfq_fields_byte() must see, the state set as if it had
 * seen those before it; pos when there is none to skip. A global
 * function: verified once, with pos unknown, whatever the query.
 */
BPFQ_GLOBAL long bpfq_skip_fields(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
				  __u64 len)
{
	struct bpfq_parse *p;
	__u64 cur = pos, start = pos, inq, fresh, w, m, n;

	if (!sv || !buf || pos >= len || len > BPFQ_BUF_SIZE)
		return pos;
	p = &sv->st.parse;
	inq = BPFQ_CSV && p->qstate == 1;
	/* A quote opens a field only as its first byte. */
	fresh = BPFQ_CSV && !inq && !p->tok.seen && !p->quoted;
	for (int k = 0; k < BPFQ_SKIP_WORDS; k++) {
		/* Through memory, which the verifier does not track: each way
		 * through a word would give the positions ranges of their own,
		 * and it would walk every mix of them through the next words.
		 * (streams[] is free here: only a stream step uses it.) */
		p->streams[0] = cur;
		p->streams[1] = start;
		bpfq_fence();
		cur = p->streams[0];
		start = p->streams[1];
		if (cur >= len)
			break;
		w = *(const __u64 *)(buf->data + (cur & BPFQ_BUF_MASK));
		if (inq) {
			m = bpfq_bytes_eq(w, '"');
			if (!m) {
				cur += 8;
				continue;
			}
			n = cur + bpfq_first_byte(m);
			/* The closing quote, or the first of "": left to the
			 * byte parser unless the delimiter follows it. */
			if (n + 1 >= len || !bpfq_skip_crosses(buf, n + 1)) {
				cur = n;
				break;
			}
			cur = start = n + 2;
			bpfq_skip_cross(&sv->st, cur);
			inq = 0;
			/* A used field: the byte parser's, or a field parser's. */
			if (p->slot >= 0)
				break;
			fresh = 1;
			continue;
		}
		if (fresh && (w & 0xff) == '"') {
			cur++;
			inq = 1;
			fresh = 0;
			continue;
		}
		m = bpfq_skip_stops(w);
		if (!m) {
			cur += 8;
			fresh = 0;
			continue;
		}
		n = cur + bpfq_first_byte(m);
		if (n >= len || !bpfq_skip_crosses(buf, n)) {
			cur = n;
			break;
		}
		cur = start = n + 1;
		bpfq_skip_cross(&sv->st, cur);
		if (p->slot >= 0)
			break;
		fresh = 1;
	}
	/* Bytes past the read's end are no input: up to it, all were content. */
	if (cur > len)
		cur = len;
	/* Inside quotes or not: a field crossed after a quoted one is not. */
	p->qstate = inq;
	if (inq)
		p->quoted = 1;
	if (cur > start)
		p->tok.seen += cur - start;
	return cur;
}

/*
 * csv: a used field that is a plain integer (an optional minus, 1 to 7
 * digits) followed by the delimiter, at pos, the field's first byte: its
 * value into the record and the next field begun, as the byte parser
 * would; the position after the delimiter, or pos when the field is not
 * so plain (a sign, blanks, a decimal, more digits, the line's last
 * field, the read's end: the byte parser's). A global function, as
 * bpfq_skip_fields().
 */
BPFQ_GLOBAL long bpfq_number_field(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
				   __u64 len)
{
	struct bpfq_parse_ctx c;
	struct bpfq_field *f;
	__u64 w, t, nd, d, neg, v;
	int slot;

	if (!BPFQ_CSV || !sv || !buf || pos >= len || len > BPFQ_BUF_SIZE)
		return pos;
	slot = sv->st.parse.slot;
	if (slot < 0 || slot >= BPFQ_MAX_SLOTS || !bpfq_slot_numeric(slot) || slot == BPFQ_KEY_SLOT ||
	    bpfq_slot_time(slot) || (BPFQ_KEY_TEXTS && bpfq_key_seg(slot) >= 0))
		return pos;
	/* A field whose bytes are also kept as text or run through regexes
	 * (where the templates have those) goes byte by byte
	 * (bpfq_field_byte()). */
#ifdef BPFQ_NTEXTS
	if (BPFQ_NTEXTS && bpfq_slot_text(slot) >= 0)
		return pos;
#endif
#ifdef BPFQ_NREGEX
	if (BPFQ_NREGEX)
		return pos;
#endif
	w = *(const __u64 *)(buf->data + (pos & BPFQ_BUF_MASK));
	/* Not when the minus is the delimiter: then the field is empty. */
	neg = BPFQ_DELIM != '-' && (w & 0xff) == '-';
	if (neg)
		w >>= 8;
	t = w - 0x3030303030303030ULL;
	nd = bpfq_nondigit_mask(t);
	/* Eight digits (or seven after a minus, the top byte the 0 shifted
	 * in, which is no delimiter: BPFQ_DELIM > 0) are the byte parser's. */
	if (!nd)
		return pos;
	d = bpfq_first_byte(nd);
	if (!d || ((w >> (d * 8)) & 0xff) != BPFQ_DELIM || pos + neg + d >= len)
		return pos;
	v = bpfq_digits_top(t, d);
	f = &sv->st.parse.rec.f[slot & (BPFQ_MAX_SLOTS - 1)];
	f->lo = neg ? 0 - v : v;
	f->hi = neg && v ? -1 : 0;
	f->kind = BPFQ_K_INT;
	f->pad = 0;
	c.st = &sv->st;
	c.p = &sv->st.parse;
	c.p->field++;
	pos += neg + d + 1;
	bpfq_begin_field(&c, sv->st.result.bytes + pos);
	return pos;
}

/* The first n (1..7) bytes of w, zeros above them. */
static __always_inline __u64 bpfq_first_bytes(__u64 w, __u64 n)
{
	return w & ((1ULL << ((n & 7) * 8)) - 1);
}

/* The text of slot's field, n (1..7) bytes in w, where the byte parser's
 * bpfq_slot_byte() would put them one by one: the compared text, the
 * text key, a key's segment. Each was empty (the field's first byte):
 * one word written, the zeros above the bytes as the begin left them. */
static __always_inline void bpfq_slot_word(struct bpfq_state *st, int slot, __u64 w, __u64 n)
{
	struct bpfq_rec *rec = &st->parse.rec;
	int k = bpfq_slot_text(slot), off = bpfq_key_seg(slot);

	w = bpfq_first_bytes(w, n);
	if (BPFQ_NTEXTS && k >= 0 && k < BPFQ_MAX_TEXTS) {
		*(__u64 *)st->parse.texts[k].bytes = w;
		st->parse.texts[k].len = n;
	}
	if (BPFQ_KEY_TEXTS && off >= 0 && off <= BPFQ_KEYS_BYTES - BPFQ_SEG_TEXT(BPFQ_KEY_CAP)) {
		*(__u64 *)(rec->key.bytes + off + BPFQ_SEG_HEAD) = w;
		*(__u16 *)(rec->key.bytes + off + BPFQ_SEG_LEN) = n;
	}
	if (slot == BPFQ_KEY_SLOT) {
		*(__u64 *)rec->key.bytes = w;
		rec->key.len = n;
	}
}

/*
 * csv: a used field that is text alone (not a number, a time, a regex's),
 * 1 to 7 bytes, unquoted, followed by the delimiter, at pos, its first
 * byte: its bytes where the byte parser would have put them and the next
 * field begun; the position after the delimiter, or pos when the field is
 * not so short (or empty, quoted, the line's last, at the read's end: the
 * byte parser's). A global function, as bpfq_number_field().
 */
BPFQ_GLOBAL long bpfq_text_field(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
				 __u64 len)
{
	struct bpfq_parse_ctx c;
	__u64 w, m, n;
	int slot, off;

	if (!BPFQ_CSV || !sv || !buf || pos >= len || len > BPFQ_BUF_SIZE)
		return pos;
	slot = sv->st.parse.slot;
	if (slot < 0 || slot >= BPFQ_MAX_SLOTS || bpfq_slot_numeric(slot) || bpfq_slot_time(slot))
		return pos;
#ifdef BPFQ_NREGEX
	if (BPFQ_NREGEX)
		return pos;
#endif
	/* Bytes already in the text key, or a segment's: the byte parser
	 * appends to them (a field that comes twice is no csv's, but exact). */
	off = bpfq_key_seg(slot);
	if (slot == BPFQ_KEY_SLOT && sv->st.parse.rec.key.len)
		return pos;
	if (BPFQ_KEY_TEXTS && off >= 0 && off < BPFQ_KEYS_BYTES - BPFQ_SEG_HEAD &&
	    *(__u16 *)(sv->st.parse.rec.key.bytes + off + BPFQ_SEG_LEN))
		return pos;
	/* The segments' sizes are multiples of 8 (bpfq_state.h): a word's
	 * store lands on its own; an odd one goes byte by byte. */
	if (BPFQ_KEY_TEXTS && off >= 0 && (off & 7))
		return pos;
	w = *(const __u64 *)(buf->data + (pos & BPFQ_BUF_MASK));
	/* A quote opens a field only as its first byte; later, it is content. */
	if ((w & 0xff) == '"')
		return pos;
	m = bpfq_bytes_eq(w, BPFQ_DELIM) | bpfq_bytes_eq(w, '\n') | bpfq_bytes_eq(w, '\r');
	if (!m)
		return pos;
	n = bpfq_first_byte(m);
	if (!n || ((w >> (n * 8)) & 0xff) != BPFQ_DELIM || pos + n >= len)
		return pos;
	bpfq_slot_word(&sv->st, slot, w, n);
	c.st = &sv->st;
	c.p = &sv->st.parse;
	c.p->tok.seen = n;
	bpfq_end_field(&c);
	pos += n + 1;
	bpfq_begin_field(&c, sv->st.result.bytes + pos);
	return pos;
}

/*
 * ISO dates at fixed places (parse_time.bpf.h): w XORed with a pattern
 * word (digits '0', the rest their byte) holds 0..9 where the pattern has
 * a digit and 0 where it has its byte; the fixed bytes' flags (the
 * high bit of each byte that is not 0..9, exact as bpfq_nondigit_mask())
 * and the fixed bytes themselves, nonzero.
 */
#define BPFQ_ISO_DATE 0x2d30302d30303030ULL	/* "0000-00-" */
#define BPFQ_ISO_DASHES 0xff0000ff00000000ULL	/* its '-' bytes */
#define BPFQ_ISO_TIME 0x30303a3030543030ULL	/* "00T00:00" */
#define BPFQ_ISO_TIME_FIXED 0x0000ff0000ff0000ULL
#define BPFQ_ISO_SECS 0xffffffffff30303aULL	/* ":00", the rest masked */
#define BPFQ_ISO_SECS_MASK 0xffffffffff000000ULL
#define BPFQ_ISO_SECS_FIXED 0x000000ffULL
/* A delimiter that is one of the forms' bytes splits them: the byte parser's. */
#define BPFQ_ISO_DELIM_OK (BPFQ_DELIM != '-' && BPFQ_DELIM != ':' && BPFQ_DELIM != 'T' && \
			   BPFQ_DELIM != 't' && (BPFQ_DELIM < '0' || BPFQ_DELIM > '9'))

static __always_inline __u64 bpfq_iso_bad(__u64 w, __u64 pattern, __u64 fixed)
{
	__u64 x = w ^ pattern;

	return (((x + 0x7676767676767676ULL) | x) & BPFQ_HIGH) | (x & fixed);
}

/* The value of the two digits 0..9 at byte i of x. */
static __always_inline __u64 bpfq_iso_2(__u64 x, int i)
{
	return ((x >> (i * 8)) & 0xf) * 10 + ((x >> (i * 8 + 8)) & 0xf);
}

/*
 * csv: a used time field (alone: not text, a key, a regex's) in the
 * plainest ISO forms, YYYY-MM-DD or YYYY-MM-DD?hh:mm:ss (? a 'T', 't' or
 * ' '), followed by the delimiter, at pos, its first byte: the token as
 * bpfq_time_byte() would leave it after those bytes, the field ended
 * (bpfq_end_field() checks the date and counts a bad one, as for the byte
 * parser), the next one begun; the position after the delimiter, or pos
 * for any other form (blanks, a fraction, a zone, the line's last field,
 * the read's end: the byte parser's). A global function, as
 * bpfq_number_field().
 */
BPFQ_GLOBAL long bpfq_time_field_at(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
				    __u64 len)
{
	struct bpfq_parse_ctx c;
	struct bpfq_tok *t;
	__u64 w0, w1, w2, x0, x1, x2 = 0, v, n = 10;
	int slot;

	if (!BPFQ_CSV || !BPFQ_ISO_DELIM_OK || !sv || !buf || pos >= len || len > BPFQ_BUF_SIZE)
		return pos;
	slot = sv->st.parse.slot;
	if (slot < 0 || slot >= BPFQ_MAX_SLOTS || !bpfq_slot_time(slot) || slot == BPFQ_KEY_SLOT ||
	    (BPFQ_KEY_TEXTS && bpfq_key_seg(slot) >= 0))
		return pos;
#ifdef BPFQ_NTEXTS
	if (BPFQ_NTEXTS && bpfq_slot_text(slot) >= 0)
		return pos;
#endif
#ifdef BPFQ_NREGEX
	if (BPFQ_NREGEX)
		return pos;
#endif
	if (pos + 10 >= len)
		return pos;
	w0 = *(const __u64 *)(buf->data + (pos & BPFQ_BUF_MASK));
	w1 = *(const __u64 *)(buf->data + ((pos + 8) & BPFQ_BUF_MASK));
	if (bpfq_iso_bad(w0, BPFQ_ISO_DATE, BPFQ_ISO_DASHES))
		return pos;
	x0 = w0 ^ BPFQ_ISO_DATE;
	x1 = w1 ^ BPFQ_ISO_TIME;
	/* The day's two digits, then the delimiter or the time's separator. */
	if ((((x1 + 0x7676767676767676ULL) | x1) & BPFQ_HIGH & 0xffff) != 0)
		return pos;
	v = ((bpfq_iso_2(x0, 0) * 100 + bpfq_iso_2(x0, 2)) * 100 + bpfq_iso_2(x0, 5)) * 100 +
	    bpfq_iso_2(x1, 0);
	if (((w1 >> 16) & 0xff) != BPFQ_DELIM) {
		__u64 sep = (w1 >> 16) & 0xff;

		if (sep != 'T' && sep != 't' && sep != ' ')
			return pos;
		if (pos + 19 >= len)
			return pos;
		w2 = *(const __u64 *)(buf->data + ((pos + 16) & BPFQ_BUF_MASK));
		/* The separator's byte is checked: the pattern's 'T' there alone. */
		if (bpfq_iso_bad(w1 & ~0xff0000ULL, BPFQ_ISO_TIME & ~0xff0000ULL, BPFQ_ISO_TIME_FIXED) ||
		    bpfq_iso_bad(w2 | BPFQ_ISO_SECS_MASK, BPFQ_ISO_SECS, BPFQ_ISO_SECS_FIXED) ||
		    ((w2 >> 24) & 0xff) != BPFQ_DELIM)
			return pos;
		x1 = w1 ^ BPFQ_ISO_TIME;
		x2 = w2 ^ BPFQ_ISO_SECS;
		v = ((v * 100 + bpfq_iso_2(x1, 3)) * 100 + bpfq_iso_2(x1, 6)) * 100 +
		    bpfq_iso_2(x2, 1);
		n = 19;
		x2 = sep == ' ' ? BPFQ_TIME_SPACE : 0;
	}
	t = &sv->st.parse.tok;
	t->mode = BPFQ_MODE_NUM;
	t->val = v;
	t->ndigits = n == 19 ? 14 : 8;
	t->tpos = n;
	t->forms = x2;
	t->exp = 0;
	t->eneg = 0;
	t->wlen = 0;
	t->frac = 0;
	t->fdigits = 0;
	t->seen = n;
	c.st = &sv->st;
	c.p = &sv->st.parse;
	bpfq_end_field(&c);
	pos += n + 1;
	bpfq_begin_field(&c, sv->st.result.bytes + pos);
	return pos;
}

/* Whether the parser is inside a field no slot uses, where bpfq_skip_fields() goes. */
static __always_inline int bpfq_skip_applies(const struct bpfq_parse *p)
{
	/* A JSON line's structure is in every byte: no field is skipped. */
	if (BPFQ_FORMAT == BPFQ_FORMAT_JSON || p->slot >= 0 || p->cr || BPFQ_WHOLE_SLOT >= 0)
		return 0;
	if (BPFQ_CSV)
		return p->in_record && p->qstate != 2;
	return p->in_field;
}

/* Between records, at pos, a byte that begins one (not a line end, nor
 * a '\r', which waits for the byte after it): the record and its first
 * field begun, as bpfq_csv_plain() begins them. A global function: the
 * begin's loops and clears are verified once. */
BPFQ_GLOBAL int bpfq_begin_record_at(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
				     __u64 len)
{
	struct bpfq_parse_ctx c;
	__u64 ch;

	if (!sv || !buf || pos >= len || len > BPFQ_BUF_SIZE)
		return 0;
	c.st = &sv->st;
	c.p = &sv->st.parse;
	if (c.p->in_record || c.p->qstate || c.p->cr)
		return 0;
	ch = (__u8)buf->data[pos & BPFQ_BUF_MASK];
	if (ch == '\n' || ch == '\r')
		return 0;
	pos += sv->st.result.bytes;
	bpfq_begin_record(&c, pos);
	bpfq_begin_field(&c, pos);
	return 0;
}

/* The format's (parse_csv.bpf.h, parse_text.bpf.h, parse_json.bpf.h), and fast_lines.bpf.h's. */
static __always_inline int bpfq_fields_byte(struct bpfq_parse_ctx *c, __u64 ch, __u64 off);
static __always_inline long bpfq_fast_lines_step(struct bpfq_parse_ctx *c, __u64 pos);

/* One byte per iteration, or a few simple lines. */
static long bpfq_parse_step(__u64 i, void *data)
{
	struct bpfq_parse_ctx *c = data;
	__u64 pos = c->pos, ch;
	long taken;

	if (pos >= c->len)
		return 1;
	taken = bpfq_fast_lines_step(c, pos);
	if (taken >= 0)
		return taken;
	if (BPFQ_CSV && c->p->slot >= 0 && c->p->in_record && !c->p->tok.seen && !c->p->quoted &&
	    !c->p->qstate && !c->p->cr) {
		taken = bpfq_number_field((struct bpfq_value *)c->st, c->buf, pos, c->len);
		if (taken == pos)
			taken = bpfq_text_field((struct bpfq_value *)c->st, c->buf, pos, c->len);
		if (taken == pos && BPFQ_TIME_SLOTS)
			taken = bpfq_time_field_at((struct bpfq_value *)c->st, c->buf, pos, c->len);
		if (taken != pos) {
			c->pos = taken;
			return 0;
		}
	}
	if (bpfq_skip_applies(c->p)) {
		taken = bpfq_skip_fields((struct bpfq_value *)c->st, c->buf, pos, c->len);
		if (taken != pos) {
			c->pos = taken;
			return 0;
		}
	}
	ch = (__u8)c->buf->data[pos & BPFQ_BUF_MASK];
	c->pos = pos + 1;
	return bpfq_fields_byte(c, ch, c->base + pos);
}

#endif /* BPFQ_PARSE_FIELDS_H */
