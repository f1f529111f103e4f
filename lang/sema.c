// SPDX-License-Identifier: MIT
/*
 * Semantic checks: names, aggregates and their arity, types, literals.
 * The walk is deterministic (items left to right, then where; operands
 * before their operator), so the first error is always the same one.
 */
#include <string.h>
#include <strings.h>

#include "sema.h"
#include "../bpf-templates/bpfq_state.h"

/* Indexed by enum agg_kind: keep in the order of ast.h. */
static const char *const agg_names[] = {
	"",
	"count",
	"sum",
	"min",
	"max",
	"avg",
	"exists",
};

_Static_assert(sizeof(agg_names) / sizeof(agg_names[0]) == AGG_EXISTS + 1,
	       "agg_names[] must follow enum agg_kind");

const char *agg_name(enum agg_kind kind)
{
	if ((unsigned)kind > AGG_EXISTS)
		return "?";
	return agg_names[kind];
}

/* Where an expression is: aggregates are allowed only as select items. */
enum context {
	IN_AGGREGATE,
	IN_WHERE,
};

/* Names are quoted in messages up to this length. */
#define NAME_MAX_SHOWN 64

static int shown(struct loc loc)
{
	uint32_t n = loc.end - loc.begin;

	return n < NAME_MAX_SHOWN ? (int)n : NAME_MAX_SHOWN;
}

static enum agg_kind lookup_agg(const struct query *q, struct loc name)
{
	const char *text = q->text + name.begin;
	uint32_t n = name.end - name.begin;

	for (int k = AGG_COUNT; k <= AGG_EXISTS; k++)
		if (strlen(agg_names[k]) == n && !strncasecmp(agg_names[k], text, n))
			return k;
	return AGG_NONE;
}

/* What each operator takes and gives, and how a mismatch is told. */
struct op_rule {
	enum type operand, result;
	const char *needs;
};

static const struct op_rule op_rules[] = {
	[NODE_NEG] = { TYPE_INT, TYPE_INT, "needs a number" },
	[NODE_NOT] = { TYPE_BOOL, TYPE_BOOL, "needs a condition" },
	[NODE_ADD] = { TYPE_INT, TYPE_INT, "needs numbers on both sides" },
	[NODE_SUB] = { TYPE_INT, TYPE_INT, "needs numbers on both sides" },
	[NODE_MUL] = { TYPE_INT, TYPE_INT, "needs numbers on both sides" },
	[NODE_DIV] = { TYPE_INT, TYPE_INT, "needs numbers on both sides" },
	[NODE_MOD] = { TYPE_INT, TYPE_INT, "needs numbers on both sides" },
	[NODE_EQ] = { TYPE_INT, TYPE_BOOL, "compares numbers" },
	[NODE_NE] = { TYPE_INT, TYPE_BOOL, "compares numbers" },
	[NODE_LT] = { TYPE_INT, TYPE_BOOL, "compares numbers" },
	[NODE_LE] = { TYPE_INT, TYPE_BOOL, "compares numbers" },
	[NODE_GT] = { TYPE_INT, TYPE_BOOL, "compares numbers" },
	[NODE_GE] = { TYPE_INT, TYPE_BOOL, "compares numbers" },
	[NODE_AND] = { TYPE_BOOL, TYPE_BOOL, "needs conditions on both sides" },
	[NODE_OR] = { TYPE_BOOL, TYPE_BOOL, "needs conditions on both sides" },
};

struct sema {
	struct query *q;
	struct diag *d;
};

static bool check_expr(struct sema *s, struct node *n, enum context ctx);

static bool check_literal(struct sema *s, struct node *n)
{
	if (n->out_of_range)
		return diag_set(s->d, n->loc, "integer literal out of range (int64 is "
				"-9223372036854775808 to 9223372036854775807)");
	n->type = TYPE_INT;
	return true;
}

static bool check_name(struct sema *s, struct node *n)
{
	const char *text = s->q->text + n->loc.begin;

	if (n->loc.end - n->loc.begin != 1 || *text != 'x')
		return diag_set(s->d, n->loc, "unknown name '%.*s'; the input's values are called x",
				shown(n->loc), text);
	n->type = TYPE_INT;
	return true;
}

/* Operands first, then the operator; messages spell it as the user did ('&&'). */
static bool check_operator(struct sema *s, struct node *n, enum context ctx)
{
	const struct op_rule *rule = &op_rules[n->kind];

	if (!check_expr(s, n->lhs, ctx) || (n->rhs && !check_expr(s, n->rhs, ctx)))
		return false;
	if (n->lhs->type != rule->operand || (n->rhs && n->rhs->type != rule->operand))
		return diag_set(s->d, n->op_loc, "'%.*s' %s", shown(n->op_loc),
				s->q->text + n->op_loc.begin, rule->needs);
	/* Only a literal 0 is known now; a computed one is a run-time error. */
	if ((n->kind == NODE_DIV || n->kind == NODE_MOD) && n->rhs->kind == NODE_INT &&
	    n->rhs->value == 0)
		return diag_set(s->d, n->rhs->loc, "%s by zero",
				n->kind == NODE_DIV ? "division" : "modulo");
	n->type = rule->result;
	return true;
}

