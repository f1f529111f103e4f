// SPDX-License-Identifier: MIT
/*
 * The batch accumulators of the fast path. A parser that takes many
 * records per loop iteration (numbers, binary) keeps a struct bpfq_acc on
 * its stack: clang keeps its fields in registers, so a record costs a few
 * adds and no map reads and writes; bpfq_acc_flush() adds the batch into
 * the area. Sums keep the values' sum mod 2^64 and the sum of their high
 * 32 bits (two adds, no carry test): a batch is far below 2^32 values, so
 * the two give the exact sum (aggs.bpf.h bpfq_i_sum_batch()).
 * Outside binary input, the sum of a field is one signed add: its batch is
 * 32 numbers of at most 7 digits (parse_numbers.bpf.h), or one record.
 * On the fast path no value is NULL, so every item folds once per
 * matched record: the batch's one count, matched, is every item's.
 * Only what commutes is batched: exists() stays in the area (the early
 * stop reads it), and so do the bucketed states. So do min and max: a
 * running minimum in a register is a value the verifier tracks exactly,
 * and each record's compare doubles the states it explores; in the map,
 * the verifier does not know it.
 */
#include <stdbool.h>

#include "codegen/gen.h"
#include "lang/value/layout.h"

bool accum_item(const struct query *q, int i)
{
	/* A filter's item folds only some matched records: not the batch's count. */
	if (q->items[i]->rhs)
		return false;
	switch (q->items[i]->agg) {
	case AGG_COUNT:
	case AGG_SUM:
	case AGG_AVG:
		return !q->by;
	default:
		return false;
	}
}

/* A sum whose batch cannot pass int64: one register (see above). */
static bool narrow_sum(const struct query *q, int i)
{
	const struct node *call = q->items[i];

	return q->format.kind != INPUT_BINARY && call->nargs == 1 &&
	       call->args[0]->kind == NODE_FIELD;
}

/* A sum of a literal: the literal times the batch's count, at its flush.
 * Folded at every record, its masked adds were sums the verifier tracks
 * exactly (0..7 a record for sum(7) where ...), and their ranges kept it
 * from pruning its paths: a million instructions for a long where. */
static bool literal_sum(const struct query *q, int i)
{
	const struct node *call = q->items[i];

	return call->agg != AGG_COUNT && call->nargs == 1 && call->args[0]->kind == NODE_INT;
}

/* Items with a sum in the batch: sum and avg of a value. */
static bool batch_sum(const struct query *q, int i)
{
	return accum_item(q, i) && q->items[i]->agg != AGG_COUNT && !literal_sum(q, i);
}

static void gen_fields(struct gen *g)
{
	gen_line(g, "struct bpfq_acc {");
	gen_line(g, "\t__u64 matched;");
	for (int i = 0; i < g->q->nitems; i++) {
		if (!batch_sum(g->q, i))
			continue;
		g->depth++;
		gen_comment(g, "", g->q->items[i]);
		g->depth--;
		if (narrow_sum(g->q, i))
			gen_line(g, "\t__s64 lo%d;", i);
		else
			gen_line(g, "\t__u64 lo%d;\n\t__s64 hi%d;", i, i);
	}
	gen_line(g, "};");
}

static void gen_init(struct gen *g)
{
	gen_line(g, "static __always_inline void bpfq_acc_init(struct bpfq_acc *a)");
	gen_line(g, "{");
	gen_line(g, "\t__builtin_memset(a, 0, sizeof(*a));");
	gen_line(g, "}");
}

/* Its sum mod 2^64 and the sum of its high halves, as a batch's (above). */
static void gen_literal_sum(struct gen *g, int off, int64_t v)
{
	char c[OPERAND_MAX];

	gen_int_literal(v, c);
	gen_line(g, "\tbpfq_i_sum_batch(&area[%d], (__u64)%s * a->matched,", off, c);
	gen_line(g, "\t\t\t (%s >> 32) * (__s64)a->matched, a->matched);", c);
}

static void gen_flush(struct gen *g)
{
	gen_line(g, "static __always_inline void bpfq_acc_flush(struct bpfq_state *st, const struct bpfq_acc *a)");
	gen_line(g, "{");
	gen_line(g, "\t__u64 *area __attribute__((unused)) = bpfq_area(st);");
	fputc('\n', g->out);
	gen_line(g, "\tst->result.matched += a->matched;");
	for (int i = 0; i < g->q->nitems; i++) {
		int off = layout_offset(g->q, i);

		if (!accum_item(g->q, i))
			continue;
		if (g->q->items[i]->agg == AGG_COUNT)
			gen_line(g, "\tarea[%d] += a->matched;", off);
		else if (literal_sum(g->q, i))
			gen_literal_sum(g, off, g->q->items[i]->args[0]->value);
		else if (narrow_sum(g->q, i))
			gen_line(g, "\tbpfq_i_sum_small(&area[%d], a->lo%d, a->matched);", off, i);
		else
			gen_line(g, "\tbpfq_i_sum_batch(&area[%d], a->lo%d, a->hi%d, a->matched);", off,
				 i, i);
	}
	gen_line(g, "}");
}

/*
 * bpfq_acc_order(), after each record of a block (parse_binary.bpf.h): the
 * batch's registers take this record's values before the next record's
 * loads. Left alone, clang loads a whole block first and sums it as a tree,
 * which needs more registers than BPF has: the values spill to the stack.
 * The count joins when a where masks it.
 */
static void gen_order(struct gen *g)
{
	gen_line(g, "static __always_inline void bpfq_acc_order(struct bpfq_acc *a)");
	gen_line(g, "{");
	if (g->q->where)
		gen_line(g, "\tbpfq_keep(a->matched);");
	for (int i = 0; i < g->q->nitems; i++) {
		if (!batch_sum(g->q, i))
			continue;
		gen_line(g, "\tbpfq_keep(a->lo%d);", i);
		if (!narrow_sum(g->q, i))
			gen_line(g, "\tbpfq_keep(a->hi%d);", i);
	}
	gen_line(g, "\tbpfq_fence();");
	gen_line(g, "}");
}

void accum_gen_struct(struct gen *g)
{
	gen_line(g, "/* The fast path's batch: kept in registers, added to the area once. */");
	gen_fields(g);
	gen_init(g);
	gen_flush(g);
	gen_order(g);
	fputc('\n', g->out);
}

void accum_gen_fold(struct gen *g, int i, const char *v, const char *m)
{
	/* count, a literal's sum: matched counts it; sum, avg: */
	if (!batch_sum(g->q, i))
		return;
	if (m)
		gen_line(g, "a->lo%d += %s & %s;", i, v, m);
	else
		gen_line(g, "a->lo%d += %s;", i, v);
	if (narrow_sum(g->q, i))
		return;
	if (m)
		gen_line(g, "a->hi%d += (%s >> 32) & %s;", i, v, m);
	else
		gen_line(g, "a->hi%d += %s >> 32;", i, v);
}

/* Numbers' only field is x, and a literal's sum is not in the batch:
 * every sum the batch holds is of x, in lanes. */
void accum_gen_lanes_value(struct gen *g)
{
	gen_line(g, "static __always_inline void bpfq_acc_lanes_value(struct bpfq_acc *a)");
	gen_line(g, "{");
	for (int i = 0; i < g->q->nitems; i++)
		if (batch_sum(g->q, i))
			gen_line(g, "\ta->lo%d = bpfq_lanes_value(bpfq_lanes_in_order(a->lo%d));", i, i);
	gen_line(g, "}");
	fputc('\n', g->out);
}
