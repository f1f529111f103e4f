/* SPDX-License-Identifier: MIT */
/*
 * --partial and bpfq merge. A partial is one JSON line with the mergeable
 * state of every aggregate (count, 128-bit sum, min, max), so partials from
 * many hosts combine into the exact answer of one query over all the data.
 *
 *   {"bpfq_partial":1,"host":"store01","select":"sum(x) where x > 5",
 *    "values":..,"matched":..,"malformed":..,
 *    "aggregates":[{"name":"sum(x)","kind":"sum","count":..,"sum":..,"min":..,"max":..}]}
 *
 * A run that fails prints {"bpfq_partial":1,"host":..,"status":3,"error":".."}
 * instead, so a merge never passes a missing part off as the whole.
 */
#ifndef BPFQ_PARTIAL_H
#define BPFQ_PARTIAL_H

#include <stdio.h>
#include "cmd/output.h"
#include "lang/ast.h"

#define PARTIAL_VERSION 1

/* The select list and where clause, normalized: what partials must share to merge. */
char *partial_select(const struct query *q);

void partial_print(FILE *f, const char *select, const struct answer *a);
void partial_print_error(FILE *f, int status, const char *error);

/* One partial, read back. */
struct partial {
	char host[256];
	char *select;		/* malloc()ed */
	int status;		/* nonzero: the run failed, error says why */
	char error[256];
	int naggs;
	enum agg_kind kinds[BPFQ_MAX_AGGS];
	char *names[BPFQ_MAX_AGGS];	/* malloc()ed */
	struct bpfq_result result;
};

/* Parse the JSON of one line (after any "host: " prefix). -1 with *err when it is not a partial. */
int partial_parse(const char *json, struct partial *p, const char **err);
void partial_free(struct partial *p);

#endif /* BPFQ_PARTIAL_H */
