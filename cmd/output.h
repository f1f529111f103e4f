/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_OUTPUT_H
#define BPFQ_OUTPUT_H

#include <stdio.h>
#include "cmd/options.h"
#include "cmd/stats.h"
#include "lang/ast.h"
#include "bpf-templates/bpfq_state.h"

typedef __int128 i128;

/* The 128-bit sum an aggregate keeps. */
i128 output_agg_sum(const struct bpfq_agg *a);

void output_i128(FILE *f, i128 v);

/*
 * One aggregate's value as text: a count, an exact sum, min, max, avg
 * (sum / count rounded half away from zero to 6 decimals, trailing zeros
 * cut), true/false for exists; "null" for an aggregate of no values (SQL).
 */
void output_value(FILE *f, enum agg_kind agg, const struct bpfq_agg *a);

/* What a result block is printed from; names[i] labels aggs[i]. */
struct answer {
	const char *query;	/* as typed, for -o json; NULL in merge */
	int naggs;
	const enum agg_kind *kinds;
	char **names;
	const struct bpfq_result *result;
	const struct run_stats *stats;	/* -s with -o json; else NULL */
};

/*
 * text: one aggregate prints its bare value, several print "name: value"
 * lines. json: one object on one line. csv: a header line and a row.
 */
void output_answer(FILE *f, enum format format, const struct answer *a);

/* JSON string literal for s. */
void output_json_string(FILE *f, const char *s);

#endif /* BPFQ_OUTPUT_H */
