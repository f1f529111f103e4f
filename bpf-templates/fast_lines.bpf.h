/* SPDX-License-Identifier: MIT */
/*
 * text and csv: the common line at once. When the parser is between
 * records, bpfq_fast_lines() tries whole lines whose used fields are short
 * integers, one 8-byte load per field (SWAR, as parse_numbers.bpf.h):
 * each used field 1 to 7 digits (after a '-', 1 to 6), each other field up to 7 bytes with no
 * quote, one separator between fields (csv: the delimiter; text: one
 * blank, no blank first), and the rest of the line within 64 bytes and
 * without a quote. Anything else, an empty or missing field, a '+', a
 * decimal, a '\r', blanks around a number, a longer field, is left to the
 * byte parser, which then reads that line from its start: a line is taken
 * here whole or not at all, so the two never disagree.
 */
#ifndef BPFQ_FAST_LINES_H
#define BPFQ_FAST_LINES_H

#include "parse_fields.bpf.h"
#include "swar.bpf.h"

#define BPFQ_LINE_FIELDS (BPFQ_LAST_FIELD + 1)
/* Lines per call, and the bytes a call may look at (a line's fields, and 64 more). */
#define BPFQ_FAST_LINES 32
/* Lines per call of bpfq_fast_line(): the call and the batch's flush are
 * paid once for them. More lines a call add little speed and much
 * verification. */
#define BPFQ_LINES_PER_CALL 2
#define BPFQ_LINE_MAX (BPFQ_LINE_FIELDS * 8 + 64)
/* Lines that always go byte by byte: a text group key (one of several
 * too) is copied there, a regex runs over its field's bytes there, a time
 * is read there (parse_time.bpf.h), $0 takes every byte there; and past 4 used fields, the verifier's
 * walk of a line grows past its limit (each field's outcomes multiply). A field
 * compared as text is taken here when it is short (1 to 7 bytes, no
 * quote): one word. */
#define BPFQ_BYTE_LINES (BPFQ_KEY_SLOT >= 0 || BPFQ_KEY_TEXTS || BPFQ_NREGEX > 0 || \
			 BPFQ_LINE_FIELDS > 8 || BPFQ_NSLOTS > 4 || BPFQ_TIME_SLOTS || \
			 BPFQ_WHOLE_SLOT >= 0)
/* A line's used fields, on the stack when the emit needs their address
 * (its general path copies them): only the query's, not BPFQ_MAX_SLOTS.
 * The stack of a chain of calls is limited to 512 bytes, and the
 * callback's step, the line and the general path are on one. */
#define BPFQ_LINE_SLOTS (BPFQ_NSLOTS > 0 ? BPFQ_NSLOTS : 1)

/* The field separator's flags in w: the delimiter (csv) or a blank (text). */
static __always_inline __u64 bpfq_separator_mask(__u64 w)
{
	if (BPFQ_CSV)
		return bpfq_bytes_eq(w, BPFQ_DELIM);
	return bpfq_bytes_eq(w, ' ') | bpfq_bytes_eq(w, '\t');
}

/* bpfq_fast_field()'s answer for a number with a minus, when not signed (a length is 1..7). */
#define BPFQ_FIELD_MINUS 8
/* A line's: not taken, but signed it may be (beside the position, as BPFQ_FAST_STOP). */
#define BPFQ_FAST_MINUS (1ULL << 61)

/*
 * When every byte that ends a field (the separators and '\n') is below
 * '0', the first byte below '0' (a borrow test of three
 * instructions, not two byte compares of six each) is the field's end if
 * it is one of them, since digits, letters and bytes past 0x7f are not
 * below '0'. A quote and a minus are below '0' too: a field that holds one
 * ends that test early, and goes the exact way. The delimiter must not be
 * the minus, which the signed test takes first, nor the 0 byte, which the
 * shift after a minus brings in at the top.
 */
#define BPFQ_BELOW_ZERO_ENDS (!BPFQ_CSV || (BPFQ_DELIM > 0 && BPFQ_DELIM < '0' && BPFQ_DELIM != '-'))
#define BPFQ_END_BITS                                                                   \
	(BPFQ_CSV ? (1ULL << (BPFQ_DELIM & 63)) | (1ULL << '\n')                     \
		  : (1ULL << ' ') | (1ULL << '\t') | (1ULL << '\n'))

/* High bits of the bytes of w below '0': exact up to the first one (a
 * borrow only runs up from there). */
