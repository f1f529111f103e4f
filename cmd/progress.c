// SPDX-License-Identifier: MIT
/*
 * "bpfq: 312.4 of 689.0 MB (45%), 540 MB/s, 1 s left", or with several
 * files "bpfq: file 3 of 64, 312.4 MB, 540 MB/s", redrawn in place.
 */
#include <stdio.h>

#include "cmd/progress.h"
#include "cmd/stats.h"

#define PROGRESS_AFTER_S 1.0	/* short scans print nothing */
#define PROGRESS_EVERY_S 0.25

void progress_start(struct progress *p, bool enabled, uint64_t total)
{
	*p = (struct progress){ .enabled = enabled, .total = total };
	if (enabled)
		p->start = p->last = stats_now();
}

void progress_update(struct progress *p, uint64_t done)
{
	double now, rate;

	if (!p->enabled)
		return;
	now = stats_now();
	if (now - p->start < PROGRESS_AFTER_S || now - p->last < PROGRESS_EVERY_S)
		return;
	p->last = now;
	p->shown = true;
	rate = done / (now - p->start);
	if (p->files > 1)
		fprintf(stderr, "\rbpfq: file %d of %d, %.1f MB, %.0f MB/s\033[K", p->file + 1,
			p->files, done / 1e6, rate / 1e6);
	else if (p->total && done <= p->total)
		fprintf(stderr, "\rbpfq: %.1f of %.1f MB (%d%%), %.0f MB/s, %.0f s left\033[K",
			done / 1e6, p->total / 1e6, (int)(done * 100 / p->total), rate / 1e6,
			rate > 0 ? (p->total - done) / rate : 0.0);
	else
		fprintf(stderr, "\rbpfq: %.1f MB, %.0f MB/s\033[K", done / 1e6, rate / 1e6);
	fflush(stderr);
}

void progress_file(struct progress *p, int file, int files)
{
	p->file = file;
	p->files = files;
}

void progress_end(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}
