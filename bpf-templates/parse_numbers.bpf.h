/* SPDX-License-Identifier: MIT */
/*
 * 'as numbers': the input is a stream of number tokens separated by
 * whitespace and commas; each is a record of one field, x. A token that is
 * not a number is counted as malformed and skipped (lang/engine/records.c states
 * the same rules byte by byte).
 *
 * Speed: one bpf_loop iteration takes a step of 16 or 32 short numbers
 * (bpfq_fast_numbers, or bpfq_fast_unsigned until a minus), or one piece
 * of another token. Each number is one 8-byte load classified at once
 * (SWAR), a multiply for its length (no branch), and three more to
 * convert it (the streams' numbers without a minus: none, or a swap
 * of its bytes, bpfq_stream_number()); the aggregates fold into registers.
 * The step's bound is the chain from one number's load to the next
 * one's address, so nothing on that chain is spent on the verifier. A
 * token longer than 7 digits (a negative one: 6), with a '+', decimal,
 * or split between reads continues from the carry in struct bpfq_tok.
 * Only slow tokens touch the carry (parse_loop.bpf.h); the fast path's
 * numbers never do.
 */
#ifndef BPFQ_PARSE_NUMBERS_H
#define BPFQ_PARSE_NUMBERS_H

#include "parse_loop.bpf.h"
#include "swar.bpf.h"
#include "numtok.bpf.h"

/* Space, \t \n \v \f \r and ',' as bits of a word: one shift, not four compares. */
#define BPFQ_SEP_BITS ((1ULL << ' ') | (1ULL << ',') | (0x1fULL << '\t'))

static __always_inline int bpfq_is_sep(__u64 c)
{
	return c < 64 && (BPFQ_SEP_BITS >> c) & 1;
}

/* Space, \t \n \v \f \r, and ','. */
static __always_inline __u64 bpfq_sep_mask(__u64 w)
{
	return (bpfq_bytes_ge(w, '\t') & ~bpfq_bytes_ge(w, '\r' + 1)) | bpfq_bytes_eq(w, ' ') |
	       bpfq_bytes_eq(w, ',');
}

static __always_inline void bpfq_count_malformed(struct bpfq_result *r, __u64 start)
{
	if (!r->malformed)
		r->malformed_off = start;
	r->malformed++;
}

/* A token ended: emit it if it is a number, else count it. Returns 1 to stop. */
static __always_inline int bpfq_finish_token(struct bpfq_state *st, struct bpfq_tok *t)
{
	struct bpfq_field f;
	int flags = bpfq_tok_field(t, &f);

	t->mode = BPFQ_MODE_IDLE;
	if (bpfq_tok_flags(&st->result, flags, t->start))
		return 1;
	if (f.kind == BPFQ_K_BAD) {
		bpfq_count_malformed(&st->result, t->start);
		return 0;
	}
	st->result.records++;
	return bpfq_emit(st, &f, t->start);
}

/* Between tokens: skip separators, take a sign. Returns 1 when this step is over
 * (no token in these 8 bytes, or the read ended after the sign). */
static __always_inline int bpfq_start_token(struct bpfq_parse_ctx *c, __u64 *pos)
{
	__u64 lim = c->len - *pos, w = bpfq_load8(c->buf, *pos), ns, ch;

	ns = ~bpfq_sep_mask(w) & bpfq_valid_mask(lim);
	if (!ns) {
		*pos += lim < 8 ? lim : 8;
		return 1;
	}
	*pos += bpfq_first_byte(ns);
	ch = (w >> (bpfq_first_byte(ns) * 8)) & 0xff;
	bpfq_tok_begin(&c->p->tok, c->base + *pos, ch == '-');
	*pos += ch == '-' || ch == '+';
	return *pos >= c->len;
}

static __always_inline int bpfq_spoil(struct bpfq_parse_ctx *c)
{
	bpfq_count_malformed(&c->st->result, c->p->tok.start);
	c->p->tok.mode = BPFQ_MODE_BAD;
	return 0;
}

