// SPDX-License-Identifier: MIT
/*
 * One query, start to end: check it, then either compile it to BPF, load
 * it on the read path and read the file so the kernel parses and reduces
 * it, or run the reference evaluator (--engine=user); then print.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/input.h"
#include "cmd/messages.h"
#include "cmd/output.h"
#include "cmd/partial.h"
#include "cmd/progress.h"
#include "cmd/run.h"
#include "codegen/cache.h"
#include "codegen/clang.h"
#include "codegen/codegen.h"
#include "lang/eval.h"
#include "lang/parser.h"
#include "lang/sema.h"
#include "runtime/loader.h"
#include "runtime/privs.h"
#include "runtime/reader.h"

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
}

/* Everything one run owns. */
struct run {
	const struct options *o;
	struct query q;
	struct input in;
	struct progress progress;
	struct run_stats stats;
	struct bpfq_result result;
	const volatile struct bpfq_result *live;	/* the result while the scan runs */
	uint64_t done;
	struct run_last *last;
};

static int check_query(const char *text, struct query *q)
{
	struct diag d = { 0 };

	if (parse_query(text, strlen(text), q, &d) && sema_check(q, &d))
		return 0;
	diag_print(stderr, "error", text, strlen(text), &d);
	return -1;
}

/* After each read: places for messages (pipes), and the progress line. */
static void on_read(void *ctx, const char *buf, size_t n)
{
	struct run *r = ctx;

	input_watch(&r->in, buf, n, (const struct bpfq_result *)r->live);
	r->done += n;
	progress_update(&r->progress, r->done);
}

/* The reference evaluator over the whole input. */
static int run_user(struct run *r)
{
	struct eval *e = eval_new(&r->q);
	char *buf = malloc(r->o->read_size);
	int status = EXIT_INPUT;
	ssize_t n;

	if (!e || !buf)
		goto cleanup;
	r->live = eval_result(e);
	while (!run_interrupted) {
		size_t want = r->o->read_size;

		/* As the kernel reader: a regular file is read up to its size at the start. */
		if (r->in.size && r->in.size - r->stats.bytes_read < want)
			want = r->in.size - r->stats.bytes_read;
		n = read(r->in.fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "bpfq: error: read %s: %s\n", r->in.name, strerror(errno));
			goto cleanup;
		}
		r->stats.reads++;
		r->stats.bytes_read += n;
		if (n == 0) {
			eval_finish(e);
			on_read(r, buf, 0);
			break;
		}
		bool stop = eval_feed(e, buf, n);

		on_read(r, buf, n);
		if (stop)
			break;
	}
	if (run_interrupted) {
		status = EXIT_INTERRUPTED;
		goto cleanup;
	}
	r->result = *eval_result(e);
	status = EXIT_OK;
cleanup:
	eval_free(e);
	free(buf);
	return status;
}

/* The BPF C for the query (-d c prints it; the REPL's \\c shows it). */
static char *generate(struct run *r, size_t *len)
{
	char *src = codegen_program(&r->q, len);

	if (!src) {
		fprintf(stderr, "bpfq: error: out of memory generating the program\n");
		return NULL;
	}
	if (r->o->debug & DEBUG_C)
		fprintf(stderr, "--- generated BPF C ---\n%s--- end of BPF C ---\n", src);
	if (r->last) {
		free(r->last->c_source);
		r->last->c_source = strdup(src);
	}
	return src;
}

/* Generated C to a loadable object, through the cache. */
static int compile(struct run *r, const char *src, size_t len, void **obj, size_t *obj_len)
{
	char *clang = clang_find(), *log = NULL;
	int hit = 0, status = EXIT_KERNEL;
	double start = stats_now();

	if (!clang) {
		fprintf(stderr, "bpfq: error: clang not found: install clang, or set BPFQ_CLANG "
				"to its path (or use --engine=user)\n");
		goto cleanup;
	}
	if (cache_object(clang, src, len, obj, obj_len, &log, &hit)) {
		fprintf(stderr, "bpfq: error: %s could not compile the generated program:\n",
			clang);
		messages_log(stderr, log);
		goto cleanup;
	}
	if (r->o->verbose)
		fprintf(stderr, "bpfq: %s the BPF object (%zu bytes)\n",
			hit ? "cache has" : "compiled", *obj_len);
	r->stats.cache_hit = hit;
	r->stats.compile_s = stats_now() - start;
	status = EXIT_OK;
cleanup:
	free(clang);
	free(log);
	return status;
}

