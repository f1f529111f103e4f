// SPDX-License-Identifier: MIT
/*
 * bpfq merge: combine --partial lines (from files, standard input, or
 * pdsh/clush output with its "host: " prefixes) into the answer one query
 * over all the data would give. Any doubt is an error, never an answer:
 * a failed host, a different query, a line that is not a partial, or fewer
 * partials than --expect.
 */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/merge.h"
#include "cmd/options.h"
#include "cmd/output.h"
#include "cmd/partial.h"
#include "lang/eval.h"

struct merge {
	enum format format;
	long expect;		/* --expect; 0: any number */
	char **files;
	int nfiles;
	long count;		/* partials merged */
	struct partial head;	/* the first partial: select, names and kinds */
	struct bpfq_result total;
};

static const char merge_doc[] =
	"Combine the --partial output of bpfq runs (on many hosts) into one exact answer.\v"
	"Lines may carry a 'host: ' prefix, as pdsh and clush print. Examples:\n"
	"  pdsh -w 'store[01-64]' \"bpfq --partial 'sum(x) from /data/n.txt'\" | bpfq merge --expect=64\n"
	"  for h in a b c; do ssh $h \"bpfq --partial 'avg(x) from n.txt'\"; done | bpfq merge\n"
	"Exit status: 0 answer printed; 2 usage error; 3 a partial is missing, failed,\n"
	"malformed, or from a different query.";

static const struct argp_option merge_options[] = {
	{ "expect", 'n', "N", 0, "Fail unless exactly N partials are read", 0 },
	{ "output", 'o', "FORMAT", 0, "text (default), json or csv", 0 },
	{ 0 },
};