/* A byte after a number's digits, not a separator: its '.', its 'e', the exponent's sign. */
static __always_inline int bpfq_number_byte(struct bpfq_parse_ctx *c, __u64 ch)
{
	struct bpfq_tok *t = &c->p->tok;

	if (ch == '.' && t->mode == BPFQ_MODE_NUM) {
		t->mode = BPFQ_MODE_FRAC;
		t->forms |= BPFQ_FORM_DOT;
		return 0;
	}
	if ((ch | 0x20) == 'e' && (t->mode == BPFQ_MODE_NUM || t->mode == BPFQ_MODE_FRAC) &&
	    (t->ndigits || t->fdigits)) {
		bpfq_tok_exp(t);
		return 0;
	}
	if ((ch == '+' || ch == '-') && t->mode == BPFQ_MODE_EXP) {
		t->eneg = ch == '-';
		t->mode = BPFQ_MODE_EXPS;
		return 0;
	}
	return bpfq_spoil(c);
}

/* Inside a number: take up to 8 digits, then end it, go on to its fraction, or spoil it. */
static __always_inline int bpfq_continue_number(struct bpfq_parse_ctx *c, __u64 *pos)
{
	__u64 lim = c->len - *pos, w = bpfq_load8(c->buf, *pos), nd, n, ch;

	if (lim > 8)
		lim = 8;
	nd = ~(bpfq_digit_mask(w) & bpfq_valid_mask(lim)) & BPFQ_HIGH;
	n = nd ? bpfq_first_byte(nd) : 8;
	if (n) {
		bpfq_tok_digits(&c->p->tok, w, n);
		*pos += n;
	}
	if (n == lim)		/* 8 digits, or the read ended inside the number */
		return 0;
	ch = (w >> (n * 8)) & 0xff;
	*pos += 1;
	if (bpfq_is_sep(ch))
		return bpfq_finish_token(c->st, &c->p->tok);
	return bpfq_number_byte(c, ch);
}

/* Inside a malformed token: skip to the separator after it. */
static __always_inline void bpfq_skip_bad(struct bpfq_parse_ctx *c, __u64 *pos)
{
	__u64 lim = c->len - *pos, w = bpfq_load8(c->buf, *pos), s;

	s = bpfq_sep_mask(w) & bpfq_valid_mask(lim);
	if (!s) {
		*pos += lim < 8 ? lim : 8;
		return;
	}
	*pos += bpfq_first_byte(s) + 1;
	c->p->tok.mode = BPFQ_MODE_IDLE;
}

/*
 * The common case, between tokens: 1 to 7 digits (after a '-', 1 to 6)
 * and a separator in the next 8 bytes. No carry, no overflow possible:
 * convert and emit. The plan says how many a step takes
 * (BPFQ_FAST_PER_STEP: more for long inputs; codegen/plan.c).
 */

/*
 * The simple number at p: 1 to 7 digits (after a '-' when signed: 1 to 6)
 * and a separator. Into *top its bytes minus '0', top-aligned: the
 * separator's in the top byte, the digits under it, zeros below them
 * (bpfq_digit_lanes() takes that as it is); whether it has a minus
 * into *neg. Returns the bytes it takes, 2 to 8 (to the verifier at most
 * 16); 0 if it is not one.
 * newline_first: numbers one a line are the common case, and a '\n'
 * tested first skips bpfq_is_sep() (the test's paths add to the verification,
 * so only the steps made for long inputs).
 */