static __always_inline __u64 bpfq_below_zero(__u64 w)
{
	return (w - 0x3030303030303030ULL) & ~w & BPFQ_HIGH;
}

/* Whether the byte at n (0..7) of w, below '0', ends a field; *end: a line end. */
static __always_inline int bpfq_ends_field_at(__u64 w, __u64 n, int *end)
{
	/* Below '0': & 63 keeps it, and bounds the shift. */
	__u64 c = (w >> (n * 8)) & 63;

	*end = c == '\n';
	return (BPFQ_END_BITS >> c) & 1;
}

/* The exact way: the index (1..7) of w's first separator or line end, 0
 * if there is none or it is the first byte; *end: it is the line end. */
static __always_inline __u64 bpfq_first_end(__u64 w, int *end)
{
	__u64 nl = bpfq_bytes_eq(w, '\n'), stops = bpfq_separator_mask(w) | nl, n;

	if (!stops)
		return 0;
	n = bpfq_first_byte(stops);
	*end = (nl >> (n * 8)) & 0x80 ? 1 : 0;
	return n;
}

/* A field that is not used: its length n (1..7) when its end is within 8
 * bytes, with no quote before it (csv); else 0. */
static __always_inline __u64 bpfq_skip_field(__u64 w, int *end)
{
	__u64 below, n;

	if (BPFQ_BELOW_ZERO_ENDS && (below = bpfq_below_zero(w))) {
		n = bpfq_first_byte(below);
		if (n && bpfq_ends_field_at(w, n, end))
			return n;
	}
	n = bpfq_first_end(w, end);
	/* csv: a quote may open a quoted field, whose separators are content. */
	if (!n || (BPFQ_CSV && (bpfq_bytes_eq(w, '"') << ((8 - n) * 8))))
		return 0;
	return n;
}

/* The length d (1..7) of the digits at the start of w, and the field's
 * end right after them; 0 if w does not start so. t is w - '0' in every byte.
 * (bpfq_nondigit_mask() for the end, which then needs no digit test, gains
 * too little for the verification it adds.) */
static __always_inline __u64 bpfq_digits_then_end(__u64 w, __u64 t, int *end)
{
	__u64 stops, n, top;

	if (BPFQ_BELOW_ZERO_ENDS) {
		stops = bpfq_below_zero(w);
		if (!stops)
			return 0;
		n = bpfq_first_byte(stops);
		if (!n || !bpfq_ends_field_at(w, n, end))
			return 0;
	} else if (!(n = bpfq_first_end(w, end))) {
		return 0;
	}
	top = t << ((8 - n) * 8);
	if (((top + 0x7676767676767676ULL) | top) & BPFQ_HIGH)
		return 0;
	return n;
}

/*
 * One field at p: its length n (1..7) when the separator or a line end
 * follows within 8 bytes; 0 when the field is not this simple, or
 * BPFQ_FIELD_MINUS for a number with a minus unless signed. *end says it was
 * the line end; *v is its value when numeric.
 */
static __always_inline __u64 bpfq_fast_field(const char *p, int numeric, const int is_signed,
					__u64 *v, int *end)
{
	__u64 w = *(const __u64 *)p, neg, d, t;

	if (!numeric)
		return bpfq_skip_field(w, end);
	/* A minus, then the digits: '0' comes off the word after the minus
	 * (off the minus itself, it would borrow from the first digit). Not
	 * when the minus is the delimiter: then the field is empty. */
	neg = is_signed && !(BPFQ_CSV && BPFQ_DELIM == '-') && (w & 0xff) == '-';
	if (neg)
		w >>= 8;
	t = w - 0x3030303030303030ULL;
	d = bpfq_digits_then_end(w, t, end);
	/* After a minus the 8th byte is the 0 shifted in, not the input's
	 * (below '0' that 0 ends no field: BPFQ_DELIM > 0). */
	if (!BPFQ_BELOW_ZERO_ENDS && neg && d == 7)
		d = 0;
	if (!d)
		return !is_signed && (w & 0xff) == '-' ? BPFQ_FIELD_MINUS : 0;
	*v = bpfq_digits_top(t, d);
	if (neg)
		*v = -*v;
	return neg + d;
}

