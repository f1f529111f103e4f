/* SPDX-License-Identifier: MIT */
/*
 * -j: where to cut a regular file among readers so that each range starts
 * at a record: after a separator (numbers), after a line end (text, csv),
 * at a multiple of the record size (binary). A csv line end may be inside
 * a quoted field; the scan checks each range ended outside quotes.
 */
#ifndef BPFQ_SPLIT_H
#define BPFQ_SPLIT_H

#include <stdint.h>

#include "lang/ast.h"

/*
 * Up to n ranges of the size bytes at file offset base: starts[0..k] with
 * starts[0] = 0 and starts[k] = size, k returned (fewer when the file is
 * small or has too few separators). starts has room for n + 1.
 */
int split_ranges(int fd, uint64_t base, uint64_t size, const struct input_format *f, int n,
		 uint64_t *starts);

#endif /* BPFQ_SPLIT_H */