static __always_inline __u64 bpfq_simple_digits(const char *p, __u64 *top, __u64 *neg,
					   const int is_signed, const int newline_first)
{
	__u64 w = *(const __u64 *)p, span, t, c;

	/* A minus: the digits after it (a 0 byte comes in at the top, and
	 * is no separator: a 7-digit negative number goes the general way).
	 * By arithmetic, not a branch: the two ways would advance the
	 * position by different ranges, and the verifier would walk
	 * every mix of them through the step. */
	*neg = 0;
	if (is_signed) {
		*neg = (((w & 0xff) ^ '-') - 1) >> 63;
		barrier_var(*neg);
		w >>= *neg * 8;
	}
	t = w - 0x3030303030303030ULL;
	/* The digits and the byte after them (2..8; to the verifier at most
	 * 15, bpfq_first_byte_end()). Tested here, not on the product before its
	 * shift: BPF compares with a 64-bit constant only after loading it.
	 * No byte that is not a digit: span 0. */
	span = bpfq_first_byte_end(bpfq_nondigit_mask(t));
	barrier_var(span);
	if (span < 2)
		return 0;
	/* That byte at the top of t, the digits under it: one shift gives
	 * both the separator's test and the conversion's input. Digits do
	 * not borrow, so its byte of t is its own, minus '0'. */
	t = bpfq_first_bytes_to_top(t, span);
	c = t >> 56;
	if (!newline_first || c != (__u8)('\n' - '0')) {
		/* Else clang folds the test above into this one ('\n' is a
		 * separator), and the common case pays for the rare. */
		barrier_var(c);
		if (!bpfq_is_sep((c + '0') & 0xff))
			return 0;
	}
	*top = t;
	return *neg + span;
}

/* The same, its value into f. */
static __always_inline __u64 bpfq_simple_number(const char *p, struct bpfq_field *f,
					   const int is_signed, const int newline_first)
{
	__u64 top, neg, mag, n = bpfq_simple_digits(p, &top, &neg, is_signed, newline_first);

	if (!n)
		return 0;
	mag = bpfq_top_digits_value(top << 8);
	/* At most 7 digits: telling clang drops the high half of the sums. */
	if (mag >= 10000000)
		__builtin_unreachable();
	f->lo = (mag ^ -neg) + neg;
	f->hi = (__u64)((__s64)f->lo >> 63);
	f->kind = BPFQ_K_INT;
	f->pad = 0;
	return n;
}

/*
 * Each number of a step moves the position by at most 16 to the
 * verifier. From a position below BPFQ_BUF_SIZE, every load of a step
 * stays inside the value, padding included, with no mask: a mask would
 * lengthen the chain from one number's load to the next one's, which is
 * what bounds this loop.
 */
_Static_assert((BPFQ_FAST_PER_STEP - 1) * 16 + 8 <= BPFQ_BUF_PAD, "a step's loads leave the buffer");

/*
 * Up to BPFQ_FAST_PER_STEP such numbers from pos, while they last: the
 * position after them, | BPFQ_FAST_STOP when an emit ended the scan. Signed: a
 * number may begin with '-'; else one that does ends the step (see
 * bpfq_parse_step()).
 */
static __always_inline long bpfq_fast_numbers_inline(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
					 __u64 len, const int is_signed)
{
	struct bpfq_state *st = sv ? &sv->st : NULL;
	__u64 base, taken = 0;
	const char *at;
	struct bpfq_acc acc;
	int stop = 0;

	/* Each number takes at most 8 bytes: with this many left in the read,
	 * no load of the step passes its end, and no number needs a check. The
	 * last bytes of a read go the general way. */
	if (!st || !buf || pos >= len || len > BPFQ_BUF_SIZE || len - pos < BPFQ_FAST_PER_STEP * 8)
		return pos;
	base = st->result.bytes;
	pos &= BPFQ_BUF_MASK;
	at = buf->data + pos;
	bpfq_acc_init(&acc);
#pragma unroll BPFQ_FAST_PER_STEP
	for (int k = 0; k < BPFQ_FAST_PER_STEP; k++) {
		struct bpfq_field f;
		__u64 n = bpfq_simple_number(at, &f, is_signed, !is_signed);

		if (!n)
			break;
		taken++;
		stop = bpfq_emit_acc(st, &acc, &f, base + pos);
		/* The pointer and the position move apart: were the load's
		 * address buf + pos, its add would be one more cycle in the
		 * chain from a number's load to the next one's. */
		at += n;
		pos += n;
		barrier_var(at);
		if (stop)
			break;
	}
	bpfq_acc_flush(st, &acc);
	st->result.records += taken;
	return stop ? pos | BPFQ_FAST_STOP : pos;
}

/*
 * The step, as global functions, so that the verifier walks their unrolled
 * numbers once, not in every pass it makes over the bpf_loop callback;
 * their context and the batch's accumulators stay in registers meanwhile.
 * On long inputs (BPFQ_SPLIT_SIGNS) two of them: without the minus a
 * number costs fewer instructions and registers, so less spills to the
 * stack.
 */
