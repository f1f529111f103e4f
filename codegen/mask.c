// SPDX-License-Identifier: MIT
/*
 * The fast path's where without branches. BPF has no conditional move and
 * no set-on-compare: clang turns each comparison, and each select on one,
 * into a branch, and a where that holds for half the records at random
 * mispredicts at every other record. When the where compares only fields
 * and literals (its evaluation can fail nowhere, so and/or need not
 * short-circuit) and every item is a batched fold (accum.c) of a field
 * or of nothing (no value to fail either), the where becomes a mask, all
 * ones or 0, by arithmetic (bpfq_lt_mask(), bpfq_eq_mask() in
 * prelude.bpf.h), and the folds add their values masked.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "codegen/gen.h"

static bool is_operand(const struct node *n)
{
	return n->kind == NODE_FIELD || n->kind == NODE_INT;
}

static bool maskable(const struct node *n)
{
	switch (n->kind) {
	case NODE_AND:
	case NODE_OR:
		return maskable(n->lhs) && maskable(n->rhs);
	case NODE_NOT:
		return maskable(n->lhs);
	case NODE_EQ:
	case NODE_NE:
	case NODE_LT:
	case NODE_LE:
	case NODE_GT:
	case NODE_GE:
		return is_operand(n->lhs) && is_operand(n->rhs);
	case NODE_BETWEEN:
	case NODE_IN:
		if (!is_operand(n->lhs))
			return false;
		for (int i = 0; i < n->nargs; i++)
			if (!is_operand(n->args[i]))
				return false;
		return true;
	default:
		return false;
	}
}

/* Every item a batched fold (accum.c) of a field or of nothing: it adds
 * into the batch, and fails nowhere (sum(-x) fails at the least int64). */
static bool items_add_operands(const struct query *q)
{
	for (int i = 0; i < q->nitems; i++) {
		const struct node *call = q->items[i];

		if (!accum_item(q, i))
			return false;
		if (call->nargs && call->args[0]->kind != NODE_STAR && !is_operand(call->args[0]))
			return false;
	}
	return true;
}

/* The items fold every record, where or not: each one's value must fail
 * nowhere either. */
bool mask_where(const struct query *q)
{
	return q->where && maskable(q->where) && items_add_operands(q);
}

bool fast_only_adds(const struct query *q)
{
	return (!q->where || maskable(q->where)) && items_add_operands(q);
}

/* The lanes form n needs (swar.bpf.h bpfq_digit_lanes()): 2 where it orders x,
 * 1 where it only tests x for equality, 0 where it does not compare x. */
static int lanes_form_of(const struct node *n)
{
	switch (n->kind) {
	case NODE_AND:
	case NODE_OR: {
		int l = lanes_form_of(n->lhs), r = lanes_form_of(n->rhs);

		return l > r ? l : r;
	}
	case NODE_NOT:
		return lanes_form_of(n->lhs);
	case NODE_EQ:
	case NODE_NE:
	case NODE_IN:
		return ast_has_field(n) ? 1 : 0;
	default:
		return ast_has_field(n) ? 2 : 0;
	}
}

int mask_lanes_form(const struct query *q)
{
	return q->where ? lanes_form_of(q->where) : 0;
}

/*
 * A literal compared with x where x is digit lanes (swar.bpf.h
 * bpfq_digit_lanes(): the unsigned numbers of the streams, 0 to 9999999): the
 * literal's lanes, in the query's form. In order (form 2) lanes order as
 * values do; every negative literal is below all such numbers' lanes and
 * every literal of 8 digits or more above them (their lanes are below
 * 2^56), and neither equals one. Reversed (form 1, equalities only): the
 * same bytes reversed; a number's lowest byte is then 0, and those two
 * literals' (0xff, 1) still equal none.
 */
static int64_t lanes_value(const struct gen *g, int64_t v)
{
	uint64_t lanes = 0;

	if (v < 0)
		return -1;
	if (v >= 10000000)
		lanes = 1ULL << 56;
	for (int i = 0; v && v < 10000000; i++, v /= 10)
		lanes |= (uint64_t)(v % 10) << (8 * i);
	if (mask_lanes_form(g->q) == 1)
		lanes = __builtin_bswap64(lanes);
	return (int64_t)lanes;
}

static void lanes_literal(const struct gen *g, int64_t v, char *res)
{
	if (v < 0)
		snprintf(res, OPERAND_MAX, "-1LL");
	else
		snprintf(res, OPERAND_MAX, "0x%" PRIx64 "LL", (uint64_t)lanes_value(g, v));
}

