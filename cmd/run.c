// SPDX-License-Identifier: MIT
/*
 * One query, start to end: parse it, open the input (and read a csv
 * header), check it, then run an engine (run_kernel.c: compile it to BPF,
 * load it on the read path and read the file so the kernel parses and
 * reduces it; run_user.c: the reference evaluator); then print.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/escape.h"
#include "cmd/merge/partial.h"
#include "cmd/messages.h"
#include "cmd/output.h"
#include "cmd/post.h"
#include "cmd/run_internal.h"
#include "codegen/clang.h"
#include "lang/engine/keytext.h"
#include "lang/front/parser.h"
#include "lang/front/sema.h"
#include "lang/value/aggs.h"
#include "lang/value/layout.h"
#include "runtime/header.h"
#include "runtime/privs.h"
#include "runtime/sniff.h"

volatile sig_atomic_t run_interrupted;

static void on_signal(int sig)
{
	run_interrupted = sig;
}

void run_install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	clang_stop_on(&run_interrupted);
}

void run_on_read(void *ctx, const char *buf, size_t n)
{
	struct run *r = ctx;

	input_watch(&r->in, buf, n, (const struct bpfq_result *)r->live);
	r->done += n;
	progress_update(&r->progress, r->done);
}

static int report_diag(const char *text, const struct diag *d)
{
	diag_print(stderr, "error", text, strlen(text), d);
	return EXIT_QUERY;
}

/* The bytes the default format is judged on. */
#define SNIFF_BYTES (64 * 1024)

/* The first line sniff_numbers() found not numbers, escaped and shortened. */
static void print_line(const char *buf, const struct sniff *s)
{
	size_t len = s->line_len < 60 ? s->line_len : 60;

	escape_text_bytes(stderr, buf + s->line_off, len);
	if (len < s->line_len)
		fputs("...", stderr);
}

/*
 * No format named and no $N: numbers, if the input holds numbers. A log
 * or binary data read as numbers would give an answer over whatever
 * digits it holds, so that is an error that says how to read it instead.
 */
static int check_default_numbers(struct run *r)
{
	char *buf = malloc(SNIFF_BYTES);
	bool at_eof = false;
	ssize_t n = buf ? input_peek(&r->in, buf, SNIFF_BYTES, &at_eof) : -1;
	struct sniff s;
	int status = EXIT_OK;

	/* Nothing to look at (a device, an error the scan will report): as before. */
	if (n < 0) {
		free(buf);
		return EXIT_OK;
	}
	sniff_numbers(buf, n, at_eof, &s);
	if (sniff_is_numbers(&s)) {
		snprintf(r->stats.format_chosen, sizeof(r->stats.format_chosen),
			 "numbers (no format named, no $N): %zu of the first %zu tokens are numbers",
			 s.numbers, s.tokens);
		if (r->o->verbose)
			fprintf(stderr, "bpfq: reading '%s' as %s\n", r->in.name,
				r->stats.format_chosen);
	} else if (s.binary) {
		fprintf(stderr, "bpfq: error: '%s' looks like binary data, not numbers: name the "
				"type of its records ('as u32', 'as record(...)'), or say 'as numbers' "
				"to read the numbers in it anyway\n", r->in.name);
		status = EXIT_INPUT;
	} else {
		fprintf(stderr, "bpfq: error: '%s' does not look like numbers: %zu of its first "
				"%zu tokens are not, as in '", r->in.name, s.tokens - s.numbers,
			s.tokens);
		print_line(buf, &s);
		fprintf(stderr, "'; name a format: 'as text' and $1, $2, ... for its fields, "
				"'as csv', 'as json', or 'as numbers' to read the numbers in it and skip the "
				"rest\n");
		status = EXIT_INPUT;
	}
	free(buf);
	return status;
}

/* Whether buf[0..n)'s first byte that is not a blank (after a UTF-8 byte order mark) is '{'. */
static bool starts_json(const char *buf, ssize_t n)
{
	ssize_t i = n >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;

	for (; i < n; i++)
		if (!strchr(" \t\r\n", buf[i]))
			return buf[i] == '{';
	return false;
}

