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

#include "cmd/merge/merge.h"
#include "cmd/merge/partial.h"
#include "cmd/messages.h"
#include "cmd/options.h"
#include "cmd/output.h"
#include "cmd/post.h"
#include "lang/front/parser.h"
#include "runtime/privs.h"

struct group_hash_area {
	uint64_t hash;		/* distinct_group_hash() of the group's key */
	uint64_t *area;
};

struct merge {
	enum format format;
	long expect;		/* --expect; 0: any number */
	char **files;
	int nfiles;
	long count;		/* partials merged */
	struct partial head;	/* the first partial: select, aggregates, the running total */
	bool distinct_full;	/* the union of count_distinct's values passed DISTINCT_LIMIT */
};

static const char merge_doc[] =
	"Combine the --partial output of bpfq runs (on many hosts) into one exact answer.\v"
	"Lines may carry a 'host: ' prefix, as pdsh and clush print. Examples:\n"
	"  pdsh -w 'store[01-64]' \"bpfq --partial 'sum(x) from /data/n.txt'\" | bpfq merge --expect=64\n"
	"  for h in a b c; do ssh $h \"bpfq --partial 'avg(x) from n.txt'\"; done | bpfq merge\n"
	"Exit status: 0 answer printed; 2 usage error; 3 a partial is missing, failed,\n"
	"malformed, or from a different query, or a file cannot be read.";

static const struct argp_option merge_options[] = {
	{ "expect", 'n', "N", 0, "Fail unless exactly N partials are read", 0 },
	{ "output", 'o', "FORMAT", 0, "text (default), json or csv", 0 },
	{ 0 },
};

