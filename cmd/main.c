// SPDX-License-Identifier: MIT
/*
 * bpfq: parse a query, compile it to BPF, load it on the read path, read
 * the file so the kernel parses and reduces it, print the answer.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/output.h"
#include "codegen/cache.h"
#include "codegen/clang.h"
#include "codegen/codegen.h"
#include "lang/eval.h"
#include "lang/parser.h"
#include "lang/sema.h"
#include "runtime/loader.h"
#include "runtime/privs.h"
#include "runtime/reader.h"

/* Exit statuses; documented in README.md. */
enum {
	EXIT_OK = 0,
	EXIT_QUERY = 2,		/* usage or query error */
	EXIT_INPUT = 3,		/* the file: cannot be read, or a value fails the query */
	EXIT_KERNEL = 4,	/* privileges, clang, verifier, attach */
	EXIT_INTERRUPTED = 130,
};

enum engine { ENGINE_KERNEL, ENGINE_USER };

struct options {
	const char *query;
	enum engine engine;
	size_t read_size;
	bool verbose;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

const char *argp_program_version = "bpfq " BPFQ_VERSION;
const char *argp_program_bug_address = "the bpfq issue tracker";

static const char doc[] =
	"Filter and reduce a file inside the kernel, on its read path.\v"
	"Examples:\n"
	"  bpfq 'sum(x) where x > 5 from nums.txt'\n"
	"  bpfq 'min(x), max(x), avg(x), count() where x >= 100 and x < 200 from nums.txt'\n"
	"  bpfq 'exists(x == 18) from nums.txt'\n"
	"  bpfq --engine=user 'avg(x) from nums.txt'    # no BPF: the reference evaluator\n"
	"\n"
	"Exit status: 0 answer printed; 2 usage or query error; 3 input error (the file\n"
	"cannot be read, or a value makes the query fail); 4 BPF error (privileges, clang,\n"
	"verifier, attach); 130 interrupted.";

enum { OPT_ENGINE = 0x100, OPT_READ_SIZE };

static const struct argp_option option_list[] = {
	{ "engine", OPT_ENGINE, "ENGINE", 0,
	  "Where to compute: kernel (default, needs root or CAP_BPF+CAP_PERFMON) or user", 0 },
	{ "read-size", OPT_READ_SIZE, "BYTES", 0,
	  "Bytes per read() (1 to 131072, default 131072; K and M suffixes)", 0 },
	{ "verbose", 'v', NULL, 0, "Say what happens: compile, cache, load, attach", 0 },
	{ 0 },
};

static int parse_size(const char *arg, size_t *size)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (errno || end == arg || *end || *arg == '-' || v < 1 || v > BPFQ_BUF_SIZE)
		return -1;
	*size = v;
	return 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct options *o = state->input;

	switch (key) {
	case OPT_ENGINE:
		if (!strcmp(arg, "kernel"))
			o->engine = ENGINE_KERNEL;
		else if (!strcmp(arg, "user"))
			o->engine = ENGINE_USER;
		else
			argp_error(state, "--engine takes kernel or user, not '%s'", arg);
		break;
	case OPT_READ_SIZE:
		if (parse_size(arg, &o->read_size))
			argp_error(state, "--read-size takes 1 to %u bytes, not '%s'", BPFQ_BUF_SIZE,
				   arg);
		break;
	case 'v':
		o->verbose = true;
		break;
	case ARGP_KEY_ARG:
		if (o->query)
			argp_error(state, "one query at a time (quote it: bpfq 'sum(x) from f')");
		o->query = arg;
		break;
	case ARGP_KEY_END:
		if (!o->query)
			argp_error(state, "no query given");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int check_query(const char *text, struct query *q)
{
	struct diag d = { 0 };

	if (parse_query(text, strlen(text), q, &d) && sema_check(q, &d))
		return 0;
	diag_print(stderr, "error", text, strlen(text), &d);
	return -1;
}

static int open_input(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "bpfq: error: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "bpfq: error: '%s' is a directory\n", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* The reference evaluator over the whole file. */
static int run_user(const struct query *q, int fd, const struct options *o,
		    struct bpfq_result *out)
{
	struct eval *e = eval_new(q);
	char *buf = malloc(o->read_size);
	int status = EXIT_INPUT;
	ssize_t n;

	if (!e || !buf)
		goto cleanup;
	while ((n = read(fd, buf, o->read_size)) != 0 && !interrupted) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "bpfq: error: read: %s\n", strerror(errno));
			goto cleanup;
		}
		if (eval_feed(e, buf, n))
			break;
	}
	if (interrupted) {
		status = EXIT_INTERRUPTED;
		goto cleanup;
	}
	eval_finish(e);
	*out = *eval_result(e);
	status = EXIT_OK;
cleanup:
	eval_free(e);
	free(buf);
	return status;
}

/* Print a multi-line log from libbpf or clang, indented, after an error line. */
static void print_log(const char *log)
{
	const char *line = log;

	while (line && *line) {
		const char *end = strchrnul(line, '\n');

		fprintf(stderr, "  %.*s\n", (int)(end - line), line);
		line = *end ? end + 1 : end;
	}
}

