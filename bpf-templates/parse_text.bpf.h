/* SPDX-License-Identifier: MIT */
/*
 * 'as text': lines of fields separated by runs of blanks (space, tab), as
 * awk splits them; every line is a record, an empty one too. A '\r' just
 * before a line end (or the input's end) is dropped.
 */
#ifndef BPFQ_PARSE_TEXT_H
#define BPFQ_PARSE_TEXT_H

#include "parse_fields.bpf.h"
#include "fast_lines.bpf.h"

static __always_inline int bpfq_text_content(struct bpfq_parse_ctx *c, __u64 ch, __u64 off)
{
	if (ch == '\n') {
		if (!c->p->in_record)
			bpfq_begin_record(c, off);
		if (c->p->in_field)
			bpfq_end_field(c);
		c->p->in_field = 0;
		return bpfq_end_record(c);
	}
	if (!c->p->in_record)
		bpfq_begin_record(c, off);
	if (BPFQ_WHOLE_SLOT >= 0)
		bpfq_slot_byte(c, BPFQ_WHOLE_SLOT, ch);
	if (bpfq_tok_blank(ch)) {
		if (c->p->in_field)
			bpfq_end_field(c);
		c->p->in_field = 0;
		return 0;
	}
	if (!c->p->in_field) {
		bpfq_begin_field(c, off);
		c->p->in_field = 1;
	}
	bpfq_field_byte(c, ch, 0);
	return 0;
}

/* One byte, at file offset off. Returns 1 to stop. */
static __always_inline int bpfq_fields_byte(struct bpfq_parse_ctx *c, __u64 ch, __u64 off)
{
	if (c->p->cr) {
		c->p->cr = 0;
		if (ch != '\n' && bpfq_text_content(c, '\r', off - 1))
			return 1;
	}
	if (ch == '\r') {
		if (!c->p->in_record)
			bpfq_begin_record(c, off);
		c->p->cr = 1;
		return 0;
	}
	return bpfq_text_content(c, ch, off);
}

/* The end of the input: a last line without its '\n'. */
static __always_inline void bpfq_parse_end_inline(struct bpfq_state *st)
{
	struct bpfq_parse_ctx c = { .st = st, .p = &st->parse };

	if (c.p->in_record) {
		if (c.p->in_field)
			bpfq_end_field(&c);
		bpfq_end_record(&c);
	}
	st->result.eof = 1;
}

#endif /* BPFQ_PARSE_TEXT_H */
