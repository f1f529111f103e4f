/* SPDX-License-Identifier: MIT */
/*
 * 'as json': JSON lines, one object per line. A key path the query uses
 * (bpfq_json_field(), generated: the path's two hashes, bpfq_state.h) is
 * a field; its value goes through the csv field's number rules (a string
 * as its decoded bytes, a bare word as it is), true and false are 1 and
 * 0. Keys inside arrays are no fields. The first of a key repeated in an
 * object counts. A line that is not one whole object (or nests deeper
 * than BPFQ_JSON_DEPTH) is no record: counted as malformed. Blank lines
 * are no records; a '\r' is a blank outside strings (CRLF lines).
 * lang/engine/records.c states the same rules.
 */
#ifndef BPFQ_PARSE_JSON_H
#define BPFQ_PARSE_JSON_H

#include "parse_fields.bpf.h"

/* No batch of lines at once: every byte goes through the state machine. */
static __always_inline long bpfq_fast_lines_step(struct bpfq_parse_ctx *c, __u64 pos)
{
	return -1;
}

static __always_inline int bpfq_json_blank(__u64 ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* The line is no JSON object: the rest of it is skipped, then it is counted. */
static __always_inline int bpfq_json_bad(struct bpfq_parse_ctx *c)
{
	c->p->json.state = BPFQ_J_SKIP;
	return 0;
}

/* The line ended malformed: no record, one more malformed line. */
static __always_inline int bpfq_json_drop(struct bpfq_parse_ctx *c)
{
	struct bpfq_result *r = &c->st->result;

	bpfq_count_null(&r->malformed, &r->malformed_off, c->p->rec.off);
	c->p->in_record = 0;
	c->p->json.state = BPFQ_J_LINE;
	return r->error != 0;
}

/* A byte of a key (into its hashes) or of a string value (into its field). */
static __always_inline void bpfq_json_put(struct bpfq_parse_ctx *c, __u64 b)
{
	struct bpfq_json *j = &c->p->json;

	if (j->state == BPFQ_J_KEY) {
		j->h1 = bpfq_json_fold1(j->h1, b);
		j->h2 = bpfq_json_fold2(j->h2, b);
		j->klen++;
	} else {
		bpfq_field_byte(c, b, 1);
	}
}

/* A \u escape's code point as UTF-8. */
static __always_inline void bpfq_json_put_cp(struct bpfq_parse_ctx *c, __u32 cp)
{
	__u32 n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	__u64 lead = n == 1 ? 0 : n == 2 ? 0xc0 : n == 3 ? 0xe0 : 0xf0;

	bpfq_json_put(c, lead | (cp >> (6 * (n - 1))));
	for (__u32 i = 1; i < 4; i++)
		if (i < n)
			bpfq_json_put(c, 0x80 | ((cp >> (6 * (n - 1 - i))) & 0x3f));
}

static __always_inline int bpfq_json_hex(__u64 ch)
{
	if (ch - '0' < 10)
		return ch - '0';
	if ((ch | 0x20) - 'a' < 6)
		return (ch | 0x20) - 'a' + 10;
	return -1;
}

/* The 4th hex digit of a \u escape read: a code point, or half of a surrogate pair. */
static __always_inline int bpfq_json_escaped(struct bpfq_parse_ctx *c)
{
	struct bpfq_json *j = &c->p->json;
	__u32 cp = j->cp;

	j->esc = BPFQ_JE_NONE;
	if (j->hi) {
		if (cp < 0xdc00 || cp > 0xdfff)
			return bpfq_json_bad(c);
		cp = 0x10000 + ((j->hi - 0xd800) << 10) + (cp - 0xdc00);
		j->hi = 0;
	} else if (cp >= 0xd800 && cp <= 0xdbff) {
		j->hi = cp;
		j->esc = BPFQ_JE_PAIR;
		return 0;
	} else if (cp >= 0xdc00 && cp <= 0xdfff) {
		return bpfq_json_bad(c);
	}
	bpfq_json_put_cp(c, cp);
	return 0;
}

/* The byte after a backslash. */
static __always_inline int bpfq_json_escape(struct bpfq_parse_ctx *c, __u64 ch)
{
	struct bpfq_json *j = &c->p->json;
	__u64 b;

	switch (ch) {
	case '"': case '\\': case '/': b = ch; break;
	case 'b': b = '\b'; break;
	case 'f': b = '\f'; break;
	case 'n': b = '\n'; break;
	case 'r': b = '\r'; break;
	case 't': b = '\t'; break;
	case 'u':
		j->esc = BPFQ_JE_HEX;
		j->cp = 0;
		return 0;
	default:
		return bpfq_json_bad(c);
	}
	j->esc = BPFQ_JE_NONE;
	bpfq_json_put(c, b);
	return 0;
}

static __always_inline void bpfq_json_value_end(struct bpfq_parse_ctx *c);
static __always_inline int bpfq_json_key_end(struct bpfq_parse_ctx *c);

/* A byte inside a key or a string value. */
static __always_inline int bpfq_json_string(struct bpfq_parse_ctx *c, __u64 ch)
{
	struct bpfq_json *j = &c->p->json;
	int d;

	switch (j->esc) {
	case BPFQ_JE_NONE:
		if (ch == '"') {
			if (j->state == BPFQ_J_KEY)
				return bpfq_json_key_end(c);
			bpfq_json_value_end(c);
			return 0;
		}
		if (ch == '\\')
			j->esc = BPFQ_JE_BACKSLASH;
		else if (ch < 0x20)
			return bpfq_json_bad(c);
		else
			bpfq_json_put(c, ch);
		return 0;
	case BPFQ_JE_BACKSLASH:
		return bpfq_json_escape(c, ch);
	case BPFQ_JE_PAIR:
		if (ch != '\\')
			return bpfq_json_bad(c);
		j->esc = BPFQ_JE_PAIR_U;
		return 0;
	case BPFQ_JE_PAIR_U:
		if (ch != 'u')
			return bpfq_json_bad(c);
		j->esc = BPFQ_JE_HEX;
		j->cp = 0;
		return 0;
	default:
		d = bpfq_json_hex(ch);
		if (d < 0)
			return bpfq_json_bad(c);
		j->cp = j->cp * 16 + d;
		if (++j->esc == BPFQ_JE_HEX + 4)
			return bpfq_json_escaped(c);
		return 0;
	}
}

/* The key ended: the field it names, if the query uses its path (not inside an array). */
static __always_inline int bpfq_json_key_end(struct bpfq_parse_ctx *c)
{
	struct bpfq_json *j = &c->p->json;

	j->h1 = bpfq_json_fold1(j->h1, j->klen | (1ULL << 32));
	j->h2 = bpfq_json_fold2(j->h2, j->klen | (1ULL << 32));
	j->field = j->arrays ? -1 : bpfq_json_field(j->h1, j->h2);
	j->state = BPFQ_J_COLON;
	return 0;
}

/*
 * A byte inside a key or a string value. A global function: its stack is
 * then no part of the parse step's, which the record's emit adds to (6.1
 * allows 512 bytes over all the frames of a chain of calls).
 */
__noinline int bpfq_json_string_byte(struct bpfq_value *sv, __u64 ch)
{
	struct bpfq_parse_ctx c = {};

	if (!sv)
		return 0;
	c.st = &sv->st;
	c.p = &sv->st.parse;
	return bpfq_json_string(&c, ch & 0xff);
}

/* A value begins: the key's field, unless an earlier same key gave it. */
static __always_inline void bpfq_json_value_begin(struct bpfq_parse_ctx *c, __u64 off)
{
	struct bpfq_json *j = &c->p->json;

	__u32 field = j->field >= 0 ? j->field : 0xffffffff;
	int slot = field <= BPFQ_LAST_FIELD ? bpfq_slot_of(field) : -1;

	/* A repeated key's value is no field: the first one's, its text too, stays. */
	if (slot >= 0 && slot < BPFQ_MAX_SLOTS && (j->seen & (1U << slot)))
		field = 0xffffffff;
	c->p->field = field;
	j->field = -1;
	bpfq_begin_field(c, off);
	if (c->p->slot < 0 || c->p->slot >= BPFQ_MAX_SLOTS)
		return;
	j->seen |= 1U << c->p->slot;
	j->note[c->p->slot & (BPFQ_MAX_SLOTS - 1)] = 0;
}

/* true and false, bare: 1 and 0; -1 for another value. */
static __always_inline int bpfq_json_bool(const struct bpfq_tok *t)
{
	if (t->mode != BPFQ_MODE_BAD || t->neg || t->ndigits || t->fdigits || (t->forms & BPFQ_FORM_DOT))
		return -1;
	if (t->wlen == 4 && t->word == 0x65757274)		/* "true" */
		return 1;
	if (t->wlen == 5 && t->word == 0x65736c6166ULL)	/* "false" */
		return 0;
	return -1;
}

/* A used value's number into its field, and what to count of it into its note. */
static __always_inline __u32 bpfq_json_number(struct bpfq_parse_ctx *c, struct bpfq_field *f)
{
	int b = c->p->json.bare ? bpfq_json_bool(&c->p->tok) : -1, flags, k;
	__u32 note;

	if (b >= 0) {
		f->kind = BPFQ_K_INT;
		f->lo = b;
		f->hi = 0;
		return 0;
	}
	flags = bpfq_tok_field(&c->p->tok, f);
	note = (flags & BPFQ_TOK_ROUNDED ? BPFQ_JN_ROUNDED : 0) |
	       (flags & BPFQ_TOK_BEYOND ? BPFQ_JN_BEYOND : 0);
	if (f->kind == BPFQ_K_EMPTY)
		return note | BPFQ_JN_EMPTY;
	if (f->kind != BPFQ_K_BAD)
		return note;
	k = bpfq_tok_null(&c->p->tok);
	return note | (k >= 0 && k < BPFQ_NULL_KINDS ? BPFQ_JN_NULL + k : BPFQ_JN_BAD);
}

/* A bare value's byte: its first four kept, to tell a null. */
static __always_inline void bpfq_json_bare_byte(struct bpfq_json *j, __u64 ch)
{
	if (j->blen < 4)
		j->bword |= (__u32)(ch & 0xff) << ((j->blen & 3) * 8);
	j->blen++;
}

/*
 * A bare null is NULL where the query reads the value as text too, as a
 * missing key is: not the text "null" (a string "null" stays text).
 */
static __always_inline void bpfq_json_null_text(struct bpfq_parse_ctx *c, int slot)
{
	struct bpfq_json *j = &c->p->json;
	int k = bpfq_slot_text(slot);

	if (!j->bare || j->blen != 4 || j->bword != 0x6c6c756e)	/* "null" */
		return;
	if (k >= 0 && k < BPFQ_MAX_TEXTS)
		c->p->texts[k].present = 0;
	bpfq_rx_clear(&c->st->parse.rec, slot);
}

/* A string or bare value ended: into its field; its counts wait for the record's end. */
static __always_inline void bpfq_json_value_end(struct bpfq_parse_ctx *c)
{
	int slot = c->p->slot;

	c->p->json.state = BPFQ_J_AFTER;
	c->p->slot = -1;
	if (BPFQ_NTEXTS || BPFQ_NREGEX)
		bpfq_json_null_text(c, slot);
	if (slot < 0 || slot >= BPFQ_MAX_SLOTS || !bpfq_slot_numeric(slot))
		return;
	slot &= BPFQ_MAX_SLOTS - 1;
	c->p->json.note[slot] = bpfq_json_number(c, &c->st->parse.rec.f[slot]);
	c->p->json.voff[slot] = c->p->tok.start;
}

/* An object or array as a used key's value: no number. */
static __always_inline void bpfq_json_container_value(struct bpfq_parse_ctx *c, __u64 off)
{
	bpfq_json_value_begin(c, off);
	c->p->tok.mode = BPFQ_MODE_BAD;
	c->p->tok.wlen = BPFQ_WORD_NONE;
	c->p->json.bare = 0;
	bpfq_json_value_end(c);
}

/* A count of a record's values: the first place is the first record's first such value. */
static __always_inline void bpfq_json_count(__u64 *count, __u64 *first, __u64 rec_off, __u64 off)
{
	/* A first place at or after the record's start is this record's. */
	if (!*count || (*first >= rec_off && off < *first))
		*first = off;
	(*count)++;
}

/*
 * Slot i's note into the counters. A global function, checked once:
 * inlined for each slot, the verifier would walk every combination of
 * their branches.
 */
__noinline int bpfq_json_note(struct bpfq_value *sv, __u32 i)
{
	struct bpfq_result *r;
	struct bpfq_json *j;
	__u64 off, at;
	__u32 note, kind;

	if (!sv)
		return 0;
	r = &sv->st.result;
	j = &sv->st.parse.json;
	i &= BPFQ_MAX_SLOTS - 1;
	note = j->note[i];
	kind = note & BPFQ_JN_KIND;
	off = j->voff[i];
	at = sv->st.parse.rec.off;
	if ((note & BPFQ_JN_BEYOND) && (!r->error || off < r->error_off)) {
		r->error = BPFQ_ERR_BEYOND;
		r->error_off = off;
		r->done = 1;
	}
	if (note & BPFQ_JN_ROUNDED)
		bpfq_json_count(&r->rounded, &r->rounded_off, at, off);
	if (kind == BPFQ_JN_EMPTY) {
		bpfq_json_count(&r->empty, &r->empty_off, at, off);
	} else if (kind == BPFQ_JN_BAD) {
		bpfq_json_count(&r->bad, &r->bad_off, at, off);
	} else if (kind >= BPFQ_JN_NULL && kind < BPFQ_JN_NULL + BPFQ_NULL_KINDS) {
		if (!bpfq_nulls(r) || (r->nulls_off >= at && off < r->nulls_off))
			r->nulls_off = off;
		r->nulls[(kind - BPFQ_JN_NULL) & 7]++;
	}
	return 0;
}

static __always_inline void bpfq_json_notes(struct bpfq_parse_ctx *c)
{
#pragma unroll
	for (int i = 0; i < BPFQ_NSLOTS; i++)
		if (((c->p->json.seen >> i) & 1) && bpfq_slot_numeric(i))
			bpfq_json_note((struct bpfq_value *)c->st, i);
}

/* '{' or '[': one level deeper, its path the key's (an object's keys hash on from it). */
static __always_inline int bpfq_json_open(struct bpfq_parse_ctx *c, __u64 ch, __u64 off)
{
	struct bpfq_json *j = &c->p->json;
	__u32 d = j->depth;

	if (d >= BPFQ_JSON_DEPTH)
		return bpfq_json_bad(c);
	if (d)
		bpfq_json_container_value(c, off);
	j->ph1[d & (BPFQ_JSON_DEPTH - 1)] = d ? j->h1 : BPFQ_JSON_H1;
	j->ph2[d & (BPFQ_JSON_DEPTH - 1)] = d ? j->h2 : BPFQ_JSON_H2;
	if (ch == '[')
		j->arrays |= 1U << d;
	j->depth = d + 1;
	j->state = ch == '[' ? BPFQ_J_VALUE_OR_END : BPFQ_J_KEY_OR_END;
	return 0;
}

/* '}' or ']': it must close what is open. */
static __always_inline int bpfq_json_close(struct bpfq_parse_ctx *c, __u64 ch)
{
	struct bpfq_json *j = &c->p->json;
	__u32 d = j->depth - 1;

	if (d >= BPFQ_JSON_DEPTH || ((j->arrays >> d) & 1) != (ch == ']'))
		return bpfq_json_bad(c);
	j->arrays &= ~(1U << d);
	j->depth = d;
	j->state = d ? BPFQ_J_AFTER : BPFQ_J_DONE;
	return 0;
}

/* Where a value may begin: a string, a container, a bare word. */
static __always_inline int bpfq_json_value(struct bpfq_parse_ctx *c, __u64 ch, __u64 off)
{
	struct bpfq_json *j = &c->p->json;

	if (bpfq_json_blank(ch))
		return 0;
	if (ch == ']' && j->state == BPFQ_J_VALUE_OR_END)
		return bpfq_json_close(c, ch);
	if (ch == '{' || ch == '[')
		return bpfq_json_open(c, ch, off);
	if (ch == ',' || ch == ':' || ch == '}' || ch == ']')
		return bpfq_json_bad(c);
	bpfq_json_value_begin(c, off);
	j->esc = BPFQ_JE_NONE;
	j->bare = ch != '"';
	j->state = ch == '"' ? BPFQ_J_STRING : BPFQ_J_BARE;
	j->bword = 0;
	j->blen = 0;
	if (j->bare) {
		bpfq_json_bare_byte(j, ch);
		bpfq_field_byte(c, ch, 0);
	}
	return 0;
}

/* After a value: ',' or the end of its container. */
static __always_inline int bpfq_json_after(struct bpfq_parse_ctx *c, __u64 ch)
{
	struct bpfq_json *j = &c->p->json;

	if (bpfq_json_blank(ch))
		return 0;
	if (ch == '}' || ch == ']')
		return bpfq_json_close(c, ch);
	if (ch != ',' || !j->depth)
		return bpfq_json_bad(c);
	j->state = (j->arrays >> ((j->depth - 1) & 31)) & 1 ? BPFQ_J_VALUE : BPFQ_J_KEY_NEXT;
	return 0;
}

/* A bare value's byte: its end is a blank or what may follow a value. */
static __always_inline int bpfq_json_bare(struct bpfq_parse_ctx *c, __u64 ch)
{
	if (bpfq_json_blank(ch) || ch == ',' || ch == '}' || ch == ']') {
		bpfq_json_value_end(c);
		return bpfq_json_after(c, ch);
	}
	if (ch == '"' || ch == '{' || ch == '[' || ch == ':')
		return bpfq_json_bad(c);
	bpfq_json_bare_byte(&c->p->json, ch);
	bpfq_field_byte(c, ch, 0);
	return 0;
}

/* Where a key may begin ('}' too right after '{'). */
static __always_inline int bpfq_json_key(struct bpfq_parse_ctx *c, __u64 ch)
{
	struct bpfq_json *j = &c->p->json;
	__u32 d = (j->depth - 1) & (BPFQ_JSON_DEPTH - 1);

	if (bpfq_json_blank(ch))
		return 0;
	if (ch == '}' && j->state == BPFQ_J_KEY_OR_END)
		return bpfq_json_close(c, ch);
	if (ch != '"')
		return bpfq_json_bad(c);
	j->h1 = j->ph1[d];
	j->h2 = j->ph2[d];
	j->klen = 0;
	j->esc = BPFQ_JE_NONE;
	j->state = BPFQ_J_KEY;
	return 0;
}

/* A line's first byte that is not a blank: its object, or a malformed line. */
static __always_inline int bpfq_json_line(struct bpfq_parse_ctx *c, __u64 ch, __u64 off)
{
	struct bpfq_json *j = &c->p->json;

	if (bpfq_json_blank(ch))
		return 0;
	bpfq_begin_record(c, off);
	j->seen = 0;
	j->depth = 0;
	j->arrays = 0;
	j->hi = 0;
	j->field = -1;
	if (ch != '{')
		return bpfq_json_bad(c);
	return bpfq_json_open(c, ch, off);
}

/* One byte, at file offset off. Returns 1 to stop. */
static __always_inline int bpfq_fields_byte(struct bpfq_parse_ctx *c, __u64 ch, __u64 off)
{
	struct bpfq_json *j = &c->p->json;

	if (ch == '\n') {
		if (j->state == BPFQ_J_LINE)
			return 0;
		if (j->state != BPFQ_J_DONE)
			return bpfq_json_drop(c);
		j->state = BPFQ_J_LINE;
		return bpfq_end_record(c);
	}
	switch (j->state) {
	case BPFQ_J_LINE:
		return bpfq_json_line(c, ch, off);
	case BPFQ_J_KEY_OR_END:
	case BPFQ_J_KEY_NEXT:
		return bpfq_json_key(c, ch);
	case BPFQ_J_KEY:
	case BPFQ_J_STRING:
		return bpfq_json_string_byte((struct bpfq_value *)c->st, ch);
	case BPFQ_J_COLON:
		if (bpfq_json_blank(ch))
			return 0;
		if (ch != ':')
			return bpfq_json_bad(c);
		j->state = BPFQ_J_VALUE;
		return 0;
	case BPFQ_J_VALUE:
	case BPFQ_J_VALUE_OR_END:
		return bpfq_json_value(c, ch, off);
	case BPFQ_J_BARE:
		return bpfq_json_bare(c, ch);
	case BPFQ_J_AFTER:
		return bpfq_json_after(c, ch);
	case BPFQ_J_DONE:
		return bpfq_json_blank(ch) ? 0 : bpfq_json_bad(c);
	default:
		return 0;
	}
}

/* The end of the input: a last line without its '\n'. */
static __always_inline void bpfq_parse_end_inline(struct bpfq_state *st)
{
	struct bpfq_parse_ctx c = { .st = st, .p = &st->parse };

	if (c.p->json.state == BPFQ_J_DONE)
		bpfq_end_record(&c);
	else if (c.p->json.state != BPFQ_J_LINE)
		bpfq_json_drop(&c);
	c.p->json.state = BPFQ_J_LINE;
	st->result.eof = 1;
}

#endif /* BPFQ_PARSE_JSON_H */