/* A call inside an expression: never an aggregate there. */
static bool check_inner_call(struct sema *s, struct node *n, enum context ctx)
{
	enum agg_kind agg = lookup_agg(s->q, n->op_loc);

	if (agg == AGG_NONE)
		return diag_set(s->d, n->op_loc, "unknown function '%.*s'; aggregates are count, "
				"sum, min, max, avg, exists", shown(n->op_loc),
				s->q->text + n->op_loc.begin);
	if (ctx == IN_WHERE)
		return diag_set(s->d, n->op_loc, "aggregate '%s' is not allowed in where",
				agg_name(agg));
	return diag_set(s->d, n->op_loc, "aggregate '%s' cannot be nested in another aggregate",
			agg_name(agg));
}

static bool check_expr(struct sema *s, struct node *n, enum context ctx)
{
	switch (n->kind) {
	case NODE_INT:
		return check_literal(s, n);
	case NODE_NAME:
		return check_name(s, n);
	case NODE_STAR:
		return diag_set(s->d, n->loc, "'*' is only allowed as count(*)");
	case NODE_CALL:
		return check_inner_call(s, n, ctx);
	default:
		return check_operator(s, n, ctx);
	}
}

static bool check_arity(struct sema *s, struct node *call)
{
	if (call->agg == AGG_COUNT) {
		/* count(*) is count(): the star stays only for rendering. */
		if (call->nargs == 0 || (call->nargs == 1 && call->args[0]->kind == NODE_STAR))
			return true;
		return diag_set(s->d, call->loc, "count() takes no argument");
	}
	if (call->nargs != 1)
		return diag_set(s->d, call->loc, "%s takes 1 argument, got %d",
				agg_name(call->agg), call->nargs);
	return true;
}

static bool check_argument(struct sema *s, struct node *call)
{
	struct node *arg = call->args[0];

	if (!check_expr(s, arg, IN_AGGREGATE))
		return false;
	if (call->agg == AGG_EXISTS && arg->type != TYPE_BOOL)
		return diag_set(s->d, arg->loc, "exists needs a condition such as x > 5, "
				"got a number");
	if (call->agg != AGG_EXISTS && arg->type != TYPE_INT)
		return diag_set(s->d, arg->loc, "%s needs a number, got a condition",
				agg_name(call->agg));
	return true;
}

/* A select item: an aggregate call whose argument holds no aggregate. */
static bool check_item(struct sema *s, struct node *n, int index)
{
	if (index >= BPFQ_MAX_AGGS)
		return diag_set(s->d, n->loc, "too many aggregates: at most %d in one query",
				BPFQ_MAX_AGGS);
	if (n->kind != NODE_CALL)
		return diag_set(s->d, n->loc, "expected an aggregate such as sum(x), got an "
				"expression");
	n->agg = lookup_agg(s->q, n->op_loc);
	if (n->agg == AGG_NONE)
		return check_inner_call(s, n, IN_AGGREGATE);
	if (!check_arity(s, n))
		return false;
	if (n->agg != AGG_COUNT && !check_argument(s, n))
		return false;
	n->type = n->agg == AGG_EXISTS ? TYPE_BOOL : TYPE_INT;
	return true;
}

static bool check_where(struct sema *s, struct node *where)
{
	if (!check_expr(s, where, IN_WHERE))
		return false;
	if (where->type != TYPE_BOOL)
		return diag_set(s->d, where->loc, "where needs a condition such as x > 5, "
				"got a number");
	return true;
}

static int count_nodes(const struct node *n)
{
	int total = 1;

	if (n->lhs)
		total += count_nodes(n->lhs);
	if (n->rhs)
		total += count_nodes(n->rhs);
	for (int i = 0; i < n->nargs; i++)
		total += count_nodes(n->args[i]);
	return total;
}

/* Pre-order: an aggregate's id comes before its argument's. */
static void number(struct query *q, struct node *n)
{
	n->id = ++q->nnodes;
	q->by_id[n->id] = n;
	if (n->lhs)
		number(q, n->lhs);
	if (n->rhs)
		number(q, n->rhs);
	for (int i = 0; i < n->nargs; i++)
		number(q, n->args[i]);
}

static bool number_nodes(struct sema *s)
{
	struct query *q = s->q;
	int total = q->where ? count_nodes(q->where) : 0;

	for (int i = 0; i < q->nitems; i++)
		total += count_nodes(q->items[i]);
	q->by_id = arena_alloc(&q->arena, (total + 1) * sizeof(*q->by_id));
	if (!q->by_id)
		return diag_set(s->d, (struct loc){ 0, 0 }, "out of memory");
	q->nnodes = 0;
	for (int i = 0; i < q->nitems; i++)
		number(q, q->items[i]);
	if (q->where)
		number(q, q->where);
	return true;
}

bool sema_check(struct query *q, struct diag *d)
{
	struct sema s = { q, d };

	for (int i = 0; i < q->nitems; i++)
		if (!check_item(&s, q->items[i], i))
			return false;
	if (q->where && !check_where(&s, q->where))
		return false;
	return number_nodes(&s);
}
