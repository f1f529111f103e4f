/* SPDX-License-Identifier: MIT */
/* Long output in the REPL (\c) through a pager, on a terminal. */
#ifndef BPFQ_PAGER_H
#define BPFQ_PAGER_H

/*
 * text on standard output: through $PAGER (by the shell, as git and man
 * run it; empty: none) or the pager found at build time (less -FRX, else
 * more) when standard output is a terminal; as it is otherwise, or when
 * the pager cannot start. Acting for another user, $PAGER is not read and
 * the pager runs with the caller's ids, never as root.
 */
void pager_show(const char *text);

#endif /* BPFQ_PAGER_H */
