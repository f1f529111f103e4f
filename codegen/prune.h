/* SPDX-License-Identifier: MIT */
/*
 * The generated program without the static functions it never calls: the
 * text -d c prints and clang compiles holds only what the query's plan
 * uses. Behaviour is unchanged: clang dropped those functions anyway.
 */
#ifndef BPFQ_PRUNE_H
#define BPFQ_PRUNE_H

#include <stddef.h>

/*
 * src without each static function that no text outside such functions
 * names, directly or through functions it names; a #line directive after
 * each gap keeps the lines' numbers (the verifier's log, -d verifier,
 * names them). NULL when out of memory.
 */
char *prune_unused(const char *src, size_t *len);

/* text (the query's code) without the static functions program does not
 * define: what -d c shows of the query matches the program below it. */
char *prune_like(const char *text, const char *program, size_t *len);

#endif /* BPFQ_PRUNE_H */
