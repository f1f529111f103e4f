/* SPDX-License-Identifier: MIT */
/*
 * Whose rights bpfq uses. Run by root itself, bpfq is root and trusts its
 * environment. Run for someone else - under sudo, doas or pkexec (the real
 * uid is 0 and SUDO_UID, DOAS_USER or PKEXEC_UID names another user), or
 * with file capabilities or set-id (AT_SECURE) - it keeps its privilege for
 * BPF alone: every file it reads for the user is opened with the user's
 * rights, and no environment variable changes what it runs, loads or
 * writes.
 */
#ifndef BPFQ_PRIVS_H
#define BPFQ_PRIVS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* Whether this process may load and attach tracing programs: root, CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON. */
bool privs_can_trace(void);

/* Find out whom bpfq acts for; called first in main(), before any getenv(). */
void privs_init(void);

/* Whether bpfq acts for another user (sudo, doas, pkexec, AT_SECURE). */
bool privs_for_other(void);

/* The user bpfq acts for: the caller under sudo and the like, else the real ids. */
uid_t privs_caller_uid(void);
gid_t privs_caller_gid(void);

/*
 * getenv(), or NULL when bpfq acts for another user: no variable may then
 * choose a program, a path or a cache (as secure_getenv(), also under sudo).
 */
const char *privs_getenv(const char *name);

/*
 * open() and fopen() of a file the user named (an input, a query file, a
 * partial), with the caller's rights when bpfq acts for another user:
 * fsuid, fsgid and supplementary groups of this thread alone are the
 * caller's for the call, so a file the caller cannot read fails with
 * EACCES, as cat would. O_CLOEXEC is added. errno is open()'s.
 */
int privs_open(const char *path, int flags);
FILE *privs_fopen(const char *path);	/* read-only */

/* The environment for a child (clang): environ, or a fixed one for another user. */
char *const *privs_child_env(void);

#endif /* BPFQ_PRIVS_H */
