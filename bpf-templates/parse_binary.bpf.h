/* SPDX-License-Identifier: MIT */
/*
 * Binary input: fixed-size records (BPFQ_RECORD_SIZE bytes) of integers,
 * little-endian unless a field says be; 'as i64' is a record of one field,
 * x. A u64 past int64 is not a value: NULL in a record, skipped (and
 * counted) in a stream. A record split between reads is gathered in the
 * carry; bytes of a last, incomplete record are counted, never read as one.
 */
#ifndef BPFQ_PARSE_BINARY_H
#define BPFQ_PARSE_BINARY_H

#include "parse_loop.bpf.h"

/*
 * A whole record at rec (file offset off): its fields into f, then the
 * query; *taken counts it. Returns 1 to stop.
 */
static __always_inline int bpfq_binary_record(struct bpfq_state *st, struct bpfq_acc *acc,
					 struct bpfq_field *f, const __u8 *rec, __u64 off,
					 __u64 *taken)
{
	struct bpfq_result *r = &st->result;
	int stop;

	bpfq_fields(st, rec, f, off);
	/* The query reads the fields back from memory: a value clang forwards
	 * from the load keeps the range the verifier knows (from its type),
	 * and a condition on it would make the verifier follow each record's
	 * outcome separately. A few i64 fields (BPFQ_FIELDS_INT) stay in
	 * registers: their loads give no range either, their kinds are
	 * constants, and the fast path is a load and the fold. */
	if (!BPFQ_FIELDS_INT)
		asm volatile("" ::: "memory");
	if (BPFQ_STREAM && BPFQ_NSLOTS > 0 && f[0].kind == BPFQ_K_BAD) {
		if (!r->malformed)
			r->malformed_off = off;
		r->malformed++;
		return 0;
	}
	(*taken)++;
	stop = bpfq_emit_acc(st, acc, f, off);
	bpfq_acc_order(acc);
	return stop;
}

/* The same, alone (a record gathered between reads, or one in a read's last bytes). */
static __always_inline int bpfq_binary_record_alone(struct bpfq_state *st, const __u8 *rec, __u64 off)
{
	struct bpfq_acc acc;
	__u64 taken = 0;
	int stop;

	st->parse.rec.off = off;
	bpfq_acc_init(&acc);
	stop = bpfq_binary_record(st, &acc, st->parse.rec.f, rec, off, &taken);
	bpfq_acc_flush(st, &acc);
	st->result.records += taken;
	return stop;
}

/*
 * Records per block: 16 (BPFQ_FAST_PER_STEP if fewer), or fewer of 256
 * bytes at most (more live fields than that spill past the 512-byte
 * stack). Fields in registers (BPFQ_FIELDS_INT) have no such frame: 64, or
 * fewer of BPFQ_BUF_PAD bytes at most, so that a block never reads past the
 * map value; faster than 16 (a call per block costs about as much as 16
 * records). Blocks per call of bpfq_fast_records():
 * about 2 KiB of records, so that the calls cost little.
 */
#define BPFQ_FAST_FIT ((BPFQ_FIELDS_INT ? BPFQ_BUF_PAD : 256) / BPFQ_RECORD_SIZE)
#define BPFQ_FAST_MOST (BPFQ_FIELDS_INT ? 64 : 16)
#define BPFQ_FAST_CAP (BPFQ_FAST_PER_STEP < 16 ? BPFQ_FAST_PER_STEP : BPFQ_FAST_MOST)
#define BPFQ_FAST_RECORDS (BPFQ_FAST_FIT > BPFQ_FAST_CAP ? BPFQ_FAST_CAP : BPFQ_FAST_FIT > 1 ? BPFQ_FAST_FIT : 1)
#define BPFQ_FAST_BLOCKS (2048 / (BPFQ_FAST_RECORDS * BPFQ_RECORD_SIZE) > 1 ? \
		     2048 / (BPFQ_FAST_RECORDS * BPFQ_RECORD_SIZE) : 1)