/* Enough of a pipe for starts_json(): a byte that is not a blank, or the writer gone. */
static bool nonblank_seen(const char *buf, size_t n, bool gone)
{
	for (size_t i = 0; i < n; i++)
		if (!buf[i] || !strchr(" \t\r\n\xef\xbb\xbf", buf[i]))
			return true;
	return gone;
}

/* Whether the opened input (a pipe, a decompressed file) starts as JSON lines do. */
static bool input_looks_json(const struct input *in)
{
	char buf[4096];
	bool all = false;
	ssize_t n = input_peek_until(in, buf, sizeof(buf), nonblank_seen, &all);

	return n > 0 && starts_json(buf, n);
}

/* Whether path is a regular file the caller may read that starts as JSON lines do. */
static bool file_looks_json(const char *path)
{
	char buf[4096];
	struct stat st;
	int fd = strcmp(path, "-") ? privs_open(path, O_RDONLY | O_NONBLOCK) : -1;
	ssize_t n = -1;

	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	return n > 0 && starts_json(buf, n);
}

int run_settle_input(struct run *r)
{
	struct input_format *f = &r->q.format;

	if (r->settled)
		return EXIT_OK;
	r->settled = true;
	if (input_decompress(&r->in))
		return EXIT_INPUT;
	/* The first file decides: a pipe, a compressed file or a glob's first match too. */
	if (r->file == 0 && (r->json_maybe || r->look_for_csv) && f->kind != INPUT_JSON &&
	    input_looks_json(&r->in)) {
		r->json_found = true;
		return EXIT_OK;
	}
	/*
	 * Not JSON lines: a pipe or a compressed file may be csv (a regular
	 * file was looked into before); else prepare() reports the query's
	 * check as it failed.
	 */
	if (r->json_maybe && !r->json_found) {
		if (r->file == 0 && !f->given && header_sniff_csv(&r->in, f))
			return EXIT_INPUT;
		r->csv_found = r->file == 0 && f->kind == INPUT_CSV;
		return EXIT_OK;
	}
	if (r->look_for_csv && f->kind != INPUT_CSV && header_sniff_csv(&r->in, f))
		return EXIT_INPUT;
	if (!f->given && f->kind == INPUT_NUMBERS)
		return check_default_numbers(r);
	return EXIT_OK;
}

/*
 * Whether a dry run opens the input as a run would, for the plan's size
 * and the format's sniff: a regular file the caller may read. Opened with
 * the caller's rights, so a dry run tells no more of a file than cat would;
 * O_NONBLOCK so that a FIFO's open does not wait for a writer.
 */
static bool regular_file(const char *path)
{
	struct stat st;
	int fd = strcmp(path, "-") ? privs_open(path, O_RDONLY | O_NONBLOCK) : -1;
	bool regular = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);

	if (fd >= 0)
		close(fd);
	return regular;
}

/*
 * Whether the first path may hold JSON lines: standard input, a glob, or
 * a path the caller can open. A path that names nothing gets the query's
 * error, as it would without the look.
 */
static bool may_look(const char *path)
{
	int fd;

	if (!strcmp(path, "-") || strpbrk(path, "*?["))
		return true;
	if ((fd = privs_open(path, O_RDONLY | O_NONBLOCK)) < 0)
		return false;
	close(fd);
	return true;
}

/* Whether n is a name other than x: with no format named, a csv column or a JSON key. */
static bool is_key_name(const struct query *q, const struct node *n)
{
	return n->kind == NODE_NAME && !ast_is_file(q, n) &&
	       !(n->loc.end - n->loc.begin == 1 && q->text[n->loc.begin] == 'x');
}

static bool names_keys(const struct query *q, const struct node *n)
{
	return ast_any(q, n, is_key_name);
}

/*
 * No format named, none told by the path, and names that are no x: the
 * query means nothing as numbers or text; the first file may be csv all
 * the same (a .txt or .dat export, header_sniff_csv()) or JSON lines.
 */
