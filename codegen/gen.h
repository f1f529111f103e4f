/* SPDX-License-Identifier: MIT */
/* What the generator's files (codegen.c, accum.c) share: the output and its lines. */
#ifndef BPFQ_GEN_H
#define BPFQ_GEN_H

#include <stdio.h>
#include "lang/ast.h"

struct gen {
	FILE *out;
	const struct query *q;
	int ntemps;
	int depth;		/* indentation: one tab per level */
};

/* An operand is a literal, a field or a temporary: short. */
#define OPERAND_MAX 64

/* One line of C at the current depth. */
void gen_line(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Accumulators (accum.c): on the fast path without by, count, sum and
 * avg fold into a struct bpfq_acc that the parser keeps in
 * registers over a batch of records and adds to the map once.
 */
bool accum_item(const struct query *q, int i);
void accum_gen_struct(struct gen *g);
/* The fold of item i's value v (an int64 operand; unused for count()). */
void accum_gen_fold(struct gen *g, int i, const char *v);

#endif /* BPFQ_GEN_H */
