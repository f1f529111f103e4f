// SPDX-License-Identifier: MIT
/*
 * AST to BPF C. The generated part is bpfq_emit(), called once per record
 * with its used fields f[0..nslots). It has up to two paths:
 *
 *  - the fast path, when every used field is an integer and the query has
 *    no '/' and no decimal literal: int64 arithmetic, two-valued logic;
 *  - the general path: decimals times 10^18 (struct bpfq_d), NULLs, and
 *    SQL's three-valued logic.
 *
 * Both compute what the reference evaluator does (lang/engine/eval.c): on the
 * fast path's records the two semantics coincide. Expressions become
 * three-address code in evaluation order (operands left to right, then
 * the operator; and/or evaluate their right side only when needed), and
 * every checked operator returns at once on an error, so the first error
 * is the one the evaluator reports too. No byte of the query text reaches
 * the C: fields are f[slot], numbers are printed again from their values,
 * and comments are bpfq's own rendering of the tree (ast_render_code()).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/codegen.h"
#include "codegen/flatten.h"
#include "codegen/gen.h"
#include "codegen/prune.h"
#include "codegen/templates.h"
#include "lang/front/sema.h"
#include "lang/value/layout.h"
#include "lang/value/num.h"
#include "lang/value/values.h"

void gen_line(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	for (int i = 0; i < g->depth; i++)
		fputc('\t', g->out);
	va_start(ap, fmt);
	vfprintf(g->out, fmt, ap);
	va_end(ap);
	fputc('\n', g->out);
}

int gen_temp(struct gen *g)
{
	return ++g->ntemps;
}

/* An int64 as C: -9223372036854775808LL is not a literal (it is minus an overflow). */
void gen_int_literal(int64_t v, char *res)
{
	if (v == INT64_MIN)
		snprintf(res, OPERAND_MAX, "BPFQ_S64_MIN");
	else
		snprintf(res, OPERAND_MAX, "%" PRId64 "LL", v);
}

/* A decimal times 10^18 as a struct bpfq_d initializer. */
static void dec_literal(i128 v, char *res)
{
	snprintf(res, OPERAND_MAX, "((struct bpfq_d){ %" PRIu64 "ULL, %" PRId64 "LL })",
		 (uint64_t)v, (int64_t)((u128)v >> 64));
}

/*
 * A byte a comment may hold: the rendering's own (ast_render_code()), and
 * nothing that could end the comment or change the line for the
 * preprocessor: no backslash (a line splice), no '?' (trigraphs), no
 * quote, '#' or control byte, and '/' only apart from '*' and '/'.
 */
static bool comment_byte(const char *s, size_t i)
{
	char c = s[i];

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	if (c == '/')
		return (!i || (s[i - 1] != '*' && s[i - 1] != '/')) && s[i + 1] != '*' &&
		       s[i + 1] != '/';
	return c && strchr(" ()[],.+-*%=!<>$_:", c);
}

/* A comment with the expression, rendered by bpfq from the checked tree
 * (never the query's text), each byte checked again. */
void gen_comment(struct gen *g, const char *prefix, const struct node *n)
{
	char text[160];

	ast_render_code(g->q, n, text, sizeof(text));
	for (size_t i = 0; text[i]; i++)
		if (!comment_byte(text, i))
			text[i] = '_';
	gen_line(g, "/* %s%s */", prefix, text);
}

/* ---- the fast path: int64, two-valued ---- */

static const char *int_helper(enum node_kind kind)
{
	switch (kind) {
	case NODE_ADD: return "bpfq_add";
	case NODE_SUB: return "bpfq_sub";
	case NODE_MUL: return "bpfq_mul";
	default: return "bpfq_mod";	/* NODE_MOD; no '/' on this path */
	}
}

static void fail_line(struct gen *g, const struct node *n)
{
	gen_line(g, "\treturn bpfq_fail(st, e, %d, &f[0], off);", n->id);
}

static void gen_i(struct gen *g, const struct node *n, char *res);

/* year() .. second(): the helper of timeval.bpf.h. */
static const char *time_part_helper(enum fn_kind fn)
{
	switch (fn) {
	case FN_YEAR: return "bpfq_t_year";
	case FN_MONTH: return "bpfq_t_month";
	case FN_DAY: return "bpfq_t_day";
	case FN_HOUR: return "bpfq_t_hour";
	case FN_MINUTE: return "bpfq_t_minute";
	default: return "bpfq_t_second";
	}
}

/* A function of a time, t an int64 of microseconds, into the new __s64 t<res>. */
static void gen_time_int(struct gen *g, const struct node *n, const char *t, int res)
{
	if (n->fn == FN_DATE_TRUNC)
		gen_line(g, "__s64 t%d = bpfq_t_trunc(%s, %d);", res, t, (int)n->lo);
	else
		gen_line(g, "__s64 t%d = %s(%s);", res, time_part_helper(n->fn), t);
}

/* Functions of times on the fast path (epoch(), a decimal, is not there). */
static void gen_i_time(struct gen *g, const struct node *n, char *res)
{
	char a[OPERAND_MAX];
	int t;

	gen_i(g, n->args[n->nargs - 1], a);
	t = gen_temp(g);
	snprintf(res, OPERAND_MAX, "t%d", t);
	if (n->fn != FN_TO_TIMESTAMP) {
		gen_time_int(g, n, a, t);
		return;
	}
	gen_line(g, "__s64 t%d;", t);
	gen_line(g, "if ((e = bpfq_t_of_secs(&t%d, %s)))", t, a);
	fail_line(g, n);
}

