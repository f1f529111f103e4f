// SPDX-License-Identifier: MIT
/*
 * AST to BPF C. The generated part is bpfq_emit(), called once per value x.
 * Expressions become three-address code in evaluation order (operands left
 * to right, then the operator; `and`/`or` evaluate their right side only
 * when needed), and every checked operator returns at once on an error.
 * So the first error is the one the reference evaluator reports too.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "templates.h"
#include "lang/sema.h"

struct gen {
	FILE *out;
	int ntemps;
	int depth;		/* indentation: one tab per level */
};

/* An operand is always a literal, x, or a temporary "t123": short. */
#define OPERAND_MAX 32

static void line(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	for (int i = 0; i < g->depth; i++)
		fputc('\t', g->out);
	va_start(ap, fmt);
	vfprintf(g->out, fmt, ap);
	va_end(ap);
	fputc('\n', g->out);
}

static void literal(int64_t v, char *res)
{
	/* -9223372036854775808LL is not a C literal: it is minus an overflow. */
	if (v == INT64_MIN)
		snprintf(res, OPERAND_MAX, "BPFQ_S64_MIN");
	else
		snprintf(res, OPERAND_MAX, "%" PRId64 "LL", v);
}

static const char *checked_helper(enum node_kind kind)
{
	switch (kind) {
	case NODE_ADD: return "bpfq_add";
	case NODE_SUB: return "bpfq_sub";
	case NODE_MUL: return "bpfq_mul";
	case NODE_DIV: return "bpfq_div";
	case NODE_MOD: return "bpfq_mod";
	default: return NULL;
	}
}

static void gen_expr(struct gen *g, const struct node *n, char *res);

