// SPDX-License-Identifier: MIT
/*
 * bpfq: parse a query, compile it to BPF, load it on the read path, read
 * the file so the kernel parses and reduces it, print the answer.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/merge/merge.h"
#include "cmd/options.h"
#include "cmd/query_file.h"
#include "cmd/repl.h"
#include "cmd/run.h"
#include "codegen/cache.h"
#include "runtime/hooks.h"
#include "runtime/privs.h"

/*
 * Several queries print one block each; text and csv blocks are set apart
 * by a blank line, only between blocks that printed something.
 */
static int run_all(const char *const *queries, int n, const struct options *o)
{
	bool separate = o->format != FORMAT_JSON && !o->partial;
	int worst = EXIT_OK, printed = 0;

	for (int i = 0; i < n && !run_interrupted; i++) {
		char *block = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&block, &len);
		int status = out ? run_query(queries[i], o, out, NULL) : EXIT_INPUT;

		if (out && fclose(out) == 0 && len) {
			if (separate && printed++)
				putchar('\n');
			fwrite(block, 1, len, stdout);
			if (fflush(stdout) || ferror(stdout)) {
				/* A full disk or a closed pipe must not pass for an answer. */
				fprintf(stderr, "bpfq: error: writing the answer to standard "
						"output: %s\n", strerror(errno));
				clearerr(stdout);
				status = EXIT_INPUT;
			}
		}
		free(block);
		if (status > worst)
			worst = status;
	}
	return worst;
}

static int run_file(const struct options *o)
{
	char **queries;
	int n, status;

	if ((status = query_file_read(o->query_file, &queries, &n)))
		return status;
	status = run_all((const char *const *)queries, n, o);
	query_file_free(queries, n);
	return status;
}

/*
 * The hooks' probes are kept for the boot (the kernel's boot id names the
 * file), beside the object cache: a cached query then starts without one.
 * Its lines are numbered by kind: "hooks2" is this numbering's file. Only
 * in a cache folder cache_dir() trusts: the probes decide what is loaded.
 */
static void keep_hook_probes(void)
{
	char id[64] = "", *dir = cache_dir(), *path = NULL;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	if (f && fgets(id, sizeof(id), f))
		id[strcspn(id, "\n")] = 0;
	if (f)
		fclose(f);
	if (dir && *id && asprintf(&path, "%s/hooks2-%s", dir, id) > 0)
		hooks_cache_file(path);
	free(path);
	free(dir);
}

int main(int argc, char **argv)
{
	struct options o;
	int status;

	privs_init();	/* before anything reads the environment */
	if (argc > 1 && !strcmp(argv[1], "merge")) {
		argv[1] = "bpfq merge";	/* argp names the program after argv[0] */
		return merge_main(argc - 1, argv + 1);
	}
	options_parse(argc, argv, &o);
	run_install_signals();
	keep_hook_probes();
	if (o.list_hooks) {
		hooks_list(stdout);
		status = EXIT_OK;
	} else if (o.query_file) {
		status = run_file(&o);
	} else if (o.nqueries) {
		status = run_all(o.queries, o.nqueries, &o);
	} else if (isatty(STDIN_FILENO)) {
		status = repl_run(&o);
	} else {
		fprintf(stderr, "bpfq: error: no query given (try bpfq --help)\n");
		status = EXIT_QUERY;
	}
	options_free(&o);
	return status;
}
