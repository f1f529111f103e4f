/* SPDX-License-Identifier: MIT */
/*
 * -j: where to cut a regular file into ranges that each start at a record:
 * after a separator (numbers), after a line end (text, csv), at a multiple
 * of the record size (binary). A csv line end may be inside a quoted
 * field; the scan checks each range ended outside quotes.
 *
 * The readers take the ranges in file order, each the next one when it is
 * done with its own (scan.c). The ranges shrink toward the end, so that
 * readers on CPUs of different speeds (a VM's vCPUs may differ)
 * still end together: each is a 2n-th part of what is left for n readers,
 * and none under a 24th of the file (nor 1 MiB).
 */
#ifndef BPFQ_SPLIT_H
#define BPFQ_SPLIT_H

#include <stdint.h>

#include "lang/front/ast.h"

/*
 * The ranges for n readers of the size bytes at file offset base:
 * starts[0..k] with starts[0] = 0 and starts[k] = size, k returned (1 when
 * n is 1, the file is small or has too few separators; at most
 * BPFQ_MAX_RANGES). starts has room for BPFQ_MAX_RANGES + 1.
 */
int split_ranges(int fd, uint64_t base, uint64_t size, const struct input_format *f, int n,
		 uint64_t *starts);

#endif /* BPFQ_SPLIT_H */