static bool names_keys_unformatted(const struct query *q)
{
	bool names = names_keys(q, q->where);

	for (int i = 0; q->by && i < q->nkeys; i++)
		names |= names_keys(q, q->keys[i]);

	if (q->format.given || q->format.kind == INPUT_CSV || q->format.kind == INPUT_JSON)
		return false;
	for (int i = 0; i < q->nitems; i++)
		names |= names_keys(q, q->items[i]);
	return names;
}

/* The query parsed again, and its files found again: another format reads it. */
static int reparse(struct run *r, const char *text, struct diag *d)
{
	query_free(&r->q);
	*d = (struct diag){ 0 };
	if (!parse_query(text, strlen(text), &r->q, d))
		return report_diag(text, d);
	return run_files_find(r, d);
}

/*
 * The query names keys and its first input starts as JSON lines do
 * (run_settle_input()): read as JSON lines. The query is parsed again:
 * a failed check as numbers or text resolved some names.
 */
static int check_as_json(struct run *r, const char *text, struct diag *d)
{
	struct query *q = &r->q;
	int status;

	if ((status = reparse(r, text, d)))
		return status;
	q->format.kind = INPUT_JSON;
	r->look_for_csv = false;
	snprintf(r->stats.format_chosen, sizeof(r->stats.format_chosen),
		 "json (no format named): its first byte that is not a blank is '{'");
	if (r->o->verbose)
		fprintf(stderr, "bpfq: reading '%s' as %s\n", r->in.name, r->stats.format_chosen);
	return sema_check(q, NULL, d) ? EXIT_OK : report_diag(text, d);
}

/*
 * The first input, a pipe or a compressed file, reads as csv
 * (run_settle_input()): the query is parsed again with that format, to be
 * checked against the header's names.
 */
static int check_as_csv(struct run *r, const char *text, struct diag *d)
{
	struct input_format csv = r->q.format;
	int status;

	if ((status = reparse(r, text, d)))
		return status;
	r->q.format = csv;
	r->json_maybe = false;
	return EXIT_OK;
}

/*
 * A query that names columns, of a file that may be csv: a regular file
 * the caller can read, or a glob (its first match is looked at), and not
 * JSON lines. A path that names no file (or a folder) gets the query's
 * error first.
 */
static bool look_for_csv(const struct run *r)
{
	const char *path = r->args[0];

	if (!names_keys_unformatted(&r->q) || file_looks_json(path))
		return false;
	return strpbrk(path, "*?[") || regular_file(path);
}

/* -v: how the fields the query uses are read (as their first records told, csv and text). */
static void say_kinds(const struct run *r)
{
	const struct query *q = &r->q;
	const struct schema *sc = &r->schema;

	if ((q->format.kind != INPUT_CSV && q->format.kind != INPUT_TEXT) || !q->nslots)
		return;
	fputs("bpfq: fields read as", stderr);
	for (int i = 0; i < q->nslots; i++) {
		int col = q->slot_field[i];

		fputs(i ? ", " : " ", stderr);
		if (sc->names && col >= 0 && col < sc->ncols)
			escape_text(stderr, sc->names[col]);
		else
			fprintf(stderr, "$%d", col + 1);
		fprintf(stderr, " %s", q->slot_time[i] ? "times" : q->slot_numeric[i] ? "numbers" :
			"text");
	}
	fputc('\n', stderr);
}

/*
 * Parse, open the input, read a csv header (its names are part of the
 * query's meaning), check. A dry run opens the input for a header, and a
 * regular file for the plan's size and the format's sniff.
 */
