/* SPDX-License-Identifier: MIT */
/* One query, start to end: check, compile, load, scan, print. */
#ifndef BPFQ_RUN_H
#define BPFQ_RUN_H

#include <signal.h>
#include <stdio.h>
#include "cmd/options.h"
#include "cmd/stats.h"

/* Set by SIGINT/SIGTERM; a scan in progress stops and gives no answer. */
extern volatile sig_atomic_t run_interrupted;

/* What the REPL can show about the last query: its generated C and its stats. */
struct run_last {
	char *c_source;		/* malloc()ed; NULL before the first compile */
	struct run_stats stats;
	bool have_stats;
};

/* SIGINT and SIGTERM set run_interrupted (no SA_RESTART, so blocked reads return). */
void run_install_signals(void);

/*
 * Run one query text with the options; the answer goes to out, messages to
 * stderr. Returns an exit status (enum in options.h). last may be NULL.
 */
int run_query(const char *text, const struct options *o, FILE *out, struct run_last *last);

void run_last_free(struct run_last *last);

#endif /* BPFQ_RUN_H */
