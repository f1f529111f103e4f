/* SPDX-License-Identifier: MIT */
/*
 * libbpf's messages of one step (open, load, attach, link), kept in memory
 * for the error report: libbpf prints through one process-wide function
 * with no context, so one step at a time keeps them.
 */
#ifndef BPFQ_LIBBPF_LOG_H
#define BPFQ_LIBBPF_LOG_H

#include <stddef.h>
#include <stdio.h>

/*
 * Keep libbpf's messages but its debug ones in *text (malloc()ed, for the
 * caller to free; NULL-safe). Returns the stream, to add the step's own
 * lines to, or NULL when out of memory (messages are then dropped).
 */
FILE *libbpf_log_start(char **text, size_t *len);

/*
 * Stop keeping them: *text is complete. libbpf stays silent until the next
 * step: what fails between steps, bpfq reports itself.
 */
void libbpf_log_end(void);

#endif /* BPFQ_LIBBPF_LOG_H */