static void set_target(struct bpfq_state *st, char *buf, int fd)
{
	memset(st, 0, sizeof(*st));
	st->target.pid_tgid = (uint64_t)getpid() << 32 | (uint32_t)gettid();
	st->target.buf = (uintptr_t)buf;
	st->target.fd = fd;
	result_init(&st->result);
}

/* After the scan: the program must have parsed exactly what was read. */
static int check_coverage(const struct bpfq_result *res, const struct reader_stats *s)
{
	if (res->bytes == s->bytes && (res->done || res->eof))
		return 0;
	fprintf(stderr, "bpfq: error: the BPF program parsed %llu of %llu bytes read; "
			"no answer\n", (unsigned long long)res->bytes, (unsigned long long)s->bytes);
	return -1;
}

static int scan(struct run *r, struct loader *l)
{
	struct reader_stats rs = { 0 };
	struct reader_opts opts = { .read_size = r->o->read_size, .limit = r->in.size,
				    .interrupted = &run_interrupted, .watch = { on_read, r } };
	const char *why = NULL;
	char *log = NULL;
	int rc;

	set_target(loader__state(l), loader__buffer(l), r->in.fd);
	r->live = &loader__state(l)->result;
	if (loader__attach(l, &log)) {
		fprintf(stderr, "bpfq: error: cannot attach the BPF program:\n");
		messages_log(stderr, log);
		free(log);
		return EXIT_KERNEL;
	}
	rc = reader_run(l, r->in.fd, &opts, &rs, &why);
	loader__detach(l);
	r->stats.bytes_read = rs.bytes;
	r->stats.reads = rs.reads;
	if (rc == 1)
		return EXIT_INTERRUPTED;
	if (rc == -1) {
		fprintf(stderr, "bpfq: error: read %s: %s\n", r->in.name, strerror(errno));
		return EXIT_INPUT;
	}
	if (rc == -2 || check_coverage(&loader__state(l)->result, &rs)) {
		if (why)
			fprintf(stderr, "bpfq: error: %s; no answer\n", why);
		return EXIT_KERNEL;
	}
	if (r->o->verbose && rs.retries)
		fprintf(stderr, "bpfq: %llu reads repeated (the program missed them)\n",
			(unsigned long long)rs.retries);
	r->result = loader__state(l)->result;
	return EXIT_OK;
}

static struct loader *load(struct run *r, const void *obj, size_t obj_len)
{
	struct loader_log verifier = { 0 };
	struct loader *l;
	char *log = NULL;
	double start = stats_now();

	l = loader__load(obj, obj_len, r->o->debug & DEBUG_VERIFIER ? &verifier : NULL, &log);
	if (verifier.text)
		fprintf(stderr, "--- verifier log ---\n%s--- end of verifier log ---\n",
			verifier.text);
	if (!l) {
		fprintf(stderr, "bpfq: error: the kernel did not load the BPF program:\n");
		messages_log(stderr, log);
	} else {
		r->stats.load_s = stats_now() - start;
		r->stats.verified_insns = loader__verified_insns(l);
		if (r->o->verbose)
			fprintf(stderr, "bpfq: loaded; the verifier processed %lu instructions\n",
				r->stats.verified_insns);
	}
	free(verifier.text);
	free(log);
	return l;
}

/* Generate, compile and load; with --dry-run stop there, else scan. */
static int run_kernel(struct run *r)
{
	struct loader *l = NULL;
	void *obj = NULL;
	size_t obj_len = 0, len = 0;
	char *src;
	int status = EXIT_KERNEL;

	r->stats.engine = "kernel";
	r->stats.hook = "syscall (tp_btf/sys_exit)";
	r->stats.result_bytes = sizeof(struct bpfq_result);
	src = generate(r, &len);
	if (!src)
		goto cleanup;
	if (!privs_can_trace()) {
		fprintf(stderr, "bpfq: error: loading BPF programs needs root, or CAP_BPF and "
				"CAP_PERFMON: run it with sudo, or use --engine=user to compute "
				"in user space\n");
		goto cleanup;
	}
	status = compile(r, src, len, &obj, &obj_len);
	if (status)
		goto cleanup;
	l = load(r, obj, obj_len);
	status = l ? EXIT_OK : EXIT_KERNEL;
	if (l && r->o->dry_run)
		fprintf(stderr, "bpfq: dry run: compiled, loaded and verified (%lu instructions "
				"processed); nothing read\n", r->stats.verified_insns);
	else if (l)
		status = scan(r, l);
cleanup:
	loader__free(l);
	free(obj);
	free(src);
	return status;
}

