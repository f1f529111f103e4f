/* SPDX-License-Identifier: MIT */
/* What the generator's files (codegen.c, accum.c, mask.c, inlist.c) share: output, lines. */
#ifndef BPFQ_GEN_H
#define BPFQ_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "lang/front/ast.h"

struct gen {
	FILE *out;
	const struct query *q;
	int ntemps;
	int depth;		/* indentation: one tab per level */
	bool lanes;		/* the fast path's x0 is digit lanes (mask.c) */
};

/* An operand is a literal, a field or a temporary: short. The longest, a
 * decimal's ((struct bpfq_d){ lo ULL, hi LL }) of 10^18 units, takes 68 bytes. */
#define OPERAND_MAX 96

/* One line of C at the current depth. */
void gen_line(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A new temporary's number (its C name is t<N>). */
int gen_temp(struct gen *g);
/* A comment "PREFIX<n rendered from the tree>": the query part the code after it implements. */
void gen_comment(struct gen *g, const char *prefix, const struct node *n);
/* An int64 literal as C. */
void gen_int_literal(int64_t v, char *res);

/*
 * Accumulators (accum.c): on the fast path without by, count, sum and
 * avg fold into a struct bpfq_acc that the parser keeps in
 * registers over a batch of records and adds to the map once.
 */
bool accum_item(const struct query *q, int i);
void accum_gen_struct(struct gen *g);
/* The fold of item i's value v (an int64 operand; unused for count()),
 * masked by m (a mask operand: all ones or 0) unless m is NULL. */
void accum_gen_fold(struct gen *g, int i, const char *v, const char *m);
/* bpfq_acc_lanes_value(): the batch's sums of digit lanes to values (swar.bpf.h). */
void accum_gen_lanes_value(struct gen *g);

/*
 * The branchless where of the fast path (mask.c): whether the query has
 * one, and the statements that compute it into a mask operand (all ones
 * when it holds, else 0).
 */
bool mask_where(const struct query *q);
void mask_gen(struct gen *g, const struct node *n, char *res);
/* Whether the fast path only adds into the batch: no where or a masked
 * one, and every item a fold of a field (no other state, no error, no
 * stop), so its records may be taken in any order. */
bool fast_only_adds(const struct query *q);
/* Which form of digit lanes the where needs (swar.bpf.h bpfq_digit_lanes()):
 * 0 no comparison with x, 1 equalities only, 2 order. */
int mask_lanes_form(const struct query *q);

/*
 * A long in list of literals (inlist.c): whether n gets a sorted table
 * and a search without branches, and its code: on the fast path (an int
 * 0 or 1), on the general path (three-valued), or a table of any int64
 * values (mask.c: digit lanes) with the index of the search.
 */
bool inlist_table(const struct node *n);
void inlist_gen_i(struct gen *g, const struct node *n, const char *x, char *res);
void inlist_gen_d(struct gen *g, const struct node *n, const char *x, const char *null, char *res);
int inlist_gen_s64(struct gen *g, const int64_t *values, int n, const char *x, int *tab,
		   int *index);

/*
 * The query's regexes (regex.c): their tables and bpfq_rx_byte(),
 * for the byte parser; a match on the fast path (0 or 1, its field not
 * empty) or the general path (three-valued: NULL for a missing or empty
 * field); and the fast path's test that no regex's field is empty.
 */
void regex_gen_tables(struct gen *g);
void regex_gen_i(struct gen *g, const struct node *n, char *res);
void regex_gen_b(struct gen *g, const struct node *n, char *res);
void regex_gen_present(struct gen *g);

#endif /* BPFQ_GEN_H */
