// SPDX-License-Identifier: MIT
/*
 * A query's inputs: the files its 'from' names (or the FILEs after it, or
 * standard input), expanded (runtime/paths.h), read one after another by
 * the engine's one program. Each file's answer is checked and warned
 * about as a single file's would be, then joined to the others' as bpfq
 * merge joins hosts', so the answer is that of their concatenation.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/messages.h"
#include "cmd/run_internal.h"
#include "lang/engine/eval.h"
#include "lang/value/aggs.h"
#include "lang/value/layout.h"
#include "runtime/header.h"

/* The query's path arguments: its own, the command line's, or standard input. */
static int path_args(struct run *r, const char *const **args, int *n, struct diag *d)
{
	static const char *const stdin_arg[] = { "-" };
	const struct query *q = &r->q;

	if (q->npaths && r->o->npaths) {
		fprintf(stderr, "bpfq: error: the query reads from '%s' and files follow it: name "
				"the input one way\n", q->path);
		return EXIT_QUERY;
	}
	*args = q->npaths ? (const char *const *)q->paths : r->o->paths;
	*n = q->npaths ? q->npaths : r->o->npaths;
	if (*n)
		return EXIT_OK;
	/* A terminal is for queries, not data (and may be the REPL's). */
	if (isatty(STDIN_FILENO)) {
		diag_set(d, (struct loc){ q->len, q->len },
			 "missing 'from PATH': which file should be read?");
		return EXIT_QUERY;
	}
	*args = stdin_arg;
	*n = 1;
	return EXIT_OK;
}

static int list_as_given(const char *const *args, int n, struct path_list *list)
{
	list->paths = calloc(n, sizeof(*list->paths));
	for (list->n = 0; list->paths && list->n < n; list->n++)
		if (!(list->paths[list->n] = strdup(args[list->n])))
			break;
	if (list->n == n)
		return EXIT_OK;
	fprintf(stderr, "bpfq: error: out of memory\n");
	paths_free(list);
	return EXIT_INPUT;
}

int run_files_find(struct run *r, struct diag *d)
{
	int status = path_args(r, &r->args, &r->nargs, d);

	/* The first path as given decides the default format (a .csv name). */
	if (status == EXIT_OK && !r->q.npaths)
		r->q.path = (char *)r->args[0];
	return status;
}

int run_files_expand(struct run *r)
{
	/* A dry run reads nothing: the paths need not exist (--dry-run=compile). */
	if (r->o->dry_run)
		return list_as_given(r->args, r->nargs, &r->files);
	if (paths_expand(r->args, r->nargs, r->o->recursive, &r->files))
		return EXIT_INPUT;
	return EXIT_OK;
}

const char *run_file_path(const struct run *r)
{
	return r->files.paths[r->file];
}

/* The path as file holds it: as given, or as a glob or folder gave it (input_open()'s name). */
static const char *run_file_name(const struct run *r)
{
	const char *path = run_file_path(r);

	return strcmp(path, "-") ? path : "<stdin>";
}

int run_file_decide(struct run *r)
{
	const char *name = run_file_name(r);
	const struct node *failed = NULL;
	uint32_t err;

	r->skip = false;
	r->file_conds = 0;
	if (!r->q.nfile_conds)
		return EXIT_OK;
	r->stats.file_conds = true;
	r->stats.files = r->files.n;
	if ((err = eval_file_conds(&r->q, name, &r->file_conds, &failed))) {
		messages_file_cond_error(stderr, &r->q, name, err, failed);
		return EXIT_INPUT;
	}
	r->skip = eval_file_rejected(&r->q, r->file_conds);
	r->stats.files_skipped += r->skip;
	if (r->skip && r->o->verbose)
		fprintf(stderr, "bpfq: '%s' not read: where is false for its path\n", name);
	return EXIT_OK;
}

int run_file_skipped(struct run *r)
{
	memset(&r->result, 0, sizeof(r->result));
	r->result.eof = 1;
	r->file_bytes = 0;
	r->area = calloc(layout_words(&r->q) + 1, sizeof(uint64_t));
	r->groups = r->q.by ? groups_new(layout_words(&r->q)) : NULL;
	if (r->area && (!r->q.by || r->groups))
		return EXIT_OK;
	fprintf(stderr, "bpfq: error: out of memory\n");
	return EXIT_INPUT;
}

