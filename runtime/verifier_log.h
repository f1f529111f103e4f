/* SPDX-License-Identifier: MIT */
/*
 * The verifier's log read against the program it checked: each source
 * line it names ("; @ file:line") with that line's text, and a summary
 * per program (-d verifier, -d verifier=summary).
 */
#ifndef BPFQ_VERIFIER_LOG_H
#define BPFQ_VERIFIER_LOG_H

#include <stdio.h>

/*
 * The log with the text of each line it names, found in src, the
 * program as compiled: its #line directives say which file and line each
 * of its lines is. A line the log already gives text for stays.
 */
void verifier_log_annotate(FILE *out, const char *log, const char *src);

/*
 * Per program of the log ("--- program NAME (SECTION) ---", as the
 * loader joins them): instructions processed, states, peak states, stack
 * depth, and the ten source lines the verifier walked most instructions
 * of, with their text from src.
 */
void verifier_log_summary(FILE *out, const char *log, const char *src);

#endif /* BPFQ_VERIFIER_LOG_H */