/* The rest of a line after its last used field: its length through the '\n', or 0. */
static __always_inline __u64 bpfq_rest_of_line(const char *p)
{
	__u64 w = *(const __u64 *)p, below, n;

	/* The common rest, one last field: the first byte below '0' is its line
	 * end, so no quote is before it. Only the first word: one such test a
	 * word would walk the verifier through every outcome of each. */
	if (BPFQ_BELOW_ZERO_ENDS && (below = bpfq_below_zero(w))) {
		n = bpfq_first_byte(below);
		if (((w >> (n * 8)) & 0xff) == '\n')
			return n + 1;
	}
#pragma unroll
	for (int k = 0; k < 8; k++) {
		__u64 nl, q = 0;

		w = *(const __u64 *)(p + k * 8);
		nl = bpfq_bytes_eq(w, '\n');
		if (BPFQ_CSV)
			q = bpfq_bytes_eq(w, '"');
		if (!nl) {
			if (q)
				return 0;
			continue;
		}
		n = bpfq_first_byte(nl);
		/* A quote before the line end may hide a line end inside quotes. */
		if (n && q << ((8 - n) * 8))
			return 0;
		return k * 8 + n + 1;
	}
	return 0;
}

/*
 * One line at pos into f: its length, or 0 to leave it to the byte
 * parser, or (unless signed) BPFQ_FAST_MINUS for the signed parse.
 * pos is masked: below the read's end, with BPFQ_LINE_MAX bytes to spare.
 * No mask bounds the fields' loads: to the verifier each field moves
 * them by at most 15 bytes (bpfq_first_byte_end()), so a line's loads stay
 * inside the value, padding included. A mask would lengthen the chain
 * from one field's load to the next one's address.
 */
_Static_assert(8 * 15 + 8 * 8 <= BPFQ_BUF_PAD, "a line's loads leave the buffer");

static __always_inline __u64 bpfq_fast_line_inline(struct bpfq_buf *buf, __u64 pos, struct bpfq_field *f,
				       struct bpfq_text *texts, const int is_signed)
{
	const char *p = buf->data + pos;
	__u64 at = 0, n, v = 0, rest;
	int end = 0;

	/* Wider lines go byte by byte (bpfq_fast_lines()), and the bound
	 * above holds for 8 fields: not even compiled. */
	if (BPFQ_LINE_FIELDS > 8)
		return 0;

#pragma unroll
	for (int j = 0; j < BPFQ_LINE_FIELDS; j++) {
		int slot = bpfq_slot_of(j), numeric = slot >= 0 && bpfq_slot_numeric(slot);
		int k = BPFQ_NTEXTS && slot >= 0 ? bpfq_slot_text(slot) : -1;

		if (end)	/* a line end before a used field: it is missing */
			return 0;
		n = bpfq_fast_field(p, numeric, is_signed, &v, &end);
		if (!n)
			return 0;
		if (n == BPFQ_FIELD_MINUS)
			return BPFQ_FAST_MINUS;
		/* A text's word: the bytes past its length are not read. A
		 * '\r' in it may be a line end's, which the text drops: the
		 * byte parser decides. */
		if (texts && k >= 0 && k < BPFQ_MAX_TEXTS) {
			if (bpfq_bytes_eq(*(const __u64 *)p, '\r') << ((8 - n) * 8))
				return 0;
			*(__u64 *)texts[k].bytes = *(const __u64 *)p;
			texts[k].len = n;
			texts[k].present = 1;
		}
		/* slot is a constant here (the loop is unrolled). */
		if (numeric && slot < BPFQ_LINE_SLOTS) {
			f[slot].lo = v;
			f[slot].hi = (__s64)v < 0 ? -1 : 0;
			f[slot].kind = BPFQ_K_INT;
			f[slot].pad = 0;
		}
		p += n + 1;
		at += n + 1;
	}
	if (end)
		return at;
	rest = bpfq_rest_of_line(p);
	return rest ? at + rest : 0;
}

/* One line's fields (bpfq_fast_line_inline()) into the batch: its length, 0 when not
 * simple (or BPFQ_FAST_MINUS), | BPFQ_FAST_STOP when the query ended the scan. */
static __always_inline __u64 bpfq_line_into(struct bpfq_state *st, struct bpfq_acc *acc,
				       struct bpfq_buf *buf, __u64 pos, const int is_signed)
{
	/* The fields stay in registers: a field's length no longer gives
	 * its value a range of its own (bpfq_first_byte() has no branch), so the
	 * verifier has no combinations of them to walk. */
	struct bpfq_field f[BPFQ_LINE_SLOTS];
	__u64 n;