static error_t merge_opt(int key, char *arg, struct argp_state *state)
{
	struct merge *m = state->input;
	char *end;

	switch (key) {
	case 'n':
		errno = 0;
		m->expect = strtol(arg, &end, 10);
		if (errno || *end || end == arg || m->expect < 1)
			argp_error(state, "--expect takes a count of at least 1, not '%s'", arg);
		break;
	case 'o':
		if (options_parse_format(arg, &m->format))
			argp_error(state, "-o takes text, json or csv, not '%s'", arg);
		break;
	case ARGP_KEY_ARGS:
		m->files = state->argv + state->next;
		m->nfiles = state->argc - state->next;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int add_u64(__u64 *to, __u64 v)
{
	return __builtin_add_overflow(*to, v, to) ? -1 : 0;
}

static int add_agg(struct bpfq_agg *to, const struct bpfq_agg *a)
{
	i128 sum;

	if (add_u64(&to->count, a->count) ||
	    __builtin_add_overflow(output_agg_sum(to), output_agg_sum(a), &sum))
		return -1;
	to->sum_lo = (__u64)sum;
	to->sum_hi = (__s64)(sum >> 64);
	if (a->count && a->min < to->min)
		to->min = a->min;
	if (a->count && a->max > to->max)
		to->max = a->max;
	return 0;
}

static bool same_query(const struct partial *a, const struct partial *b)
{
	if (strcmp(a->select, b->select) || a->naggs != b->naggs)
		return false;
	for (int i = 0; i < a->naggs; i++)
		if (a->kinds[i] != b->kinds[i])
			return false;
	return true;
}

/* Fold one partial into the total. Messages name the source line. */
static int merge_one(struct merge *m, struct partial *p, const char *where)
{
	struct bpfq_result *t = &m->total;

	if (p->status) {
		fprintf(stderr, "bpfq merge: error: %s: the query failed on %s (status %d): %s\n",
			where, *p->host ? p->host : "its host", p->status, p->error);
		return -1;
	}
	if (!m->count) {
		m->head = *p;
		memset(p, 0, sizeof(*p));	/* head owns select and names now */
		p = &m->head;
	} else if (!same_query(&m->head, p)) {
		fprintf(stderr, "bpfq merge: error: %s: a partial of '%s' cannot merge with '%s'\n",
			where, p->select, m->head.select);
		return -1;
	}
	m->count++;
	for (int i = 0; i < p->naggs; i++)
		if (add_agg(&t->aggs[i], &p->result.aggs[i]))
			goto overflow;
	if (add_u64(&t->values, p->result.values) || add_u64(&t->matched, p->result.matched) ||
	    add_u64(&t->malformed, p->result.malformed))
		goto overflow;
	return 0;
overflow:
	fprintf(stderr, "bpfq merge: error: %s: the merged counts overflow\n", where);
	return -1;
}

/* "FILE:LINE", and "(host)" when pdsh or clush put "host: " before the partial. */
static void describe_line(char *where, size_t size, const char *line, const char *file,
			  long lineno)
{
	const char *colon = strstr(line, ": "), *json = strchr(line, '{');

	if (colon && (!json || colon < json) && colon > line)
		snprintf(where, size, "%s:%ld (%.*s)", file, lineno, (int)(colon - line), line);
	else
		snprintf(where, size, "%s:%ld", file, lineno);
}

static int merge_line(struct merge *m, char *line, const char *file, long lineno)
{
	char where[512], *json = strchr(line, '{');
	struct partial p;
	const char *err = NULL;
	int rc;

	line[strcspn(line, "\r\n")] = 0;
	describe_line(where, sizeof(where), line, file, lineno);
	if (!json || partial_parse(json, &p, &err)) {
		fprintf(stderr, "bpfq merge: error: %s: not a bpfq partial%s%s\n", where,
			err ? ": " : "", err ? err : "");
		return -1;
	}
	rc = merge_one(m, &p, where);
	partial_free(&p);
	return rc;
}

static int merge_stream(struct merge *m, FILE *f, const char *file)
{
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;

	while (!rc && getline(&line, &cap, f) > 0) {
		lineno++;
		if (line[strspn(line, " \t\r\n")])
			rc = merge_line(m, line, file, lineno);
	}
	if (!rc && ferror(f)) {
		fprintf(stderr, "bpfq merge: error: reading %s: %s\n", file, strerror(errno));
		rc = -1;
	}
	free(line);
	return rc;
}

static int merge_file(struct merge *m, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int rc;

	if (!f) {
		fprintf(stderr, "bpfq merge: error: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	rc = merge_stream(m, f, f == stdin ? "<stdin>" : path);
	if (f != stdin)
		fclose(f);
	return rc;
}

static int merge_print(struct merge *m)
{
	struct answer a = { .naggs = m->head.naggs, .kinds = m->head.kinds,
			    .names = m->head.names, .result = &m->total };

	if (!m->count) {
		fprintf(stderr, "bpfq merge: error: no partials read\n");
		return EXIT_INPUT;
	}
	if (m->expect && m->count != m->expect) {
		fprintf(stderr, "bpfq merge: error: expected %ld partials, read %ld; no answer\n",
			m->expect, m->count);
		return EXIT_INPUT;
	}
	if (m->total.malformed)
		fprintf(stderr, "bpfq merge: warning: the runs skipped %llu tokens that are not "
				"int64 integers (each run's stderr says where)\n",
			(unsigned long long)m->total.malformed);
	output_answer(stdout, m->format, &a);
	return fflush(stdout) ? EXIT_INPUT : EXIT_OK;
}

int merge_main(int argc, char **argv)
{
	struct argp argp = { merge_options, merge_opt, "[FILE...|-]", merge_doc, NULL, NULL, NULL };
	struct merge m = { 0 };
	int status = EXIT_INPUT;

	argp_err_exit_status = EXIT_QUERY;
	argp_parse(&argp, argc, argv, 0, NULL, &m);
	result_init(&m.total);
	if (!m.nfiles && merge_file(&m, "-"))
		goto cleanup;
	for (int i = 0; i < m.nfiles; i++)
		if (merge_file(&m, m.files[i]))
			goto cleanup;
	status = merge_print(&m);
cleanup:
	partial_free(&m.head);
	return status;
}
