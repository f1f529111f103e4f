/* SPDX-License-Identifier: MIT */
/*
 * What every parser shares: one bpf_loop over a read's bytes. Its callback,
 * parse_step() (each parser has one), takes a piece of a token, a field's
 * byte, or through a fast path (a global bpfq_fast_*() function) a batch of
 * whole records, per iteration.
 *
 * The carry between reads (st->parse) stays in the map value, not on the
 * stack: the verifier tracks stack slots exactly, and would not converge on
 * a loop whose carried counters (digits so far, field positions) it tracks;
 * map memory it does not track.
 */

/* A fast path's answer: the position after what it took, | FAST_STOP to end the scan. */
#define FAST_STOP (1ULL << 62)

/* The read being parsed. */
struct parse_ctx {
	struct bpfq_state *st;
	struct bpfq_parse *p;	/* &st->parse: the carry */
	struct bpfq_buf *buf;
	__u64 pos;		/* next byte of this read */
	__u64 len;		/* bytes in this read */
	__u64 base;		/* file offset of byte 0 of this read */
	__u64 minus;		/* numbers: a step of this read began at a '-' */
};

static long parse_step(__u64 i, void *data);

/*
 * What a step does with a fast path's answer for pos: -1 when it took
 * nothing (the step goes on the slow way); else the step's return value,
 * 0 to go on after what it took, 1 to stop.
 */
static __always_inline long fast_taken(struct parse_ctx *c, __u64 pos, __u64 after)
{
	if (after & FAST_STOP)
		return 1;
	if (after == pos)
		return -1;
	c->pos = after;
	return 0;
}

/*
 * Parse len (1..BPFQ_BUF_SIZE) bytes of buf, the next bytes of the input.
 * A global function, so the verifier checks it once, with unknown
 * arguments: `start` is always 0 but comes in unknown, which lets the loop
 * state converge (from a known 0 the verifier tracks exact positions and
 * gives up: "too complex").
 */
__noinline int bpfq_parse_bytes(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 len,
				__u64 start)
{
	/* The value, not the state alone: the verifier sizes a global function's
	 * pointer arguments by their type, and the area follows the state. */
	struct bpfq_state *st = sv ? &sv->st : NULL;
	struct parse_ctx c = {};
	struct bpfq_result *r;

	if (!st || !buf)
		return 0;
	r = &st->result;
	if (r->done || len == 0 || len > BPFQ_BUF_SIZE)
		return 0;
	c.st = st;
	c.p = &st->parse;
	c.buf = buf;
	c.pos = start;
	c.len = len;
	c.base = r->bytes;
	/* Each iteration consumes at least one byte. */
	bpf_loop(len, parse_step, &c, 0);
	r->bytes += len;
	return 0;
}

/* The format's: the end of the input (a last record without its end). */
static __always_inline void parse_end(struct bpfq_state *st);

/*
 * The end of the input. A global function: the last record's emit, inlined
 * in the hook's program, would put its stack in the program's frame, and
 * so on every chain of calls (6.1 allows 512 bytes over all the frames).
 */
__noinline int bpfq_parse_end(struct bpfq_value *sv)
{
	if (sv)
		parse_end(&sv->st);
	return 0;
}