/* Generated C to a loadable object, through the cache. */
static int build_object(const struct query *q, const struct options *o, void **obj,
			size_t *obj_len)
{
	char *clang = clang_find(), *src = NULL, *log = NULL;
	size_t len = 0;
	int hit = 0, status = EXIT_KERNEL;

	if (!clang) {
		fprintf(stderr, "bpfq: error: clang not found: install clang, or set BPFQ_CLANG "
				"to its path (or use --engine=user)\n");
		goto cleanup;
	}
	src = codegen_program(q, &len);
	if (!src) {
		fprintf(stderr, "bpfq: error: out of memory generating the program\n");
		goto cleanup;
	}
	if (cache_object(clang, src, len, obj, obj_len, &log, &hit)) {
		fprintf(stderr, "bpfq: error: %s could not compile the generated program:\n",
			clang);
		print_log(log);
		goto cleanup;
	}
	if (o->verbose)
		fprintf(stderr, "bpfq: %s the BPF object (%zu bytes)\n",
			hit ? "cache has" : "compiled", *obj_len);
	status = EXIT_OK;
cleanup:
	free(clang);
	free(src);
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
static int check_coverage(const struct bpfq_result *r, const struct reader_stats *s)
{
	if (r->bytes == s->bytes && (r->done || r->eof))
		return 0;
	fprintf(stderr, "bpfq: error: the BPF program parsed %llu of %llu bytes read; "
			"no answer\n", (unsigned long long)r->bytes, (unsigned long long)s->bytes);
	return -1;
}

static int scan(struct loader *l, int fd, const struct options *o, struct bpfq_result *out)
{
	struct reader_stats stats = { 0 };
	const char *why = NULL;
	char *log = NULL;
	int rc;

	set_target(loader__state(l), loader__buffer(l), fd);
	if (loader__attach(l, &log)) {
		fprintf(stderr, "bpfq: error: cannot attach the BPF program:\n");
		print_log(log);
		free(log);
		return EXIT_KERNEL;
	}
	rc = reader_run(l, fd, o->read_size, &interrupted, &stats, &why);
	loader__detach(l);
	if (rc == 1)
		return EXIT_INTERRUPTED;
	if (rc == -1) {
		fprintf(stderr, "bpfq: error: read: %s\n", strerror(errno));
		return EXIT_INPUT;
	}
	if (rc == -2 || check_coverage(&loader__state(l)->result, &stats)) {
		if (why)
			fprintf(stderr, "bpfq: error: %s; no answer\n", why);
		return EXIT_KERNEL;
	}
	if (o->verbose && stats.retries)
		fprintf(stderr, "bpfq: %llu reads repeated (the program missed them)\n",
			(unsigned long long)stats.retries);
	*out = loader__state(l)->result;
	return EXIT_OK;
}

static int run_kernel(const struct query *q, int fd, const struct options *o,
		      struct bpfq_result *out)
{
	struct loader *l = NULL;
	void *obj = NULL;
	size_t obj_len = 0;
	char *log = NULL;
	int status;

	if (!privs_can_trace()) {
		fprintf(stderr, "bpfq: error: loading BPF programs needs root, or CAP_BPF and "
				"CAP_PERFMON: run it with sudo, or use --engine=user to compute "
				"in user space\n");
		return EXIT_KERNEL;
	}
	status = build_object(q, o, &obj, &obj_len);
	if (status)
		goto cleanup;
	l = loader__load(obj, obj_len, &log);
	if (!l) {
		fprintf(stderr, "bpfq: error: the kernel did not load the BPF program:\n");
		print_log(log);
		status = EXIT_KERNEL;
		goto cleanup;
	}
	if (o->verbose)
		fprintf(stderr, "bpfq: loaded; the verifier processed %lu instructions\n",
			loader__verified_insns(l));
	status = scan(l, fd, o, out);
cleanup:
	loader__free(l);
	free(obj);
	free(log);
	return status;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* The result is trusted only now: a run-time error means no answer. */
static int report(const struct query *q, int fd, const struct bpfq_result *r)
{
	if (r->error) {
		output_runtime_error(stderr, q, q->path, fd, r);
		return EXIT_INPUT;
	}
	output_malformed_warning(stderr, q->path, fd, r);
	output_result(stdout, q, r);
	return fflush(stdout) ? EXIT_INPUT : EXIT_OK;
}

int main(int argc, char **argv)
{
	struct argp argp = { option_list, parse_opt, "QUERY", doc, NULL, NULL, NULL };
	struct options o = { .read_size = BPFQ_BUF_SIZE };
	struct bpfq_result result;
	struct query q = { 0 };
	int fd = -1, status;

	argp_err_exit_status = EXIT_QUERY;
	argp_parse(&argp, argc, argv, 0, NULL, &o);
	install_signals();
	if (check_query(o.query, &q)) {
		status = EXIT_QUERY;
		goto cleanup;
	}
	fd = open_input(q.path);
	if (fd < 0) {
		status = EXIT_INPUT;
		goto cleanup;
	}
	if (o.engine == ENGINE_USER)
		status = run_user(&q, fd, &o, &result);
	else
		status = run_kernel(&q, fd, &o, &result);
	/* A signal during the compile kills clang too: that is an interrupt, not a failure. */
	if (interrupted)
		status = EXIT_INTERRUPTED;
	if (status == EXIT_INTERRUPTED)
		fprintf(stderr, "bpfq: interrupted; no answer\n");
	else if (status == EXIT_OK)
		status = report(&q, fd, &result);
cleanup:
	if (fd >= 0)
		close(fd);
	query_free(&q);
	return status;
}