/* A later csv file's header must be the first's: its columns are the query's names. */
static int same_header(struct run *r, bool first_had, const struct schema *sc)
{
	bool has = r->q.format.header_present;
	int i = 0;

	while (has && first_had && i < sc->ncols && i < r->schema.ncols &&
	       !strcmp(sc->names[i], r->schema.names[i]))
		i++;
	if (has == first_had && (!has || (i == sc->ncols && i == r->schema.ncols)))
		return EXIT_OK;
	fprintf(stderr, "bpfq: error: '%s' %s than '%s'; every file of a query has the first's "
			"columns\n", r->in.name, has != first_had ? (has ? "has a header, unlike the "
			"first file, rather" : "has no header, unlike the first file, rather")
							: "has other columns", r->files.paths[0]);
	return EXIT_INPUT;
}

int run_next_file(struct run *r)
{
	const struct input_format *f = &r->q.format;
	bool header = f->kind == INPUT_CSV && f->header != HEADER_NO, first_had = f->header_present;
	enum header_mode first_header = f->header;
	struct schema sc = { 0 };
	int status = EXIT_OK;

	input_close(&r->in);
	r->file++;
	r->settled = false;
	progress_file(&r->progress, r->file, r->files.n);
	if ((status = run_file_decide(r)) || r->skip)
		return status;
	if (input_open(&r->in, run_file_path(r), f->kind == INPUT_BINARY))
		return EXIT_INPUT;
	/*
	 * Each file: its compression, its byte order mark, its skipped lines,
	 * and its header where the first file had one (not guessed again).
	 */
	r->q.format.header = header ? (first_had ? HEADER_YES : HEADER_NO) : f->header;
	if (run_settle_input(r) || header_read(&r->in, &r->q, &sc))
		status = EXIT_INPUT;
	else if (header && first_had)
		status = same_header(r, first_had, &sc);
	header_free(&sc);
	r->q.format.header = first_header;
	r->q.format.header_present = first_had;
	return status;
}

bool run_more_files(const struct run *r)
{
	/* An answer known (exists() held, an error) needs no more files. */
	return r->file + 1 < r->files.n && !r->result.done;
}

/* The counters of two files' scans as one's (their places were told with each file). */
static void join_counts(struct bpfq_result *t, const struct bpfq_result *r)
{
	t->bytes += r->bytes;
	t->reads += r->reads;
	t->records += r->records;
	t->matched += r->matched;
	t->partial += r->partial;
	t->malformed += r->malformed;
	t->empty += r->empty;
	t->bad += r->bad;
	t->badtime += r->badtime;
	t->missing += r->missing;
	t->rounded += r->rounded;
	for (int i = 0; i < BPFQ_NULL_KINDS; i++)
		t->nulls[i] += r->nulls[i];
	t->eof = r->eof;
	t->done |= r->done;
}

static int merge_area(const struct query *q, uint64_t *to, const uint64_t *from)
{
	struct agg_desc desc;

	for (int i = 0; i < q->nitems; i++) {
		agg_desc_of(q->items[i], &desc);
		if (agg_merge(&desc, to + layout_offset(q, i), from + layout_offset(q, i)))
			return -1;
	}
	return 0;
}

/*
 * The groups of this file into the others'; as many as --max-groups in
 * all. With file beside other keys, each key gets the file's in its place.
 */
static int merge_groups(struct run *r, struct groups *to)
{
	long n = 0;
	struct group *g = groups_sorted(r->groups, &n);	/* owned by r->groups */
	int status = g ? EXIT_OK : EXIT_INPUT;
	struct bpfq_key key;

	for (long i = 0; i < n && status == EXIT_OK; i++) {
		bool added;
		uint64_t *area = NULL;

		if (!r->q.file_key)
			area = groups_get(to, &g[i].key, &added);
		else if (keys_insert_text(&g[i].key, r->q.file_key - 1, run_file_name(r),
					  strlen(run_file_name(r)), &key))
			area = groups_get(to, &key, &added);
		if (!area || merge_area(&r->q, area, g[i].area))
			status = EXIT_INPUT;
		else if (added && groups_count(to) > r->o->max_groups)
			status = EXIT_KERNEL;
	}
	if (status == EXIT_KERNEL)
		fprintf(stderr, "bpfq: error: more than %ld groups in the files up to '%s' (raise "
				"--max-groups); no answer\n", r->o->max_groups, run_file_name(r));
	else if (status)
		fprintf(stderr, "bpfq: error: joining the groups of '%s': out of memory, or a "
				"count overflows\n", run_file_name(r));
	return status == EXIT_KERNEL ? EXIT_INPUT : status;
}

/* by file beside other keys: this file's groups, each with its path for a key. */
static int fold_file_keys(struct run *r)
{
	struct run_sum *s = &r->sum;
	int status;

	if (!s->have)
		*s = (struct run_sum){ .have = true, .result = r->result,
				       .groups = groups_new(layout_words(&r->q)) };
	else
		join_counts(&s->result, &r->result);
	status = !s->groups ? EXIT_INPUT : r->groups ? merge_groups(r, s->groups) : EXIT_OK;
	free(r->area);
	groups_free(r->groups);
	r->result = s->result;
	r->area = NULL;
	r->groups = s->groups;
	return status;
}