static int prepare(struct run *r, const char *text)
{
	struct query *q = &r->q;
	struct diag d = { 0 };
	bool header, look;
	int status;

	if (!parse_query(text, strlen(text), q, &d))
		return report_diag(text, &d);
	status = run_files_find(r, &d);
	if (status == EXIT_QUERY && d.msg[0])
		return report_diag(text, &d);
	if (status)
		return status;
	sema_default_format(q);
	header = q->format.kind == INPUT_CSV && q->format.header != HEADER_NO;
	look = !header && look_for_csv(r);
	/*
	 * Without a header to read, the query is checked before the input is
	 * opened; one that fails as numbers or text but names keys may be of
	 * JSON lines, which the first input's first byte tells.
	 */
	if (!header && !look && !sema_check(q, NULL, &d)) {
		if (!names_keys_unformatted(q) || !may_look(r->args[0]))
			return report_diag(text, &d);
		r->json_maybe = true;
	}
	if ((status = run_files_expand(r)))
		return status;
	/* Only a regular file the caller can read is looked into for csv. */
	if (look) {
		header = r->look_for_csv = regular_file(run_file_path(r));
		if (!header && !sema_check(q, NULL, &d)) {
			if (!names_keys_unformatted(q))
				return report_diag(text, &d);
			r->json_maybe = true;
		}
	}
	if (r->o->dry_run && !header && !regular_file(run_file_path(r)))
		return r->json_maybe ? report_diag(text, &d) : EXIT_OK;
	if (input_open(&r->in, run_file_path(r), q->format.kind == INPUT_BINARY))
		return EXIT_INPUT;
	/* Decompressed before a byte order mark, skipped lines or a header are looked for. */
	if (run_settle_input(r))
		return EXIT_INPUT;
	if (r->json_found && (status = check_as_json(r, text, &d)))
		return status;
	if (r->csv_found && (status = check_as_csv(r, text, &d)))
		return status;
	header |= r->csv_found;
	if (r->json_maybe && !r->json_found)
		return report_diag(text, &d);
	if (header_read(&r->in, q, &r->schema))
		return EXIT_INPUT;
	if (header && !r->json_found && !sema_check(q, q->format.header_present ? &r->schema : NULL, &d))
		return report_diag(text, &d);
	if ((q->format.kind == INPUT_TEXT || q->format.kind == INPUT_JSON) &&
	    !sema_text_columns(q, &r->schema, &d))
		return report_diag(text, &d);
	if (r->o->verbose)
		say_kinds(r);
	return r->o->dry_run ? EXIT_OK : run_file_decide(r);
}

/* -q: like grep -q, the status says whether every exists() held. */
static int quiet_status(const struct run *r)
{
	for (int i = 0; i < r->q.nitems; i++)
		if (r->q.items[i]->agg == AGG_EXISTS && r->area && !r->area[layout_offset(&r->q, i)])
			return EXIT_NO_MATCH;
	return EXIT_OK;
}

/* The answer as the query asks it: its columns, having, order by, limit. */
static int print_final(struct run *r, FILE *out, const struct answer *a)
{
	struct post post;
	int status = EXIT_OK;

	if (!r->q.post) {
		output_answer(out, r->o->format, a);
		return EXIT_OK;
	}
	if ((status = post_apply(&r->q, a, &post)) == EXIT_OK)
		output_answer(out, r->o->format, &post.a);
	post_free(&post);
	return status;
}

/* quantile(e, q1, q2, ...): its first fraction's item folded e for all; the others copy it. */
static void share_states(const struct query *q, uint64_t *area)
{
	for (int i = 0; area && i < q->nitems; i++)
		if (q->items[i]->share)
			memcpy(area + layout_offset(q, i), area + layout_offset(q, q->items[i]->share - 1),
			       layout_agg_words(q->items[i]) * sizeof(*area));
}

/* count_distinct's states, all made the estimate (struct run distinct_lost). */
static void distinct_estimate_all(struct run *r)
{
	struct group *g;
	long n = 1;

	for (int i = 0; i < r->q.nitems; i++) {
		if (r->q.items[i]->agg != AGG_COUNT_DISTINCT || ast_folds_file(&r->q, r->q.items[i]))
			continue;
		if (r->area)
			r->area[layout_offset(&r->q, i) + BPFQ_DISTINCT_FULL] = 1;
		g = r->groups ? groups_sorted(r->groups, &n) : NULL;
		for (long k = 0; g && k < n; k++)
			g[k].area[layout_offset(&r->q, i) + BPFQ_DISTINCT_FULL] = 1;
	}
}

/*
 * --partial: count_distinct's values, for bpfq merge to count their union.
 * By file, a file's values are emptied after it: its partial has none,
 * and the states say their answer is the estimate.
 */
