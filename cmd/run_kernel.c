// SPDX-License-Identifier: MIT
/*
 * The kernel engine: choose the hook, generate the BPF C, compile it
 * (through the cache), load and attach it, read the input so the program
 * parses and reduces it, and take the answer from its maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/messages.h"
#include "cmd/run_internal.h"
#include "codegen/cache.h"
#include "codegen/clang.h"
#include "codegen/codegen.h"
#include "codegen/prune.h"
#include "runtime/hooks.h"
#include "runtime/loader.h"
#include "runtime/privs.h"
#include "runtime/scan.h"
#include "runtime/split.h"
#include "runtime/verifier_log.h"

/*
 * The program's shape for the query at a hook (codegen/plan.h): from what
 * is known of the input. BPFQ_LONG_INPUT=1 or 0 says long or short
 * whatever the size (the tests).
 */
static void make_plan(const struct run *r, enum hook_kind hook, struct codegen_plan *plan)
{
	const char *env = privs_getenv("BPFQ_LONG_INPUT");
	struct plan_input in = { .size = r->in.size, .unsized = r->in.unsized,
				 .dry_run = r->o->dry_run && r->in.fd < 0, .force_long = -1 };

	if (env && !strcmp(env, "1"))
		in.force_long = 1;
	if (env && !strcmp(env, "0"))
		in.force_long = 0;
	codegen_plan(&r->q, hook, &in, plan);
}

static const char *hook_name(enum hook_kind hook)
{
	static char name[64];

	snprintf(name, sizeof(name), "%s, %s", hook_info(hook)->name, hook_info(hook)->attach);
	return name;
}

/*
 * The program as -d c and the REPL's \\c show it: the plan, the query's
 * own code, then the whole program. The query's code compiles where
 * bpfq_query.h puts it, after the parts it calls; shown first, it is
 * under #if 0 so that the text still compiles as it stands.
 */
static char *explain(const struct run *r, enum hook_kind hook, const struct codegen_plan *p,
		     const char *src)
{
	size_t len, code_len;
	char *text = NULL, *all = codegen_query_code(&r->q, p, &code_len);
	char *code = all ? prune_like(all, src, &code_len) : NULL;
	FILE *out = code ? open_memstream(&text, &len) : NULL;

	free(all);
	if (!out) {
		free(code);
		return NULL;
	}
	fprintf(out, "/*\n * The plan (-d plan prints it alone):\n");
	codegen_plan_print(out, p, hook_name(hook), " *   ");
	fprintf(out, " *\n * Below, the query's own code first, each piece under the query part it\n"
		     " * implements; then the whole program as clang compiles it, the query's\n"
		     " * code in bpfq_query.h, each part under a banner naming its file.\n */\n"
		     "#if 0\t/* the query's own code: compiled below, in bpfq_query.h */\n"
		     "%s#endif\n\n%s", code, src);
	free(code);
	if (fclose(out)) {
		free(text);
		return NULL;
	}
	return text;
}

static void show_program(struct run *r, enum hook_kind hook, const struct codegen_plan *p,
			 const char *src)
{
	char *text = explain(r, hook, p, src);

	if (r->o->debug & DEBUG_C)
		fprintf(stderr, "--- generated BPF C ---\n%s--- end of BPF C ---\n",
			text ? text : src);
	if (r->last) {
		free(r->last->c_source);
		r->last->c_source = text ? text : strdup(src);
		text = NULL;
	}
	free(text);
}

/* The BPF C for the query at a hook (-d c prints it; the REPL's \\c shows it). */
char *run_generate(struct run *r, enum hook_kind hook, struct codegen_plan *p, size_t *len)
{
	char *src;

	make_plan(r, hook, p);
	src = codegen_program(&r->q, p, len);

	if (!src) {
		fprintf(stderr, "bpfq: error: out of memory generating the program\n");
		return NULL;
	}
	if (r->o->debug & DEBUG_PLAN && !(r->o->debug & DEBUG_C)) {
		fprintf(stderr, "--- plan ---\n");
		codegen_plan_print(stderr, p, hook_name(hook), "");
		fprintf(stderr, "--- end of plan ---\n");
	}
	if (r->o->debug & DEBUG_C || r->last)
		show_program(r, hook, p, src);
	return src;
}

