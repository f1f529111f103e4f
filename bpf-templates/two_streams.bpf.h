/* SPDX-License-Identifier: MIT */
/*
 * A read in two streams: codegen adds this piece on long inputs whose
 * fast path only adds into the batch (BPFQ_TWO_STREAMS).
 *
 * The fast parse of a record is a chain: its load, the bit tricks that
 * find its end, the next record's load at that end; about 16 cycles a
 * number, and one stream waits on it. So a read is cut at a record end
 * near its middle, and the format's step (bpfq_streams_unsigned(),
 * bpfq_streams_signed()) takes a batch of simple records from each half,
 * interleaved, all or none: the CPU runs one chain while the other waits
 * (1.4x on numbers, 1.2x on csv). Once a half has a record the step does
 * not take, or nears its end, the rest of the first half and then the
 * rest of the second go the usual way (bpfq_parse_range()). Only the fast
 * path's records, which add into sums and counts, are taken out of order;
 * everything else is met in file order.
 *
 * The format gives: between_records(p), whether a record begins at the
 * next byte; record_end_mask(w), the high bits of the bytes of w that end
 * a record; CUT_IS_RECORD_END, whether such a byte ends one whatever came
 * before (csv: not a line end inside quotes); streams_take(st, acc, buf,
 * pa, pb, is_signed), STREAM_RECORDS simple records from each stream into
 * the batch, interleaved: their new positions pa | pb << 32, or 0 when a
 * stream has one that is not simple; and STREAM_ROOM, the bytes a stream
 * needs for that.
 */

#define STREAMS_MIN (64 * 1024)	/* a shorter read goes as one stream */

struct streams {
	struct bpfq_value *sv;
	struct bpfq_buf *buf;
	__u64 ab;		/* the two positions: a | b << 32 */
	__u64 ends;		/* their ends: the cut | the read's end << 32 */
	__u64 is_signed;	/* the unsigned step took nothing: signed ones */
};

/*
 * A batch from both streams, all or none (it reaches the map only whole):
 * the new positions, or ab when it took nothing (a record that is not
 * simple, or a stream near its end). ab: the positions a | b << 32; ends:
 * the cut | the read's end << 32.
 */
static __always_inline __u64 streams_batch(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 ab,
					   __u64 ends, const int is_signed)
{
	struct bpfq_state *st = sv ? &sv->st : NULL;
	__u64 pa = ab & 0xffffffff, pb = ab >> 32, ea = ends & 0xffffffff, eb = ends >> 32, next;
	struct bpfq_acc acc;

	/* ab for the return when nothing was taken, on the stack: in a
	 * register through the records, it left too few for the streams. */
	volatile __u64 took_nothing = ab;

	if (!st || !buf || pa >= ea || pb >= eb || ea > BPFQ_BUF_SIZE || eb > BPFQ_BUF_SIZE ||
	    ea - pa < STREAM_ROOM || eb - pb < STREAM_ROOM)
		return ab;
	bpfq_acc_init(&acc);
	next = streams_take(st, &acc, buf, pa, pb, is_signed);
	if (!next)
		return took_nothing;
	bpfq_acc_flush(st, &acc);
	st->result.records += 2 * STREAM_RECORDS;
	return next;
}

/* Without a minus a record costs fewer instructions and registers. The
 * steps are the side functions (prelude.bpf.h): the other part defines them. */
__noinline long bpfq_streams_unsigned(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 ab,
				      __u64 ends)
#if BPFQ_PART == 1
	;
#else
{
	return streams_batch(sv, buf, ab, ends, 0);
}
#endif

__noinline long bpfq_streams_signed(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 ab,
				    __u64 ends)
#if BPFQ_PART == 1
	;
#else
{
	return streams_batch(sv, buf, ab, ends, 1);
}
#endif

/* Unsigned steps, the cheaper, until one takes nothing (a minus, maybe);
 * then signed ones, until one takes nothing. */
static long streams_step(__u64 i, void *data)
{
	struct streams *s = data;
	__u64 next;

	if (!s->is_signed) {
		next = bpfq_streams_unsigned(s->sv, s->buf, s->ab, s->ends);
		if (next != s->ab) {
			s->ab = next;
			return 0;
		}
		s->is_signed = 1;
	}
	next = bpfq_streams_signed(s->sv, s->buf, s->ab, s->ends);
	if (next == s->ab)
		return 1;
	s->ab = next;
	return 0;
}