/* The user engine loads nothing; -d c still shows what the kernel would run. */
static int run_user_engine(struct run *r)
{
	size_t len;

	r->stats.engine = "user";
	r->stats.hook = "none";
	if (r->o->debug & DEBUG_C)
		free(generate(r, &len));
	if (r->o->debug & DEBUG_VERIFIER)
		fprintf(stderr, "bpfq: the user engine loads no BPF program: no verifier log\n");
	if (r->o->dry_run) {
		fprintf(stderr, "bpfq: dry run: the query is valid; nothing read\n");
		return EXIT_OK;
	}
	return run_user(r);
}

/* -q: like grep -q, the status says whether every exists() held. */
static int quiet_status(const struct query *q, const struct bpfq_result *res)
{
	for (int i = 0; i < q->nitems; i++)
		if (q->items[i]->agg == AGG_EXISTS && !res->aggs[i].count)
			return EXIT_NO_MATCH;
	return EXIT_OK;
}

static void print_answer(struct run *r, FILE *out)
{
	char *names[BPFQ_MAX_AGGS] = { 0 }, label[1024], *select = NULL;
	enum agg_kind kinds[BPFQ_MAX_AGGS];
	struct answer a = { .query = r->q.text, .naggs = r->q.nitems, .kinds = kinds,
			    .names = names, .result = &r->result };

	for (int i = 0; i < r->q.nitems; i++) {
		ast_render(&r->q, r->q.items[i], label, sizeof(label));
		names[i] = strdup(label);
		kinds[i] = r->q.items[i]->agg;
	}
	if (r->o->stats && r->o->format == FORMAT_JSON)
		a.stats = &r->stats;
	if (r->o->partial && (select = partial_select(&r->q)))
		partial_print(out, select, &a);
	else if (r->o->partial)
		partial_print_error(out, EXIT_INPUT, "out of memory");
	else
		output_answer(out, r->o->format, &a);
	for (int i = 0; i < r->q.nitems; i++)
		free(names[i]);
	free(select);
}

/* The result is trusted only now: a run-time error means no answer. */
static int report(struct run *r, FILE *out)
{
	if (!r->result.done && input_check_size(&r->in, r->stats.bytes_read))
		return EXIT_INPUT;
	if (r->result.error) {
		messages_runtime_error(stderr, &r->q, &r->in, &r->result);
		return EXIT_INPUT;
	}
	messages_malformed_warning(stderr, &r->in, &r->result);
	r->stats.result = r->result;
	if (r->o->stats && r->o->format != FORMAT_JSON)
		stats_print_text(stderr, &r->stats);
	if (r->o->quiet)
		return quiet_status(&r->q, &r->result);
	print_answer(r, out);
	return fflush(out) ? EXIT_INPUT : EXIT_OK;
}

static int run_checked(struct run *r, FILE *out)
{
	int status;
	double start;

	if (r->o->debug & DEBUG_AST)
		ast_dump(stderr, &r->q);
	if (!r->o->dry_run && input_open(&r->in, r->q.path))
		return EXIT_INPUT;
	start = stats_now();
	progress_start(&r->progress, r->o->progress, r->in.size);
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
	input_close(&r->in);
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

int run_query(const char *text, const struct options *o, FILE *out, struct run_last *last)
{
	struct run *r = calloc(1, sizeof(*r));
	int status = EXIT_QUERY;

	if (!r) {
		fprintf(stderr, "bpfq: error: out of memory\n");
		return EXIT_INPUT;
	}
	r->o = o;
	r->last = last;
	r->in.fd = -1;
	if (check_query(text, &r->q) == 0)
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
	query_free(&r->q);
	free(r);
	return status;
}

void run_last_free(struct run_last *last)
{
	free(last->c_source);
	last->c_source = NULL;
	last->have_stats = false;
}
