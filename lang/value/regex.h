/* SPDX-License-Identifier: MIT */
/*
 * Regular expressions (POSIX extended syntax, over bytes) compiled to a
 * minimal DFA that both engines run the same way: one table lookup per
 * byte, no backtracking. The kernel reads the tables as data (a map bpfq
 * fills before the load); no byte of the pattern becomes code.
 *
 * The match is a search, as awk's `~`: the pattern may match anywhere in
 * the text unless `^` or `$` anchor it. A state that has matched moves
 * only to itself (the search is decided), so a run may stop there.
 *
 * The start state, 0, is never entered again: a run still in it has read
 * no byte, which is how both engines tell an empty or missing field (NULL
 * to ~ and !~, as to the other comparisons of text) from any text.
 */
#ifndef BPFQ_REGEX_H
#define BPFQ_REGEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A state is a byte: the kernel's loop keeps it in one. */
#define REGEX_MAX_STATES 256
/* {m,n} copies its atom: past this the pattern is refused, not cut. */
#define REGEX_MAX_REPEAT 255
/* The Thompson automaton's states and the DFA's before it is minimized. */
#define REGEX_MAX_NFA 4096
#define REGEX_MAX_BUILD 4096

struct regex_dfa {
	uint8_t class_of[256];		/* byte -> its class */
	uint16_t nclasses, nstates;	/* start state is 0 */
	uint8_t accept[REGEX_MAX_STATES];	/* 1: matched if the text ends here */
	uint8_t next[REGEX_MAX_STATES * 256];	/* next[state * nclasses + class] */
};

/*
 * Compile pat[0..len) into *dfa. On error returns false with a message in
 * err (no query byte is copied into it beyond the offending character
 * when it is printable ASCII) and the offending byte range in *at, *at_end.
 */
bool regex_compile(const char *pat, size_t len, struct regex_dfa *dfa, char *err,
		   size_t errlen, size_t *at, size_t *at_end);

/* The state after one more byte; a text's run starts in state 0. */
unsigned regex_step(const struct regex_dfa *dfa, unsigned state, unsigned char c);

/* Does the text contain a match? */
bool regex_match(const struct regex_dfa *dfa, const char *s, size_t n);

/* Is the state a decided match (it moves only to itself and accepts)? */
bool regex_state_decided(const struct regex_dfa *dfa, unsigned state);

#endif /* BPFQ_REGEX_H */