/* An operator that can fail: a temporary, and an early return naming the node. */
static void gen_checked(struct gen *g, const struct node *n, char *res)
{
	char a[OPERAND_MAX], b[OPERAND_MAX];
	int t;

	gen_expr(g, n->lhs, a);
	if (n->kind != NODE_NEG)
		gen_expr(g, n->rhs, b);
	t = ++g->ntemps;
	line(g, "__s64 t%d;", t);
	if (n->kind == NODE_NEG)
		line(g, "if ((e = bpfq_neg(&t%d, %s)))", t, a);
	else
		line(g, "if ((e = %s(&t%d, %s, %s)))", checked_helper(n->kind), t, a, b);
	line(g, "\treturn bpfq_fail(r, e, %d, x, off);", n->id);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/* and/or: the right side runs only if the left does not decide. */
static void gen_logical(struct gen *g, const struct node *n, char *res)
{
	char a[OPERAND_MAX], b[OPERAND_MAX];
	int t;

	gen_expr(g, n->lhs, a);
	t = ++g->ntemps;
	line(g, "int t%d = %s;", t, a);
	line(g, "if (%st%d) {", n->kind == NODE_AND ? "" : "!", t);
	g->depth++;
	gen_expr(g, n->rhs, b);
	line(g, "t%d = %s;", t, b);
	g->depth--;
	line(g, "}");
	snprintf(res, OPERAND_MAX, "t%d", t);
}

/* Emit the statements that compute n; res gets the C operand holding its value. */
static void gen_expr(struct gen *g, const struct node *n, char *res)
{
	char a[OPERAND_MAX], b[OPERAND_MAX];

	/* Leaves are operands; every other node gets a temporary. */
	switch (n->kind) {
	case NODE_INT:
		literal(n->value, res);
		return;
	case NODE_NAME:		/* sema allows only x */
		snprintf(res, OPERAND_MAX, "x");
		return;
	case NODE_AND:
	case NODE_OR:
		gen_logical(g, n, res);
		return;
	case NODE_NOT:
		gen_expr(g, n->lhs, a);
		snprintf(res, OPERAND_MAX, "t%d", ++g->ntemps);
		line(g, "int %s = !%s;", res, a);
		return;
	case NODE_NEG:
	case NODE_ADD:
	case NODE_SUB:
	case NODE_MUL:
	case NODE_DIV:
	case NODE_MOD:
		gen_checked(g, n, res);
		return;
	default:
		/* comparisons; sema rejected everything else outside aggregates */
		gen_expr(g, n->lhs, a);
		gen_expr(g, n->rhs, b);
		snprintf(res, OPERAND_MAX, "t%d", ++g->ntemps);
		line(g, "int %s = %s %s %s;", res, a, ast_op_text(n->kind), b);
		return;
	}
}

/* A comment with the rendered expression: safe, as rendering prints only
 * checked tokens, but a stray end-of-comment could never be allowed. */
static void comment(struct gen *g, const struct query *q, const char *prefix,
		    const struct node *n)
{
	char text[160];

	ast_render(q, n, text, sizeof(text));
	for (char *p = text; (p = strstr(p, "*/"));)
		p[1] = ' ';
	line(g, "/* %s%s */", prefix, text);
}

static void gen_aggregate(struct gen *g, const struct query *q, int i)
{
	const struct node *call = q->items[i];
	char v[OPERAND_MAX];

	comment(g, q, "", call);
	if (call->agg == AGG_COUNT) {
		line(g, "bpfq_agg_count(&r->aggs[%d]);", i);
		return;
	}
	gen_expr(g, call->args[0], v);
	switch (call->agg) {
	case AGG_SUM:
	case AGG_AVG:		/* avg = sum / count, divided in user space */
		line(g, "bpfq_agg_sum(&r->aggs[%d], %s);", i, v);
		break;
	case AGG_MIN:
		line(g, "bpfq_agg_min(&r->aggs[%d], %s);", i, v);
		break;
	case AGG_MAX:
		line(g, "bpfq_agg_max(&r->aggs[%d], %s);", i, v);
		break;
	default:		/* AGG_EXISTS */
		line(g, "if (%s)", v);
		line(g, "\tbpfq_agg_count(&r->aggs[%d]);", i);
		break;
	}
}

static int only_exists(const struct query *q)
{
	for (int i = 0; i < q->nitems; i++)
		if (q->items[i]->agg != AGG_EXISTS)
			return 0;
	return 1;
}

/* When every aggregate is exists and each has held once, the answer is known. */
static void gen_early_stop(struct gen *g, const struct query *q)
{
	line(g, "/* every exists() is true: the answer is known, stop reading */");
	fprintf(g->out, "\tif (");
	for (int i = 0; i < q->nitems; i++)
		fprintf(g->out, "%sr->aggs[%d].count", i ? " && " : "", i);
	fprintf(g->out, ") {\n");
	line(g, "\tr->done = 1;");
	line(g, "\treturn 1;");
	line(g, "}");
}

static void gen_emit(struct gen *g, const struct query *q)
{
	char cond[OPERAND_MAX];

	line(g, "/* Called for each value x at file offset off; returns 1 to stop the scan. */");
	line(g, "static __always_inline int bpfq_emit(struct bpfq_result *r, __s64 x, __u64 off)");
	line(g, "{");
	g->depth++;
	line(g, "__u32 e __attribute__((unused));");
	if (q->where) {
		comment(g, q, "where ", q->where);
		gen_expr(g, q->where, cond);
		line(g, "if (!%s)", cond);
		line(g, "\treturn 0;");
	}
	line(g, "r->matched++;");
	for (int i = 0; i < q->nitems; i++)
		gen_aggregate(g, q, i);
	if (only_exists(q))
		gen_early_stop(g, q);
	line(g, "return 0;");
	g->depth--;
	line(g, "}");
}

static void piece(FILE *out, const char *name, const char *text)
{
	/* #line keeps clang's messages pointing at the template file. */
	fprintf(out, "#line 1 \"%s\"\n%s\n", name, text);
}

char *codegen_program(const struct query *q, size_t *len)
{
	struct gen g = { 0 };
	char *src = NULL;

	g.out = open_memstream(&src, len);
	if (!g.out)
		return NULL;
	fprintf(g.out, "/* Generated by bpfq " BPFQ_VERSION ". */\n"
		       "#include <linux/bpf.h>\n");
	piece(g.out, "bpfq_state.h", tpl_state_h);
	piece(g.out, "prelude.bpf.h", tpl_prelude);
	fprintf(g.out, "#line 1 \"<query>\"\n");
	gen_emit(&g, q);
	piece(g.out, "parse.bpf.h", tpl_parse);
	piece(g.out, "syscall.bpf.c", tpl_hook_syscall);
	if (fclose(g.out)) {
		free(src);
		return NULL;
	}
	return src;
}
