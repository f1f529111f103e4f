// SPDX-License-Identifier: MIT
/* argp: the options, --help with examples, and their checks. */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf-templates/bpfq_state.h"
#include "cmd/options.h"
#include "lang/front/suggest.h"
#include "lang/value/distinct.h"
#include "lang/value/exact.h"

const char *argp_program_version = "bpfq " BPFQ_VERSION;
const char *argp_program_bug_address = "the bpfq issue tracker";

static const char doc[] =
	"Filter and reduce a file inside the kernel, on its read path, and print only the "
	"answer.\n"
	"FILEs after the query (or after -e/-f queries) are read by every query that names "
	"no 'from'; with neither, standard input is. Folders and quoted globs ('logs/*.log', "
	"'**/*.csv') are expanded by bpfq. With no QUERY and a terminal on standard input, "
	"start an interactive session.\v"
	"Examples:\n"
	"  bpfq 'sum(x) where x > 5 from nums.txt'\n"
	"  bpfq 'count() where $9 >= 500' access.log access.log.1.gz\n"
	"  bpfq 'min(x), max(x), avg(x) where x >= 100 and x < 200 from nums.txt'\n"
	"  bpfq -q 'exists(x == 18) from nums.txt' && echo found\n"
	"  seq 1000 | bpfq 'sum(x) from -'\n"
	"  bpfq -s -o json 'avg(x) from nums.txt'\n"
	"  bpfq -d c --dry-run 'count() where x % 7 == 0 from nums.txt'\n"
	"  pdsh -w 'h[01-64]' \"bpfq --partial 'sum(x) from n.txt'\" | bpfq merge\n"
	"  bpfq --engine=user 'avg(x) from nums.txt'   # no BPF: the evaluator\n"
	"\n"
	"Also: bpfq merge [--expect=N] [-o FORMAT] [FILE...|-] combines --partial\n"
	"outputs.\n"
	"\n"
	"Exit status: 0 answer printed; 1 with -q, an exists() was false; 2 usage\n"
	"or query error; 3 input error (the file cannot be read, or a value makes\n"
	"the query fail); 4 BPF error (privileges, clang, verifier, attach);\n"
	"130/143 interrupted (SIGINT/SIGTERM).\n"
	"See bpfq(8) and bpfq-query(7).";

enum {
	OPT_ENGINE = 0x100,
	OPT_READ_SIZE,
	OPT_DRY_RUN,
	OPT_PARTIAL,
	OPT_HOOK,
	OPT_MAX_GROUPS,
	OPT_MAX_VALUES,
	OPT_MAX_DISTINCT,
};

static const struct argp_option option_list[] = {
	{ NULL, 0, NULL, 0, "Queries:", 1 },
	{ "expr", 'e', "QUERY", 0, "The query (may be given several times)", 1 },
	{ "file", 'f', "FILE", 0,
	  "Read queries from FILE ('-' for standard input), separated by ';'", 1 },
	{ "recursive", 'r', NULL, 0,
	  "Read the files in the subfolders of a folder given as input, too", 1 },
	{ NULL, 0, NULL, 0, "Running:", 2 },
	{ "engine", OPT_ENGINE, "ENGINE", 0,
	  "Where to compute: kernel (default, needs root or CAP_BPF+CAP_PERFMON) or user", 2 },
	{ "hook", OPT_HOOK, "HOOK", 0,
	  "Where on the read path: auto (default: the first available of copyout, vfs, "
	  "syscall), copyout, vfs, syscall; vfs:fexit, vfs:kprobe, syscall:raw_tp or "
	  "syscall:tp_btf picks the method", 2 },
	{ "jobs", 'j', "N", 0,
	  "Read with N reader threads (1 to 8; default: one per CPU for a file, or a list "
	  "of files, of 16 MiB or more, else 1): a large file's ranges cut at records, a "
	  "list's small files, each taken by the next reader free; the answer is the same",
	  2 },
	{ "read-size", OPT_READ_SIZE, "BYTES", 0,
	  "Bytes per read() (1 to 1048576, default 1048576; K and M suffixes)", 2 },
	{ "max-groups", OPT_MAX_GROUPS, "N", 0,
	  "With by, at most N groups (default 65536; up to 16777216); more is an error", 2 },
	{ "max-values", OPT_MAX_VALUES, "N", 0,
	  "quantile, median (without by) and their _exact kinds: keep at most N values, "
	  "24 bytes each (default 4194304; up to 2147483648); more is an error for the "
	  "_exact ones, an estimate and a warning for the others", 2 },
	{ "max-distinct", OPT_MAX_DISTINCT, "N", 0,
	  "count_distinct, count(distinct e): exact while the values of all of them and "
	  "their groups number at most N (default 1048576, about 100 bytes each; up to "
	  "268435456); past it HyperLogLog's estimate, with a warning", 2 },
	{ "dry-run", OPT_DRY_RUN, "STAGE", OPTION_ARG_OPTIONAL,
	  "Parse, generate, compile, load and verify; then exit without reading. "
	  "--dry-run=compile stops before loading (no privileges needed) and compiles "
	  "for each hook --hook names, filling the object cache", 2 },
	{ "list-hooks", 'l', NULL, 0, "List the read-path hooks and whether this kernel allows them", 2 },
	{ NULL, 0, NULL, 0, "Output:", 3 },
	{ "output", 'o', "FORMAT", 0, "text (default), json (one object per query) or csv", 3 },
	{ "quiet", 'q', NULL, 0,
	  "Print nothing; exit 1 if an exists() is false (as grep -q)", 3 },
	{ "stats", 's', NULL, 0,
	  "Print on stderr what was scanned, copied and touched, and the times", 3 },
	{ "partial", OPT_PARTIAL, NULL, 0,
	  "Print the mergeable state of every aggregate, for bpfq merge", 3 },
	{ "debug", 'd', "STAGE", 0, "Print a stage on stderr: ast, plan, c, verifier, verifier=summary or all", 3 },
	{ "verbose", 'v', NULL, 0, "Say what happens: compile, cache, load, attach", 3 },
	/* -h as most tools take it; argp knows only --help and -?. */
	{ NULL, 'h', NULL, OPTION_HIDDEN, NULL, 3 },
	{ 0 },
};