BPFQ_GLOBAL long bpfq_fast_numbers(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
				   __u64 len)
{
	return bpfq_fast_numbers_inline(sv, buf, pos, len, 1);
}

#if BPFQ_SPLIT_SIGNS
BPFQ_UNSIGNED_STEP long bpfq_fast_unsigned(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
					   __u64 len)
#if BPFQ_PART == 1 && BPFQ_UNSIGNED_ASIDE
	;	/* a side function: the other part defines it */
#else
{
	return bpfq_fast_numbers_inline(sv, buf, pos, len, 0);
}
#endif
#else
/* Short inputs take the signed step alone (bpfq_parse_step()). A global function
 * is compiled even where no call reaches it: without the copy, clang has
 * less to compile. */
#define bpfq_fast_unsigned bpfq_fast_numbers
#endif

/*
 * The slow way: a piece of a token from pos (pos < len <= BPFQ_BUF_SIZE),
 * at least one byte: the position after it, | BPFQ_FAST_STOP when an emit
 * ended the scan. A global function, so the verifier walks the token's
 * paths (and the record's emit) once: inlined in the bpf_loop callback,
 * they would be walked at every pass the verifier makes over the callback
 * until its states converge, most of what it processes and of a cached
 * query's start-up.
 */
BPFQ_GLOBAL long bpfq_numbers_slow(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
				   __u64 len)
{
	struct bpfq_state *st = sv ? &sv->st : NULL;
	struct bpfq_parse_ctx c = {};
	int stop = 0;

	if (!st || !buf || len > BPFQ_BUF_SIZE || pos >= len)
		return len;
	c.st = st;
	c.p = &st->parse;
	c.buf = buf;
	c.len = len;
	/* The reader adds a read's bytes after its parse. */
	c.base = st->result.bytes;
	if (c.p->tok.mode == BPFQ_MODE_IDLE && bpfq_start_token(&c, &pos))
		return pos;
	pos &= BPFQ_BUF_MASK;
	if (c.p->tok.mode == BPFQ_MODE_BAD)
		bpfq_skip_bad(&c, &pos);
	else
		stop = bpfq_continue_number(&c, &pos);
	return stop ? pos | BPFQ_FAST_STOP : pos;
}

/* One bpf_loop iteration: a few tokens, or 8 bytes of a long one. */
static long bpfq_parse_step(__u64 i, void *data)
{
	struct bpfq_parse_ctx *c = data;
	struct bpfq_value *sv = (struct bpfq_value *)c->st;
	__u64 pos = c->pos, after;

	if (pos >= c->len)
		return 1;
	/* The verifier needs the bound on pos itself, not only pos < len. */
	pos &= BPFQ_BUF_MASK;
	if (c->p->tok.mode == BPFQ_MODE_IDLE) {
		long taken;

		/* Unsigned steps up to the read's first minus (they stop at it),
		 * signed ones from there on: input with negative numbers pays one
		 * short step a read. Short inputs take the signed steps alone,
		 * which the verifier walks faster than both. */
		if (!c->minus && (!BPFQ_SPLIT_SIGNS || c->buf->data[pos] == '-'))
			c->minus = 1;
		taken = bpfq_fast_taken(c, pos, c->minus ? bpfq_fast_numbers(sv, c->buf, pos, c->len) :
						    bpfq_fast_unsigned(sv, c->buf, pos, c->len));

		if (taken >= 0)
			return taken;
	}
	after = bpfq_numbers_slow(sv, c->buf, pos, c->len);
	c->pos = after & ~BPFQ_FAST_STOP;
	return (after & BPFQ_FAST_STOP) != 0;
}

#if BPFQ_STREAMS
/*
 * Streams (streams.bpf.h): four (each more is faster; a fifth has no
 * registers left), the numbers a stream gives a step, and the
 * bytes they may take (at most 8 each). Without a minus, a stream's
 * numbers go to the batch as digit lanes (swar.bpf.h), converted once a
 * batch: a lane of the batch's sums is at most 9 a number, so a batch
 * takes at most 28 numbers.
 */