/* The position after the first record end in the 64 bytes at from, or 0. */
static __always_inline __u64 record_end_after(struct bpfq_buf *buf, __u64 from)
{
#pragma unroll
	for (int k = 0; k < 8; k++) {
		__u64 m = record_end_mask(load8(buf, from + k * 8));

		if (m)
			return from + k * 8 + first_byte(m) + 1;
	}
	return 0;
}

BPFQ_GLOBAL long bpfq_record_end_after(struct bpfq_buf *buf, __u64 from)
{
	return buf ? record_end_after(buf, from & BPFQ_BUF_MASK) : 0;
}

/* Three positions below 2^21 in one return value. */
#define STREAMS_PACK(a, b, cut) ((a) | ((b) << 21) | ((cut) << 42))
#define STREAMS_AT(v, k) (((v) >> (21 * (k))) & 0x1fffff)

/*
 * From first (between records) to len: both streams while they take
 * batches. Where they stopped and the cut, packed; 0 when there is no
 * record end near the middle (nothing was taken).
 */
BPFQ_GLOBAL long bpfq_two_streams(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 first,
				  __u64 len)
{
	struct streams s = {};
	__u64 cut;

	if (!sv || !buf || first >= len || len > BPFQ_BUF_SIZE)
		return 0;
	cut = record_end_after(buf, (first + (len - first) / 2) & BPFQ_BUF_MASK);
	if (!cut || cut >= len)
		return 0;
	s.sv = sv;
	s.buf = buf;
	s.ab = first | (cut << 32);
	s.ends = cut | (len << 32);
	/* A step takes at least two bytes. */
	bpf_loop(len / 2, streams_step, &s, 0);
	return STREAMS_PACK(s.ab & 0xffffffff, s.ab >> 32, cut);
}

#if CUT_IS_RECORD_END
/* Nothing to keep: the state itself stands for the snapshot. */
static __always_inline struct bpfq_value *snapshot(struct bpfq_value *sv)
{
	return sv;
}

static __always_inline int cut_was_record_end(struct bpfq_value *sv, struct bpfq_value *snap)
{
	return 1;
}
#else
/*
 * Where the cut may not be a record end, the state as it was before the
 * streams: if the parse up to the cut does not end between records, the
 * second stream took lines that were not records (a quoted field's), and
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
static __always_inline void copy_value(struct bpfq_value *to, const struct bpfq_value *from)
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

static __always_inline struct bpfq_value *snapshot(struct bpfq_value *sv)
{
	__u32 slot = sv->st.target.reader;
	struct bpfq_value *snap = bpf_map_lookup_elem(&bpfq_snap_map, &slot);

	if (snap)
		copy_value(snap, sv);
	return snap;
}

/* After the parse up to the cut: whether it ended between records; if
 * not, the state is as before the streams. */
static __always_inline int cut_was_record_end(struct bpfq_value *sv, struct bpfq_value *snap)
{
	if (sv->st.result.done || between_records(&sv->st.parse))
		return 1;
	copy_value(sv, snap);
	return 0;
}
#endif

/* The streams from first, then the rest of each, in order: 0 when there
 * was no cut (nothing was parsed). */
static __always_inline int parse_streams(struct bpfq_value *sv, struct bpfq_buf *buf,
					 __u64 first, __u64 len)
{
	struct bpfq_value *snap = snapshot(sv);
	__u64 r;

	if (!snap)
		return 0;
	r = bpfq_two_streams(sv, buf, first, len);
	if (!r)
		return 0;
	bpfq_parse_range(sv, buf, STREAMS_AT(r, 0), STREAMS_AT(r, 2));
	if (cut_was_record_end(sv, snap))
		bpfq_parse_range(sv, buf, STREAMS_AT(r, 1), len);
	else
		bpfq_parse_range(sv, buf, first, len);
	return 1;
}

/* The read: the record the carry holds, the usual way; then two streams
 * from the first record end, when there is one near the start. */
static __always_inline void parse_read(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 len)
{
	__u64 first = 0;

	if (len >= STREAMS_MIN) {
		if (!between_records(&sv->st.parse)) {
			first = bpfq_record_end_after(buf, 0);
			if (first > len)
				first = 0;
			bpfq_parse_range(sv, buf, 0, first);
		}
		/* csv: the carry's quoted field may hold that line end. */
		if (between_records(&sv->st.parse) && !sv->st.result.done &&
		    parse_streams(sv, buf, first, len))
			return;
	}
	bpfq_parse_range(sv, buf, first, len);
}