int options_parse_size(const char *arg, size_t *size)
{
	unsigned long long v;
	int shift = 0;
	char *end;

	/* Digits first: strtoull() would skip blanks and take a sign ("-1" wraps). */
	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10, end++;
	else if (*end == 'M' || *end == 'm')
		shift = 20, end++;
	/* Bounded before the shift, which would wrap a huge count to a small size. */
	if (errno || *end || v < 1 || v > BPFQ_BUF_SIZE >> shift)
		return -1;
	*size = v << shift;
	return 0;
}

/* A count from 1 to most: --max-groups, --max-values. */
static int parse_count(const char *arg, long most, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(arg, &end, 10);
	return errno || *end || end == arg || *v < 1 || *v > most ? -1 : 0;
}

static int add_arg(const char ***list, int *n, const char *arg)
{
	const char **more = realloc(*list, (*n + 1) * sizeof(*more));

	if (!more)
		return -1;
	*list = more;
	(*list)[(*n)++] = arg;
	return 0;
}

static int add_query(struct options *o, const char *text)
{
	return add_arg(&o->queries, &o->nqueries, text);
}

/* As awk and grep: without -e or -f, the first argument is the query, the rest files. */
static void take_query(struct options *o)
{
	if (o->nqueries || o->query_file || o->list_hooks || !o->npaths)
		return;
	o->queries = o->paths;
	o->nqueries = 1;
	o->paths = NULL;
	o->npaths--;
	if (!o->npaths)
		return;
	o->paths = malloc(o->npaths * sizeof(*o->paths));
	if (!o->paths) {
		fprintf(stderr, "bpfq: error: out of memory\n");
		exit(EXIT_QUERY);
	}
	memcpy(o->paths, o->queries + 1, o->npaths * sizeof(*o->paths));
}

/* The index of arg in names[], or -1: every enumerated option value. */
static int pick(const char *arg, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return i;
	return -1;
}

#define PICK(arg, names) pick(arg, names, sizeof(names) / sizeof(names[0]))

static const char *const engine_names[] = { [ENGINE_KERNEL] = "kernel", [ENGINE_USER] = "user" };
static const char *const format_names[] = {
	[FORMAT_TEXT] = "text", [FORMAT_JSON] = "json", [FORMAT_CSV] = "csv",
};
static const char *const debug_names[] = { "ast", "c", "verifier", "plan", "all",
					  "verifier=summary" };
static const unsigned debug_bits[] = { DEBUG_AST, DEBUG_C, DEBUG_VERIFIER, DEBUG_PLAN,
					DEBUG_ALL, DEBUG_VERIFIER_SUMMARY };

static const char *const hook_names[] = {
	"auto", "copyout", "vfs", "vfs:fexit", "vfs:kprobe", "syscall", "syscall:raw_tp",
	"syscall:tp_btf",
};

/* " (did you mean 'NAME'?)" after a value none of names is, or "". */
#define NEAR(buf, arg, names) \
	suggest_clause(buf, sizeof(buf), arg, strlen(arg), names, sizeof(names) / sizeof(names[0]))

const char *options_format_near(const char *arg, char *buf, size_t size)
{
	return suggest_clause(buf, size, arg, strlen(arg), format_names,
			      sizeof(format_names) / sizeof(format_names[0]));
}

int options_parse_format(const char *arg, enum format *format)
{
	int i = PICK(arg, format_names);

	if (i < 0)
		return -1;
	*format = i;
	return 0;
}

static void parse_engine(struct argp_state *state, struct options *o, const char *arg)
{
	int i = PICK(arg, engine_names);
	char near[64];

	if (i < 0)
		argp_error(state, "--engine takes kernel or user, not '%s'%s", arg,
			   NEAR(near, arg, engine_names));
	o->engine = i;
}

static void parse_debug(struct argp_state *state, struct options *o, const char *arg)
{
	int i = PICK(arg, debug_names);
	char near[64];

	if (i < 0)
		argp_error(state, "-d takes ast, plan, c, verifier, verifier=summary or all, not "
				  "'%s'%s", arg, NEAR(near, arg, debug_names));
	o->debug |= debug_bits[i];
}

