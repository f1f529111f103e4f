/* SPDX-License-Identifier: MIT */
/*
 * "did you mean": the known spelling nearest to a misspelled one, for the
 * messages about an unknown function, format, column or option value.
 */
#ifndef BPFQ_SUGGEST_H
#define BPFQ_SUGGEST_H

#include <stddef.h>

/* The most edits a suggestion is away from what was typed. */
#define SUGGEST_MAX_EDITS 2

/*
 * The name of names[0..count) nearest to word[0..n), ignoring case, as
 * edits of one byte (insert, delete, replace, or swap two neighbours):
 * at most SUGGEST_MAX_EDITS, and fewer than the word has bytes (a word of
 * one or two bytes is too short to guess from). The first of equals wins.
 * NULL when none is that near.
 */
const char *suggest(const char *word, size_t n, const char *const *names, size_t count);

/*
 * " (did you mean 'NAME'?)" for suggest()'s name, or "" when it has
 * none: to follow the quoted word in a message.
 */
const char *suggest_clause(char *buf, size_t size, const char *word, size_t n,
			   const char *const *names, size_t count);

#endif /* BPFQ_SUGGEST_H */
