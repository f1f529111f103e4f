/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_SEMA_H
#define BPFQ_SEMA_H

#include "lang/front/ast.h"
#include "lang/front/diag.h"

/*
 * The input format when the query names none: a .csv or .tsv path is csv
 * (header detected), $N makes text, else numbers. sema_check() does it
 * too; the caller needs it first to know whether to read a csv header.
 */
void sema_default_format(struct query *q);

/*
 * 'in' lists: the values of all of a query's lists together, and of one
 * list that holds anything but number literals. A list of literals is a
 * sorted table in the program (codegen/inlist.c): its cost grows with the
 * log of its length, its size with the length. Other values are code,
 * one test each, inlined at every record of every parser: more than 64
 * pass the verifier's million instructions, or the stack.
 */
#define SEMA_IN_MAX 16384
#define SEMA_IN_MAX_EXPR 64

/*
 * Check a parsed query and annotate it: the format, node types, fields and
 * their slots, aggregate kinds and parameters, node ids (q->by_id).
 * schema holds a csv header's column names, or is NULL. Codegen and the
 * evaluator accept only checked queries.
 */
bool sema_check(struct query *q, const struct schema *schema, struct diag *d);

/*
 * 'as text', checked before its input is opened: the fields that the
 * first lines hold as text (schema, runtime/header.c) are read as text
 * where an aggregate takes it, and are an error where a number is wanted.
 */
bool sema_text_columns(struct query *q, const struct schema *schema, struct diag *d);

#endif /* BPFQ_SEMA_H */