	n = bpfq_fast_line_inline(buf, pos & BPFQ_BUF_MASK, f, st->parse.texts, is_signed);
	if (!n || n == BPFQ_FAST_MINUS)
		return n;
	st->result.records++;
	return bpfq_emit_acc(st, acc, f, st->result.bytes + pos) ? n | BPFQ_FAST_STOP : n;
}

/* Up to BPFQ_LINES_PER_CALL simple lines at pos: the position after them, or
 * pos when the first is not simple (| BPFQ_FAST_MINUS: when not signed),
 * | BPFQ_FAST_STOP when the query ended the scan. */
static __always_inline long bpfq_fast_line_at(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
					 __u64 len, const int is_signed)
{
	struct bpfq_state *st = sv ? &sv->st : NULL;
	struct bpfq_acc acc;
	__u64 n;

	if (!st || !buf || pos >= len || len > BPFQ_BUF_SIZE || len - pos < BPFQ_LINE_MAX)
		return pos;
	bpfq_acc_init(&acc);
	n = bpfq_line_into(st, &acc, buf, pos, is_signed);
	if (!n || n == BPFQ_FAST_MINUS)
		return pos | n;
	pos += n;
#pragma unroll
	for (int k = 1; k < BPFQ_LINES_PER_CALL; k++) {
		if (pos & BPFQ_FAST_STOP || len - pos < BPFQ_LINE_MAX)
			break;
		n = bpfq_line_into(st, &acc, buf, pos, is_signed);
		if (!n || n == BPFQ_FAST_MINUS)
			break;
		pos += n;
	}
	bpfq_acc_flush(st, &acc);
	return pos;
}

/*
 * The line, as global functions, verified once, with pos unknown: every
 * line looks the same to the verifier, and bpfq_fast_lines() calls them
 * again and again. On long inputs (BPFQ_SPLIT_SIGNS) two of them: without
 * the minus, a number costs fewer instructions and registers.
 */
BPFQ_GLOBAL long bpfq_fast_line(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
				__u64 len)
{
	return bpfq_fast_line_at(sv, buf, pos, len, 1);
}

#if BPFQ_SPLIT_SIGNS
BPFQ_UNSIGNED_STEP long bpfq_fast_line_unsigned(struct bpfq_value *sv, struct bpfq_buf *buf,
						__u64 pos, __u64 len)
#if BPFQ_PART == 1 && BPFQ_UNSIGNED_ASIDE
	;	/* a side function: the other part defines it */
#else
{
	return bpfq_fast_line_at(sv, buf, pos, len, 0);
}
#endif
#else
/* Short inputs take the signed lines alone: no copy for clang to compile
 * (a global function is compiled even where no call reaches it). */
#define bpfq_fast_line_unsigned bpfq_fast_line
#endif

/*
 * Up to BPFQ_FAST_LINES simple lines from pos: the position after them,
 * | BPFQ_FAST_STOP when the query ended the scan. A text group key is copied
 * byte by byte: the byte parser's, as are lines of many fields.
 */
/*
 * No simple line at pos: the record it holds is the others' (the field
 * parsers', the byte parser's). csv: begun here (bpfq_begin_record_at()),
 * not at its first byte in the byte parser, which would take that byte
 * too: its first field then goes the ways of the others.
 */
static __always_inline long bpfq_fast_lines_none(struct bpfq_value *sv, struct bpfq_buf *buf,
						 __u64 pos, __u64 len)
{
	if (BPFQ_CSV)
		bpfq_begin_record_at(sv, buf, pos, len);
	return pos;
}

BPFQ_GLOBAL long bpfq_fast_lines(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
				 __u64 len)
{
	__u64 at = pos, next;
	int is_signed = !BPFQ_SPLIT_SIGNS;	/* short inputs: the signed lines alone */

	if (BPFQ_BYTE_LINES)
		return bpfq_fast_lines_none(sv, buf, pos, len);
	for (int k = 0; k < BPFQ_FAST_LINES; k++) {
		next = is_signed ? bpfq_fast_line(sv, buf, at, len) :
				   bpfq_fast_line_unsigned(sv, buf, at, len);
		/* A minus: signed lines from here. */
		if (next & BPFQ_FAST_MINUS) {
			is_signed = 1;
			next = bpfq_fast_line(sv, buf, at, len);
		}
		if (next == at)
			return bpfq_fast_lines_none(sv, buf, at, len);
		if (next & BPFQ_FAST_STOP)
			return next;
		at = next;
	}
	return at;
}

