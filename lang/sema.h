/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_SEMA_H
#define BPFQ_SEMA_H

#include "ast.h"
#include "diag.h"

/*
 * Check a parsed query and annotate it: node types, aggregate kinds, node
 * ids (q->by_id). Codegen and the evaluator accept only checked queries.
 */
bool sema_check(struct query *q, struct diag *d);

/* "sum", "count", ... */
const char *agg_name(enum agg_kind kind);

#endif /* BPFQ_SEMA_H */