#define BPFQ_NSTREAMS 4
#define BPFQ_STREAM_K 7
#define BPFQ_STREAM_RECORDS BPFQ_STREAM_K
#define BPFQ_STREAM_ROOM (BPFQ_STREAM_K * 8)
/* A separator ends a token whatever came before it. */
#define BPFQ_CUT_IS_RECORD_END 1
_Static_assert((BPFQ_STREAM_K - 1) * 16 + 8 <= BPFQ_BUF_PAD, "a stream's loads leave the buffer");
_Static_assert(BPFQ_NSTREAMS * BPFQ_STREAM_K * 9 <= 255, "a batch's digit lanes pass a byte");

static __always_inline int bpfq_between_records(const struct bpfq_parse *p)
{
	return p->tok.mode == BPFQ_MODE_IDLE;
}

/* A token ends at any separator; the next byte begins a record or is one. */
static __always_inline __u64 bpfq_record_end_mask(__u64 w)
{
	return bpfq_sep_mask(w);
}

/*
 * The simple number at *at into the batch, and *at past it; 0 if not
 * simple. Unsigned, as digit lanes (bpfq_emit_lanes(): its where compares
 * them with the literals' lanes): the conversion's eleven instructions
 * at every number are a large part of its cost; signed, as its value.
 */
static __always_inline int bpfq_stream_number(const char **at, struct bpfq_state *st,
					 struct bpfq_acc *acc, const int is_signed)
{
	struct bpfq_field f;
	__u64 n, top, neg;

	if (is_signed) {
		n = bpfq_simple_number(*at, &f, 1, 1);
		/* The emit only adds into the batch here (BPFQ_STREAMS):
		 * it returns 0, and its values go to the registers in turn. */
		if (!n || bpfq_emit_acc(st, acc, &f, 0))
			return 0;
	} else {
		n = bpfq_simple_digits(*at, &top, &neg, 0, 1);
		if (!n)
			return 0;
		bpfq_emit_lanes(acc, bpfq_digit_lanes(top));
	}
	bpfq_acc_order(acc);
	*at += n;
	barrier_var(*at);
	return 1;
}

/*
 * BPFQ_STREAM_K simple numbers from each stream, interleaved, into the batch,
 * and the streams' positions past them: 1; 0 when a stream has a number
 * that is not simple.
 */
static __always_inline int bpfq_streams_take(struct bpfq_state *st, struct bpfq_acc *acc,
					struct bpfq_buf *buf, const int is_signed)
{
	const char *at[BPFQ_NSTREAMS];
	/* On the stack, read once at the end: in registers through the
	 * numbers, they left too few for the streams' pointers, and one
	 * went to the stack and back at every number, in the chain. */
	const char *volatile data = buf->data;

#pragma unroll
	for (int s = 0; s < BPFQ_NSTREAMS; s++)
		at[s] = buf->data + (st->parse.stream_at[s] & BPFQ_BUF_MASK);
#pragma unroll BPFQ_STREAM_K
	for (int k = 0; k < BPFQ_STREAM_K; k++) {
#pragma unroll
		for (int s = 0; s < BPFQ_NSTREAMS; s++)
			if (!bpfq_stream_number(&at[s], st, acc, is_signed))
				return 0;
	}
	if (!is_signed)
		bpfq_acc_lanes_value(acc);
	/* The positions from the pointers: a pointer minus a pointer is a
	 * number to the verifier with CAP_PERFMON, which bpfq needs anyway. */
#pragma unroll
	for (int s = 0; s < BPFQ_NSTREAMS; s++)
		st->parse.stream_at[s] = at[s] - data;
	return 1;
}

#endif

/* The end of the input: a last token with no separator after it. */
static __always_inline void bpfq_parse_end_inline(struct bpfq_state *st)
{
	if (st->parse.tok.mode != BPFQ_MODE_IDLE && st->parse.tok.mode != BPFQ_MODE_BAD)
		bpfq_finish_token(st, &st->parse.tok);
	st->result.eof = 1;
}

#endif /* BPFQ_PARSE_NUMBERS_H */
