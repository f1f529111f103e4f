/* SPDX-License-Identifier: MIT */
/*
 * A read in streams: codegen adds this piece on long inputs whose fast
 * path only adds into the batch (BPFQ_STREAMS).
 *
 * The fast parse of a record is a chain: its load, the bit tricks that
 * find its end, the next record's load at that end: it bounds the
 * speed, and one stream waits on it. So a read is cut at record ends
 * near each BPFQ_NSTREAMS-th of it, and the format's step
 * (bpfq_streams_unsigned(), bpfq_streams_signed()) takes a batch of
 * simple records from each range, interleaved, all or none: the CPU runs
 * the chains side by side. Numbers take four, csv and text two (their
 * records take more registers).
 * Once a range has a record the step does not take, or nears its end,
 * the rest of each range goes the usual way, in file order
 * (bpfq_parse_range()). Only the fast path's records, which add into sums
 * and counts, are taken out of order; everything else is met in file
 * order.
 *
 * The streams' positions and ends are in the map value
 * (st->parse.stream_at[], stream_end[]): four do not fit the one word a
 * global function returns, and a batch reads and writes them once.
 *
 * The format gives: BPFQ_NSTREAMS; bpfq_between_records(p), whether a record begins
 * at the next byte; bpfq_record_end_mask(w), the high bits of the bytes of w
 * that end a record; BPFQ_CUT_IS_RECORD_END, whether such a byte ends one
 * whatever came before (csv: not a line end inside quotes);
 * bpfq_streams_take(st, acc, buf, is_signed), BPFQ_STREAM_RECORDS simple records
 * from each stream into the batch, interleaved, and the streams moved
 * past them: 1, or 0 (nothing moved) when a stream has one that is not
 * simple; and BPFQ_STREAM_ROOM, the bytes a stream needs for that.
 */
#ifndef BPFQ_STREAMS_H
#define BPFQ_STREAMS_H

/* The parser, which says what a stream takes, is the entry's to include before. */
#include "parse_loop.bpf.h"

#define BPFQ_STREAMS_MIN (64 * 1024)	/* a shorter read goes as one stream */
_Static_assert(BPFQ_NSTREAMS >= 2 && BPFQ_NSTREAMS <= BPFQ_MAX_STREAMS, "streams");

struct bpfq_streams {
	struct bpfq_value *sv;
	struct bpfq_buf *buf;
	__u64 is_signed;	/* the unsigned step took nothing: signed ones */
};

/*
 * A batch from every stream, all or none (it reaches the map only whole),
 * from the positions st->parse.stream_at[], which it moves: 1 if it took
 * one, 0 if not (a record that is not simple, or a stream near its end).
 */
static __always_inline long bpfq_streams_batch(struct bpfq_value *sv, struct bpfq_buf *buf,
					  const int is_signed)
{
	struct bpfq_state *st = sv ? &sv->st : NULL;
	struct bpfq_acc acc;

	if (!st || !buf)
		return 0;
#pragma unroll
	for (int k = 0; k < BPFQ_NSTREAMS; k++) {
		__u64 p = st->parse.stream_at[k], e = st->parse.stream_end[k];

		if (p >= e || e > BPFQ_BUF_SIZE || e - p < BPFQ_STREAM_ROOM)
			return 0;
	}
	bpfq_acc_init(&acc);
	if (!bpfq_streams_take(st, &acc, buf, is_signed))
		return 0;
	bpfq_acc_flush(st, &acc);
	st->result.records += BPFQ_NSTREAMS * BPFQ_STREAM_RECORDS;
	return 1;
}

/* Without a minus a record costs fewer instructions and registers. The
 * steps are the side functions (prelude.bpf.h): the other part defines them. */
__noinline long bpfq_streams_unsigned(struct bpfq_value *sv, struct bpfq_buf *buf)
#if BPFQ_PART == 1
	;
#else
{
	return bpfq_streams_batch(sv, buf, 0);
}
#endif

__noinline long bpfq_streams_signed(struct bpfq_value *sv, struct bpfq_buf *buf)
#if BPFQ_PART == 1
	;
#else
{
	return bpfq_streams_batch(sv, buf, 1);
}
#endif

/* Unsigned steps, the cheaper, until one takes nothing (a minus, maybe);
 * then signed ones, until one takes nothing. */
static long bpfq_streams_step(__u64 i, void *data)
{
	struct bpfq_streams *s = data;

	if (!s->is_signed) {
		if (bpfq_streams_unsigned(s->sv, s->buf))
			return 0;
		s->is_signed = 1;
	}
	return !bpfq_streams_signed(s->sv, s->buf);
}

/* The position after the first record end in the 64 bytes at from, or 0. */
static __always_inline __u64 bpfq_record_end_after_inline(struct bpfq_buf *buf, __u64 from)
{
#pragma unroll
	for (int k = 0; k < 8; k++) {
		__u64 m = bpfq_record_end_mask(bpfq_load8(buf, from + k * 8));

		if (m)
			return from + k * 8 + bpfq_first_byte(m) + 1;
	}
	return 0;
}

BPFQ_GLOBAL long bpfq_record_end_after(struct bpfq_buf *buf, __u64 from)
{
	return buf ? bpfq_record_end_after_inline(buf, from & BPFQ_BUF_MASK) : 0;
}

