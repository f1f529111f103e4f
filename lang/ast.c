// SPDX-License-Identifier: MIT
/* AST nodes, and the two ways of showing them: normalized text and a dump. */
#include <inttypes.h>
#include <string.h>

#include "ast.h"
#include "sema.h"

struct node *node_new(struct query *q, enum node_kind kind, struct loc loc)
{
	struct node *n = arena_alloc(&q->arena, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = kind;
	n->loc = loc;
	n->op_loc = loc;
	return n;
}

void query_free(struct query *q)
{
	arena_free(q->arena);
	memset(q, 0, sizeof(*q));
}

/* Binding strength, loosest first; the grammar's levels in parser.c. */
enum prec {
	PREC_OR = 1,
	PREC_AND,
	PREC_NOT,
	PREC_CMP,
	PREC_ADD,
	PREC_MUL,
	PREC_NEG,
	PREC_ATOM,
};

static enum prec prec(const struct node *n)
{
	switch (n->kind) {
	case NODE_OR: return PREC_OR;
	case NODE_AND: return PREC_AND;
	case NODE_NOT: return PREC_NOT;
	case NODE_EQ: case NODE_NE: case NODE_LT: case NODE_LE: case NODE_GT: case NODE_GE:
		return PREC_CMP;
	case NODE_ADD: case NODE_SUB: return PREC_ADD;
	case NODE_MUL: case NODE_DIV: case NODE_MOD: return PREC_MUL;
	case NODE_NEG: return PREC_NEG;
	default: return PREC_ATOM;
	}
}

/* The normalized spelling: "==" for "=", "and" for "&&", whatever was written. */
const char *ast_op_text(enum node_kind kind)
{
	switch (kind) {
	case NODE_NEG: return "-";
	case NODE_NOT: return "not";
	case NODE_ADD: return "+";
	case NODE_SUB: return "-";
	case NODE_MUL: return "*";
	case NODE_DIV: return "/";
	case NODE_MOD: return "%";
	case NODE_EQ: return "==";
	case NODE_NE: return "!=";
	case NODE_LT: return "<";
	case NODE_LE: return "<=";
	case NODE_GT: return ">";
	case NODE_GE: return ">=";
	case NODE_AND: return "and";
	case NODE_OR: return "or";
	default: return "?";
	}
}

/* snprintf-like output: counts everything, stores what fits. */
struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + 1 < o->size) {
		size_t room = o->size - 1 - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_source(struct out *o, const struct query *q, struct loc loc)
{
	put(o, q->text + loc.begin, loc.end - loc.begin);
}

static void render(struct out *o, const struct query *q, const struct node *n);

static void render_paren(struct out *o, const struct query *q, const struct node *n, bool paren)
{
	if (paren)
		put(o, "(", 1);
	render(o, q, n);
	if (paren)
		put(o, ")", 1);
}

static void render_call(struct out *o, const struct query *q, const struct node *n)
{
	if (n->agg != AGG_NONE)
		puts_(o, agg_name(n->agg));
	else
		put_source(o, q, n->op_loc);
	put(o, "(", 1);
	for (int i = 0; i < n->nargs; i++) {
		if (i)
			put(o, ", ", 2);
		render(o, q, n->args[i]);
	}
	put(o, ")", 1);
}

static void render_int(struct out *o, const struct query *q, const struct node *n)
{
	char text[24];

	if (n->out_of_range) {
		put_source(o, q, n->loc);
		return;
	}
	snprintf(text, sizeof(text), "%" PRId64, n->value);
	puts_(o, text);
}

/*
 * Operators are left-associative, so the right operand needs parentheses
 * at the same level ("x - (y - z)") and the left one does not; comparisons
 * do not chain, so there both sides do.
 */
static void render_binary(struct out *o, const struct query *q, const struct node *n)
{
	enum prec p = prec(n);

	render_paren(o, q, n->lhs, prec(n->lhs) < p || (p == PREC_CMP && prec(n->lhs) == p));
	put(o, " ", 1);
	puts_(o, ast_op_text(n->kind));
	put(o, " ", 1);
	render_paren(o, q, n->rhs, prec(n->rhs) <= p);
}

/*
 * "-(-x)", not "--x"; and "-(5)" stays so, as "-5" would read back as a
 * literal, another tree ("-(0)" would even come back as "0").
 */
static bool paren_after_minus(const struct node *operand)
{
	return prec(operand) < PREC_NEG || operand->kind == NODE_NEG || operand->kind == NODE_INT;
}

static void render(struct out *o, const struct query *q, const struct node *n)
{
	switch (n->kind) {
	case NODE_INT:
		render_int(o, q, n);
		break;
	case NODE_NAME:
		put_source(o, q, n->loc);
		break;
	case NODE_CALL:
		render_call(o, q, n);
		break;
	case NODE_STAR:
		put(o, "*", 1);
		break;
	case NODE_NEG:
		put(o, "-", 1);
		render_paren(o, q, n->lhs, paren_after_minus(n->lhs));
		break;
	case NODE_NOT:
		put(o, "not ", 4);
		render_paren(o, q, n->lhs, prec(n->lhs) < PREC_NOT);
		break;
	default:
		render_binary(o, q, n);
		break;
	}
}

size_t ast_render(const struct query *q, const struct node *n, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	render(&o, q, n);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

static const char *type_suffix(enum type t)
{
	switch (t) {
	case TYPE_INT: return " :int";
	case TYPE_BOOL: return " :bool";
	default: return "";
	}
}

static void print_source(FILE *f, const struct query *q, struct loc loc)
{
	fwrite(q->text + loc.begin, 1, loc.end - loc.begin, f);
}

/* One node's label: the literal, the name, or the operator. */
static void dump_label(FILE *f, const struct query *q, const struct node *n)
{
	switch (n->kind) {
	case NODE_INT:
		if (n->out_of_range)
			print_source(f, q, n->loc);
		else
			fprintf(f, "%" PRId64, n->value);
		break;
	case NODE_NAME:
		print_source(f, q, n->loc);
		break;
	case NODE_CALL:
		if (n->agg != AGG_NONE)
			fputs(agg_name(n->agg), f);
		else
			print_source(f, q, n->op_loc);
		break;
	case NODE_STAR:
		fputc('*', f);
		break;
	default:
		fputs(ast_op_text(n->kind), f);
		break;
	}
}

static void dump_node(FILE *f, const struct query *q, const struct node *n, int depth)
{
	fprintf(f, "%*s", 2 * depth, "");
	dump_label(f, q, n);
	fprintf(f, "%s\n", type_suffix(n->type));
	if (n->lhs)
		dump_node(f, q, n->lhs, depth + 1);
	if (n->rhs)
		dump_node(f, q, n->rhs, depth + 1);
	for (int i = 0; i < n->nargs; i++)
		dump_node(f, q, n->args[i], depth + 1);
}

/* The path in double quotes, C style, so odd bytes stay visible. */
static void dump_path(FILE *f, const char *path)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void ast_dump(FILE *f, const struct query *q)
{
	fputs("query\n  select\n", f);
	for (int i = 0; i < q->nitems; i++)
		dump_node(f, q, q->items[i], 2);
	if (q->where) {
		fputs("  where\n", f);
		dump_node(f, q, q->where, 2);
	}
	if (q->path) {
		fputs("  from ", f);
		dump_path(f, q->path);
		fputc('\n', f);
	}
}
