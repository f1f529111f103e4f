/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_CODEGEN_H
#define BPFQ_CODEGEN_H

#include <stddef.h>
#include "codegen/plan.h"
#include "lang/front/ast.h"

/*
 * The BPF C program for a checked query, in the shape of its plan
 * (codegen_plan()): the entry, bpf-templates/bpfq.bpf.c, with the
 * generated header and every part it includes in their places
 * (flatten.h): one text, which compiles alone and is the cache's key.
 * Returns malloc()ed text, or NULL when out of memory.
 */
char *codegen_program(const struct query *q, const struct codegen_plan *plan, size_t *len);

/*
 * The generated header, bpfq_query.h, alone: the plan's #defines and
 * the query's code (bpfq_emit()). Nothing of the query text is pasted:
 * fields are f[slot], numbers are printed from their parsed values.
 * Returns malloc()ed text.
 */
char *codegen_header(const struct query *q, const struct codegen_plan *plan, size_t *len);

/*
 * The query's own code alone, as bpfq_query.h holds it after the parts
 * it calls: -d c shows it first. Returns malloc()ed text.
 */
char *codegen_query_code(const struct query *q, const struct codegen_plan *plan, size_t *len);

#endif /* BPFQ_CODEGEN_H */