static void check_combination(struct argp_state *state, struct options *o)
{
	if (o->query_file && o->nqueries)
		argp_error(state, "give queries either with -e or with -f, not both");
	if (o->partial && o->format != FORMAT_TEXT)
		argp_error(state, "--partial has its own format; drop -o");
	if (o->hook_given && o->engine == ENGINE_USER)
		argp_error(state, "--hook is where the kernel engine runs; --engine=user has none");
	if (o->jobs > 1 && o->engine == ENGINE_USER)
		argp_error(state, "-j sets the kernel engine's readers; --engine=user reads with one");
	if (o->partial && o->quiet)
		argp_error(state, "--partial prints the state for bpfq merge; drop -q");
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct options *o = state->input;
	char near[64];

	switch (key) {
	case 'e':
		if (add_query(o, arg))
			argp_failure(state, EXIT_QUERY, ENOMEM, "queries");
		break;
	case ARGP_KEY_ARG:
		if (add_arg(&o->paths, &o->npaths, arg))
			argp_failure(state, EXIT_QUERY, ENOMEM, "arguments");
		break;
	case 'r':
		o->recursive = true;
		break;
	case 'f':
		o->query_file = arg;
		break;
	case OPT_ENGINE:
		parse_engine(state, o, arg);
		break;
	case OPT_HOOK:
		if (hooks_parse_request(arg, &o->hook))
			argp_error(state, "--hook takes auto, copyout, vfs, vfs:fexit, vfs:kprobe, "
				   "syscall, syscall:raw_tp or syscall:tp_btf, not '%s'%s", arg,
				   NEAR(near, arg, hook_names));
		o->hook_given = true;
		o->hook_arg = arg;
		break;
	case OPT_MAX_GROUPS:
		if (parse_count(arg, OPTIONS_GROUPS_LIMIT, &o->max_groups))
			argp_error(state, "--max-groups takes 1 to %ld, not '%s'", OPTIONS_GROUPS_LIMIT,
				   arg);
		break;
	case OPT_MAX_VALUES:
		if (parse_count(arg, EXACT_VALUES_LIMIT, &o->max_values))
			argp_error(state, "--max-values takes 1 to %ld, not '%s'", EXACT_VALUES_LIMIT,
				   arg);
		break;
	case OPT_MAX_DISTINCT:
		if (parse_count(arg, DISTINCT_LIMIT, &o->max_distinct))
			argp_error(state, "--max-distinct takes 1 to %ld, not '%s'", DISTINCT_LIMIT,
				   arg);
		break;
	case 'j': {
		char *end;

		errno = 0;
		o->jobs = strtol(arg, &end, 10);
		o->jobs_given = true;
		if (errno || *end || end == arg || o->jobs < 1 || o->jobs > BPFQ_MAX_READERS)
			argp_error(state, "-j takes 1 to %d readers, not '%s'", BPFQ_MAX_READERS, arg);
		break;
	}
	case OPT_READ_SIZE:
		if (options_parse_size(arg, &o->read_size))
			argp_error(state, "--read-size takes 1 to %u bytes, not '%s'", BPFQ_BUF_SIZE,
				   arg);
		break;
	case OPT_DRY_RUN:
		o->dry_run = true;
		if (arg && strcmp(arg, "compile") && strcmp(arg, "verify"))
			argp_error(state, "--dry-run takes verify (the default) or compile, not '%s'",
				   arg);
		o->compile_only = arg && !strcmp(arg, "compile");
		break;
	case 'l':
		o->list_hooks = true;
		break;
	case 'o':
		if (options_parse_format(arg, &o->format))
			argp_error(state, "-o takes text, json or csv, not '%s'%s", arg,
				   options_format_near(arg, near, sizeof(near)));
		break;
	case 'q':
		o->quiet = true;
		break;
	case 's':
		o->stats = true;
		break;
	case OPT_PARTIAL:
		o->partial = true;
		break;
	case 'd':
		parse_debug(state, o, arg);
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_END:
		take_query(o);
		check_combination(state, o);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

void options_parse(int argc, char **argv, struct options *o)
{
	struct argp argp = { option_list, parse_opt, "[QUERY] [FILE...]", doc, NULL, NULL, NULL };

	memset(o, 0, sizeof(*o));
	o->read_size = BPFQ_BUF_SIZE;
	o->max_groups = OPTIONS_MAX_GROUPS;
	o->max_values = EXACT_MAX_VALUES;
	o->max_distinct = DISTINCT_MAX;
	o->jobs = 1;
	o->hook_arg = "auto";
	hooks_parse_request(o->hook_arg, &o->hook);
	argp_err_exit_status = EXIT_QUERY;
	argp_parse(&argp, argc, argv, 0, NULL, o);
	o->progress = !o->quiet && isatty(STDERR_FILENO);
}

void options_free(struct options *o)
{
	free(o->queries);
	free(o->paths);
	o->queries = NULL;
	o->paths = NULL;
	o->nqueries = o->npaths = 0;
}