/* An operand compared with other. */
static void operand(const struct gen *g, const struct node *n, const struct node *other,
		    char *res)
{
	if (n->kind == NODE_FIELD)
		snprintf(res, OPERAND_MAX, "x%d", n->slot);
	else if (g->lanes && other->kind == NODE_FIELD)
		lanes_literal(g, n->value, res);
	else
		gen_int_literal(n->value, res);
}

/* A new temporary t = the expression (fmt over two operands, each used once). */
__attribute__((format(printf, 3, 4)))
static void assign(struct gen *g, char *res, const char *fmt, ...)
{
	char expr[3 * OPERAND_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(expr, sizeof(expr), fmt, ap);
	va_end(ap);
	snprintf(res, OPERAND_MAX, "t%d", gen_temp(g));
	gen_line(g, "__u64 %s = %s;", res, expr);
}

/* A new temporary: ~a, the negation of a mask. */
static void negate(struct gen *g, char *res, const char *a)
{
	int t = gen_temp(g);

	gen_line(g, "__u64 t%d = ~%s;", t, a);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

static void gen_compare(struct gen *g, enum node_kind kind, const char *a, const char *b,
			char *res)
{
	switch (kind) {
	case NODE_EQ: assign(g, res, "bpfq_eq_mask(%s, %s)", a, b); return;
	case NODE_NE: assign(g, res, "~bpfq_eq_mask(%s, %s)", a, b); return;
	case NODE_LT: assign(g, res, "bpfq_lt_mask(%s, %s)", a, b); return;
	case NODE_GE: assign(g, res, "~bpfq_lt_mask(%s, %s)", a, b); return;
	case NODE_GT: assign(g, res, "bpfq_lt_mask(%s, %s)", b, a); return;
	default: assign(g, res, "~bpfq_lt_mask(%s, %s)", b, a); return;	/* NODE_LE */
	}
}

/* x in a long list of literals: a table and its search (inlist.c), in
 * digit lanes where x is. The lhs is a field or a literal. */
static void gen_table(struct gen *g, const struct node *n, char *res)
{
	int64_t *v = malloc(n->nargs * sizeof(*v));
	char x[OPERAND_MAX];
	int tab, index, size;

	if (!v)
		abort();
	for (int i = 0; i < n->nargs; i++)
		v[i] = g->lanes && n->lhs->kind == NODE_FIELD ? lanes_value(g, n->args[i]->value) :
								n->args[i]->value;
	operand(g, n->lhs, n->args[0], x);
	size = inlist_gen_s64(g, v, n->nargs, x, &tab, &index);
	free(v);
	snprintf(res, OPERAND_MAX, "t%d", gen_temp(g));
	gen_line(g, "__u64 %s = %sbpfq_eq_mask(%s, t%d[t%d & %d]);", res, n->negated ? "~" : "", x,
		 tab, index, size - 1);
}

/* x between lo and hi: not (x < lo) and not (hi < x); x in (...): any equal. */
static void gen_list(struct gen *g, const struct node *n, char *res)
{
	char x[OPERAND_MAX], a[OPERAND_MAX], t[OPERAND_MAX], u[OPERAND_MAX];

	if (inlist_table(n)) {
		gen_table(g, n, res);
		return;
	}

	for (int i = 0; i < n->nargs; i++) {
		enum node_kind cmp = n->kind == NODE_IN ? NODE_EQ : i ? NODE_LE : NODE_GE;

		operand(g, n->lhs, n->args[i], x);
		operand(g, n->args[i], n->lhs, a);
		gen_compare(g, cmp, x, a, i ? u : t);
		if (i)
			assign(g, t, n->kind == NODE_IN ? "%s | %s" : "%s & %s", t, u);
	}
	if (n->negated)
		negate(g, t, t);
	snprintf(res, OPERAND_MAX, "%s", t);
}

void mask_gen(struct gen *g, const struct node *n, char *res)
{
	char a[OPERAND_MAX], b[OPERAND_MAX];

	switch (n->kind) {
	case NODE_AND:
	case NODE_OR:
		mask_gen(g, n->lhs, a);
		mask_gen(g, n->rhs, b);
		assign(g, res, n->kind == NODE_AND ? "%s & %s" : "%s | %s", a, b);
		return;
	case NODE_NOT:
		mask_gen(g, n->lhs, a);
		negate(g, res, a);
		return;
	case NODE_BETWEEN:
	case NODE_IN:
		gen_list(g, n, res);
		return;
	default:
		operand(g, n->lhs, n->rhs, a);
		operand(g, n->rhs, n->lhs, b);
		gen_compare(g, n->kind, a, b, res);
		return;
	}
}
