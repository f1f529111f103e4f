/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_CLANG_H
#define BPFQ_CLANG_H

#include <stddef.h>

/* $BPFQ_CLANG if set, else `clang` on PATH; NULL when there is none. malloc()ed. */
char *clang_find(void);

/* The flags every compile uses; part of the cache key. */
extern const char *const clang_flags[];

/*
 * Compile the BPF C file src into obj: with parts 2 (codegen_parts()) and
 * two CPUs or more, as two clangs at once, linked. Returns 0, or -1 with
 * clang's messages (or why it did not run) in *log, malloc()ed.
 */
int clang_compile(const char *clang, const char *src, const char *obj, int parts, char **log);

#endif /* BPFQ_CLANG_H */
