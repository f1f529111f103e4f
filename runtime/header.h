/* SPDX-License-Identifier: MIT */
/*
 * A csv input's header: its first record, read in user space before the
 * scan (it names columns, it is not data), without consuming a byte of
 * data: a regular file is read with pread(), a pipe is looked into with
 * tee(2). With 'as csv' (header detected), the first record is a header
 * iff none of its fields is a number or empty.
 */
#ifndef BPFQ_HEADER_H
#define BPFQ_HEADER_H

#include "lang/front/ast.h"
#include "runtime/input.h"

/*
 * Decide whether the input has a header (q->format.header_present) and
 * read its names into *sc; the scan then starts after it. Returns 0, or
 * -1 after printing why (no header on a terminal, one past 1 MB, ...).
 */
int header_read(struct input *in, struct query *q, struct schema *sc);

void header_free(struct schema *sc);

#endif /* BPFQ_HEADER_H */
