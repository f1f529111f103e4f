/* SPDX-License-Identifier: MIT */
/*
 * 'as csv': RFC 4180. Fields are separated by BPFQ_DELIM and records by
 * line ends; a field that begins with a quote is quoted: delimiters and
 * line ends are its content until the closing quote, and "" is a quote.
 * A '\r' before a line end (outside quotes) is dropped; empty lines are no
 * records. Numbers may have blanks around them. A quoted field open at the
 * end of the input is an error: the rest of the file would have been one
 * field.
 */
#ifndef BPFQ_PARSE_CSV_H
#define BPFQ_PARSE_CSV_H

#include "parse_fields.bpf.h"
#include "fast_lines.bpf.h"

static __always_inline int bpfq_csv_plain(struct bpfq_parse_ctx *c, __u64 ch, __u64 off)
{
	if (ch == '\n') {
		if (!c->p->in_record)
			return 0;
		bpfq_end_field(c);
		return bpfq_end_record(c);
	}
	if (!c->p->in_record) {
		bpfq_begin_record(c, off);
		bpfq_begin_field(c, off);
	}
	if (ch == BPFQ_DELIM) {
		bpfq_end_field(c);
		bpfq_begin_field(c, off + 1);
	} else if (ch == '"' && !c->p->tok.seen && !c->p->quoted) {
		c->p->quoted = 1;
		c->p->qstate = 1;
	} else {
		bpfq_field_byte(c, ch, 1);
	}
	return 0;
}

/* One byte, at file offset off. Returns 1 to stop. */
static __always_inline int bpfq_fields_byte(struct bpfq_parse_ctx *c, __u64 ch, __u64 off)
{
	if (c->p->qstate == 1) {
		if (ch == '"')
			c->p->qstate = 2;
		else
			bpfq_field_byte(c, ch, 1);
		return 0;
	}
	if (c->p->qstate == 2) {
		if (ch == '"') {
			bpfq_field_byte(c, ch, 1);
			c->p->qstate = 1;
			return 0;
		}
		c->p->qstate = 0;
	}
	if (c->p->cr) {
		c->p->cr = 0;
		if (ch != '\n' && bpfq_csv_plain(c, '\r', off - 1))
			return 1;
	}
	if (ch == '\r') {
		c->p->cr = 1;
		return 0;
	}
	return bpfq_csv_plain(c, ch, off);
}

/* The end of the input: a last record without its line end, or an open quote. */
static __always_inline void bpfq_parse_end_inline(struct bpfq_state *st)
{
	struct bpfq_parse_ctx c = { .st = st, .p = &st->parse };
	struct bpfq_result *r = &st->result;

	if (c.p->qstate == 1) {
		r->error = BPFQ_ERR_QUOTE;
		r->error_off = c.p->tok.start;
		r->done = 1;
		return;
	}
	if (c.p->in_record) {
		bpfq_end_field(&c);
		bpfq_end_record(&c);
	}
	r->eof = 1;
}

#endif /* BPFQ_PARSE_CSV_H */
