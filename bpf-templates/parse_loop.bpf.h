/* SPDX-License-Identifier: MIT */
/*
 * What every parser shares: one bpf_loop over a read's bytes (or over
 * ranges of them, streams.bpf.h). Its callback, bpfq_parse_step() (each
 * parser has one), takes a piece of a token, a field's byte, or through a
 * fast path (a global bpfq_fast_*() function) a batch of whole records,
 * per iteration.
 *
 * The carry between reads (st->parse) stays in the map value, not on the
 * stack: the verifier tracks stack slots exactly, and would not converge on
 * a loop whose carried counters (digits so far, field positions) it tracks;
 * map memory it does not track.
 */
#ifndef BPFQ_PARSE_LOOP_H
#define BPFQ_PARSE_LOOP_H

/* The query's code, which each record goes to: generated (codegen.c). */
#include "bpfq_query.h"

#if BPFQ_PART != 2
/* A global function: the verifier checks the general path once (codegen.c). */
__noinline int bpfq_emit_general(struct bpfq_value *sv)
{
	return bpfq_general_path(sv);
}
#endif

/* A fast path's answer: the position after what it took, | BPFQ_FAST_STOP to end the scan. */
#define BPFQ_FAST_STOP (1ULL << 62)

/* The read being parsed. */
struct bpfq_parse_ctx {
	struct bpfq_state *st;
	struct bpfq_parse *p;	/* &st->parse: the carry */
	struct bpfq_buf *buf;
	__u64 pos;		/* next byte of this read */
	__u64 len;		/* bytes in this read */
	__u64 base;		/* file offset of byte 0 of this read */
	__u64 minus;		/* numbers: a step of this read began at a '-' */
};

static long bpfq_parse_step(__u64 i, void *data);

/*
 * What a step does with a fast path's answer for pos: -1 when it took
 * nothing (the step goes on the slow way); else the step's return value,
 * 0 to go on after what it took, 1 to stop.
 */
static __always_inline long bpfq_fast_taken(struct bpfq_parse_ctx *c, __u64 pos, __u64 after)
{
	if (after & BPFQ_FAST_STOP)
		return 1;
	if (after == pos)
		return -1;
	c->pos = after;
	return 0;
}

/*
 * Parse [from, to) of buf, a range of this read (to <= BPFQ_BUF_SIZE),
 * in order. A global function, so the verifier checks it once, with
 * unknown arguments: from a known position (0) it would track exact
 * positions through the loop and give up ("too complex").
 */
BPFQ_GLOBAL int bpfq_parse_range(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 from,
				 __u64 to)
{
	/* The value, not the state alone: the verifier sizes a global function's
	 * pointer arguments by their type, and the area follows the state. */
	struct bpfq_state *st = sv ? &sv->st : NULL;
	struct bpfq_parse_ctx c = {};

	if (!st || !buf || st->result.done || from >= to || to > BPFQ_BUF_SIZE)
		return 0;
	c.st = st;
	c.p = &st->parse;
	c.buf = buf;
	c.pos = from;
	c.len = to;
	c.base = st->result.bytes;
	/* Each iteration consumes at least one byte. */
	bpf_loop(to - from, bpfq_parse_step, &c, 0);
	return 0;
}

/* The read's parse: in order, or in streams (streams.bpf.h). */
static __always_inline void bpfq_parse_read(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 len);

#if !BPFQ_STREAMS
static __always_inline void bpfq_parse_read(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 len)
{
	bpfq_parse_range(sv, buf, 0, len);
}
#endif

/* Parse len (1..BPFQ_BUF_SIZE) bytes of buf, the next bytes of the input. */
BPFQ_GLOBAL int bpfq_parse_bytes(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 len)
{
	if (!sv || !buf || sv->st.result.done || len == 0 || len > BPFQ_BUF_SIZE)
		return 0;
	bpfq_parse_read(sv, buf, len);
	sv->st.result.bytes += len;
	return 0;
}

/* The format's: the end of the input (a last record without its end). */
static __always_inline void bpfq_parse_end_inline(struct bpfq_state *st);

/*
 * The end of the input. A global function: the last record's emit, inlined
 * in the hook's program, would put its stack in the program's frame, and
 * so on every chain of calls (6.1 allows 512 bytes over all the frames).
 */
BPFQ_GLOBAL int bpfq_parse_end(struct bpfq_value *sv)
{
	if (sv)
		bpfq_parse_end_inline(&sv->st);
	return 0;
}

#endif /* BPFQ_PARSE_LOOP_H */
