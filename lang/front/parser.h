/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_PARSER_H
#define BPFQ_PARSER_H

#include "lang/front/ast.h"
#include "lang/front/diag.h"

/* Deepest expression nesting accepted; deeper is an error, not a stack overflow. */
#define PARSE_MAX_DEPTH 256

/*
 * Parse text into q (zeroed by the caller). On error fill d and return false;
 * q may hold a partial tree and must still be freed with query_free().
 */
bool parse_query(const char *text, size_t len, struct query *q, struct diag *d);

#endif /* BPFQ_PARSER_H */