#define BPFQ_FAST_BYTES (BPFQ_FAST_BLOCKS * BPFQ_FAST_RECORDS * BPFQ_RECORD_SIZE)

/*
 * A block of BPFQ_FAST_RECORDS whole records at byte at of the read: 1 when the
 * query ended the scan. A global function, verified once (see
 * parse_numbers.bpf.h): its batch stays in registers, the records' count
 * is added once.
 */
BPFQ_GLOBAL int bpfq_fast_block(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 at)
{
	struct bpfq_state *st = sv ? &sv->st : NULL;
	struct bpfq_field own[BPFQ_FIELDS_INT ? BPFQ_NSLOTS : 1], *f;
	struct bpfq_acc acc;
	__u64 base, taken = 0;
	const __u8 *rec;
	int stop = 0;

	if (!st || !buf)
		return 0;
	f = BPFQ_FIELDS_INT ? own : st->parse.rec.f;
	base = st->result.bytes;
	/* One masked pointer and constant offsets, which the verifier checks
	 * against the map value (BPFQ_BUF_PAD extends it past the read). */
	at &= BPFQ_BUF_MASK;
	rec = (const __u8 *)buf->data + at;
	bpfq_acc_init(&acc);
#pragma unroll BPFQ_FAST_RECORDS
	/* The fields go through the map, or stay in registers (see bpfq_binary_record()). */
	for (int k = 0; k < BPFQ_FAST_RECORDS && !stop; k++)
		stop = bpfq_binary_record(st, &acc, f, rec + k * BPFQ_RECORD_SIZE,
				     base + at + k * BPFQ_RECORD_SIZE, &taken);
	bpfq_acc_flush(st, &acc);
	st->result.records += taken;
	return stop;
}

/* BPFQ_FAST_BLOCKS blocks from pos, when the read has them: the position after them, | BPFQ_FAST_STOP. */
BPFQ_GLOBAL long bpfq_fast_records(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
				   __u64 len)
{
	if (pos >= len || len > BPFQ_BUF_SIZE || len - pos < BPFQ_FAST_BYTES)
		return pos;
	for (int b = 0; b < BPFQ_FAST_BLOCKS; b++)
		if (bpfq_fast_block(sv, buf, pos + b * BPFQ_FAST_RECORDS * BPFQ_RECORD_SIZE))
			return (pos + BPFQ_FAST_BYTES) | BPFQ_FAST_STOP;
	return pos + BPFQ_FAST_BYTES;
}

/* One iteration: a whole record from the buffer, or a byte of one split between reads. */
static long bpfq_parse_step(__u64 i, void *data)
{
	struct bpfq_parse_ctx *c = data;
	struct bpfq_state *st = c->st;
	__u64 pos = c->pos, p;

	if (pos >= c->len)
		return 1;
	pos &= BPFQ_BUF_MASK;
	if (!st->parse.partial) {
		long taken = bpfq_fast_taken(c, pos, bpfq_fast_records((struct bpfq_value *)st, c->buf,
								  pos, c->len));

		if (taken >= 0)
			return taken;
	}
	if (!st->parse.partial && c->len - pos >= BPFQ_RECORD_SIZE) {
		c->pos = pos + BPFQ_RECORD_SIZE;
		return bpfq_binary_record_alone(st, (const __u8 *)c->buf->data + pos, c->base + pos);
	}
	p = st->parse.partial;
	if (p >= BPFQ_MAX_RECORD)
		return 1;
	st->parse.bytes[p] = c->buf->data[pos];
	st->parse.partial = p + 1;
	c->pos = pos + 1;
	if (p + 1 < BPFQ_RECORD_SIZE)
		return 0;
	st->parse.partial = 0;
	return bpfq_binary_record_alone(st, st->parse.bytes, c->base + pos + 1 - BPFQ_RECORD_SIZE);
}

/* The end of the input: the bytes of a last, incomplete record. */
static __always_inline void bpfq_parse_end_inline(struct bpfq_state *st)
{
	st->result.partial = st->parse.partial;
	st->result.eof = 1;
}

#endif /* BPFQ_PARSE_BINARY_H */
