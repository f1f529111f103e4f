/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_CLANG_H
#define BPFQ_CLANG_H

#include <signal.h>
#include <stddef.h>

/*
 * $BPFQ_CLANG if set, else `clang` on PATH; acting for another user
 * (privs_for_other()), the clang found when bpfq was built
 * (BPFQ_CLANG_PATH), whatever the environment says. NULL when there is
 * none. malloc()ed.
 */
char *clang_find(void);

/* The clang run for another user: the Makefile's CLANG_PATH. */
extern const char clang_builtin_path[];

/*
 * The flag a SIGINT or SIGTERM handler sets: once it is nonzero, a compile
 * kills its clangs, waits for no more and fails.
 */
void clang_stop_on(volatile sig_atomic_t *flag);

/* The flags every compile uses; part of the cache key. */
extern const char *const clang_flags[];

/*
 * Compile the BPF C file src into obj: with parts 2 (codegen_parts()) and
 * two CPUs or more, as two clangs at once, linked. Returns 0, or -1 with
 * clang's messages (or why it did not run) in *log, malloc()ed. clang
 * runs with privs_child_env()'s environment.
 */
int clang_compile(const char *clang, const char *src, const char *obj, int parts, char **log);

#endif /* BPFQ_CLANG_H */