/* by file: this file's answer is the group of its path (as given, or as a glob or folder gave it). */
static int fold_file(struct run *r)
{
	struct run_sum *s = &r->sum;
	struct bpfq_key key = { .kind = BPFQ_K_EMPTY };
	size_t len = strlen(run_file_name(r));
	uint64_t *area;
	bool added;

	if (len > BPFQ_KEY_MAX) {
		fprintf(stderr, "bpfq: error: by file: the path '%s' is longer than %d bytes, the "
				"most a group key holds; no answer\n", run_file_name(r), BPFQ_KEY_MAX);
		return EXIT_INPUT;
	}
	if (r->q.by)
		return fold_file_keys(r);
	memcpy(key.bytes, run_file_name(r), len);
	key.len = len;
	if (!s->have)
		*s = (struct run_sum){ .have = true, .result = r->result,
				       .groups = groups_new(layout_words(&r->q)) };
	else
		join_counts(&s->result, &r->result);
	area = s->groups ? groups_get(s->groups, &key, &added) : NULL;
	if (!area || merge_area(&r->q, area, r->area)) {
		fprintf(stderr, "bpfq: error: joining the answer of '%s': out of memory, or a count "
				"overflows\n", run_file_name(r));
		return EXIT_INPUT;
	}
	free(r->area);
	r->result = s->result;
	r->area = NULL;
	r->groups = s->groups;
	if (added && groups_count(s->groups) > r->o->max_groups) {
		fprintf(stderr, "bpfq: error: more than %ld files for 'by file' (raise --max-groups); "
				"no answer\n", r->o->max_groups);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

/* This file's answer into the sum of the files before it; the run then holds the sum. */
static int fold(struct run *r)
{
	struct run_sum *s = &r->sum;
	int status = EXIT_OK;

	if (r->q.by_file)
		return fold_file(r);
	if (!s->have) {
		*s = (struct run_sum){ .have = true, .result = r->result, .area = r->area,
				       .groups = r->groups };
		return EXIT_OK;
	}
	join_counts(&s->result, &r->result);
	if (r->q.by)
		status = merge_groups(r, s->groups);
	else if (merge_area(&r->q, s->area, r->area)) {
		fprintf(stderr, "bpfq: error: joining the answer of '%s': a count overflows\n",
			run_file_name(r));
		status = EXIT_INPUT;
	}
	free(r->area);
	groups_free(r->groups);
	r->result = s->result;
	r->area = s->area;
	r->groups = s->groups;
	return status;
}

/* The aggregates of file: the file's path, where its records were counted. */
static int settle_file_aggs(struct run *r)
{
	bool any = false;
	struct group *g;
	long n = 0;

	for (int i = 0; i < r->q.nitems; i++)
		any |= ast_folds_file(&r->q, r->q.items[i]);
	if (!any || (r->q.by ? !r->groups : !r->area))
		return EXIT_OK;
	if (!r->q.by) {
		eval_settle_file_aggs(&r->q, r->area, run_file_name(r));
		return EXIT_OK;
	}
	if (!(g = groups_sorted(r->groups, &n))) {
		fprintf(stderr, "bpfq: error: out of memory\n");
		return EXIT_INPUT;
	}
	for (long i = 0; i < n; i++)
		eval_settle_file_aggs(&r->q, g[i].area, run_file_name(r));
	return EXIT_OK;
}

int run_file_done(struct run *r)
{
	if (!r->skip && !r->result.done && input_check_size(&r->in, r->file_bytes))
		return EXIT_INPUT;
	if (r->result.error) {
		messages_runtime_error(stderr, &r->q, &r->in, &r->result, r->o->max_groups,
				       r->o->max_values);
		return EXIT_INPUT;
	}
	messages_skip_warnings(stderr, &r->in, &r->q, &r->result);
	return settle_file_aggs(r) ? EXIT_INPUT : fold(r);
}

void run_file_start(struct run *r)
{
	/* by file: each file's values are its own (the kernel's set: scan.c) */
	if (r->q.by_file)
		distinct_clear(&r->distinct);
	if (!r->sum.have)
		return;
	memset(&r->result, 0, sizeof(r->result));
	r->area = NULL;
	r->groups = NULL;
}

void run_files_free(struct run *r)
{
	if (r->sum.area != r->area)
		free(r->sum.area);
	if (r->sum.groups != r->groups)
		groups_free(r->sum.groups);
	paths_free(&r->files);
}