#if BPFQ_STREAMS
/* Two streams (streams.bpf.h; a line's fields take the registers more
 * would need): lines a stream gives a step (past 3, no faster), and the
 * bytes they may take. */
#define BPFQ_NSTREAMS 2
#define BPFQ_STREAM_LINES 3
#define BPFQ_STREAM_RECORDS BPFQ_STREAM_LINES
#define BPFQ_STREAM_ROOM (BPFQ_STREAM_LINES * BPFQ_LINE_MAX)
/* A '\n' ends a text line whatever came before it; a csv one, not
 * inside quotes. */
#define BPFQ_CUT_IS_RECORD_END (!BPFQ_CSV)

static __always_inline int bpfq_between_records(const struct bpfq_parse *p)
{
	return !p->in_record && !p->qstate && !p->cr;
}

static __always_inline __u64 bpfq_record_end_mask(__u64 w)
{
	return bpfq_bytes_eq(w, '\n');
}

/* One simple line at pos into the batch: its length, or 0 (not simple,
 * or a minus when not signed). */
static __always_inline __u64 bpfq_stream_line(struct bpfq_state *st, struct bpfq_acc *acc,
					 struct bpfq_buf *buf, __u64 pos, const int is_signed)
{
	struct bpfq_field f[BPFQ_LINE_SLOTS];
	__u64 n;

	/* Zeroed: clang computes the line's sums before it knows the line
	 * is simple, and drops them when it is not. A field the line did
	 * not reach was undefined, in a stack slot that held a pointer on
	 * that path, and 6.1's verifier, which walks it (6.18 sees it
	 * cannot happen), refused the pointer in the arithmetic. The
	 * values alone: zeroing the whole fields is slower. */
#pragma unroll
	for (int i = 0; i < BPFQ_LINE_SLOTS; i++)
		f[i].lo = f[i].hi = 0;
	n = bpfq_fast_line_inline(buf, pos & BPFQ_BUF_MASK, f, NULL, is_signed);

	/* The emit only adds into the batch here (BPFQ_STREAMS): it
	 * returns 0, and its values go to the registers in turn. */
	if (!n || n == BPFQ_FAST_MINUS || bpfq_emit_acc(st, acc, f, 0))
		return 0;
	bpfq_acc_order(acc);
	return n;
}

/*
 * BPFQ_STREAM_LINES simple lines from each stream, interleaved, into the
 * batch, and the streams' positions past them: 1; 0 when a stream has a
 * line that is not simple. Each line is at most BPFQ_LINE_MAX bytes.
 */
static __always_inline int bpfq_streams_take(struct bpfq_state *st, struct bpfq_acc *acc,
					struct bpfq_buf *buf, const int is_signed)
{
	__u64 pa = st->parse.stream_at[0], pb = st->parse.stream_at[1], n;

	if (BPFQ_BYTE_LINES)
		return 0;
#pragma unroll
	for (int k = 0; k < BPFQ_STREAM_LINES; k++) {
		n = bpfq_stream_line(st, acc, buf, pa, is_signed);
		if (!n)
			return 0;
		pa += n;
		n = bpfq_stream_line(st, acc, buf, pb, is_signed);
		if (!n)
			return 0;
		pb += n;
		/* Through memory, which the verifier does not track: each way
		 * through a line gives the positions ranges of their own, and
		 * it would walk every mix of them through the next lines. */
		if (k < BPFQ_STREAM_LINES - 1) {
			st->parse.streams[0] = pa;
			st->parse.streams[1] = pb;
			bpfq_fence();
			pa = st->parse.streams[0];
			pb = st->parse.streams[1];
		}
	}
	st->parse.stream_at[0] = pa;
	st->parse.stream_at[1] = pb;
	return 1;
}
#endif

/* Between records: whole simple lines at once, if these are; -1 if not. */
static __always_inline long bpfq_fast_lines_step(struct bpfq_parse_ctx *c, __u64 pos)
{
	if (c->p->in_record || c->p->qstate || c->p->cr)
		return -1;
	return bpfq_fast_taken(c, pos, bpfq_fast_lines((struct bpfq_value *)c->st, c->buf, pos,
						  c->len));
}

#endif /* BPFQ_FAST_LINES_H */
