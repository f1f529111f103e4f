/* SPDX-License-Identifier: MIT */
/* The query AST. Nodes live in the query's arena and die with it. */
#ifndef BPFQ_AST_H
#define BPFQ_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A byte range [begin, end) of the query text; turned into line:column only when reported. */
struct loc {
	uint32_t begin, end;
};

enum node_kind {
	NODE_INT,	/* integer literal: value */
	NODE_NAME,	/* identifier: loc is its text */
	NODE_CALL,	/* name(args): op_loc is the name, args/nargs */
	NODE_STAR,	/* '*', only as the sole argument of count(*) */
	NODE_NEG,	/* -lhs */
	NODE_NOT,	/* not lhs */
	NODE_ADD,	/* lhs + rhs, likewise below */
	NODE_SUB,
	NODE_MUL,
	NODE_DIV,
	NODE_MOD,
	NODE_EQ,
	NODE_NE,
	NODE_LT,
	NODE_LE,
	NODE_GT,
	NODE_GE,
	NODE_AND,
	NODE_OR,
};

enum type {
	TYPE_UNKNOWN,
	TYPE_INT,
	TYPE_BOOL,
};

/* Aggregates; the order matches agg_names[] in sema.c. */
enum agg_kind {
	AGG_NONE,
	AGG_COUNT,
	AGG_SUM,
	AGG_MIN,
	AGG_MAX,
	AGG_AVG,
	AGG_EXISTS,
};

struct node {
	enum node_kind kind;
	struct loc loc;		/* the whole expression */
	struct loc op_loc;	/* the operator or call name, for errors */
	enum type type;		/* set by sema */
	int id;			/* 1..query.nnodes; run-time errors name the node by it */
	int64_t value;		/* NODE_INT */
	bool out_of_range;	/* NODE_INT: the literal does not fit int64 */
	struct node *lhs, *rhs;
	struct node **args;	/* NODE_CALL */
	int nargs;
	enum agg_kind agg;	/* NODE_CALL, set by sema */
};

struct arena;

struct query {
	const char *text;	/* not owned; must outlive the query */
	size_t len;
	struct node **items;	/* the select list: aggregate calls after sema */
	int nitems;
	struct node *where;	/* NULL without a where clause */
	char *path;		/* from PATH, unquoted; in the arena */
	struct loc path_loc;
	int nnodes;		/* ids run 1..nnodes */
	struct node **by_id;	/* by_id[id] for id in 1..nnodes, set by sema */
	struct arena *arena;
};

void *arena_alloc(struct arena **a, size_t size);
void arena_free(struct arena *a);

struct node *node_new(struct query *q, enum node_kind kind, struct loc loc);
void query_free(struct query *q);

/* An operator as rendered: "+", "==", "and", ...; comparisons are spelled as in C. */
const char *ast_op_text(enum node_kind kind);

/* Human-readable normalized text of an expression ("sum(x * 2)"), used as the output label. */
size_t ast_render(const struct query *q, const struct node *n, char *buf, size_t size);

/* The whole query, one node per line, indented, with types: for -d ast. */
void ast_dump(FILE *f, const struct query *q);

#endif /* BPFQ_AST_H */
