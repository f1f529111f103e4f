/* SPDX-License-Identifier: MIT */
/* Bytes from the data, a partial or the system, escaped for where they go. */
#ifndef BPFQ_ESCAPE_H
#define BPFQ_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* JSON string literal for s; and for n bytes that may hold anything. */
void escape_json_string(FILE *f, const char *s);
void escape_json_bytes(FILE *f, const unsigned char *s, size_t n);

/*
 * Bytes from the data or a partial (a name, a host, an error) for a
 * terminal: printable ASCII as it is; control bytes, '\\' and bytes past
 * ASCII as \xNN, so that no ESC sequence reaches the terminal.
 */
/* A byte escape_text() shows as it is. */
bool escape_plain_byte(unsigned char c);

void escape_text_bytes(FILE *f, const char *s, size_t n);
void escape_text(FILE *f, const char *s);
char *escape_text_dup(const char *s);	/* malloc()ed; NULL out of memory */

#endif /* BPFQ_ESCAPE_H */