static error_t merge_opt(int key, char *arg, struct argp_state *state)
{
	struct merge *m = state->input;
	char *end, near[64];

	switch (key) {
	case 'n':
		errno = 0;
		m->expect = strtol(arg, &end, 10);
		if (errno || *end || end == arg || m->expect < 1)
			argp_error(state, "--expect takes a count of at least 1, not '%s'", arg);
		break;
	case 'o':
		if (options_parse_format(arg, &m->format))
			argp_error(state, "-o takes text, json or csv, not '%s'%s", arg,
				   options_format_near(arg, near, sizeof(near)));
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

static bool same_query(const struct partial *a, const struct partial *b)
{
	if (strcmp(a->select, b->select) || a->naggs != b->naggs || !a->key_name != !b->key_name ||
	    a->nkeys != b->nkeys ||
	    a->key_time != b->key_time || a->key_clock != b->key_clock ||
	    a->distinct_items != b->distinct_items)
		return false;
	for (int i = 0; i < a->naggs; i++) {
		const struct agg_desc *x = &a->descs[i], *y = &b->descs[i];

		if (x->kind != y->kind || x->words != y->words || x->nbuckets != y->nbuckets ||
		    x->lo != y->lo || x->hi != y->hi || x->step != y->step || x->q != y->q ||
		    x->time != y->time || x->clock != y->clock || x->mid != y->mid ||
		    x->share != y->share)
			return false;
	}
	return true;
}

static int add_u64(__u64 *to, __u64 v)
{
	return __builtin_add_overflow(*to, v, to) ? -1 : 0;
}

/* Every aggregate of one area into another. */
static int merge_area(const struct partial *head, uint64_t *to, const uint64_t *from)
{
	int off = 0;

	for (int i = 0; i < head->naggs; i++) {
		if (agg_merge(&head->descs[i], to + off, from + off))
			return -1;
		off += head->descs[i].words;
	}
	return 0;
}

static int merge_groups(struct partial *head, struct partial *p)
{
	long n;
	struct group *g = groups_sorted(p->groups, &n);

	for (long i = 0; g && i < n; i++) {
		bool added;
		uint64_t *to = groups_get(head->groups, &g[i].key, &added);

		if (!to || merge_area(head, to, g[i].area))
			return -1;
	}
	return g ? 0 : -1;
}

static int merge_counters(struct bpfq_result *t, const struct bpfq_result *r)
{
	return add_u64(&t->records, r->records) || add_u64(&t->matched, r->matched) ||
	       add_u64(&t->malformed, r->malformed) || add_u64(&t->empty, r->empty) ||
	       add_u64(&t->bad, r->bad) || add_u64(&t->badtime, r->badtime) ||
	       add_u64(&t->missing, r->missing) ||
	       add_u64(&t->rounded, r->rounded) || add_u64(&t->nulls[0], r->nulls[0]) ||
	       add_u64(&t->nulls[1], r->nulls[1]) || add_u64(&t->nulls[2], r->nulls[2]) ||
	       add_u64(&t->nulls[3], r->nulls[3]) || add_u64(&t->nulls[4], r->nulls[4]) ? -1 : 0;
}

/* count_distinct: p's values into the head's, the union (counted in count_distinct()). */
static void join_distinct(struct merge *m, const struct partial *p)
{
	const struct bpfq_dkey *k;
	size_t at = 0;

	while ((k = distinct_next(&p->distinct, &at)))
		if (distinct_add(&m->head.distinct, k) < 0)
			m->distinct_full = true;
}

/* Item i's state of the group whose key hashes to group (or the area without by). */
static uint64_t *distinct_state(const struct partial *h, const struct group_hash_area *g, long ng,
				const struct bpfq_dkey *k)
{
	long lo = 0, hi = ng;
	int off = 0;

	for (uint32_t i = 0; i < k->item; i++)
		off += h->descs[i].words;
	if (!h->key_name)
		return h->area + off;
	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;

		if (g[mid].hash < k->group)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ng && g[lo].hash == k->group ? g[lo].area + off : NULL;
}

static int by_hash(const void *pa, const void *pb)
{
	const struct group_hash_area *a = pa, *b = pb;

	return a->hash < b->hash ? -1 : a->hash > b->hash;
}

/* Each set item's state: not full, its count the union's; full, the estimate. */
static void reset_distinct(const struct partial *h, uint64_t *area, bool full)
{
	int off = 0;

	for (int i = 0; i < h->naggs; off += h->descs[i++].words) {
		if (!(h->distinct_items >> i & 1))
			continue;
		area[off + BPFQ_DISTINCT_NEW] = 0;
		area[off + BPFQ_DISTINCT_FULL] |= full;
	}
}

/*
 * count_distinct of the partials that carry their values: the union's
 * count in each group (the runs' own counts add up only when their
 * values are apart). -1 when out of memory.
 */
static int count_distinct(struct merge *m, const struct group *groups, long ng)
{
	struct partial *h = &m->head;
	struct group_hash_area *g = calloc((size_t)ng + 1, sizeof(*g));
	const struct bpfq_dkey *k;
	size_t at = 0;

	if (!h->distinct_items || !g) {
		free(g);
		return h->distinct_items ? -1 : 0;
	}
	for (long i = 0; i < ng; i++) {
		g[i] = (struct group_hash_area){ distinct_group_hash(&groups[i].key), groups[i].area };
		reset_distinct(h, groups[i].area, m->distinct_full);
	}
	if (!h->key_name)
		reset_distinct(h, h->area, m->distinct_full);
	qsort(g, (size_t)ng, sizeof(*g), by_hash);
	while ((k = distinct_next(&h->distinct, &at))) {
		uint64_t *s = distinct_state(h, g, ng, k);

		if (s && !s[BPFQ_DISTINCT_FULL])
			s[BPFQ_DISTINCT_NEW]++;
	}
	free(g);
	return 0;
}

/* Fold one partial into the first. Messages name the source line. */
static int merge_one(struct merge *m, struct partial *p, const char *where)
{
	struct partial *head = &m->head;

	if (p->status) {
		fprintf(stderr, "bpfq merge: error: %s: the query failed on ", where);
		escape_text(stderr, *p->host ? p->host : "its host");
		fprintf(stderr, " (status %d): ", p->status);
		escape_text(stderr, p->error);
		fputc('\n', stderr);
		return -1;
	}
	m->count++;
	if (m->count == 1) {
		*head = *p;
		memset(p, 0, sizeof(*p));	/* the head owns it all now */
		return 0;
	}
	/*
	 * A partial of no records (an empty file) holds nothing, and its
	 * kinds were sampled from nothing (a text column is a number there):
	 * it joins any partial of the same query, which then leads.
	 */
	if (!same_query(head, p) && !strcmp(head->select, p->select) &&
	    (!p->result.records || !head->result.records)) {
		if (merge_counters(&head->result, &p->result)) {
			fprintf(stderr, "bpfq merge: error: %s: the merged counts overflow\n", where);
			return -1;
		}
		if (!p->result.records)
			return 0;
		p->result = head->result;
		partial_free(head);
		*head = *p;
		memset(p, 0, sizeof(*p));
		return 0;
	}
	/* An empty partial's kinds were sampled from nothing: the other's lead. */
	if (same_query(head, p) && strcmp(head->kinds, p->kinds) && !head->result.records)
		memcpy(head->kinds, p->kinds, sizeof(head->kinds));
	if (same_query(head, p) && strcmp(head->kinds, p->kinds) && p->result.records) {
		fprintf(stderr, "bpfq merge: error: %s: its run read the fields as '%s' (n a number, "
			"t text, T a time), the first partial's as '%s': each run takes a column's kind "
			"from its own input's first records\n", where, p->kinds, head->kinds);
		return -1;
	}
	if (!same_query(head, p)) {
		fprintf(stderr, "bpfq merge: error: %s: a partial of '", where);
		escape_text(stderr, p->select);
		fputs("' cannot merge with '", stderr);
		escape_text(stderr, head->select);
		fputs("'\n", stderr);
		return -1;
	}
	if (exact_add_all(&head->values, p->values.v, p->values.n)) {
		fprintf(stderr, "bpfq merge: error: %s: out of memory\n", where);
		return -1;
	}
	join_distinct(m, p);
	if (merge_counters(&head->result, &p->result) ||
	    (head->key_name ? merge_groups(head, p) : merge_area(head, head->area, p->area))) {
		fprintf(stderr, "bpfq merge: error: %s: the merged counts overflow\n", where);
		return -1;
	}
	return 0;
}

/*
 * "FILE:LINE", and "(host)" when pdsh or clush put "host: " before the
 * partial; the host as escape_text() shows it, for it is the line's.
 */
static void describe_line(char *where, size_t size, const char *line, size_t len,
			  const char *file, long lineno)
{
	const char *json = memchr(line, '{', len), *colon = memmem(line, len, ": ", 2);
	char *text = NULL;
	size_t n = 0;
	FILE *m;

	if (!colon || (json && colon > json) || colon == line || !(m = open_memstream(&text, &n))) {
		snprintf(where, size, "%s:%ld", file, lineno);
		return;
	}
	escape_text_bytes(m, line, colon - line);
	if (fclose(m))
		snprintf(where, size, "%s:%ld", file, lineno);
	else
		snprintf(where, size, "%s:%ld (%s)", file, lineno, text);
	free(text);
}

static int merge_line(struct merge *m, char *line, size_t len, const char *file, long lineno)
{
	char where[512], err[256] = "";
	const char *json;
	struct partial p;
	int rc;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	describe_line(where, sizeof(where), line, len, file, lineno);
	json = memchr(line, '{', len);
	if (!json || partial_parse(json, len - (json - line), &p, err, sizeof(err))) {
		fprintf(stderr, "bpfq merge: error: %s: not a bpfq partial%s%s\n", where,
			*err ? ": " : "", err);
		return -1;
	}
	rc = merge_one(m, &p, where);
	partial_free(&p);
	return rc;
}

/* A line at a time: partials are one line each, and pdsh prefixes every line. */
static int merge_stream(struct merge *m, FILE *f, const char *file)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;

	while (!rc && (len = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (strspn(line, " \t\r\n") < (size_t)len)
			rc = merge_line(m, line, len, file, lineno);
	}
	if (!rc && ferror(f)) {
		fprintf(stderr, "bpfq merge: error: reading %s: %s\n", file, strerror(errno));
		rc = -1;
	}
	free(line);
	return rc;
}

/* With the caller's rights under sudo: a partial is the caller's file, not root's. */
static int merge_file(struct merge *m, const char *path)
{
	FILE *f = strcmp(path, "-") ? privs_fopen(path) : stdin;
	int err = f ? ENOMEM : errno;
	char *name = escape_text_dup(f == stdin ? "<stdin>" : path);
	int rc = -1;

	if (!f || !name) {
		fprintf(stderr, "bpfq merge: error: cannot open '%s': %s\n", name ? name : "?",
			strerror(err));
	} else {
		rc = merge_stream(m, f, name);
	}
	if (f && f != stdin)
		fclose(f);
	free(name);
	return rc;
}

/* The merged answer as the query asks it: its columns, having, order by, limit. */
static int print_final(struct merge *m, const struct answer *a)
{
	struct partial *h = &m->head;
	struct query q = { 0 };
	struct diag d = { 0 };
	struct post post;
	bool bad = false;
	int status = EXIT_OK;

	/* A select that does not parse (none did before) asks for nothing after the merge. */
	if (!parse_query(h->select, strlen(h->select), &q, &d) ||
	    !post_resolve(&q, h->names, h->descs, h->naggs, &bad)) {
		output_answer(stdout, m->format, a);
	} else if (!bad) {
		if ((status = post_apply(&q, a, &post)) == EXIT_OK)
			output_answer(stdout, m->format, &post.a);
		post_free(&post);
	} else {
		fprintf(stderr, "bpfq merge: error: the partials' query does not match their "
				"aggregates\n");
		status = EXIT_INPUT;
	}
	query_free(&q);
	return status;
}

static int merge_print(struct merge *m)
{
	int status;
	struct partial *h = &m->head;
	struct group *groups = NULL;
	struct answer a = { .naggs = h->naggs, .descs = h->descs, .names = h->names,
			    .result = &h->result, .area = h->area, .key_name = h->key_name,
			    .nkeys = h->nkeys, .key_names = h->key_names };

	if (!m->count) {
		fprintf(stderr, "bpfq merge: error: no partials read\n");
		return EXIT_INPUT;
	}
	if (m->expect && m->count != m->expect) {
		fprintf(stderr, "bpfq merge: error: expected %ld partials, read %ld; no answer\n",
			m->expect, m->count);
		return EXIT_INPUT;
	}
	if (h->result.malformed || h->result.empty || h->result.bad || h->result.missing ||
	    h->result.badtime || bpfq_nulls(&h->result))
		fprintf(stderr, "bpfq merge: warning: the runs skipped %llu malformed tokens and read "
				"%llu fields as NULL (each run's stderr says where)\n",
			(unsigned long long)h->result.malformed,
			(unsigned long long)(h->result.empty + h->result.bad + h->result.missing +
					     h->result.badtime + bpfq_nulls(&h->result)));
	if (h->result.rounded)
		fprintf(stderr, "bpfq merge: warning: the runs rounded %llu values with more than 18 "
				"decimals to 18 (each run's stderr says where)\n",
			(unsigned long long)h->result.rounded);
	if (h->key_name && !(a.groups = groups = groups_sorted(h->groups, &a.ngroups))) {
		fprintf(stderr, "bpfq merge: error: out of memory\n");
		return EXIT_INPUT;
	}
	/* before the keys are made times: the values name their groups by the keys' hashes */
	if (count_distinct(m, groups, a.ngroups)) {
		fprintf(stderr, "bpfq merge: error: out of memory\n");
		return EXIT_INPUT;
	}
	if (h->key_time)
		output_time_keys(groups, a.ngroups, h->key_time, h->key_clock);
	if (!output_check_text(stderr, "bpfq merge", &a))
		return EXIT_INPUT;
	exact_answer(h->descs, h->naggs, &h->values, h->area);
	messages_distinct_estimates(stderr, "bpfq merge", &a, "a run's values passed its "
				    "--max-distinct, or the runs' sets could not be joined; raise "
				    "--max-distinct there for an exact count");
	output_estimate_warnings(stderr, "bpfq merge", &a, 0);
	status = print_final(m, &a);
	return fflush(stdout) ? EXIT_INPUT : status;
}

int merge_main(int argc, char **argv)
{
	struct argp argp = { merge_options, merge_opt, "[FILE...|-]", merge_doc, NULL, NULL, NULL };
	struct merge m = { 0 };
	int status = EXIT_INPUT;

	argp_err_exit_status = EXIT_QUERY;
	argp_parse(&argp, argc, argv, 0, NULL, &m);
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
