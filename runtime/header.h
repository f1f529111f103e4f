/* SPDX-License-Identifier: MIT */
/*
 * What comes before a text input's data, read in user space before the
 * scan: a UTF-8 byte order mark, and a csv input's header (its first
 * record: it names columns, it is not data). No byte of data is consumed:
 * a regular file is read with pread(), a pipe is looked into with tee(2).
 * With 'as csv' (header detected), the first record is compared with the
 * records after it (see guess_header()).
 */
#ifndef BPFQ_HEADER_H
#define BPFQ_HEADER_H

#include "lang/front/ast.h"
#include "runtime/input.h"

/*
 * Skip a byte order mark (numbers, text, csv); for csv, decide whether
 * the input has a header (q->format.header_present) and read its names
 * into *sc. The scan then starts after them. Returns 0, or
 * -1 after printing why (no header on a terminal, one past 1 MB, ...).
 */
int header_read(struct input *in, struct query *q, struct schema *sc);

/*
 * A file named in a query that names columns, with no format named and
 * no .csv name: read as csv when its first records all have as many
 * fields, two or more, by ',', a tab, ';' or '|' (said on stderr). The
 * format stays as it was otherwise. Returns 0, or -1 after saying why.
 */
int header_sniff_csv(struct input *in, struct input_format *f);

void header_free(struct schema *sc);

#endif /* BPFQ_HEADER_H */