/*
 * The streams of [first, len) (first between records): the first from
 * first, each next one from a record end near its share of the way, each
 * to the next one's start; 0 when one has no record end there.
 */
static __always_inline int bpfq_stream_ranges(struct bpfq_parse *p, struct bpfq_buf *buf, __u64 first,
					 __u64 len)
{
	__u64 prev = first;

	p->stream_at[0] = first;
#pragma unroll
	for (int k = 1; k < BPFQ_NSTREAMS; k++) {
		/* The global function: inlined, each cut's eight ways out
		 * would multiply the paths the verifier walks. */
		__u64 cut = bpfq_record_end_after(buf, first + (len - first) / BPFQ_NSTREAMS * k);

		if (cut <= prev || cut >= len)
			return 0;
		p->stream_at[k] = cut;
		p->stream_end[k - 1] = cut;
		prev = cut;
	}
	p->stream_end[BPFQ_NSTREAMS - 1] = len;
	return 1;
}

/*
 * [first, len) cut into BPFQ_NSTREAMS ranges (st->parse.stream_at[] and
 * stream_end[]), each parsed up to where the streams stopped taking
 * batches together. 0 when there were no cuts (nothing was parsed).
 */
BPFQ_GLOBAL long bpfq_streams(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 first,
			      __u64 len)
{
	struct bpfq_streams s = {};

	if (!sv || !buf || first >= len || len > BPFQ_BUF_SIZE ||
	    !bpfq_stream_ranges(&sv->st.parse, buf, first, len))
		return 0;
	s.sv = sv;
	s.buf = buf;
	/* A step takes at least two bytes. */
	bpf_loop(len / 2, bpfq_streams_step, &s, 0);
	return 1;
}

#if BPFQ_CUT_IS_RECORD_END
/* Nothing to keep: the state itself stands for the snapshot. */
static __always_inline struct bpfq_value *bpfq_snapshot(struct bpfq_value *sv)
{
	return sv;
}

static __always_inline int bpfq_cut_was_record_end(struct bpfq_value *sv, struct bpfq_value *snap)
{
	return 1;
}
#else
/*
 * Where the cut may not be a record end, the state as it was before the
 * streams: if the parse up to a cut does not end between records, the
 * stream from it took lines that were not records (a quoted field's), and
 * the read is parsed again, in order. A slot per reader (-j).
 */
BPFQ_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfq_value);
} bpfq_snap_map SEC(".maps");

/* A word at a time: clang calls memcpy() for a copy this long, and BPF
 * has none. */
static __always_inline void bpfq_copy_value(struct bpfq_value *to, const struct bpfq_value *from)
{
	const __u64 *s = (const __u64 *)from;
	__u64 *d = (__u64 *)to;

#pragma unroll
	for (int i = 0; i < sizeof(*to) / 8; i++) {
		__u64 v = s[i];

		barrier_var(v);
		d[i] = v;
	}
}

static __always_inline struct bpfq_value *bpfq_snapshot(struct bpfq_value *sv)
{
	__u32 slot = sv->st.target.reader;
	struct bpfq_value *snap = bpf_map_lookup_elem(&bpfq_snap_map, &slot);

	if (snap)
		bpfq_copy_value(snap, sv);
	return snap;
}

/* After the parse up to a cut: whether it ended between records; if
 * not, the state is as before the streams. */
static __always_inline int bpfq_cut_was_record_end(struct bpfq_value *sv, struct bpfq_value *snap)
{
	if (sv->st.result.done || bpfq_between_records(&sv->st.parse))
		return 1;
	bpfq_copy_value(sv, snap);
	return 0;
}
#endif

/* The streams from first, then the rest of each range, in order: 0 when
 * there were no cuts (nothing was parsed). */
static __always_inline int bpfq_parse_streams(struct bpfq_value *sv, struct bpfq_buf *buf,
					 __u64 first, __u64 len)
{
	struct bpfq_value *snap = bpfq_snapshot(sv);
	struct bpfq_parse *p = &sv->st.parse;

	if (!snap || !bpfq_streams(sv, buf, first, len))
		return 0;
#pragma unroll
	for (int k = 0; k < BPFQ_NSTREAMS; k++) {
		bpfq_parse_range(sv, buf, p->stream_at[k], p->stream_end[k]);
		if (k < BPFQ_NSTREAMS - 1 && !bpfq_cut_was_record_end(sv, snap)) {
			bpfq_parse_range(sv, buf, first, len);
			return 1;
		}
	}
	return 1;
}

/* The read: the record the carry holds, the usual way; then streams from
 * the first record end, when there is one near the start. */
static __always_inline void bpfq_parse_read(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 len)
{
	__u64 first = 0;

	if (len >= BPFQ_STREAMS_MIN) {
		if (!bpfq_between_records(&sv->st.parse)) {
			first = bpfq_record_end_after(buf, 0);
			if (first > len)
				first = 0;
			bpfq_parse_range(sv, buf, 0, first);
		}
		/* csv: the carry's quoted field may hold that line end. */
		if (bpfq_between_records(&sv->st.parse) && !sv->st.result.done &&
		    bpfq_parse_streams(sv, buf, first, len))
			return;
	}
	bpfq_parse_range(sv, buf, first, len);
}

#endif /* BPFQ_STREAMS_H */
