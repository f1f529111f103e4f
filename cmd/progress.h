/* SPDX-License-Identifier: MIT */
/* A progress line on stderr for long scans: only on a terminal, only after a second. */
#ifndef BPFQ_PROGRESS_H
#define BPFQ_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool enabled;
	bool shown;
	uint64_t total;		/* 0 when unknown (a pipe, several files) */
	int file, files;	/* the file being read (from 0), of how many */
	double start, last;
};

void progress_start(struct progress *p, bool enabled, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
/* Several files: which one is read now. */
void progress_file(struct progress *p, int file, int files);
/* Erase the line, so the answer prints on a clean one. */
void progress_end(struct progress *p);

#endif /* BPFQ_PROGRESS_H */
