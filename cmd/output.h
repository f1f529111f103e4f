/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_OUTPUT_H
#define BPFQ_OUTPUT_H

#include <stdio.h>
#include "cmd/options.h"
#include "cmd/stats.h"
#include "lang/values.h"
#include "lang/groups.h"

/* What a result block is printed from; names[i] labels descs[i]. */
struct answer {
	const char *query;	/* as typed, for -o json; NULL in merge */
	int naggs;
	const struct agg_desc *descs;
	char **names;
	const struct bpfq_result *result;
	const uint64_t *area;	/* the states, without by */
	const char *key_name;	/* with by: its label ("$1"); else NULL */
	const struct group *groups;	/* with by: sorted */
	long ngroups;
	const struct run_stats *stats;	/* -s with -o json; else NULL */
};

/* Where item i's state starts in an area. */
int output_offset(const struct answer *a, int i);

/*
 * text: one aggregate prints its bare value (a histogram its bars, as
 * bpftrace draws them), several print "name: value" lines; with by, a
 * table sorted by key. json: one object on one line. csv: a header line
 * and a row per group (a histogram alone: a row per bucket).
 */
void output_answer(FILE *f, enum format format, const struct answer *a);

/* JSON string literal for s; and for n bytes that may hold anything. */
void output_json_string(FILE *f, const char *s);
void output_json_bytes(FILE *f, const unsigned char *s, size_t n);

/*
 * Bytes from the data or a partial (a name, a host, an error) for a
 * terminal: printable ASCII as it is; control bytes, '\\' and bytes past
 * ASCII as \xNN, so that no ESC sequence reaches the terminal.
 */
void output_text_bytes(FILE *f, const char *s, size_t n);
void output_text(FILE *f, const char *s);
char *output_text_dup(const char *s);	/* malloc()ed; NULL out of memory */

/* A group's key as text: the field's bytes (as output_text() shows them), a value, or null. */
void output_key_text(const struct bpfq_key *k, char *buf, size_t size);

#endif /* BPFQ_OUTPUT_H */
