/* SPDX-License-Identifier: MIT */
/* Diagnostics that point into the query text. */
#ifndef BPFQ_DIAG_H
#define BPFQ_DIAG_H

#include <stdio.h>
#include "lang/front/ast.h"

struct diag {
	struct loc loc;
	char msg[512];
};

/* Fill d; returns false so callers can `return diag_set(...)`. */
bool diag_set(struct diag *d, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Print, bpftrace style:
 *   bpfq: error: 1:8-11: expected 'where', 'from', 'by' or ',' after aggregate
 *     sum(x) wher x > 5 from nums.txt
 *            ~~~~
 * line:col are 1-based, the column range inclusive ("1:8" for one byte).
 */
void diag_print(FILE *f, const char *severity, const char *text, size_t len,
		const struct diag *d);

#endif /* BPFQ_DIAG_H */
