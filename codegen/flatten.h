/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_FLATTEN_H
#define BPFQ_FLATTEN_H

#include <stdio.h>

/* The header codegen writes, which the entry includes first. */
#define FLATTEN_QUERY_H "bpfq_query.h"

/*
 * The program as one text, from the embedded templates (templates.h) and
 * the generated header gen (FLATTEN_QUERY_H): the file root (the entry,
 * TEMPLATE_ENTRY; FLATTEN_QUERY_H for gen itself), every quoted
 * #include replaced by its file, each under a banner and a #line, the
 * rest byte for byte. An #include that a condition surely leaves out
 * (from the #defines above it: the plan's, the templates') stays as it
 * is, for clang to skip; one that may be taken is inlined; a file already
 * inlined where it surely was taken is not again (its include guard would
 * make it nothing). So clang, not the flattening, decides what is
 * compiled, and the text holds the parts of this plan's program.
 *
 * Returns 0, or -1 when a quoted #include names no embedded file (the
 * compile reads nothing beside the program), or the nesting is too deep.
 */
int flatten(FILE *out, const char *root, const char *gen);

#endif /* BPFQ_FLATTEN_H */
