/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_OUTPUT_H
#define BPFQ_OUTPUT_H

#include <stdio.h>
#include "cmd/escape.h"
#include "cmd/options.h"
#include "cmd/stats.h"
#include "lang/engine/groups.h"
#include "lang/value/distinct.h"
#include "lang/value/exact.h"
#include "lang/value/values.h"

/* What a result block is printed from; names[i] labels descs[i]. */
struct answer {
	const char *query;	/* as typed, for -o json; NULL in merge */
	int naggs;
	const struct agg_desc *descs;
	char **names;
	const struct bpfq_result *result;
	const uint64_t *area;	/* the states, without by */
	const char *key_name;	/* with by: its label ("$1"), the first's of several; else NULL */
	int nkeys;		/* with by k1, k2, ...: how many; 0 or 1 with a single key */
	char *const *key_names;	/* with several: each one's label */
	unsigned key_time;	/* with by: bit i, key i is a time (a partial says so) */
	unsigned key_clock;	/* and a timestamp, not a date */
	const struct group *groups;	/* with by: sorted */
	long ngroups;
	const struct run_stats *stats;	/* -s with -o json; else NULL */
	const struct exact_values *values;	/* --partial: quantile_exact's; else NULL */
	unsigned distinct_items;	/* --partial: bit i, count_distinct i's values are in: */
	const struct distinct_set *distinct;
	const char *kinds;	/* --partial: how each used field was read (partial_kinds()) */
};

/*
 * A warning for each quantile whose values passed --max-values (max, or
 * 0 in merge: a run's), so that its answer is its sketch's estimate.
 */
void output_estimate_warnings(FILE *f, const char *prog, const struct answer *a, long max);

/* Where item i's state starts in an area. */
int output_offset(const struct answer *a, int i);

/*
 * text: one aggregate prints its bare value (a histogram its bars, as
 * bpftrace draws them), several print "name: value" lines; with by, a
 * table sorted by key. json: one object on one line. csv: a header line
 * and a row per group (a histogram alone: a row per bucket).
 */
void output_answer(FILE *f, enum format format, const struct answer *a);

/*
 * Whether every min and max of text has an answer to print: one longer
 * than the bytes kept has not, and is an error ("PROG: error: ..." on f).
 */
bool output_check_text(FILE *f, const char *prog, const struct answer *a);

/*
 * Keys that are times (BPFQ_K_INT) print as times; they sort as their
 * microseconds did. mask: bit i, key i of several is a time (1: a single key);
 * clocks: which of those are timestamps, shown with their time of day.
 */
void output_time_keys(struct group *g, long n, unsigned mask, unsigned clocks);

/* Key column j of group g: its key, or key j of its several (into *tmp). */
const struct bpfq_key *output_key_at(const struct answer *a, long g, int j, struct bpfq_key *tmp);

/* How many key columns: 0 without by. */
int output_nkeys(const struct answer *a);

/* Key column j's label. */
const char *output_key_name(const struct answer *a, int j);

/* A group's key as text: the field's bytes (as escape_text() shows them), a value, or null. */
void output_key_text(const struct bpfq_key *k, char *buf, size_t size);

#endif /* BPFQ_OUTPUT_H */
