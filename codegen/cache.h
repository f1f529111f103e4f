/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_CACHE_H
#define BPFQ_CACHE_H

#include <stddef.h>

/*
 * The BPF object for a generated source: from the cache when the same
 * source was compiled by the same clang before, else compiled (and stored).
 * The folder is $BPFQ_CACHE_DIR, else $XDG_CACHE_HOME/bpfq, else
 * ~/.cache/bpfq; with BPFQ_CACHE_DIR=off, or when the folder cannot be
 * made, it compiles in a temporary folder and keeps nothing.
 *
 * parts: how many the source can be compiled in at once (clang_compile()).
 * Returns 0 with the object's bytes in *obj (malloc()ed), or -1 with the
 * reason in *log (malloc()ed). *hit tells whether the cache answered.
 */
/* The cache folder, made if needed (malloc()ed); NULL when caching is off or impossible. */
char *cache_dir(void);

int cache_object(const char *clang, const char *src, size_t len, int parts, void **obj,
		 size_t *obj_len, char **log, int *hit);

#endif /* BPFQ_CACHE_H */
