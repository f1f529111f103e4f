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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/messages.h"
#include "cmd/run_internal.h"
#include "codegen/cache.h"
#include "codegen/clang.h"
#include "codegen/codegen.h"
#include "codegen/prune.h"
#include "lang/value/layout.h"
#include "runtime/hooks.h"
#include "runtime/loader.h"
#include "runtime/privs.h"
#include "runtime/scan.h"
#include "runtime/split.h"
#include "runtime/verifier_log.h"

/* The bytes of the list's regular files, as they stand before the first is read. */
static uint64_t list_bytes(struct run *r)
{
	struct stat st;

	if (r->list_sized)
		return r->list_bytes;
	r->list_bytes = 0;
	for (int i = 0; i < r->files.n; i++)
		if (strcmp(r->files.paths[i], "-") && !stat(r->files.paths[i], &st) &&
		    S_ISREG(st.st_mode))
			r->list_bytes += st.st_size;
	r->list_sized = true;
	return r->list_bytes;
}

/*
 * The program's shape for the query at a hook (codegen/plan.h): from what
 * is known of the input, a list's bytes in all (its one program scans
 * them all). BPFQ_LONG_INPUT=1 or 0 says long or short whatever the size
 * (the tests).
 */
static void make_plan(struct run *r, enum hook_kind hook, struct codegen_plan *plan)
{
	const char *env = privs_getenv("BPFQ_LONG_INPUT");
	uint64_t list = r->files.n > 1 ? list_bytes(r) : 0;
	struct plan_input in = { .size = list > r->in.size ? list : r->in.size,
				 .unsized = r->in.unsized,
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

/*
 * count_distinct: its set's entries: --max-distinct, or fewer for a
 * regular file read alone (each item puts a value a record, and a record
 * is a byte or more). Files of a list share the set (their answer is the
 * union), so it is sized once, for all of them.
 */
static long distinct_wanted(const struct run *r)
{
	long items = 0;

	for (int i = 0; i < r->q.nitems; i++)
		items += r->q.items[i]->agg == AGG_COUNT_DISTINCT && !ast_folds_file(&r->q, r->q.items[i]);
	if (!items)
		return 1;
	if (r->files.n <= 1 && r->in.seekable && !r->in.compression && !r->in.unsized &&
	    r->in.size < (uint64_t)r->o->max_distinct / items)
		return (long)(r->in.size + 1) * items;
	return r->o->max_distinct;
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
	loader__set_distinct(distinct_wanted(r), r->distinct_fd);
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

/* One reader per CPU this process may run on, at most BPFQ_MAX_READERS. */
static int cpu_readers(void)
{
	cpu_set_t cpus;
	int n;

	if (sched_getaffinity(0, sizeof(cpus), &cpus))
		return 1;
	n = CPU_COUNT(&cpus);
	return n < 1 ? 1 : n > BPFQ_MAX_READERS ? BPFQ_MAX_READERS : n;
}

/*
 * The readers for the input: -j as given; without it, one per CPU for a
 * regular file large enough that threads gain, else one.
 */
static int readers_wanted(const struct run *r)
{
	if (r->o->jobs_given)
		return r->o->jobs;
	if (!r->in.seekable || r->in.size < JOBS_DEFAULT_MIN_SIZE)
		return 1;
	return cpu_readers();
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
		.clear_distinct = r->q.by_file || !r->file,
	};
	struct scan_answer a = { 0 };
	enum scan_status status;
	int exit_status;

	if (readers > r->stats.readers)
		r->stats.readers = readers;
	r->live = &loader__state(l, 0)->result;
	status = scan_run(&job, l, &a);
	if (status == SCAN_OK && r->o->partial && scan_read_distinct(l, &r->distinct)) {
		fprintf(stderr, "bpfq: error: out of memory taking count_distinct's values\n");
		status = SCAN_INPUT;
	}
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
	/* A later file's program joins the earlier files' count_distinct values. */
	if (ld->l && r->distinct_fd < 0 && loader__distinct_fd(ld->l) >= 0)
		r->distinct_fd = fcntl(loader__distinct_fd(ld->l), F_DUPFD_CLOEXEC, 0);
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
	/*
	 * count_distinct: the set holds some of this file's values now; read
	 * again, they would not count. The file starts a new set: after
	 * earlier files, whose values are then forgotten, the answer is the
	 * estimate.
	 */
	if (r->distinct_fd >= 0)
		close(r->distinct_fd);
	r->distinct_fd = -1;
	r->distinct_lost |= r->file > 0 && !r->q.by_file && ast_has_distinct(&r->q);
	if (load_for(r, obj, obj_len, ld, 1, 1))
		return EXIT_KERNEL;
	ld->scanned = true;
	return scan(r, ld->l, false, 1, 1, starts, &again);
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
	status = run_read_sizes(r, &rescan);
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

/*
 * The readers for a list of files read several at once: -j as given;
 * without it, one per CPU when the list's bytes are as many as a single
 * file's that gains. 1: the files are read one after another.
 */
static int list_readers(struct run *r)
{
	if (r->o->jobs_given)
		return r->o->jobs;
	return list_bytes(r) < JOBS_DEFAULT_MIN_SIZE ? 1 : cpu_readers();
}

/*
 * Whether the small files of the list are read several at once, each
 * parsed into its own state slot. Not when a file's answer needs the
 * groups map to itself (file beside other keys, or aggregates of file
 * with by: the map is shared by the slots), nor quantile_exact (its map
 * is sized by the file), nor for BPFQ_READ_SIZES (one file).
 */
static bool list_at_once(struct run *r)
{
	bool folds_file = false;

	for (int i = 0; i < r->q.nitems; i++)
		folds_file |= ast_folds_file(&r->q, r->q.items[i]);
	return r->files.n > 1 && !r->o->dry_run && !ast_has_exact(&r->q) &&
	       !(r->q.by && (r->q.file_key || folds_file)) &&
	       !privs_getenv("BPFQ_READ_SIZES") && list_readers(r) > 1;
}

/* The file in r->in goes with others: a regular file, not compressed, too small to split. */
static bool list_file_fits(const struct run *r)
{
	return !r->skip && r->in.seekable && !r->in.compression && !r->in.unsized &&
	       r->in.size < JOBS_DEFAULT_MIN_SIZE;
}

/* A file of a batch: opened (its header read), or skipped by where. */
struct batch_file {
	int file;
	bool skip;
	struct input in;
	uint64_t file_conds;
	int range;		/* its range of the scan, or -1 */
	char *said;		/* what its opening said on stderr, for when it is done */
	size_t said_len;
};

/* Files of the list read at once, a range (and state slot) each. */
struct batch {
	struct batch_file f[BPFQ_MAX_RANGES];
	struct scan_input inputs[BPFQ_MAX_RANGES];
	struct scan_part parts[BPFQ_MAX_RANGES];
	int n, nranges;
	bool next_open;		/* r->in holds the file after the batch, opened (or failed) */
	int next_status;	/* and the status of its opening */
	char *said;		/* what the opening of the file in r->in said */
	size_t said_len;
};

/* The file in r->in into the batch; r->in is left closed. */
static void batch_add(struct run *r, struct batch *b)
{
	struct batch_file *f = &b->f[b->n++];

	*f = (struct batch_file){ .file = r->file, .skip = r->skip, .in = r->in,
				  .file_conds = r->file_conds, .range = -1, .said = b->said,
				  .said_len = b->said_len };
	b->said = NULL;
	b->said_len = 0;
	if (!f->skip) {
		f->range = b->nranges++;
		b->inputs[f->range] = (struct scan_input){ .fd = f->in.fd, .name = f->in.name,
			.base = f->in.base, .len = f->in.size, .file_conds = f->file_conds };
	}
	r->in = (struct input){ .fd = -1 };
}

/*
 * The next file opened, what it says on stderr kept for when the files
 * before it are done: one after another, an error of theirs would have
 * stopped the list before it was opened. No reader runs meanwhile.
 */
static int next_file_quietly(struct run *r, struct batch *b)
{
	FILE *real = stderr, *kept = open_memstream(&b->said, &b->said_len);
	int status;

	if (!kept)
		return run_next_file(r);
	stderr = kept;
	status = run_next_file(r);
	stderr = real;
	if (fclose(kept)) {
		free(b->said);
		b->said = NULL;
		b->said_len = 0;
	}
	return status;
}

/* What a file's opening said, said now, in its place in the list. */
static void say_kept(char **said, size_t *len)
{
	if (*said)
		fwrite(*said, 1, *len, stderr);
	free(*said);
	*said = NULL;
	*len = 0;
}

/*
 * The file in r->in and the ones after it that fit, opened in list order
 * (each its header, checked against the first's). The first that does
 * not fit, or fails to open, is left in r->in for after the batch.
 */
static void batch_gather(struct run *r, struct batch *b)
{
	batch_add(r, b);
	while (b->n < BPFQ_MAX_RANGES && r->file + 1 < r->files.n) {
		int status = next_file_quietly(r, b);

		if (status || (!r->skip && !list_file_fits(r))) {
			b->next_open = true;
			b->next_status = status;
			return;
		}
		batch_add(r, b);
	}
}

/* Scan the batch's ranges with the readers; the answer's parts are the files'. */
static int batch_scan(struct run *r, struct loaded *ld, struct batch *b, struct scan_answer *a)
{
	int readers = list_readers(r) < b->nranges ? list_readers(r) : b->nranges;
	struct scan_job job = {
		.q = &r->q, .fd = -1, .name = b->inputs[0].name, .seekable = true,
		.read_size = r->o->read_size, .verbose = r->o->verbose, .rescan = ld->scanned,
		.interrupted = &run_interrupted, .readers = readers, .nranges = b->nranges,
		.inputs = b->inputs, .progress = scan_progress, .progress_ctx = r,
		.values = &r->values, .max_values = r->o->max_values,
	};
	enum scan_status status;
	int exit_status;

	if (r->o->verbose)
		fprintf(stderr, "bpfq: -j %d: %d files at once, each taken by the next reader "
				"to be free\n", readers, b->nranges);
	ld->scanned = true;
	if (readers > r->stats.readers)
		r->stats.readers = readers;
	r->live = &loader__state(ld->l, 0)->result;
	a->parts = b->parts;
	status = scan_run(&job, ld->l, a);
	r->stats.bytes_read += a->bytes_read;
	r->stats.reads += a->reads;
	if (status == SCAN_OK)
		r->stats.result_bytes = (r->sum.have ? r->stats.result_bytes : 0) + a->result_bytes;
	exit_status = scan_exit(status, a->attach_log);
	free(a->attach_log);
	free(a->area);
	return exit_status;
}

/*
 * The batch's file i as if read alone: its answer (with by, the batch's
 * groups go with its first file read, the others' are empty), then its
 * checks and messages, and its answer joins the list's.
 */
static int batch_done(struct run *r, struct loader *l, struct batch *b, int i,
		      struct scan_answer *a)
{
	struct batch_file *f = &b->f[i];
	struct scan_part *p = f->range >= 0 ? &b->parts[f->range] : NULL;
	size_t words = layout_words(&r->q);
	int status;

	if (i)
		run_file_start(r);
	say_kept(&f->said, &f->said_len);
	r->file = f->file;
	r->in = f->in;
	r->skip = f->skip;
	r->file_conds = f->file_conds;
	f->in = (struct input){ .fd = -1 };
	if (!p)
		return run_file_skipped(r) ? EXIT_INPUT : run_file_done(r);
	r->result = p->result;
	r->file_bytes = p->bytes_read;
	/* One file's states at a time out of the map: they may be large (sketches). */
	r->area = calloc(words + 1, sizeof(uint64_t));
	if (r->area && !r->q.by)
		memcpy(r->area, loader__area(l, f->range), words * sizeof(uint64_t));
	if (r->q.by) {
		r->groups = a->groups ? a->groups : groups_new(words);
		a->groups = NULL;
	}
	if (!r->area || (r->q.by && !r->groups)) {
		fprintf(stderr, "bpfq: error: out of memory\n");
		return EXIT_INPUT;
	}
	status = run_file_done(r);
	input_close(&r->in);
	return status;
}

static void batch_free(struct batch *b, struct scan_answer *a)
{
	for (int i = 0; i < b->n; i++) {
		input_close(&b->f[i].in);
		free(b->f[i].said);
	}
	groups_free(a->groups);
}

/*
 * Files of the list read at once, from the one in r->in: each file's
 * answer is done in list order, as one after another would be, up to the
 * first that stops the list (an error, an answer known). *next_open: r->in
 * then holds the next file, opened, for the caller to read.
 */
static int scan_batch(struct run *r, const void *obj, size_t obj_len, struct loaded *ld,
		      bool *next_open)
{
	struct batch *b = calloc(1, sizeof(*b));
	struct scan_answer a = { 0 };
	struct input next;
	int status, file, last = r->file;
	uint64_t conds;
	bool skip, settled;

	if (!b) {
		fprintf(stderr, "bpfq: error: out of memory\n");
		return EXIT_INPUT;
	}
	batch_gather(r, b);
	next = r->in;
	file = r->file;
	conds = r->file_conds;
	skip = r->skip;
	settled = r->settled;
	status = load_for(r, obj, obj_len, ld, BPFQ_MAX_RANGES, list_readers(r)) ? EXIT_KERNEL
			: batch_scan(r, ld, b, &a);
	for (int i = 0; i < b->n && status == EXIT_OK && !(i && r->result.done); i++) {
		last = b->f[i].file;
		status = batch_done(r, ld->l, b, i, &a);
	}
	batch_free(b, &a);
	/* The last file done stays in r->in, closed: or the next one, for the caller. */
	r->file = last;
	if (b->next_open) {
		r->in = next;
		r->file = file;
		r->file_conds = conds;
		r->skip = skip;
		r->settled = settled;
	}
	*next_open = b->next_open;
	if (status == EXIT_OK && !r->result.done && b->next_open) {
		say_kept(&b->said, &b->said_len);
		status = b->next_status;
	}
	free(b->said);
	free(b);
	return status;
}

/*
 * Load for the readers and scan each file; with --dry-run stop after the
 * verifier. The small files of a list may be read several at once
 * (scan_batch()), their answers joined in list order.
 */
static int load_and_scan(struct run *r, const void *obj, size_t obj_len)
{
	struct loaded ld = { 0 };
	bool at_once = list_at_once(r), next_open = false;
	int status;

	/* Loaded once for any batch or file of the list. */
	if (at_once && load_for(r, obj, obj_len, &ld, BPFQ_MAX_RANGES, list_readers(r)))
		return EXIT_KERNEL;
	for (;;) {
		if (at_once && list_file_fits(r)) {
			status = scan_batch(r, obj, obj_len, &ld, &next_open);
		} else {
			status = r->skip ? run_file_skipped(r) : scan_file(r, obj, obj_len, &ld);
			if (status == EXIT_OK && !r->o->dry_run)
				status = run_file_done(r);
		}
		if (status || r->o->dry_run || r->result.done)
			break;
		if (!next_open && !run_more_files(r))
			break;
		if (!next_open && (status = run_next_file(r)))
			break;
		next_open = false;
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

