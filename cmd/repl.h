/* SPDX-License-Identifier: MIT */
/* The interactive session: bpfq with no query and a terminal on stdin. */
#ifndef BPFQ_REPL_H
#define BPFQ_REPL_H

#include "cmd/options.h"

/*
 * Read queries with readline and run each with the options o until \q,
 * ctrl-D, SIGTERM or SIGHUP. Errors end a query, never the session.
 * Returns the exit status: EXIT_OK, or 128 + the signal that ended it.
 */
int repl_run(struct options *o);

#endif /* BPFQ_REPL_H */
