// SPDX-License-Identifier: MIT
/* --partial lines: printing them, and reading them back for bpfq merge. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/json_read.h"
#include "cmd/partial.h"
#include "lang/sema.h"

char *partial_select(const struct query *q)
{
	char *text = NULL, label[1024];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	for (int i = 0; i < q->nitems; i++) {
		ast_render(q, q->items[i], label, sizeof(label));
		fprintf(f, "%s%s", i ? ", " : "", label);
	}
	if (q->where) {
		ast_render(q, q->where, label, sizeof(label));
		fprintf(f, " where %s", label);
	}
	return fclose(f) ? (free(text), NULL) : text;
}

static void print_head(FILE *f)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	fprintf(f, "{\"bpfq_partial\":%d,\"host\":", PARTIAL_VERSION);
	output_json_string(f, host);
}

static void print_agg(FILE *f, const char *name, enum agg_kind kind, const struct bpfq_agg *a)
{
	fputs("{\"name\":", f);
	output_json_string(f, name);
	fprintf(f, ",\"kind\":\"%s\",\"count\":%" PRIu64 ",\"sum\":", agg_name(kind),
		(uint64_t)a->count);
	output_i128(f, output_agg_sum(a));
	fprintf(f, ",\"min\":%" PRId64 ",\"max\":%" PRId64 "}", (int64_t)a->min, (int64_t)a->max);
}

void partial_print(FILE *f, const char *select, const struct answer *a)
{
	const struct bpfq_result *r = a->result;

	print_head(f);
	fputs(",\"select\":", f);
	output_json_string(f, select);
	fprintf(f, ",\"values\":%" PRIu64 ",\"matched\":%" PRIu64 ",\"malformed\":%" PRIu64
		   ",\"aggregates\":[", (uint64_t)r->values, (uint64_t)r->matched,
		(uint64_t)r->malformed);
	for (int i = 0; i < a->naggs; i++) {
		if (i)
			fputc(',', f);
		print_agg(f, a->names[i], a->kinds[i], &r->aggs[i]);
	}
	fputs("]}\n", f);
}

void partial_print_error(FILE *f, int status, const char *error)
{
	print_head(f);
	fprintf(f, ",\"status\":%d,\"error\":", status);
	output_json_string(f, error);
	fputs("}\n", f);
}

/* Integer members, range-checked: a partial is input, not trusted. */
static int get_int(const struct json *obj, const char *key, i128 lo, i128 hi, i128 *v)
{
	const struct json *j = json_get(obj, key);
	const char *p;
	i128 n = 0;
	bool neg;

	if (!j || j->kind != JSON_NUMBER)
		return -1;
	p = j->text;
	neg = *p == '-';
	p += neg;
	if (!*p || strlen(p) > 39)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (*p - '0');
	}
	*v = neg ? -n : n;
	return *v < lo || *v > hi ? -1 : 0;
}

#define U64_MAX_ ((i128)UINT64_MAX)
#define S64_MIN_ ((i128)INT64_MIN)
#define S64_MAX_ ((i128)INT64_MAX)
/* |sum| <= count * 2^63 and count < 2^64: it fits 128 bits. */
#define S128_MAX_ ((i128)(((unsigned __int128)1 << 127) - 1))

static enum agg_kind kind_by_name(const char *name)
{
	for (int k = AGG_COUNT; k <= AGG_EXISTS; k++)
		if (!strcmp(agg_name(k), name))
			return k;
	return AGG_NONE;
}

static int parse_agg(const struct json *j, struct partial *p, const char **err)
{
	const struct json *name = json_get(j, "name"), *kind = json_get(j, "kind");
	struct bpfq_agg *a = &p->result.aggs[p->naggs];
	i128 count, sum, min, max;

	if (!name || name->kind != JSON_STRING || !kind || kind->kind != JSON_STRING ||
	    kind_by_name(kind->text) == AGG_NONE || get_int(j, "count", 0, U64_MAX_, &count) ||
	    get_int(j, "sum", -S128_MAX_, S128_MAX_, &sum) ||
	    get_int(j, "min", S64_MIN_, S64_MAX_, &min) ||
	    get_int(j, "max", S64_MIN_, S64_MAX_, &max)) {
		*err = "an aggregate lacks name, kind, count, sum, min or max";
		return -1;
	}
	p->kinds[p->naggs] = kind_by_name(kind->text);
	p->names[p->naggs] = strdup(name->text);
	*a = (struct bpfq_agg){ .count = count, .sum_lo = (uint64_t)sum,
				.sum_hi = (int64_t)(sum >> 64), .min = min, .max = max };
	p->naggs++;
	return 0;
}

static int parse_error_partial(const struct json *j, struct partial *p, const char **err)
{
	const struct json *e = json_get(j, "error");
	i128 status;

	if (get_int(j, "status", 1, 255, &status) || !e || e->kind != JSON_STRING) {
		*err = "a failed run's partial lacks its status or error";
		return -1;
	}
	p->status = status;
	snprintf(p->error, sizeof(p->error), "%s", e->text);
	return 0;
}

static int parse_fields(const struct json *j, struct partial *p, const char **err)
{
	const struct json *v = json_get(j, "bpfq_partial"), *host = json_get(j, "host");
	const struct json *select = json_get(j, "select"), *aggs = json_get(j, "aggregates");
	i128 values, matched, malformed;

	if (!v || v->kind != JSON_NUMBER || strcmp(v->text, "1")) {
		*err = "not a bpfq partial of version 1";
		return -1;
	}
	if (host && host->kind == JSON_STRING)
		snprintf(p->host, sizeof(p->host), "%s", host->text);
	if (json_get(j, "error"))
		return parse_error_partial(j, p, err);
	if (!select || select->kind != JSON_STRING || !aggs || aggs->kind != JSON_ARRAY ||
	    get_int(j, "values", 0, U64_MAX_, &values) ||
	    get_int(j, "matched", 0, U64_MAX_, &matched) ||
	    get_int(j, "malformed", 0, U64_MAX_, &malformed)) {
		*err = "a partial lacks select, values, matched, malformed or aggregates";
		return -1;
	}
	p->select = strdup(select->text);
	p->result.values = values;
	p->result.matched = matched;
	p->result.malformed = malformed;
	for (const struct json *a = aggs->child; a; a = a->next) {
		if (p->naggs == BPFQ_MAX_AGGS) {
			*err = "too many aggregates";
			return -1;
		}
		if (parse_agg(a, p, err))
			return -1;
	}
	return p->naggs ? 0 : (*err = "a partial with no aggregates", -1);
}

int partial_parse(const char *text, struct partial *p, const char **err)
{
	struct json *j = json_parse(text, err);
	int rc = -1;

	memset(p, 0, sizeof(*p));
	if (j)
		rc = parse_fields(j, p, err);
	json_free(j);
	if (rc)
		partial_free(p);
	return rc;
}

void partial_free(struct partial *p)
{
	free(p->select);
	for (int i = 0; i < p->naggs; i++)
		free(p->names[i]);
	memset(p, 0, sizeof(*p));
}
