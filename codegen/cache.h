/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_CACHE_H
#define BPFQ_CACHE_H

#include <stddef.h>

/*
 * The cache folder, made if needed (malloc()ed): $BPFQ_CACHE_DIR, else
 * $XDG_CACHE_HOME/bpfq, else ~/.cache/bpfq; acting for another user
 * (privs_for_other()), /var/cache/bpfq whatever the environment says.
 * It is used only if it and every folder above it can be changed by no
 * one but this process's user and root (cache.c trusted()). NULL when
 * caching is off (BPFQ_CACHE_DIR=off), there is no home, or the folder
 * fails that check: cache_refusal() then says why.
 */
char *cache_dir(void);

/* Why the last cache_dir() refused the folder, or NULL. */
const char *cache_refusal(void);

/*
 * The BPF object for a generated source: from the cache when the same
 * source was compiled by the same clang before, else compiled in a
 * private temporary folder (and stored, when there is a cache folder).
 *
 * parts: how many the source can be compiled in at once (clang_compile()).
 * Returns 0 with the object's bytes in *obj (malloc()ed), or -1 with the
 * reason in *log (malloc()ed). *hit tells whether the cache answered.
 */
int cache_object(const char *clang, const char *src, size_t len, int parts, void **obj,
		 size_t *obj_len, char **log, int *hit);

#endif /* BPFQ_CACHE_H */