static void partial_distinct(struct run *r, struct answer *a)
{
	struct group *g;
	long n = 0;

	for (int i = 0; i < r->q.nitems; i++)
		if (r->q.items[i]->agg == AGG_COUNT_DISTINCT && !ast_folds_file(&r->q, r->q.items[i]))
			a->distinct_items |= 1u << i;
	a->distinct = &r->distinct;
	if (!r->q.by_file || !a->distinct_items)
		return;
	g = r->groups ? groups_sorted(r->groups, &n) : NULL;
	for (long k = 0; k < n; k++)
		for (int i = 0; i < r->q.nitems; i++)
			if (a->distinct_items >> i & 1)
				g[k].area[layout_offset(&r->q, i) + BPFQ_DISTINCT_FULL] = 1;
	a->distinct_items = 0;
}

/* count_distinct past --max-distinct: the answer is an estimate, and the user must hear it. */
static void distinct_warn(const struct run *r, const struct answer *a)
{
	char budget[160];

	snprintf(budget, sizeof(budget), "its values passed --max-distinct (%ld); raise it for "
		 "an exact count", r->o->max_distinct);
	messages_distinct_estimates(stderr, "bpfq", a, budget);
}

static int print_answer(struct run *r, FILE *out)
{
	int status = EXIT_INPUT;
	char *names[BPFQ_MAX_AGGS] = { 0 }, *keys[BPFQ_MAX_KEYS] = { 0 }, label[1024], key[1024];
	char *select = NULL, kinds[BPFQ_MAX_SLOTS + 1];
	struct agg_desc descs[BPFQ_MAX_AGGS];
	struct group *groups = NULL;
	struct answer a = { .query = r->q.text, .naggs = r->q.nitems, .descs = descs,
			    .names = names, .result = &r->result, .area = r->area,
			    .kinds = kinds };

	partial_kinds(&r->q, kinds);

	if (r->distinct_lost)
		distinct_estimate_all(r);
	share_states(&r->q, r->area);
	for (int i = 0; i < r->q.nitems; i++) {
		ast_render(&r->q, r->q.items[i], label, sizeof(label));
		names[i] = strdup(label);
		agg_desc_of(r->q.items[i], &descs[i]);
	}
	/* A partial carries the values: bpfq merge ranks them all. */
	if (r->o->partial) {
		exact_prune(descs, r->q.nitems, &r->values, r->area);
		a.values = &r->values;
		partial_distinct(r, &a);
	} else {
		exact_answer(descs, r->q.nitems, &r->values, r->area);
	}
	if (r->q.by || r->q.by_file) {
		if (r->q.by)
			ast_render(&r->q, r->q.by, key, sizeof(key));
		else
			snprintf(key, sizeof(key), "file");
		a.key_name = key;
		a.groups = groups = r->groups ? groups_sorted(r->groups, &a.ngroups) : NULL;
		for (long g = 0; groups && g < a.ngroups; g++)
			share_states(&r->q, groups[g].area);
	}
	for (int j = 0; ast_nkeys(&r->q) > 1 && j < ast_nkeys(&r->q); j++) {
		const struct node *k = ast_key(&r->q, j);

		if (k)
			ast_render(&r->q, k, label, sizeof(label));
		keys[j] = strdup(k ? label : "file");
		a.key_time |= (k && k->type == TYPE_TIME) << j;
		a.key_clock |= (k && k->type == TYPE_TIME && k->clock) << j;
	}
	if (ast_nkeys(&r->q) > 1) {
		a.nkeys = ast_nkeys(&r->q);
		a.key_names = keys;
		a.key_name = keys[0];
	}
	if (r->o->stats && r->o->format == FORMAT_JSON)
		a.stats = &r->stats;
	if (ast_nkeys(&r->q) <= 1) {
		a.key_time = r->q.by && r->q.by->type == TYPE_TIME;
		a.key_clock = a.key_time && r->q.by->clock;
	}
	if (a.key_time && !r->o->partial && groups)
		output_time_keys(groups, a.ngroups, a.key_time, a.key_clock);
	if ((r->q.by || r->q.by_file) && !a.groups)
		fprintf(stderr, "bpfq: error: out of memory sorting the groups\n");
	else if (r->o->partial && (select = partial_select(&r->q)))
		partial_print(out, select, &a), status = EXIT_OK;
	else if (r->o->partial)
		partial_print_error(out, EXIT_INPUT, "out of memory");
	else if (output_check_text(stderr, "bpfq", &a)) {
		distinct_warn(r, &a);
		output_estimate_warnings(stderr, "bpfq", &a, r->o->max_values);
		status = print_final(r, out, &a);
	}
	for (int i = 0; i < r->q.nitems; i++)
		free(names[i]);
	for (int j = 0; j < BPFQ_MAX_KEYS; j++)
		free(keys[j]);
	free(select);
	return status;
}

