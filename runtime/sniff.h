/* SPDX-License-Identifier: MIT */
/*
 * Whether an input read as numbers by default (the query names no format
 * and no $N) holds numbers: an access log read that way would count every
 * number in its lines, and binary data whatever digits it happens to hold.
 */
#ifndef BPFQ_SNIFF_H
#define BPFQ_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

/* What the first bytes of an input hold, token by token (as the numbers format splits them). */
struct sniff {
	size_t tokens, numbers;	/* whole tokens seen, and of them numbers */
	bool binary;		/* a NUL byte, as grep and git tell binary data */
	size_t line_off, line_len;	/* the first line holding a token that is not a number */
};

/* Look at buf[0..n); the last token counts only at_eof (it may go on). */
void sniff_numbers(const char *buf, size_t n, bool at_eof, struct sniff *s);

/* Not binary, and at least half of its tokens are numbers (or it has none yet). */
bool sniff_is_numbers(const struct sniff *s);

#endif /* BPFQ_SNIFF_H */
