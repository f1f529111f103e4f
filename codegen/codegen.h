/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_CODEGEN_H
#define BPFQ_CODEGEN_H

#include <stddef.h>
#include "lang/front/ast.h"
#include "runtime/hooks.h"

/*
 * Inputs this large, and pipes (their length unknown), get the parser
 * unrolled further, its fast steps twice, with and without a minus
 * (BPFQ_SPLIT_SIGNS), and streams where the query only adds: faster to
 * scan, slower to load and verify. The threshold is where the whole query,
 * cached, gains more in the scan than it pays in the load.
 */
#define CODEGEN_LARGE_INPUT (16ULL << 20)

/*
 * The BPF C program for a checked query: the templates around a generated
 * bpfq_emit(). Nothing of the query text is pasted: the only name is x, and
 * numbers are printed from their parsed values. The hook picks the
 * template that attaches it; input_size (0: unknown) how far the fast
 * parser unrolls. Returns malloc()ed text.
 */
char *codegen_program(const struct query *q, enum hook_kind hook, unsigned long long input_size,
		      size_t *len);

/*
 * How many parts the program can be compiled in at once (prelude.bpf.h
 * BPFQ_PART): 2 when it has side functions (a long input's streams'
 * steps, or without streams the unsigned copies of its parsers' steps),
 * else 1.
 */
int codegen_parts(const struct query *q, unsigned long long input_size);

/* binary: whether the used fields always hold integers, few of them (BPFQ_FIELDS_INT). */
int codegen_fields_int(const struct query *q);

#endif /* BPFQ_CODEGEN_H */
