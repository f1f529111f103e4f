/* SPDX-License-Identifier: MIT */
/* -s/--stats: how much data was scanned where, and how little came back. */
#ifndef BPFQ_STATS_H
#define BPFQ_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "bpf-templates/bpfq_state.h"

struct run_stats {
	const char *engine;	/* "kernel" or "user" */
	char hook[96];		/* "name (attach points)", or "none" for the user engine */
	char hook_skipped[768];	/* the hooks --hook=auto passed over, and why; or "" */
	char format_chosen[128];	/* why the input was read as numbers, when no format was named */
	const char *compression;	/* the input's ("gzip", ...), decompressed in user space; or NULL */
	uint64_t bytes_read;	/* bytes read() returned */
	uint64_t reads;
	int readers;		/* reader threads (-j); 1 for the user engine */
	uint64_t result_bytes;	/* what user space read of the result */
	bool before_copy;	/* the hook parses the page cache's bytes before read() copies them */
	uint64_t groups;	/* with by: the groups in the answer */
	bool file_conds;	/* the query has conditions over file: files may be skipped */
	uint64_t files, files_skipped;	/* the inputs, and those where rejected by their path */
	bool cache_hit;
	unsigned long verified_insns;
	double compile_s, load_s, scan_s;
	struct bpfq_result result;
};

/* CLOCK_MONOTONIC in seconds. */
double stats_now(void);

/* Aligned "name: value" lines, for people. */
void stats_print_text(FILE *f, const struct run_stats *s);

/* The same as a JSON object (no newline), for -o json. */
void stats_print_json(FILE *f, const struct run_stats *s);

#endif /* BPFQ_STATS_H */
