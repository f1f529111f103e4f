/* SPDX-License-Identifier: MIT */
/*
 * A stand-in for the header codegen writes (codegen/codegen.c
 * gen_header()), so that `make` compiles bpf-templates/bpfq.bpf.c for
 * every format and hook: a template that no longer compiles fails the
 * build, not a user's query. The Makefile gives BPFQ_FORMAT and
 * BPFQ_HOOK, and the long input's shape (BPFQ_SPLIT_SIGNS, BPFQ_STREAMS);
 * the query is count(x), x an integer field ($1 of text and csv).
 */
#ifndef BPFQ_QUERY_H
#define BPFQ_QUERY_H

#include <linux/bpf.h>

#include "bpfq_state.h"

#ifndef BPFQ_SPLIT_SIGNS
#define BPFQ_SPLIT_SIGNS 0
#endif
#ifndef BPFQ_STREAMS
#define BPFQ_STREAMS 0
#endif
#define BPFQ_AREA_WORDS 1
#define BPFQ_GROUP_WORDS 0
#define BPFQ_LANES_FORM 0
#define BPFQ_FAST_PER_STEP (BPFQ_SPLIT_SIGNS && !BPFQ_STREAMS ? 32 : 16)
#define BPFQ_CSV (BPFQ_FORMAT == BPFQ_FORMAT_CSV)
#define BPFQ_NSLOTS 1
#define BPFQ_LAST_FIELD 0
#define BPFQ_KEY_SLOT -1
#define BPFQ_WHOLE_SLOT -1
#define BPFQ_KEY_TEXTS 0
#define BPFQ_KEY_LONGS 0
#define BPFQ_KEY_CAP BPFQ_KEY_MAX
#define BPFQ_GROUP_KEY_SIZE BPFQ_KEY_BYTES_OF(BPFQ_KEY_MAX)
#define BPFQ_NTEXTS 0
#define BPFQ_DELIM ','
#define BPFQ_TIME_SLOTS 0
#define BPFQ_RECORD_SIZE 8
#define BPFQ_STREAM 0
#define BPFQ_FIELDS_INT 1
#define BPFQ_DISTINCT 1		/* compile count_distinct's set and its fold */

#include "prelude.bpf.h"
#include "aggs.bpf.h"
#include "groups.bpf.h"
#include "swar.bpf.h"
#include "timeval.bpf.h"
#include "binary_field.bpf.h"

static __always_inline int bpfq_slot_of(__u32 field)
{
	return field == 0 ? 0 : -1;
}

static __always_inline __u32 bpfq_field_of(int slot)
{
	return slot == 0 ? 0 : 0xffffffff;
}

static __always_inline int bpfq_slot_time(int slot)
{
	return 0;
}

/* json: one key, known by made-up hashes (codegen computes the real ones). */
static __always_inline int bpfq_json_field(__u64 h1, __u64 h2)
{
	return h1 == 0x1 && h2 == 0x2 ? 0 : -1;
}

static __always_inline int bpfq_slot_numeric(int slot)
{
	return slot == 0;
}

static __always_inline int bpfq_slot_text(int slot)
{
	return -1;
}

static __always_inline int bpfq_key_seg(int slot)
{
	return -1;
}

static __always_inline int bpfq_key_tix(int slot)
{
	return -1;
}

static __always_inline void bpfq_fields(struct bpfq_state *st, const __u8 *rec,
					struct bpfq_field *f, __u64 off)
{
	bpfq_bin_field(st, rec, &f[0], 0, BPFQ_BIN_I64, 0, off);
}

struct bpfq_acc {
	__u64 matched;
};

static __always_inline void bpfq_acc_init(struct bpfq_acc *a)
{
	__builtin_memset(a, 0, sizeof(*a));
}

static __always_inline void bpfq_acc_flush(struct bpfq_state *st, const struct bpfq_acc *a)
{
	st->result.matched += a->matched;
	bpfq_area(st)[0] += a->matched;
}

static __always_inline void bpfq_acc_order(struct bpfq_acc *a)
{
	bpfq_keep(a->matched);
	bpfq_fence();
}

static __always_inline void bpfq_acc_lanes_value(struct bpfq_acc *a)
{
}

static __always_inline int bpfq_emit_lanes(struct bpfq_acc *a, __s64 x0)
{
	a->matched++;
	return 0;
}

static __always_inline int bpfq_general_path(struct bpfq_value *sv)
{
	if (!sv)
		return 0;
	if (sv->st.parse.rec.f[0].kind >= BPFQ_K_INT) {
		sv->st.result.matched++;
		sv->area[0]++;
	}
	return 0;
}

static __always_inline int bpfq_emit_acc(struct bpfq_state *st, struct bpfq_acc *a,
					 const struct bpfq_field *f, __u64 off)
{
	if (f[0].kind == BPFQ_K_INT) {
		a->matched++;
		return 0;
	}
	if (f != st->parse.rec.f)
		st->parse.rec.f[0] = f[0];
	st->parse.rec.off = off;
	return bpfq_emit_general((struct bpfq_value *)st) != 0;
}

static __always_inline int bpfq_emit(struct bpfq_state *st, const struct bpfq_field *f,
				     __u64 off)
{
	struct bpfq_acc a;
	int stop;

	bpfq_acc_init(&a);
	stop = bpfq_emit_acc(st, &a, f, off);
	bpfq_acc_flush(st, &a);
	return stop;
}

#endif /* BPFQ_QUERY_H */
