/* SPDX-License-Identifier: MIT */
/*
 * Binary input: one field of a fixed-size record, before the generated
 * bpfq_fields() that calls it for each used field (parse_binary.bpf.h
 * reads the records).
 */
#ifndef BPFQ_BINARY_FIELD_H
#define BPFQ_BINARY_FIELD_H

#include "prelude.bpf.h"

/* A field's integer from the record's bytes: sign-extended for i*, as is for u*. */
static __always_inline void bpfq_bin_field(struct bpfq_state *st, const __u8 *rec,
					   struct bpfq_field *f, int offset, int type, int be,
					   __u64 off)
{
	int size = 1 << (type / 2);
	__u64 v = 0;

	if (size == 1)
		v = rec[offset];
	else if (size == 2)
		v = be ? __builtin_bswap16(*(__u16 *)(rec + offset)) : *(__u16 *)(rec + offset);
	else if (size == 4)
		v = be ? __builtin_bswap32(*(__u32 *)(rec + offset)) : *(__u32 *)(rec + offset);
	else
		v = be ? __builtin_bswap64(*(__u64 *)(rec + offset)) : *(__u64 *)(rec + offset);
	if (!(type & 1) && size < 8 && (v >> (8 * size - 1)) & 1)
		v |= ~0ULL << (8 * size);
	f->lo = v;
	f->hi = (__s64)v < 0 ? -1 : 0;
	f->pad = 0;
	f->kind = BPFQ_K_INT;
	if ((type & 1) && size == 8 && (__s64)v < 0) {
		f->kind = BPFQ_K_BAD;
		f->hi = 0;
		if (!BPFQ_STREAM) {
			if (!st->result.bad)
				st->result.bad_off = off + offset;
			st->result.bad++;
		}
	}
}

#endif /* BPFQ_BINARY_FIELD_H */