static void gen_i_checked(struct gen *g, const struct node *n, char *res)
{
	char a[OPERAND_MAX], b[OPERAND_MAX];
	int t;

	if (n->kind == NODE_CALL && n->fn != FN_ABS) {
		gen_i_time(g, n, res);
		return;
	}
	if (n->kind == NODE_CALL) {	/* abs */
		gen_i(g, n->args[0], a);
		t = gen_temp(g);
		gen_line(g, "__s64 t%d;", t);
		gen_line(g, "if ((e = bpfq_absv(&t%d, %s)))", t, a);
	} else if (n->kind == NODE_NEG) {
		gen_i(g, n->lhs, a);
		t = gen_temp(g);
		gen_line(g, "__s64 t%d;", t);
		gen_line(g, "if ((e = bpfq_neg(&t%d, %s)))", t, a);
	} else {
		gen_i(g, n->lhs, a);
		gen_i(g, n->rhs, b);
		t = gen_temp(g);
		gen_line(g, "__s64 t%d;", t);
		gen_line(g, "if ((e = %s(&t%d, %s, %s)))", int_helper(n->kind), t, a, b);
	}
	fail_line(g, n);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/* and/or: the right side runs only if the left does not decide. */
static void gen_i_logical(struct gen *g, const struct node *n, char *res)
{
	char a[OPERAND_MAX], b[OPERAND_MAX];
	int t;

	gen_i(g, n->lhs, a);
	t = gen_temp(g);
	gen_line(g, "int t%d = %s;", t, a);
	gen_line(g, "if (%st%d) {", n->kind == NODE_AND ? "" : "!", t);
	g->depth++;
	gen_i(g, n->rhs, b);
	gen_line(g, "t%d = %s;", t, b);
	g->depth--;
	gen_line(g, "}");
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/* between: every operand, then both comparisons. */
static void gen_i_between(struct gen *g, const struct node *n, char *res)
{
	char x[OPERAND_MAX], lo[OPERAND_MAX], hi[OPERAND_MAX];
	int t;

	gen_i(g, n->lhs, x);
	gen_i(g, n->args[0], lo);
	gen_i(g, n->args[1], hi);
	t = gen_temp(g);
	gen_line(g, "int t%d = %s(%s >= %s && %s <= %s);", t, n->negated ? "!" : "", x, lo, x, hi);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/*
 * in: the list left to right, until one is equal. Each value's test is
 * its own block after the last, not inside it: nested, a list of n
 * values was n levels deep, and its text grew as n * n.
 */
static void gen_i_in(struct gen *g, const struct node *n, char *res)
{
	char x[OPERAND_MAX], a[OPERAND_MAX];
	int t;

	gen_i(g, n->lhs, x);
	if (inlist_table(n)) {
		inlist_gen_i(g, n, x, res);
		return;
	}
	t = gen_temp(g);
	gen_line(g, "int t%d = 0;", t);
	for (int i = 0; i < n->nargs; i++) {
		gen_line(g, "if (!t%d) {", t);
		g->depth++;
		gen_i(g, n->args[i], a);
		gen_line(g, "t%d = %s == %s;", t, x, a);
		g->depth--;
		gen_line(g, "}");
	}
	if (n->negated)
		gen_line(g, "t%d = !t%d;", t, t);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/*
 * A condition over file alone: its truth for the file read now, a bit user
 * space sets before the scan (bpfq_target.file_conds); true 1, false 0 as
 * both BPFQ_T, BPFQ_F and the fast path's conditions are.
 */
static void gen_file_cond(struct gen *g, const struct node *n, char *res)
{
	snprintf(res, OPERAND_MAX, "t%d", gen_temp(g));
	gen_line(g, "int %s = (int)(st->target.file_conds >> %d & 1);", res, (int)n->value);
}

/* Emit the statements that compute n; res gets the C operand holding its value. */
static void gen_i(struct gen *g, const struct node *n, char *res)
{
	char a[OPERAND_MAX], b[OPERAND_MAX];

	switch (n->kind) {
	case NODE_INT:
		gen_int_literal(n->value, res);
		return;
	case NODE_FIELD:
		snprintf(res, OPERAND_MAX, "x%d", n->slot);
		return;
	case NODE_AND:
	case NODE_OR:
		gen_i_logical(g, n, res);
		return;
	case NODE_NOT:
		gen_i(g, n->lhs, a);
		snprintf(res, OPERAND_MAX, "t%d", gen_temp(g));
		gen_line(g, "int %s = !%s;", res, a);
		return;
	case NODE_BETWEEN:
		gen_i_between(g, n, res);
		return;
	case NODE_IN:
		gen_i_in(g, n, res);
		return;
	case NODE_MATCH:
		regex_gen_i(g, n, res);
		return;
	case NODE_FILE_COND:
		gen_file_cond(g, n, res);
		return;
	case NODE_CALL:
	case NODE_NEG:
	case NODE_ADD:
	case NODE_SUB:
	case NODE_MUL:
	case NODE_MOD:
		gen_i_checked(g, n, res);
		return;
	default:
		/* comparisons */
		gen_i(g, n->lhs, a);
		gen_i(g, n->rhs, b);
		snprintf(res, OPERAND_MAX, "t%d", gen_temp(g));
		gen_line(g, "int %s = %s %s %s;", res, a, ast_op_text(n->kind), b);
		return;
	}
}

/* ---- the general path: decimals, NULLs, three-valued ---- */

/* A number operand: its value (a struct bpfq_d) and whether it is NULL. */
struct dop {
	char v[OPERAND_MAX];
	char null[OPERAND_MAX];
};

static void gen_d(struct gen *g, const struct node *n, struct dop *res);
static void gen_b(struct gen *g, const struct node *n, char *res);

static const char *dec_helper(enum node_kind kind)
{
	switch (kind) {
	case NODE_ADD: return "bpfq_d_add";
	case NODE_SUB: return "bpfq_d_sub";
	case NODE_MUL: return "bpfq_d_mul";
	case NODE_DIV: return "bpfq_d_div";
	case NODE_MOD: return "bpfq_d_mod";
	case NODE_NEG: return "bpfq_d_neg";
	default: return "bpfq_d_abs";	/* abs() */
	}
}

/* Functions of times on the general path: NULL in, NULL out. */
static void gen_d_time(struct gen *g, const struct node *n, struct dop *res)
{
	struct dop a;
	char tt[OPERAND_MAX];
	int t, u;

	gen_d(g, n->args[n->nargs - 1], &a);
	t = gen_temp(g);
	snprintf(res->v, OPERAND_MAX, "t%d", t);
	snprintf(res->null, OPERAND_MAX, "%s", a.null);
	gen_line(g, "struct bpfq_d t%d = { 0 };", t);
	if (n->fn == FN_TO_TIMESTAMP) {
		gen_line(g, "if (!%s && (e = bpfq_d_t_of_secs(&t%d, %s)))", a.null, t, a.v);
		fail_line(g, n);
		return;
	}
	gen_line(g, "if (!%s) {", a.null);
	g->depth++;
	u = gen_temp(g);
	gen_line(g, "__s64 s%d = bpfq_d_floor(%s);", u, a.v);
	snprintf(tt, OPERAND_MAX, "s%d", u);
	if (n->fn == FN_EPOCH) {
		gen_line(g, "t%d = bpfq_t_epoch(%s);", t, tt);
	} else {
		gen_time_int(g, n, tt, u = gen_temp(g));
		gen_line(g, "t%d = bpfq_d_of_int(t%d);", t, u);
	}
	g->depth--;
	gen_line(g, "}");
}

/* NULL in, NULL out; else the checked operation. */
static void gen_d_checked(struct gen *g, const struct node *n, struct dop *res)
{
	struct dop a, b;
	int t;

	if (n->kind == NODE_CALL && n->fn != FN_ABS) {
		gen_d_time(g, n, res);
		return;
	}
	if (n->kind == NODE_CALL || n->kind == NODE_NEG) {
		gen_d(g, n->kind == NODE_CALL ? n->args[0] : n->lhs, &a);
		t = gen_temp(g);
		gen_line(g, "struct bpfq_d t%d = { 0 };", t);
		gen_line(g, "int n%d = %s;", t, a.null);
		gen_line(g, "if (!n%d && (e = %s(&t%d, %s)))", t, dec_helper(n->kind), t, a.v);
	} else {
		gen_d(g, n->lhs, &a);
		gen_d(g, n->rhs, &b);
		t = gen_temp(g);
		gen_line(g, "struct bpfq_d t%d = { 0 };", t);
		gen_line(g, "int n%d = %s | %s;", t, a.null, b.null);
		gen_line(g, "if (!n%d && (e = %s(&t%d, %s, %s%s)))", t, dec_helper(n->kind), t, a.v,
			 b.v, n->kind == NODE_DIV || n->kind == NODE_MOD ? ", &st->parse.div" : "");
	}
	fail_line(g, n);
	snprintf(res->v, OPERAND_MAX, "t%d", t);
	snprintf(res->null, OPERAND_MAX, "n%d", t);
}

/* length(x): its bytes, all of them; NULL when x is. */
static void gen_d_length(struct gen *g, const struct node *x, struct dop *res)
{
	int t = gen_temp(g), k;

	if (x->kind == NODE_STR) {
		dec_literal((i128)x->slen * BPFQ_SCALE, res->v);
		snprintf(res->null, OPERAND_MAX, "0");
		return;
	}
	k = g->q->text_of_slot[x->slot];
	gen_line(g, "int n%d = bpfq_text_null(st, %d);", t, k);
	gen_line(g, "struct bpfq_d t%d = bpfq_d_of_int(st->parse.texts[%d].len);", t, k);
	snprintf(res->v, OPERAND_MAX, "t%d", t);
	snprintf(res->null, OPERAND_MAX, "n%d", t);
}

/* A condition as a number (an aggregate's argument): true 1, false 0, unknown NULL. */
static void gen_d_truth(struct gen *g, const struct node *n, struct dop *res)
{
	char c[OPERAND_MAX];
	int t;

	gen_b(g, n, c);
	t = gen_temp(g);
	gen_line(g, "struct bpfq_d t%d = { %s == BPFQ_T ? BPFQ_SCALE : 0, 0 };", t, c);
	gen_line(g, "int n%d = %s == BPFQ_U;", t, c);
	snprintf(res->v, OPERAND_MAX, "t%d", t);
	snprintf(res->null, OPERAND_MAX, "n%d", t);
}

static void gen_d(struct gen *g, const struct node *n, struct dop *res)
{
	if (n->type == TYPE_BOOL) {
		gen_d_truth(g, n, res);
		return;
	}
	switch (n->kind) {
	case NODE_INT:
		dec_literal((i128)n->value * BPFQ_SCALE, res->v);
		snprintf(res->null, OPERAND_MAX, "0");
		return;
	case NODE_DEC:
		dec_literal(n->dec, res->v);
		snprintf(res->null, OPERAND_MAX, "0");
		return;
	case NODE_FIELD:
		snprintf(res->v, OPERAND_MAX, "d%d", n->slot);
		snprintf(res->null, OPERAND_MAX, "z%d", n->slot);
		return;
	case NODE_CALL:
		if (n->fn == FN_LENGTH) {
			gen_d_length(g, n->args[0], res);
			return;
		}
		gen_d_checked(g, n, res);
		return;
	default:
		gen_d_checked(g, n, res);
		return;
	}
}

/* a OP b as C on two struct bpfq_d, from lt and eq. */
static void compare_expr(enum node_kind kind, const char *a, const char *b, char *out)
{
	switch (kind) {
	case NODE_EQ: snprintf(out, 3 * OPERAND_MAX, "bpfq_d_eq(%s, %s)", a, b); break;
	case NODE_NE: snprintf(out, 3 * OPERAND_MAX, "!bpfq_d_eq(%s, %s)", a, b); break;
	case NODE_LT: snprintf(out, 3 * OPERAND_MAX, "bpfq_d_lt(%s, %s)", a, b); break;
	case NODE_LE: snprintf(out, 3 * OPERAND_MAX, "!bpfq_d_lt(%s, %s)", b, a); break;
	case NODE_GT: snprintf(out, 3 * OPERAND_MAX, "bpfq_d_lt(%s, %s)", b, a); break;
	default: snprintf(out, 3 * OPERAND_MAX, "!bpfq_d_lt(%s, %s)", a, b); break;
	}
}

static void gen_b_compare(struct gen *g, const struct node *n, char *res)
{
	char cmp[3 * OPERAND_MAX];
	struct dop a, b;
	int t;

	gen_d(g, n->lhs, &a);
	gen_d(g, n->rhs, &b);
	compare_expr(n->kind, a.v, b.v, cmp);
	t = gen_temp(g);
	gen_line(g, "int t%d = %s | %s ? BPFQ_U : %s;", t, a.null, b.null, cmp);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/* and/or: the right side only when the left does not decide (false for and, true for or). */
static void gen_b_logical(struct gen *g, const struct node *n, char *res)
{
	char a[OPERAND_MAX], b[OPERAND_MAX];
	int and = n->kind == NODE_AND, t;

	gen_b(g, n->lhs, a);
	t = gen_temp(g);
	gen_line(g, "int t%d = %s;", t, a);
	gen_line(g, "if (t%d != %s) {", t, and ? "BPFQ_F" : "BPFQ_T");
	g->depth++;
	gen_b(g, n->rhs, b);
	gen_line(g, "t%d = %s(t%d, %s);", t, and ? "bpfq_and3" : "bpfq_or3", t, b);
	g->depth--;
	gen_line(g, "}");
	snprintf(res, OPERAND_MAX, "t%d", t);
}

static void gen_b_between(struct gen *g, const struct node *n, char *res)
{
	struct dop x, lo, hi;
	int t;

	gen_d(g, n->lhs, &x);
	gen_d(g, n->args[0], &lo);
	gen_d(g, n->args[1], &hi);
	t = gen_temp(g);
	gen_line(g, "int t%d = bpfq_and3(%s | %s ? BPFQ_U : !bpfq_d_lt(%s, %s),", t, x.null, lo.null,
	     x.v, lo.v);
	gen_line(g, "\t\t%s | %s ? BPFQ_U : !bpfq_d_lt(%s, %s));", x.null, hi.null, hi.v, x.v);
	if (n->negated)
		gen_line(g, "t%d = bpfq_not3(t%d);", t, t);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/* in, three-valued: as gen_i_in(), each value's block after the last. */
static void gen_b_in(struct gen *g, const struct node *n, char *res)
{
	struct dop x, a;
	int t;

	gen_d(g, n->lhs, &x);
	if (inlist_table(n)) {
		inlist_gen_d(g, n, x.v, x.null, res);
		return;
	}
	t = gen_temp(g);
	gen_line(g, "int t%d = BPFQ_F;", t);
	for (int i = 0; i < n->nargs; i++) {
		gen_line(g, "if (t%d != BPFQ_T) {", t);
		g->depth++;
		gen_d(g, n->args[i], &a);
		gen_line(g, "t%d = bpfq_or3(t%d, %s | %s ? BPFQ_U : bpfq_d_eq(%s, %s));", t, t, x.null,
		     a.null, x.v, a.v);
		g->depth--;
		gen_line(g, "}");
	}
	if (n->negated)
		gen_line(g, "t%d = bpfq_not3(t%d);", t, t);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/* ---- text: a field's bytes against the strings (text.bpf.h) ---- */

/* The comparison with its sides swapped: 'a' < x is x > 'a'. */
static enum node_kind swapped(enum node_kind kind)
{
	switch (kind) {
	case NODE_LT: return NODE_GT;
	case NODE_LE: return NODE_GE;
	case NODE_GT: return NODE_LT;
	case NODE_GE: return NODE_LE;
	default: return kind;
	}
}

static const char *c_compare(enum node_kind kind)
{
	return ast_op_text(kind);	/* ==, !=, <, <=, >, >=: C's spelling */
}

/* Two strings: known now, as the evaluator compares them. */
static int text_order(const struct node *a, const struct node *b)
{
	uint32_t n = a->slen < b->slen ? a->slen : b->slen;
	int c = n ? memcmp(a->str, b->str, n) : 0;

	if (c)
		return c;
	return a->slen < b->slen ? -1 : a->slen > b->slen;
}

static bool holds(enum node_kind kind, int c)
{
	switch (kind) {
	case NODE_EQ: return c == 0;
	case NODE_NE: return c != 0;
	case NODE_LT: return c < 0;
	case NODE_LE: return c <= 0;
	case NODE_GT: return c > 0;
	default: return c >= 0;
	}
}

/* x OP 'text', NULL when x is; the string is an offset and a length into bpfq_lits. */
static void gen_b_text_compare(struct gen *g, const struct node *n, char *res)
{
	const struct node *x = n->lhs, *str = n->rhs;
	enum node_kind kind = n->kind;
	int t = gen_temp(g), k;

	if (x->kind == NODE_STR && str->kind == NODE_STR) {
		gen_line(g, "int t%d = %s;", t, holds(kind, text_order(x, str)) ? "BPFQ_T" : "BPFQ_F");
		snprintf(res, OPERAND_MAX, "t%d", t);
		return;
	}
	if (x->kind == NODE_STR) {
		x = n->rhs;
		str = n->lhs;
		kind = swapped(kind);
	}
	k = g->q->text_of_slot[x->slot];
	gen_line(g, "int t%d = bpfq_text_null(st, %d) ? BPFQ_U :", t, k);
	gen_line(g, "	 bpfq_text_cmp(sv, %d, %u, %u) %s 0;", k, str->lit_off, str->slen,
		 c_compare(kind));
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/* x [not] in ('a', 'b', ...): equal to one of them; NULL when x is. */
static void gen_b_text_in(struct gen *g, const struct node *n, char *res)
{
	int t = gen_temp(g), k;

	if (n->lhs->kind == NODE_STR) {
		bool found = false;

		for (int i = 0; i < n->nargs; i++)
			found |= !text_order(n->lhs, n->args[i]);
		gen_line(g, "int t%d = %s;", t, found != n->negated ? "BPFQ_T" : "BPFQ_F");
		snprintf(res, OPERAND_MAX, "t%d", t);
		return;
	}
	k = g->q->text_of_slot[n->lhs->slot];
	gen_line(g, "int t%d = BPFQ_U;", t);
	gen_line(g, "if (!bpfq_text_null(st, %d)) {", k);
	gen_line(g, "	t%d = BPFQ_F;", t);
	for (int i = 0; i < n->nargs; i++)
		gen_line(g, "	t%d = t%d || !bpfq_text_cmp(sv, %d, %u, %u);", t, t, k,
			 n->args[i]->lit_off, n->args[i]->slen);
	if (n->negated)
		gen_line(g, "	t%d = !t%d;", t, t);
	gen_line(g, "}");
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/* like, ilike, starts_with, ends_with, contains: NULL when the text is; -1 a field too long. */
static void gen_b_match(struct gen *g, const struct node *n, char *res)
{
	const struct node *x = n->kind == NODE_LIKE ? n->lhs : n->args[0];
	const struct node *p = n->kind == NODE_LIKE ? n->rhs : n->args[1];
	int t = gen_temp(g), k;

	if (x->kind == NODE_STR) {
		bool m = text_match((const uint8_t *)x->str, x->slen, (const uint8_t *)p->str,
				    p->slen, n->match) != n->negated;

		gen_line(g, "int t%d = %s;", t, m ? "BPFQ_T" : "BPFQ_F");
		snprintf(res, OPERAND_MAX, "t%d", t);
		return;
	}
	k = g->q->text_of_slot[x->slot];
	gen_line(g, "int t%d = BPFQ_U;", t);
	gen_line(g, "if (!bpfq_text_null(st, %d)) {", k);
	gen_line(g, "	t%d = bpfq_text_match(sv, %d, %u, %u, %d);", t, k, p->lit_off, p->slen,
		 n->match);
	gen_line(g, "	if (t%d < 0)", t);
	gen_line(g, "		return bpfq_fail(st, BPFQ_ERR_TEXT, %d, &f[0], off);", n->id);
	if (n->negated)
		gen_line(g, "	t%d = !t%d;", t, t);
	gen_line(g, "}");
	snprintf(res, OPERAND_MAX, "t%d", t);
}

static void gen_b_is_null(struct gen *g, const struct node *n, char *res)
{
	int t = gen_temp(g);

	gen_line(g, "int t%d = %sbpfq_text_null(st, %d);", t, n->negated ? "!" : "",
		 g->q->text_of_slot[n->lhs->slot]);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

static void gen_b(struct gen *g, const struct node *n, char *res)
{
	char a[OPERAND_MAX];

	if (n->kind >= NODE_EQ && n->kind <= NODE_GE && n->lhs->type == TYPE_TEXT) {
		gen_b_text_compare(g, n, res);
		return;
	}
	switch (n->kind) {
	case NODE_ISNULL:
		gen_b_is_null(g, n, res);
		return;
	case NODE_LIKE:
	case NODE_CALL:		/* starts_with, ends_with, contains */
		gen_b_match(g, n, res);
		return;
	case NODE_AND:
	case NODE_OR:
		gen_b_logical(g, n, res);
		return;
	case NODE_NOT:
		gen_b(g, n->lhs, a);
		snprintf(res, OPERAND_MAX, "t%d", gen_temp(g));
		gen_line(g, "int %s = bpfq_not3(%s);", res, a);
		return;
	case NODE_BETWEEN:
		gen_b_between(g, n, res);
		return;
	case NODE_IN:
		if (n->lhs->type == TYPE_TEXT)
			gen_b_text_in(g, n, res);
		else
			gen_b_in(g, n, res);
		return;
	case NODE_MATCH:
		regex_gen_b(g, n, res);
		return;
	case NODE_FILE_COND:
		gen_file_cond(g, n, res);
		return;
	default:
		gen_b_compare(g, n, res);
		return;
	}
}

/* ---- aggregates ---- */

/* The item call is: the one whose values an exact answer sorts. */
static int item_of(const struct query *q, const struct node *call)
{
	int i = 0;

	while (i < q->nitems - 1 && q->items[i] != call)
		i++;
	return i;
}

/* count_distinct: the group key its set tells groups apart by, or none. */
static const char *distinct_group(const struct query *q)
{
	return q->by ? "&st->parse.rec.key" : "NULL";
}

/* The fold of a number into item i's state, on either path. */
static void fold_call(struct gen *g, const struct node *call, int off, const char *v, bool fast)
{
	const char *area = "area";

	switch (call->agg) {
	case AGG_SUM:
	case AGG_AVG:
		gen_line(g, fast ? "bpfq_i_sum(&%s[%d], %s);" : "bpfq_d_sum(&%s[%d], %s);", area, off, v);
		break;
	case AGG_MIN:
		gen_line(g, fast ? "bpfq_i_min(&%s[%d], %s);" : "bpfq_d_min(&%s[%d], %s);", area, off, v);
		break;
	case AGG_MAX:
		gen_line(g, fast ? "bpfq_i_max(&%s[%d], %s);" : "bpfq_d_max(&%s[%d], %s);", area, off, v);
		break;
	case AGG_COUNT:
		gen_line(g, "%s[%d]++;", area, off);
		break;
	case AGG_HIST:
		gen_line(g, fast ? "bpfq_hist_i(&%s[%d], %s);" : "bpfq_hist_d(&%s[%d], %s);", area, off, v);
		break;
	case AGG_LHIST:
		gen_line(g, "bpfq_lhist_%s(&%s[%d], %s, %" PRId64 "LL, %" PRId64 "LL, %" PRId64 "ULL, %d);",
		     fast ? "i" : "d", area, off, v, call->lo, call->hi, call->step, call->nbuckets);
		break;
	case AGG_QUANTILE:
		if (layout_q_bits(call) == BPFQ_Q_BITS) {
			gen_line(g, fast ? "bpfq_quantile_i(&%s[%d], %s);" :
					   "bpfq_quantile_d(&%s[%d], %s);", area, off, v);
			/* and the value, while they fit: the answer is exact then */
			gen_line(g, fast ? "bpfq_values_put(bpfq_d_of_int(%s), %d);" :
					   "bpfq_values_put(%s, %d);", v, item_of(g->q, call));
			break;
		}
		gen_line(g, fast ? "if (bpfq_quantile_g_i(&%s[%d], %s))" :
				   "if (bpfq_quantile_g_d(&%s[%d], %s))", area, off, v);
		gen_line(g, "\treturn bpfq_fail(st, BPFQ_ERR_OVERFLOW, %d, &f[0], off);", call->id);
		break;
	case AGG_QUANTILE_EXACT:	/* general path only (is_simple_fold()) */
		gen_line(g, "if (bpfq_exact_put(&%s[%d], %s, %d))", area, off, v, item_of(g->q, call));
		gen_line(g, "\treturn bpfq_fail(st, BPFQ_ERR_VALUES, %d, &f[0], off);", call->id);
		break;
	case AGG_COUNT_DISTINCT:
		gen_line(g, fast ? "bpfq_distinct_d(&%s[%d], bpfq_d_of_int(%s), %d, %d, %s);" :
				   "bpfq_distinct_d(&%s[%d], %s, %d, %d, %s);", area, off, v,
			 layout_hll_p(call), item_of(g->q, call), distinct_group(g->q));
		break;
	default:		/* var, stddev */
		if (fast)
			gen_line(g, "bpfq_moments(&%s[%d], bpfq_d_of_int(%s));", area, off, v);
		else
			gen_line(g, "bpfq_moments_fold((struct bpfq_moments *)&%s[%d], %s.lo, %s.hi);",
				 area, off, v, v);
		break;
	}
}

/* count, count_distinct, min, max of a column of text: its bytes, NULL when missing or empty. */
static void gen_text_fold(struct gen *g, const struct node *call, int off)
{
	int k = g->q->text_of_slot[call->args[0]->slot];

	gen_line(g, "if (!bpfq_text_null(st, %d))", k);
	if (call->agg == AGG_COUNT) {
		gen_line(g, "\tarea[%d]++;", off);
	} else if (call->agg == AGG_COUNT_DISTINCT) {
		gen_line(g, "\tbpfq_distinct_t(&area[%d], bpfq_text_hash(sv, %d), "
			    "st->parse.texts[%d].len, %d, %d, %s);", off, k, k & (BPFQ_MAX_TEXTS - 1),
			 layout_hll_p(call), item_of(g->q, call), distinct_group(g->q));
	} else {
		gen_line(g, "\tbpfq_text_minmax(sv, %d, (struct bpfq_textagg *)&area[%d], %d);", k, off,
			 call->agg == AGG_MAX);
	}
}

static bool counts_records(const struct node *call)
{
	return (call->agg == AGG_COUNT && (!call->nargs || call->args[0]->kind == NODE_STAR)) ||
	       (call->nargs && call->args[0]->kind == NODE_NAME);	/* file: ast_folds_file() */
}

/* m: the where's mask on the fast path (mask.c), or NULL. */
static void gen_fold(struct gen *g, int i, bool fast, const char *m)
{
	const struct node *call = g->q->items[i];
	int off = layout_offset(g->q, i);
	char v[OPERAND_MAX];
	struct dop d, x;

	if (fast && accum_item(g->q, i) && counts_records(call)) {
		accum_gen_fold(g, i, NULL, m);
	} else if (fast && accum_item(g->q, i)) {
		gen_i(g, call->args[0], v);
		accum_gen_fold(g, i, v, m);
	} else if (counts_records(call)) {
		gen_line(g, "area[%d]++;", off);
	} else if (call->args[0]->type == TYPE_TEXT) {
		gen_text_fold(g, call, off);
	} else if (call->agg == AGG_EXISTS && fast) {
		gen_i(g, call->args[0], v);
		gen_line(g, "if (%s)", v);
		gen_line(g, "\tarea[%d]++;", off);
	} else if (call->agg == AGG_EXISTS) {
		gen_b(g, call->args[0], v);
		gen_line(g, "if (%s == BPFQ_T)", v);
		gen_line(g, "\tarea[%d]++;", off);
	} else if (agg_is_pair(call->agg)) {	/* general path only (is_simple_fold()) */
		gen_d(g, call->args[0], &d);
		gen_d(g, call->args[1], &x);
		gen_line(g, "if (!(%s | %s)) {", d.null, x.null);
		gen_line(g, "\tbpfq_moments_fold(&((struct bpfq_comoments *)&area[%d])->y, %s.lo, %s.hi);",
			 off, d.v, d.v);
		gen_line(g, "\tbpfq_moments_fold(&((struct bpfq_comoments *)&area[%d])->x, %s.lo, %s.hi);",
			 off, x.v, x.v);
		gen_line(g, "\tbpfq_products_fold((struct bpfq_comoments *)&area[%d], %s.lo, %s.hi, "
			 "%s.lo, %s.hi);", off, d.v, d.v, x.v, x.v);
		gen_line(g, "}");
	} else if (fast) {
		gen_i(g, call->args[0], v);
		fold_call(g, call, off, v, true);
	} else {
		gen_d(g, call->args[0], &d);
		gen_line(g, "if (!%s) {", d.null);
		g->depth++;
		fold_call(g, call, off, d.v, false);
		g->depth--;
		gen_line(g, "}");
	}
}

/* res: a C operand that is nonzero when condition n is true (not false, not unknown). */
static void gen_holds(struct gen *g, const struct node *n, bool fast, char *res)
{
	char c[OPERAND_MAX];

	if (fast) {
		gen_i(g, n, res);
		return;
	}
	gen_b(g, n, c);
	snprintf(res, OPERAND_MAX, "(%.48s == BPFQ_T)", c);	/* c is a temporary: tN */
}

/* The slots n reads, as a mask. */
static unsigned slots_of(const struct node *n)
{
	unsigned mask = 0;

	if (!n)
		return 0;
	if (n->kind == NODE_FIELD)
		mask |= 1u << n->slot;
	mask |= slots_of(n->lhs) | slots_of(n->rhs);
	for (int i = 0; i < n->nargs; i++)
		mask |= slots_of(n->args[i]);
	return mask;
}

/* An item whose filter or argument is a condition: it compares the record's values. */
static bool tests_values(const struct node *call)
{
	return call->rhs || (call->nargs && call->args[0]->type == TYPE_BOOL);
}

/*
 * Such an item's fields read again from the record, in a block of their
 * own: a comparison narrows the range the verifier knows of the value it
 * compares, on each side, and once a later item's comparison on the same
 * field is decided by that range, the value is precise and the paths
 * after every item no longer prune; fresh copies die with the block.
 */
static void gen_fresh_fields(struct gen *g, const struct node *call)
{
	unsigned mask = slots_of(call);

	gen_line(g, "bpfq_fence();");
	for (int i = 0; i < g->q->nslots; i++) {
		if (!(mask & 1u << i))
			continue;
		gen_line(g, "struct bpfq_d d%d = bpfq_d_of_field(&f[%d]);", i, i);
		gen_line(g, "int z%d = f[%d].kind < BPFQ_K_INT;", i, i);
	}
}

/* An item: its filter (where cond) first, as the evaluator, then its fold. */
static void gen_aggregate(struct gen *g, int i, bool fast, const char *m)
{
	const struct node *call = g->q->items[i];
	char c[OPERAND_MAX];

	gen_comment(g, "", call);
	if (call->share) {
		gen_line(g, "/* folded with item %d, whose state it takes in user space */",
			 call->share - 1);
		return;
	}
	if (!tests_values(call)) {
		gen_fold(g, i, fast, m);
		return;
	}
	gen_line(g, "{");
	g->depth++;
	gen_fresh_fields(g, call);
	if (call->rhs) {
		gen_holds(g, call->rhs, false, c);
		gen_line(g, "if (%s) {", c);
		g->depth++;
	}
	gen_fold(g, i, false, m);
	if (call->rhs) {
		g->depth--;
		gen_line(g, "}");
	}
	g->depth--;
	gen_line(g, "}");
}

static bool only_exists(const struct query *q)
{
	for (int i = 0; i < q->nitems; i++)
		if (q->items[i]->agg != AGG_EXISTS)
			return false;
	return true;
}

/* When every aggregate is exists and each has held once, the answer is known. */
static void gen_early_stop(struct gen *g)
{
	const struct query *q = g->q;

	if (!only_exists(q) || q->by)
		return;
	gen_line(g, "/* every exists() is true: the answer is known, stop reading */");
	fprintf(g->out, "%*s", 0, "");
	for (int i = 0; i < g->depth; i++)
		fputc('\t', g->out);
	fprintf(g->out, "if (");
	for (int i = 0; i < q->nitems; i++)
		fprintf(g->out, "%sarea[%d]", i ? " && " : "", layout_offset(q, i));
	fprintf(g->out, ") {\n");
	gen_line(g, "\tst->result.done = 1;");
	gen_line(g, "\treturn 1;");
	gen_line(g, "}");
}

/*
 * Several keys (the general path): the text keys' segments are as the
 * record's bytes left them (a field that is two keys, in the first's);
 * each value goes into its own.
 */
static void gen_keys(struct gen *g)
{
	const struct query *q = g->q;
	struct dop d;

	for (int i = 0; i < q->nkeys; i++) {
		if (!q->key_text[i] || q->key_seg[q->keys[i]->slot] != q->key_off[i])
			continue;
		gen_line(g, "if (st->parse.rec.key_long == %d)", q->keys[i]->slot + 1);
		gen_line(g, "\treturn bpfq_fail(st, BPFQ_ERR_KEY, %d, &f[0], off);", q->keys[i]->id);
		gen_line(g, "if ((e = bpfq_key_text(st, %d, %d, *(__u16 *)(st->parse.rec.key.bytes"
			 " + %d), %d)))", i, q->key_off[i] + BPFQ_SEG_HEAD,
			 q->key_off[i] + BPFQ_SEG_LEN, q->key_cap);
		gen_line(g, "\treturn bpfq_fail(st, e, %d, &f[0], off);", q->keys[i]->id);
	}
	for (int i = 0; i < q->nkeys; i++) {
		int seg = q->key_text[i] ? q->key_seg[q->keys[i]->slot] : -1;

		gen_comment(g, "by ", q->keys[i]);
		if (q->key_text[i] && seg != q->key_off[i])
			gen_line(g, "__builtin_memcpy(st->parse.rec.key.bytes + %d, "
				 "st->parse.rec.key.bytes + %d, %d);", q->key_off[i], seg,
				 BPFQ_SEG_TEXT(q->key_cap));
		if (q->key_text[i])
			continue;
		gen_d(g, q->keys[i], &d);
		gen_line(g, "bpfq_key_value(st, %d, %s, %s);", q->key_off[i], d.v, d.null);
	}
	gen_line(g, "area = bpfq_group_keys(st, %d);", q->keys_len);
}

/* by: the group's area, found or made; the key is a field's text or a value. */
static void gen_group(struct gen *g, bool fast)
{
	const struct query *q = g->q;
	char v[OPERAND_MAX];
	struct dop d;

	if (!q->by)
		return;
	if (q->nkeys <= 1)
		gen_comment(g, "by ", q->by);
	if (q->nkeys > 1) {
		gen_keys(g);
	} else if (q->by_text) {
		gen_line(g, "if (st->parse.rec.key_long)");
		gen_line(g, "\treturn bpfq_fail(st, BPFQ_ERR_KEY, %d, &f[0], off);", q->by->id);
		gen_line(g, "if ((e = bpfq_key_text(st, 0, 0, st->parse.rec.key.len, %d)))",
			 BPFQ_KEY_MAX);
		gen_line(g, "\treturn bpfq_fail(st, e, %d, &f[0], off);", q->by->id);
		gen_line(g, "area = bpfq_group(st);");
	} else if (fast) {
		gen_i(g, q->by, v);
		gen_line(g, "area = bpfq_group_int(st, %s);", v);
	} else {
		gen_d(g, q->by, &d);
		gen_line(g, "area = bpfq_group_dec(st, %s, %s);", d.v, d.null);
	}
	gen_line(g, "if (!area)");
	gen_line(g, "\treturn bpfq_fail(st, BPFQ_ERR_GROUPS, %d, &f[0], off);", q->by->id);
}

/* The fields' values as the path wants them. */
static void gen_fields(struct gen *g, bool fast)
{
	if (g->lanes)		/* x0: bpfq_emit_lanes()'s argument */
		return;
	for (int i = 0; i < g->q->nslots; i++) {
		if (!g->q->slot_numeric[i])
			continue;
		if (fast) {
			gen_line(g, "__s64 x%d = (__s64)f[%d].lo;", i, i);
			continue;
		}
		gen_line(g, "struct bpfq_d d%d = bpfq_d_of_field(&f[%d]);", i, i);
		gen_line(g, "int z%d = f[%d].kind < BPFQ_K_INT;", i, i);
	}
}

/* One path: where, then the group, then every aggregate. */
static void gen_path(struct gen *g, bool fast)
{
	const struct query *q = g->q;
	char cond[OPERAND_MAX];
	bool masked = fast && mask_where(q);

	gen_fields(g, fast);
	if (masked) {
		gen_comment(g, "where ", q->where);
		mask_gen(g, q->where, cond);
		gen_line(g, "a->matched -= %s;", cond);
	} else if (q->where) {
		gen_comment(g, "where ", q->where);
		gen_holds(g, q->where, fast, cond);
		gen_line(g, "if (!%s)", cond);
		gen_line(g, "\treturn 0;");
	}
	if (!masked)
		gen_line(g, fast ? "a->matched++;" : "st->result.matched++;");
	gen_group(g, fast);
	for (int i = 0; i < q->nitems; i++)
		gen_aggregate(g, i, fast, masked ? cond : NULL);
	gen_early_stop(g);
	gen_line(g, "return 0;");
}

static bool has_slow_parts(const struct node *n)
{
	if (!n)
		return false;
	/* Text is compared by a global function of the first part (text.bpf.h). */
	/* NODE_NAME: file, an aggregate's argument (ast_folds_file()) */
	if (n->kind == NODE_DIV || n->kind == NODE_DEC || n->kind == NODE_STR || n->kind == NODE_NAME ||
	    n->kind == NODE_ISNULL || n->kind == NODE_LIKE || (n->kind == NODE_CALL && n->match) ||
	    (n->kind == NODE_CALL && n->fn == FN_LENGTH) || (n->kind == NODE_FIELD && n->as_text))
		return true;
	if (n->kind == NODE_CALL && n->fn == FN_EPOCH)
		return true;
	if (has_slow_parts(n->lhs) || has_slow_parts(n->rhs))
		return true;
	for (int i = 0; i < n->nargs; i++)
		if (has_slow_parts(n->args[i]))
			return true;
	return false;
}

/* The folds the fast path inlines: a few words of state, no branches to speak of. */
static bool is_simple_fold(enum agg_kind a)
{
	return a == AGG_COUNT || a == AGG_SUM || a == AGG_AVG || a == AGG_MIN || a == AGG_MAX ||
	       a == AGG_EXISTS;
}

/*
 * The fast path, inlined at every record of every parser, exists when
 * integers alone give the general path's answers (no '/', no decimals)
 * and its folds are simple. Buckets, sketches or moments there put their
 * stack in the parsers' frames, and 6.1's verifier allows 512 bytes over
 * a whole chain of calls (hook, parser, bpf_loop callback, line parser,
 * general path); a hist by is also more paths than it walks. Those go the
 * general way, verified once; so do items that compare values (a filter,
 * a condition as a number), whose temporaries took the parsers' frames
 * past those 512 bytes at some sixteen of them.
 */
static bool has_fast_path(const struct query *q)
{
	/* Several keys are put together on the general path (groups.bpf.h). */
	if (has_slow_parts(q->where) || has_slow_parts(q->by) || q->nkeys > 1)
		return false;
	for (int i = 0; i < q->nitems; i++)
		if (!is_simple_fold(q->items[i]->agg) || has_slow_parts(q->items[i]) ||
		    tests_values(q->items[i]))
			return false;
	return true;
}

/*
 * The general path, inlined in a global function, bpfq_emit_general()
 * (parse_loop.bpf.h): the verifier checks it once, not at every place the
 * parser emits a record (it is big, and the fast path, inlined there, is
 * what the hot loop runs). Its fields and offset are the record's in the
 * state map (an unused argument would be left unset by clang, and refused
 * by the verifier).
 */
static void gen_general(struct gen *g)
{
	gen_line(g, "/* The general path: decimals, NULLs, three-valued conditions. */");
	gen_line(g, "static __always_inline int bpfq_general_path(struct bpfq_value *sv)");
	gen_line(g, "{");
	g->depth++;
	gen_line(g, "struct bpfq_state *st;");
	gen_line(g, "const struct bpfq_field *f;");
	gen_line(g, "__u64 off __attribute__((unused));");
	gen_line(g, "__u64 *area __attribute__((unused));");
	gen_line(g, "__u32 e __attribute__((unused));");
	fputc('\n', g->out);
	gen_line(g, "if (!sv)");
	gen_line(g, "\treturn 0;");
	gen_line(g, "st = &sv->st;");
	gen_line(g, "f = st->parse.rec.f;");
	gen_line(g, "off = st->parse.rec.off;");
	gen_line(g, "area = sv->area;");
	gen_path(g, false);
	g->depth--;
	gen_line(g, "}");
	fputc('\n', g->out);
}

/*
 * bpfq_emit_lanes(): the fast path of a number given as digit lanes (the
 * unsigned numbers of the streams, parse_numbers.bpf.h bpfq_stream_number()),
 * which only adds into the batch (fast_only_adds()): its where compares x
 * with the literals' lanes (mask.c), its sums of x add lanes, made values
 * once a batch by bpfq_acc_lanes_value().
 */
static void gen_emit_lanes(struct gen *g)
{
	accum_gen_lanes_value(g);
	gen_line(g, "static __always_inline int bpfq_emit_lanes(struct bpfq_acc *a, __s64 x0)");
	gen_line(g, "{");
	g->depth++;
	g->lanes = true;
	gen_path(g, true);
	g->lanes = false;
	g->depth--;
	gen_line(g, "}");
	fputc('\n', g->out);
}

/*
 * bpfq_emit_acc(): a record, with the batch a (the parsers that take many
 * records per iteration keep one); bpfq_emit(): a record alone.
 */
static void gen_emit(struct gen *g, bool lanes)
{
	const struct query *q = g->q;

	accum_gen_struct(g);
	gen_general(g);
	if (lanes)
		gen_emit_lanes(g);
	gen_line(g, "/* Each record: its used fields f[0..%d) at file offset off; 1 stops the scan. */",
		 q->nslots);
	gen_line(g, "static __always_inline int bpfq_emit_acc(struct bpfq_state *st, struct bpfq_acc *a,");
	gen_line(g, "					 const struct bpfq_field *f, __u64 off)");
	gen_line(g, "{");
	g->depth++;
	gen_line(g, "__u64 *area __attribute__((unused)) = bpfq_area(st);");
	gen_line(g, "__u32 e __attribute__((unused));");
	fputc('\n', g->out);
	if (has_fast_path(q)) {
		fprintf(g->out, "\tif (1");
		for (int i = 0; i < q->nslots; i++)
			if (q->slot_numeric[i])
				fprintf(g->out, " && f[%d].kind == BPFQ_K_INT", i);
		regex_gen_present(g);
		fprintf(g->out, ") {\n");
		g->depth++;
		gen_line(g, "/* the fast path: every field an integer */");
		gen_path(g, true);
		g->depth--;
		gen_line(g, "}");
	}
	/* A fast parser's record is its local: the general path reads the
	 * state's. The offset always: a parser may fill the fields in the
	 * state but not begin the record there (fast_lines.bpf.h). */
	if (q->nslots) {
		gen_line(g, "if (f != st->parse.rec.f) {");
		for (int i = 0; i < q->nslots; i++)
			gen_line(g, "\tst->parse.rec.f[%d] = f[%d];", i, i);
		gen_line(g, "}");
	}
	gen_line(g, "st->parse.rec.off = off;");
	/* A callback of bpf_loop returns 0 or 1; the verifier holds it to that. */
	gen_line(g, "return bpfq_emit_general((struct bpfq_value *)st) != 0;");
	g->depth--;
	gen_line(g, "}");
	fputc('\n', g->out);
	gen_line(g, "static __always_inline int bpfq_emit(struct bpfq_state *st, const struct bpfq_field *f,");
	gen_line(g, "\t\t\t\t     __u64 off)");
	gen_line(g, "{");
	gen_line(g, "\tstruct bpfq_acc a;");
	gen_line(g, "\tint stop;");
	fputc('\n', g->out);
	gen_line(g, "\tbpfq_acc_init(&a);");
	gen_line(g, "\tstop = bpfq_emit_acc(st, &a, f, off);");
	gen_line(g, "\tbpfq_acc_flush(st, &a);");
	gen_line(g, "\treturn stop;");
	gen_line(g, "}");
}

/* A flag of each slot as a function of the slot (0 past the query's). */
static void gen_slot_flags(struct gen *g, const char *name, const bool *flags)
{
	gen_line(g, "static __always_inline int %s(int slot)", name);
	gen_line(g, "{");
	gen_line(g, "\tswitch (slot) {");
	for (int i = 0; i < g->q->nslots; i++)
		gen_line(g, "\tcase %d: return %d;", i, flags[i]);
	gen_line(g, "\tdefault: return 0;");
	gen_line(g, "\t}");
	gen_line(g, "}");
}

/* text, csv: which slot each field position feeds. */
static void gen_slots(struct gen *g)
{
	const struct query *q = g->q;

	gen_line(g, "static __always_inline int bpfq_slot_of(__u32 field)");
	gen_line(g, "{");
	gen_line(g, "\tswitch (field) {");
	for (int i = 0; i < q->nslots; i++)
		if (i != q->whole_slot)
			gen_line(g, "\tcase %d: return %d;\t/* $%d */", q->slot_field[i], i,
				 q->slot_field[i] + 1);
	gen_line(g, "\tdefault: return -1;");
	gen_line(g, "\t}");
	gen_line(g, "}");
	gen_line(g, "static __always_inline __u32 bpfq_field_of(int slot)");
	gen_line(g, "{");
	gen_line(g, "\tswitch (slot) {");
	for (int i = 0; i < q->nslots; i++)
		if (i != q->whole_slot)
			gen_line(g, "\tcase %d: return %d;", i, q->slot_field[i]);
	gen_line(g, "\tdefault: return 0xffffffff;");
	gen_line(g, "\t}");
	gen_line(g, "}");
	gen_slot_flags(g, "bpfq_slot_time", q->slot_time);
	gen_slot_flags(g, "bpfq_slot_numeric", q->slot_numeric);
	gen_line(g, "static __always_inline int bpfq_key_seg(int slot)");
	gen_line(g, "{");
	gen_line(g, "\tswitch (slot) {");
	for (int i = 0; i < q->nslots && q->nkeys > 1; i++)
		if (q->key_seg[i] >= 0)
			gen_line(g, "\tcase %d: return %d;", i, q->key_seg[i]);
	gen_line(g, "\tdefault: return -1;");
	gen_line(g, "\t}");
	gen_line(g, "}");
	/* Several keys: a text key's keytext (bpfq_state.h), its place among the keys. */
	gen_line(g, "static __always_inline int bpfq_key_tix(int slot)");
	gen_line(g, "{");
	gen_line(g, "\tswitch (slot) {");
	for (int i = 0; i < q->nkeys && q->nkeys > 1; i++)
		if (q->key_text[i] && q->key_seg[q->keys[i]->slot] == q->key_off[i])
			gen_line(g, "\tcase %d: return %d;", q->keys[i]->slot, i);
	gen_line(g, "\tdefault: return -1;");
	gen_line(g, "\t}");
	gen_line(g, "}");
	gen_line(g, "static __always_inline int bpfq_slot_text(int slot)");
	gen_line(g, "{");
	gen_line(g, "\tswitch (slot) {");
	for (int i = 0; i < q->nslots; i++)
		if (q->slot_text[i])
			gen_line(g, "\tcase %d: return %d;", i, q->text_of_slot[i]);
	gen_line(g, "\tdefault: return -1;");
	gen_line(g, "\t}");
	gen_line(g, "}");
}

/* binary: the record's size, and each used field's place and type. */
static void gen_record(struct gen *g)
{
	const struct input_format *f = &g->q->format;

	gen_line(g, "static __always_inline void bpfq_fields(struct bpfq_state *st, const __u8 *rec,");
	gen_line(g, "\t\t\t\t\t struct bpfq_field *f, __u64 off)");
	gen_line(g, "{");
	for (int i = 0; i < g->q->nslots; i++) {
		const struct rec_field *rf = &f->fields[g->q->slot_field[i]];

		gen_line(g, "\tbpfq_bin_field(st, rec, &f[%d], %d, %d, %d, off);", i, rf->offset, rf->type,
		     rf->big_endian);
	}
	gen_line(g, "}");
}

/*
 * json: the field a key path is, by its two hashes (json_key_hash()):
 * numbers bpfq computes, no byte of the names.
 */
static void gen_json_keys(struct gen *g)
{
	uint64_t h1, h2;

	gen_line(g, "static __always_inline int bpfq_json_field(__u64 h1, __u64 h2)");
	gen_line(g, "{");
	for (int i = 0; i < g->q->format.nkeys; i++) {
		json_key_hash(g->q, i, &h1, &h2);
		gen_line(g, "	if (h1 == 0x%016" PRIx64 "ULL && h2 == 0x%016" PRIx64 "ULL)", h1, h2);
		gen_line(g, "		return %d;", i);
	}
	gen_line(g, "	return -1;");
	gen_line(g, "}");
}

/* text, csv, json: records of fields. */
static bool has_fields(const struct query *q)
{
	return q->format.kind == INPUT_TEXT || q->format.kind == INPUT_CSV ||
	       q->format.kind == INPUT_JSON;
}

/* text, csv: the last field position used (-1: none). */
static int last_field(const struct query *q)
{
	int last = -1;

	for (int i = 0; i < q->nslots; i++)
		if (q->slot_field[i] > last)
			last = q->slot_field[i];
	return last;
}

static int any_time_slot(const struct query *q)
{
	for (int i = 0; i < q->nslots; i++)
		if (q->slot_time[i])
			return 1;
	return 0;
}

/* Several keys: how many are a field's text (0 with one key). */
static int key_texts(const struct query *q)
{
	int n = 0;

	for (int i = 0; q->by && q->nkeys > 1 && i < q->nkeys; i++)
		n += q->key_text[i];
	return n;
}

/* The plan, and the format's constants, as the templates read them. */
static void gen_defines(struct gen *g, const struct codegen_plan *plan)
{
	const struct query *q = g->q;

	gen_line(g, "#define BPFQ_FORMAT %d", plan->format);
	gen_line(g, "#define BPFQ_HOOK %d", plan->hook);
	gen_line(g, "#define BPFQ_AREA_WORDS %d", plan->area_words);
	if (ast_has_values(q))
		gen_line(g, "#define BPFQ_EXACT 1");
	if (ast_has_distinct(q))
		gen_line(g, "#define BPFQ_DISTINCT 1");
	gen_line(g, "#define BPFQ_GROUP_WORDS %d", plan->group_words);
	gen_line(g, "#define BPFQ_SPLIT_SIGNS %d", plan->large);
	gen_line(g, "#define BPFQ_STREAMS %d", plan->streams);
	gen_line(g, "#define BPFQ_LANES_FORM %d", plan->lanes_form);
	gen_line(g, "#define BPFQ_FAST_PER_STEP %d", plan->fast_per_step);
	gen_line(g, "#define BPFQ_GROUP_KEY_SIZE %d",
		 BPFQ_KEY_BYTES_OF(q->nkeys > 1 ? q->keys_len : BPFQ_KEY_MAX));
	gen_line(g, "#define BPFQ_KEY_TEXTS %d", key_texts(q));
	gen_line(g, "#define BPFQ_KEY_LONGS %d", ast_key_longs(q));
	gen_line(g, "#define BPFQ_KEY_CAP %d", q->nkeys > 1 ? q->key_cap : BPFQ_KEY_MAX);
	if (has_fields(q)) {
		gen_line(g, "#define BPFQ_CSV %d", q->format.kind == INPUT_CSV);
		gen_line(g, "#define BPFQ_NSLOTS %d", q->nslots);
		gen_line(g, "#define BPFQ_LAST_FIELD %d", last_field(q));
		gen_line(g, "#define BPFQ_KEY_SLOT %d", q->key_slot);
		gen_line(g, "#define BPFQ_WHOLE_SLOT %d", q->whole_slot);
		gen_line(g, "#define BPFQ_NTEXTS %d", q->ntexts);
		gen_line(g, "#define BPFQ_DELIM %d", (unsigned char)q->format.delim);
		gen_line(g, "#define BPFQ_NREGEX %d", q->nregex);
		gen_line(g, "#define BPFQ_TIME_SLOTS %d", any_time_slot(q));
	}
	if (q->format.kind == INPUT_BINARY) {
		gen_line(g, "#define BPFQ_RECORD_SIZE %d", q->format.record_size);
		gen_line(g, "#define BPFQ_STREAM %d", q->format.stream);
		gen_line(g, "#define BPFQ_NSLOTS %d", q->nslots);
		gen_line(g, "#define BPFQ_FIELDS_INT %d", plan->fields_int);
	}
}

/* The query's own code: the fields it uses, and bpfq_emit(). */
static void gen_query_code(struct gen *g, const struct codegen_plan *plan)
{
	const struct query *q = g->q;

	if (has_fields(q)) {
		gen_slots(g);
		regex_gen_tables(g);
	}
	if (q->format.kind == INPUT_JSON)
		gen_json_keys(g);
	if (q->format.kind == INPUT_BINARY)
		gen_record(g);
	gen_emit(g, plan->lanes);
}

/*
 * bpfq_query.h: the plan's defines, the parts the query's code calls,
 * and that code ("<query>" to clang's messages).
 */
static void gen_header(struct gen *g, const struct codegen_plan *plan)
{
	const struct query *q = g->q;

	fprintf(g->out, "/* Generated by bpfq " BPFQ_VERSION ": the plan and the query's code. */\n"
			"#ifndef BPFQ_QUERY_H\n#define BPFQ_QUERY_H\n\n#include <linux/bpf.h>\n\n");
	gen_defines(g, plan);
	fprintf(g->out, "\n#include \"prelude.bpf.h\"\n#include \"aggs.bpf.h\"\n");
	if (plan->by)
		fprintf(g->out, "#include \"groups.bpf.h\"\n");
	if (q->ntexts)
		fprintf(g->out, "#include \"text.bpf.h\"\n");
	fprintf(g->out, "#include \"swar.bpf.h\"\n#include \"timeval.bpf.h\"\n");
	if (q->format.kind == INPUT_BINARY)
		fprintf(g->out, "#include \"binary_field.bpf.h\"\n");
	fprintf(g->out, "\n#line 1 \"<query>\"\n");
	gen_query_code(g, plan);
	fprintf(g->out, "\n#endif /* BPFQ_QUERY_H */\n");
}

static char *generate(const struct query *q, const struct codegen_plan *plan, size_t *len,
		      void (*part)(struct gen *g, const struct codegen_plan *plan))
{
	struct gen g = { .q = q };
	char *text = NULL;

	g.out = open_memstream(&text, len);
	if (!g.out)
		return NULL;
	part(&g, plan);
	if (fclose(g.out)) {
		free(text);
		return NULL;
	}
	return text;
}

char *codegen_query_code(const struct query *q, const struct codegen_plan *plan, size_t *len)
{
	return generate(q, plan, len, gen_query_code);
}

char *codegen_header(const struct query *q, const struct codegen_plan *plan, size_t *len)
{
	return generate(q, plan, len, gen_header);
}

char *codegen_program(const struct query *q, const struct codegen_plan *plan, size_t *len)
{
	size_t header_len;
	char *header = codegen_header(q, plan, &header_len), *src = NULL, *pruned;
	FILE *out = header ? open_memstream(&src, len) : NULL;
	int failed;

	if (!out) {
		free(header);
		return NULL;
	}
	failed = flatten(out, TEMPLATE_ENTRY, header);
	free(header);
	if (fclose(out) || failed) {
		free(src);
		return NULL;
	}
	pruned = prune_unused(src, len);
	free(src);
	return pruned;
}