/* The answer of every file, each checked after its scan (run_file_done()). */
static int report(struct run *r, FILE *out)
{
	int status;

	r->stats.result = r->result;
	r->stats.groups = r->groups ? groups_count(r->groups) : 0;
	if (r->o->stats && r->o->format != FORMAT_JSON)
		stats_print_text(stderr, &r->stats);
	if (r->o->quiet)
		return quiet_status(r);
	status = print_answer(r, out);
	return fflush(out) ? EXIT_INPUT : status;
}

static int run_checked(struct run *r, FILE *out)
{
	int status;
	double start;

	if (r->o->debug & DEBUG_AST)
		ast_dump(stderr, &r->q);
	r->stats.compression = r->in.compression;
	start = stats_now();
	progress_start(&r->progress, r->o->progress, r->files.n == 1 ? r->in.size : 0);
	progress_file(&r->progress, 0, r->files.n);
	status = r->o->engine == ENGINE_USER ? run_user_engine(r) : run_kernel(r);
	progress_end(&r->progress);
	r->stats.scan_s = stats_now() - start - r->stats.compile_s - r->stats.load_s;
	/*
	 * A signal during the compile kills clang too: that is an interrupt, not
	 * a failure. The status is 128 + the signal, as a shell reports it.
	 */
	if (run_interrupted)
		status = run_interrupted > 1 ? 128 + run_interrupted : EXIT_INTERRUPTED;
	/* On a terminal, erase the "^C" it echoed, so the message starts the line. */
	if (status > 128)
		fprintf(stderr, "%sbpfq: interrupted; no answer\n",
			isatty(STDERR_FILENO) ? "\r\033[K" : "");
	else if (status == EXIT_OK && !r->o->dry_run)
		status = report(r, out);
	return status;
}

static const char *status_text(int status)
{
	switch (status) {
	case EXIT_QUERY: return "query error";
	case EXIT_INPUT: return "input error";
	case EXIT_KERNEL: return "BPF error";
	default: return status > 128 ? "interrupted" : "error";
	}
}

static void run_free(struct run *r)
{
	input_close(&r->in);
	run_files_free(r);
	header_free(&r->schema);
	groups_free(r->groups);
	free(r->area);
	exact_free(&r->values);
	distinct_free(&r->distinct);
	if (r->distinct_fd >= 0)
		close(r->distinct_fd);
	query_free(&r->q);
	free(r);
}

int run_query(const char *text, const struct options *o, FILE *out, struct run_last *last)
{
	struct run *r = calloc(1, sizeof(*r));
	int status;

	if (!r) {
		fprintf(stderr, "bpfq: error: out of memory\n");
		return EXIT_INPUT;
	}
	r->o = o;
	r->last = last;
	r->in.fd = -1;
	keytext_reset();	/* the long keys' texts are this query's */
	distinct_init(&r->distinct, (size_t)o->max_distinct);
	r->distinct_fd = -1;
	status = prepare(r, text);
	if (status == EXIT_OK)
		status = run_checked(r, out);
	/* A merge downstream must hear of a failure, not sum what arrived. */
	if (o->partial && status != EXIT_OK) {
		partial_print_error(out, status, status_text(status));
		fflush(out);
	}
	if (last && status != EXIT_QUERY) {
		last->stats = r->stats;
		last->stats.result = r->result;
		last->have_stats = true;
	}
	run_free(r);
	return status;
}

void run_last_free(struct run_last *last)
{
	free(last->c_source);
	last->c_source = NULL;
	last->have_stats = false;
}
