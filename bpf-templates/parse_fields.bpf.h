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
	if (BPFQ_KEY_SLOT >= 0)
		__builtin_memset(rec->key.bytes, 0, sizeof(rec->key.bytes));
	if (BPFQ_NREGEX)
		__builtin_memset(rec->rx, 0, sizeof(rec->rx));
#pragma unroll
	for (int k = 0; k < BPFQ_NTEXTS && k < BPFQ_MAX_TEXTS; k++)
		c->p->texts[k].present = 0;
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
		}
	}
}

/* A byte of a field compared as text: kept, up to BPFQ_TEXT_MAX, and counted. */
static __always_inline void bpfq_text_byte(struct bpfq_parse_ctx *c, __u64 ch)
{
	int k = bpfq_slot_text(c->p->slot);
	struct bpfq_text *t;

	if (k < 0 || k >= BPFQ_MAX_TEXTS)
		return;
	t = &c->p->texts[k];
	if (t->len < BPFQ_TEXT_MAX)
		t->bytes[t->len & (BPFQ_TEXT_MAX - 1)] = ch;
	t->len++;
}

/* A byte of the field: its number, its text if it is compared, its regexes' states, and
 * its text if it is the group key. */
static __always_inline void bpfq_field_byte(struct bpfq_parse_ctx *c, __u64 ch, int blanks)
{
	struct bpfq_rec *rec = &c->st->parse.rec;

	c->p->tok.seen++;
	if (c->p->slot < 0)
		return;
	bpfq_tok_byte(&c->p->tok, ch, blanks);
	bpfq_rx_byte(rec, c->p->slot, ch);
	if (BPFQ_NTEXTS)
		bpfq_text_byte(c, ch);
	if (c->p->slot != BPFQ_KEY_SLOT)
		return;
	if (rec->key.len < BPFQ_KEY_MAX)
		rec->key.bytes[rec->key.len++ & (BPFQ_KEY_MAX - 1)] = ch;
	else
		rec->key_long = 1;
}

/* The field ended: its value into the record, and the NULL counters. */
static __always_inline void bpfq_end_field(struct bpfq_parse_ctx *c)
{
	struct bpfq_result *r = &c->st->result;
	struct bpfq_field *f;

	/* A field used only as a group key's text is no number: nothing to count. */
	if (c->p->slot >= 0 && c->p->slot < BPFQ_MAX_SLOTS && bpfq_slot_numeric(c->p->slot)) {
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

/* The record ended: the fields it lacks are NULL; then the query sees it. Returns 1 to stop. */
static __always_inline int bpfq_end_record(struct bpfq_parse_ctx *c)
{
	struct bpfq_state *st = c->st;
	struct bpfq_rec *rec = &st->parse.rec;
	struct bpfq_result *r = &st->result;

	/* A number beyond int64 (bpfq_tok_flags()): no answer, the scan stops. */
	if (r->error)
		return 1;
#pragma unroll
	for (int i = 0; i < BPFQ_NSLOTS; i++) {
		if (bpfq_field_of(i) >= c->p->field) {
			rec->f[i].kind = BPFQ_K_MISSING;
			bpfq_count_null(&r->missing, &r->missing_off, rec->off);
		}
	}
	if (BPFQ_KEY_SLOT >= 0 && bpfq_field_of(BPFQ_KEY_SLOT) >= c->p->field)
		rec->key.kind = BPFQ_K_MISSING;
	r->records++;
	c->p->in_record = 0;
	return bpfq_emit(st, rec->f, rec->off);
}

/* The format's (parse_csv.bpf.h, parse_text.bpf.h), and fast_lines.bpf.h's. */
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
	ch = (__u8)c->buf->data[pos & BPFQ_BUF_MASK];
	c->pos = pos + 1;
	return bpfq_fields_byte(c, ch, c->base + pos);
}

#endif /* BPFQ_PARSE_FIELDS_H */
