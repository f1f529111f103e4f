/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_CODEGEN_H
#define BPFQ_CODEGEN_H

#include <stddef.h>
#include "codegen/plan.h"
#include "lang/front/ast.h"

/*
 * The BPF C program for a checked query: the templates around a generated
 * bpfq_emit(). Nothing of the query text is pasted: the only name is x, and
 * numbers are printed from their parsed values. The hook picks the
 * template that attaches it, the plan (codegen_plan()) its shape.
 * Returns malloc()ed text.
 */
char *codegen_program(const struct query *q, const struct codegen_plan *plan, size_t *len);

#endif /* BPFQ_CODEGEN_H */
