/* SPDX-License-Identifier: MIT */
/*
 * --partial and bpfq merge. A partial is one JSON line with the mergeable
 * state of every aggregate (and of every group), exactly as the engines
 * keep it, so partials from many hosts combine into the exact answer of
 * one query over all the data:
 *
 *   {"bpfq_partial":3,"host":"store01","select":"sum(x) where x > 5",
 *    "records":..,"matched":..,"malformed":..,"empty":..,"bad":..,"missing":..,
 *    "aggregates":[{"name":"sum(x)","kind":"sum","words":13,"buckets":0,
 *                   "lo":0,"hi":0,"step":0,"q":0}],
 *    "state":[[word,value],...]}                      (the nonzero words)
 *
 * with by, "by":"$1" and "groups":[{"kind":K,"key":"hex","state":[...]}]
 * instead of "state". A run that fails prints
 * {"bpfq_partial":3,"host":..,"status":3,"error":".."}, so a merge never
 * passes a missing part off as the whole.
 */
#ifndef BPFQ_PARTIAL_H
#define BPFQ_PARTIAL_H

#include <stdio.h>
#include "cmd/output.h"
#include "lang/front/ast.h"
#include "lang/value/distinct.h"

#define PARTIAL_VERSION 3

/* The select list, where and by clauses, normalized: what partials must share to merge. */
char *partial_select(const struct query *q);

void partial_print(FILE *f, const char *select, const struct answer *a);

/*
 * How each field the query uses is read, a letter a field: 'n' a number,
 * 't' text, 'T' a time. Each run samples its own input's first records
 * for a column's kind, so two pieces of one file may read a column
 * apart: their partials must not merge.
 */
void partial_kinds(const struct query *q, char kinds[BPFQ_MAX_SLOTS + 1]);
void partial_print_error(FILE *f, int status, const char *error);

/* One partial, read back. */
struct partial {
	char host[256];
	char *select;		/* malloc()ed */
	int status;		/* nonzero: the run failed, error says why */
	char error[256];
	int naggs;
	struct agg_desc descs[BPFQ_MAX_AGGS];
	char *names[BPFQ_MAX_AGGS];	/* malloc()ed */
	char *key_name;		/* by's label (the first key's); NULL without by */
	int nkeys;		/* by k1, k2, ...: how many; 0 with a single key */
	char *key_names[BPFQ_MAX_KEYS];	/* and each one's label, malloc()ed */
	unsigned key_time;	/* bit i: key i is a time */
	unsigned key_clock;	/* and a timestamp, not a date */
	char kinds[BPFQ_MAX_SLOTS + 1];	/* partial_kinds(); "" when the partial says none */
	struct bpfq_result result;
	int words;		/* of an area */
	uint64_t *area;		/* without by */
	struct exact_values values;	/* quantile_exact's */
	unsigned distinct_items;	/* bit i: item i is a count_distinct whose values it has */
	struct distinct_set distinct;	/* theirs: each value's group the merge's hash of its key */
	struct groups *groups;	/* with by */
};

/*
 * Parse the JSON of one line (after any "host: " prefix), len bytes. -1
 * when it is not a partial, with err (size bytes) saying why.
 */
int partial_parse(const char *json, size_t len, struct partial *p, char *err, size_t size);
void partial_free(struct partial *p);

#endif /* BPFQ_PARTIAL_H */