/* Generated C to a loadable object, through the cache. */
static int compile(struct run *r, const struct codegen_plan *plan, const char *src, size_t len,
		   void **obj, size_t *obj_len)
{
	char *clang = clang_find(), *log = NULL;
	int hit = 0, status = EXIT_KERNEL;
	double start = stats_now();

	if (!clang && privs_for_other()) {
		fprintf(stderr, "bpfq: error: clang not found at %s, the one bpfq runs for "
				"another user (or use --engine=user)\n", clang_builtin_path);
		goto cleanup;
	}
	if (!clang) {
		fprintf(stderr, "bpfq: error: clang not found: install clang, or set BPFQ_CLANG "
				"to its path (or use --engine=user)\n");
		goto cleanup;
	}
	if (cache_object(clang, src, len, plan->parts, obj, obj_len, &log, &hit)) {
		/* clang was killed: run_checked() says so, the status is the signal's */
		if (run_interrupted)
			goto cleanup;
		fprintf(stderr, "bpfq: error: %s could not compile the generated program:\n",
			clang);
		messages_log(stderr, log);
		goto cleanup;
	}
	if (r->o->verbose && !hit && cache_refusal())
		fprintf(stderr, "bpfq: not using the object cache: %s; compiled in a private "
				"temporary folder\n", cache_refusal());
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

/* -d verifier: the log, each source line it names with its text; =summary: the figures. */
static void print_verifier_log(const struct run *r, const char *text)
{
	if (r->o->debug & DEBUG_VERIFIER) {
		fprintf(stderr, "--- verifier log ---\n");
		verifier_log_annotate(stderr, text, r->program);
		fprintf(stderr, "--- end of verifier log ---\n");
	}
	if (r->o->debug & DEBUG_VERIFIER_SUMMARY) {
		fprintf(stderr, "--- verifier summary ---\n");
		verifier_log_summary(stderr, text, r->program);
		fprintf(stderr, "--- end of verifier summary ---\n");
	}
}

static struct loader *load(struct run *r, const void *obj, size_t obj_len, int ranges,
			   int readers, long values)
{
	struct loader_log verifier = { 0 };
	struct loader *l;
	char *log = NULL;
	double start = stats_now();

	/* Constant comparisons of strings alone leave the program none to read. */
	loader__set_strings(r->q.lits, r->q.ntexts ? r->q.nlits : 0);
	l = loader__load(obj, obj_len, ranges, readers, r->o->max_groups, values,
			 r->o->debug & (DEBUG_VERIFIER | DEBUG_VERIFIER_SUMMARY) ? &verifier : NULL,
			 &log);
	if (verifier.text)
		print_verifier_log(r, verifier.text);
	if (!l && verifier.truncated) {
		/* The log, not the program, failed the load. */
		fprintf(stderr, "bpfq: the verifier log passed its %u MB: the above is its "
				"last part; loading again without it\n", VERIFIER_LOG_SIZE >> 20);
		free(log);
		log = NULL;
		l = loader__load(obj, obj_len, ranges, readers, r->o->max_groups, values, NULL,
				 &log);
	}
	if (!l) {
		fprintf(stderr, "bpfq: error: the kernel did not load the BPF program:\n");
		/* A verifier's log runs to thousands of lines: its end says why. */
		messages_log_tail(stderr, log, 16, "-d verifier shows all of it");
		if (log && strstr(log, "BPF program is too large"))
			fprintf(stderr, "bpfq: the verifier walked its limit of a million instructions: "
				"this query is too big for the kernel; split it into queries of "
				"fewer aggregates, or use --engine=user\n");
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

/*
 * The first hook of the request that this kernel allows (--hook, default
 * auto: copyout, then vfs, then syscall). The ones passed over, and why,
 * go to -v and the stats: a user always learns which hook ran and why.
 */
static int choose_hook(struct run *r, enum hook_kind *hook)
{
	char *why = NULL;
	int kind = hooks_choose(&r->o->hook, &why);
	const struct hook_info *info;

	if (kind < 0) {
		fprintf(stderr, "bpfq: error: no hook of --hook=%s is available here: %s "
				"(bpfq -l lists the hooks)\n", r->o->hook_arg, why ? why : "");
		free(why);
		return EXIT_KERNEL;
	}
	info = hook_info(kind);
	snprintf(r->stats.hook, sizeof(r->stats.hook), "%s (%s)", info->name, info->attach);
	r->stats.before_copy = kind == HOOK_COPYOUT;
	if (why && r->o->verbose)
		fprintf(stderr, "bpfq: passed over %s\n", why);
	if (r->o->verbose)
		fprintf(stderr, "bpfq: hook %s\n", r->stats.hook);
	snprintf(r->stats.hook_skipped, sizeof(r->stats.hook_skipped), "%s", why ? why : "");
	free(why);
	*hook = kind;
	return EXIT_OK;
}

/*
 * -j N: the ranges of a regular file, which the readers take in turn;
 * anything else (a pipe, a small file, -j 1) is one range, read by one
 * reader.
 */
/* Smaller files are read by one reader by default: a thread and a range would not pay. */
#define JOBS_DEFAULT_MIN_SIZE (16ULL << 20)

/*
 * The readers for the input: -j as given; without it, one per CPU this
 * process may run on (at most BPFQ_MAX_READERS) for a regular file large
 * enough that threads gain, else one.
 */
static int readers_wanted(const struct run *r)
{
	cpu_set_t cpus;
	int n;

	if (r->o->jobs_given)
		return r->o->jobs;
	if (!r->in.seekable || r->in.size < JOBS_DEFAULT_MIN_SIZE ||
	    sched_getaffinity(0, sizeof(cpus), &cpus))
		return 1;
	n = CPU_COUNT(&cpus);
	return n < 1 ? 1 : n > BPFQ_MAX_READERS ? BPFQ_MAX_READERS : n;
}

static int plan_ranges(struct run *r, uint64_t *starts, int *readers)
{
	int n, jobs = readers_wanted(r);

	*readers = 1;
	if (jobs <= 1 || !r->in.seekable || !r->in.size) {
		starts[0] = 0;
		starts[1] = r->in.size;
		return 1;
	}
	n = split_ranges(r->in.fd, r->in.base, r->in.size, &r->q.format, jobs, starts);
	*readers = n < jobs ? n : jobs;
	if (r->o->verbose && n > 1)
		fprintf(stderr, "bpfq: -j %d: %d ranges, from %.1f MB down to %.1f MB, "
				"each taken by the next reader to be free\n", jobs, n,
			(starts[1] - starts[0]) / 1e6, (starts[n] - starts[n - 1]) / 1e6);
	return n;
}

/* -j: the bytes of this file's ranges so far, after the earlier files'. */
static void scan_progress(void *ctx, uint64_t done)
{
	struct run *r = ctx;

	progress_update(&r->progress, r->stats.bytes_read + done);
}

/* The scan's status as bpfq's exit status; the attach's log is printed here. */
static int scan_exit(enum scan_status status, const char *log)
{
	switch (status) {
	case SCAN_OK:
		return EXIT_OK;
	case SCAN_INTERRUPTED:
		return EXIT_INTERRUPTED;
	case SCAN_INPUT:
		return EXIT_INPUT;
	case SCAN_ATTACH:
		fprintf(stderr, "bpfq: error: cannot attach the BPF program:\n");
		messages_log(stderr, log);
		return EXIT_KERNEL;
	default:
		return EXIT_KERNEL;
	}
}

/*
 * Scan the ranges with the loaded program into the run's answer. Returns
 * an exit status; *again when a csv range began inside a quoted field.
 */
static int scan(struct run *r, struct loader *l, bool rescan, int readers, int nranges,
		const uint64_t *starts, bool *again)
{
	struct scan_job job = {
		.q = &r->q, .fd = r->in.fd, .name = r->in.name, .seekable = r->in.seekable,
		.base = r->in.base, .read_size = r->o->read_size, .verbose = r->o->verbose,
		.rescan = rescan, .interrupted = &run_interrupted, .readers = readers, .nranges = nranges,
		.starts = starts, .watch = { run_on_read, r }, .progress = scan_progress,
		.progress_ctx = r, .file_conds = r->file_conds, .values = &r->values,
		.max_values = r->o->max_values,
	};
	struct scan_answer a = { 0 };
	enum scan_status status;
	int exit_status;

	r->stats.readers = readers;
	r->live = &loader__state(l, 0)->result;
	status = scan_run(&job, l, &a);
	r->result = a.result;
	r->area = a.area;
	r->groups = a.groups;
	r->file_bytes = a.bytes_read;
	r->stats.bytes_read += a.bytes_read;
	r->stats.reads += a.reads;
	/* The first file's replaces the estimate run_kernel() starts with. */
	if (status == SCAN_OK)
		r->stats.result_bytes = (r->sum.have ? r->stats.result_bytes : 0) + a.result_bytes;
	*again = status == SCAN_AGAIN_ALONE;
	exit_status = scan_exit(status, a.attach_log);
	free(a.attach_log);
	return exit_status;
}

/* The loaded program, and the ranges, readers and values its maps were sized for. */
struct loaded {
	struct loader *l;
	int ranges, readers;
	long values;
	bool scanned;		/* its maps hold an earlier file's groups */
};

/*
 * Kept values (quantile_exact, quantile): the entries of their map, the
 * header among them: what --max-values leaves, or fewer for a regular
 * file (each of its records is a byte or more, and puts a value for each
 * item that folds one).
 */
static long values_wanted(const struct run *r)
{
	long left = r->o->max_values - (long)r->values.n, items = 0;

	if (!ast_has_values(&r->q))
		return 1;
	for (int i = 0; i < r->q.nitems; i++)
		items += ast_keeps_values(r->q.items[i]) && !r->q.items[i]->share;
	if (r->in.seekable && !r->in.compression && !r->in.unsized &&
	    r->in.size < (uint64_t)left / items)
		left = (long)(r->in.size + 1) * items;
	return (left > 0 ? left : 0) + 1;
}

/* The program loaded for at least ranges ranges, readers readers and the values wanted. */
static int load_for(struct run *r, const void *obj, size_t obj_len, struct loaded *ld,
		    int ranges, int readers)
{
	long values = values_wanted(r);

	if (ld->l && ranges <= ld->ranges && readers <= ld->readers && values <= ld->values)
		return 0;
	loader__free(ld->l);
	*ld = (struct loaded){ .l = load(r, obj, obj_len, ranges, readers, values),
			       .ranges = ranges, .readers = readers, .values = values };
	return ld->l ? 0 : -1;
}

/*
 * A csv range began inside a quoted field: the whole file again, by one
 * reader, with a program loaded afresh (the maps hold the ranges' groups).
 */
static int scan_alone(struct run *r, const void *obj, size_t obj_len, struct loaded *ld)
{
	uint64_t starts[2] = { 0, r->in.size };
	bool again;

	if (r->o->verbose)
		fprintf(stderr, "bpfq: a range of -j began inside a quoted field; "
				"reading again with one reader\n");
	if (lseek(r->in.fd, r->in.base, SEEK_SET) < 0) {
		fprintf(stderr, "bpfq: error: seek %s: %s\n", r->in.name, strerror(errno));
		return EXIT_INPUT;
	}
	loader__free(ld->l);
	ld->l = NULL;
	if (load_for(r, obj, obj_len, ld, 1, 1))
		return EXIT_KERNEL;
	ld->scanned = true;
	return scan(r, ld->l, false, 1, 1, starts, &again);
}

/* One scan of BPFQ_READ_SIZES: a read size, and where its answer goes. */
struct size_run {
	size_t size;
	int out, err;
};

#define SIZE_RUNS_MAX 16

/* "SIZE:OUTFD:ERRFD ...": each descriptor open, each size one --read-size takes. */
static int parse_size_runs(const char *env, struct size_run *runs)
{
	int n = 0;

	while (*env) {
		char *end;
		unsigned long size = strtoul(env, &end, 10), out, err;

		if (n == SIZE_RUNS_MAX || end == env || *end != ':' || !size || size > BPFQ_BUF_SIZE)
			return -1;
		out = strtoul(end + 1, &end, 10);
		if (*end != ':')
			return -1;
		err = strtoul(end + 1, &end, 10);
		if ((*end && *end != ' ') || out > 1024 || err > 1024 ||
		    fcntl((int)out, F_GETFD) < 0 || fcntl((int)err, F_GETFD) < 0)
			return -1;
		runs[n++] = (struct size_run){ size, (int)out, (int)err };
		env = *end ? end + 1 : end;
	}
	return n;
}

/*
 * In a child of read_sizes(): this run's answer at its read size, on the
 * descriptors named, from where the input stood before the first scan.
 */
static int become_size_run(struct run *r, const struct size_run *run, off_t at)
{
	struct options *o = malloc(sizeof(*o));

	if (!o || dup2(run->out, STDOUT_FILENO) < 0 || dup2(run->err, STDERR_FILENO) < 0 ||
	    (r->in.seekable && lseek(r->in.fd, at, SEEK_SET) < 0))
		_exit(EXIT_INPUT);
	*o = *r->o;
	o->read_size = run->size;
	r->o = o;
	return 0;
}

/*
 * BPFQ_READ_SIZES (the differential tests, tests/diff/run): the input
 * scanned once per read size by the one program loaded, each scan in a
 * child, in turn: the load and the verifier are most of a small file's
 * run, and the program does not depend on the read size. Returns in each
 * child (*again: the maps hold an earlier child's groups); the parent
 * prints "SIZE STATUS" for each and exits. Not under sudo (privs_getenv).
 */
static int read_sizes(struct run *r, bool *again)
{
	const char *env = privs_getenv("BPFQ_READ_SIZES");
	struct size_run runs[SIZE_RUNS_MAX];
	int n, st, status = EXIT_OK;
	off_t at;

	if (!env || r->file)
		return 0;
	n = parse_size_runs(env, runs);
	at = lseek(r->in.fd, 0, SEEK_CUR);
	if (n <= 0 || !r->in.seekable || at < 0) {
		fprintf(stderr, "bpfq: error: BPFQ_READ_SIZES: expected SIZE:OUTFD:ERRFD ... "
				"with open descriptors, and a regular file\n");
		return EXIT_INPUT;
	}
	for (int i = 0; i < n; i++) {
		pid_t pid;

		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			*again = i > 0;
			return become_size_run(r, &runs[i], at);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0) {
			fprintf(stderr, "bpfq: error: BPFQ_READ_SIZES: %s\n", strerror(errno));
			status = EXIT_INPUT;
			break;
		}
		printf("%zu %d\n", runs[i].size, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	fflush(NULL);
	_exit(status);
}

/* The input's file: its ranges (-j) read by the program, loaded for them if need be. */
static int scan_file(struct run *r, const void *obj, size_t obj_len, struct loaded *ld)
{
	uint64_t starts[BPFQ_MAX_RANGES + 1], bytes = r->stats.bytes_read, reads = r->stats.reads;
	int readers, ranges = plan_ranges(r, starts, &readers), status;
	bool again = false, rescan = ld->scanned;

	if (load_for(r, obj, obj_len, ld, ranges, readers))
		return EXIT_KERNEL;
	if (r->o->dry_run) {
		fprintf(stderr, "bpfq: dry run: compiled, loaded and verified at hook %s (%lu "
				"instructions processed); nothing read\n", r->stats.hook,
			r->stats.verified_insns);
		return EXIT_OK;
	}
	status = read_sizes(r, &rescan);
	if (status)
		return status;
	status = run_settle_input(r);
	if (status)
		return status;
	ld->scanned = true;
	status = scan(r, ld->l, rescan, readers, ranges, starts, &again);
	if (!again)
		return status;
	r->stats.bytes_read = bytes;
	r->stats.reads = reads;
	return scan_alone(r, obj, obj_len, ld);
}

/* Load for the readers and scan each file; with --dry-run stop after the verifier. */
static int load_and_scan(struct run *r, const void *obj, size_t obj_len)
{
	struct loaded ld = { 0 };
	int status;

	for (;;) {
		status = r->skip ? run_file_skipped(r) : scan_file(r, obj, obj_len, &ld);
		if (status == EXIT_OK && !r->o->dry_run)
			status = run_file_done(r);
		if (status || r->o->dry_run || !run_more_files(r))
			break;
		if ((status = run_next_file(r)))
			break;
		run_file_start(r);
	}
	loader__free(ld.l);
	return status;
}

/*
 * --dry-run=compile: the object for every kind the --hook request names
 * (auto: all of them), without privileges, probes or loading: what fills
 * the object cache for another kernel (the tests' VMs) or checks clang.
 */
static int compile_only(struct run *r)
{
	int status = EXIT_OK;

	r->stats.engine = "kernel";
	for (int k = r->o->hook.first; k <= (int)r->o->hook.last && status == EXIT_OK; k++) {
		void *obj = NULL;
		size_t len = 0, obj_len = 0;
		struct codegen_plan p;
		char *src;

		src = run_generate(r, k, &p, &len);
		status = src ? compile(r, &p, src, len, &obj, &obj_len) : EXIT_KERNEL;
		if (status == EXIT_OK)
			fprintf(stderr, "bpfq: dry run: compiled for hook %s (%s): %zu bytes%s\n",
				hook_info(k)->name, hook_info(k)->attach, obj_len,
				r->stats.cache_hit ? ", from the cache" : "");
		free(obj);
		free(src);
	}
	return status;
}

/* Choose the hook, generate, compile and load; with --dry-run stop there, else scan. */
int run_kernel(struct run *r)
{
	void *obj = NULL;
	size_t obj_len = 0, len = 0;
	char *src = NULL;
	enum hook_kind hook;
	struct codegen_plan p;
	int status = EXIT_KERNEL;

	if (r->o->compile_only)
		return compile_only(r);
	r->stats.engine = "kernel";
	r->stats.result_bytes = sizeof(struct bpfq_result);
	if (!privs_can_trace()) {
		fprintf(stderr, "bpfq: error: loading BPF programs needs root, or CAP_BPF and "
				"CAP_PERFMON: run it with sudo, or use --engine=user to compute "
				"in user space\n");
		goto cleanup;
	}
	status = choose_hook(r, &hook);
	if (status)
		goto cleanup;
	status = EXIT_KERNEL;
	src = run_generate(r, hook, &p, &len);
	if (!src)
		goto cleanup;
	status = compile(r, &p, src, len, &obj, &obj_len);
	if (status)
		goto cleanup;
	r->program = src;
	status = load_and_scan(r, obj, obj_len);
	r->program = NULL;
cleanup:
	free(obj);
	free(src);
	return status;
}

