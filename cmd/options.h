/* SPDX-License-Identifier: MIT */
/* The command line: what argp fills, and the exit statuses. */
#ifndef BPFQ_OPTIONS_H
#define BPFQ_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include "runtime/hooks.h"

/* Exit statuses; documented in README.md and man/bpfq.8. */
enum {
	EXIT_OK = 0,
	EXIT_NO_MATCH = 1,	/* -q: an exists() was false (as grep -q) */
	EXIT_QUERY = 2,		/* usage or query error */
	EXIT_INPUT = 3,		/* the file: cannot be read, or a value fails the query */
	EXIT_KERNEL = 4,	/* privileges, clang, verifier, attach */
	EXIT_INTERRUPTED = 130,
};

enum engine { ENGINE_KERNEL, ENGINE_USER };
enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV };

/* -d: stages to print on stderr. */
#define OPTIONS_MAX_GROUPS 65536
#define OPTIONS_GROUPS_LIMIT (1L << 24)

enum debug_stage {
	DEBUG_AST = 1,
	DEBUG_C = 2,
	DEBUG_VERIFIER = 4,
	DEBUG_PLAN = 8,
	DEBUG_ALL = 15,
	DEBUG_VERIFIER_SUMMARY = 16,
};

struct options {
	const char **queries;	/* QUERY, or each -e QUERY in order */
	int nqueries;
	const char **paths;	/* the FILEs after the query, for queries without 'from' */
	int npaths;
	bool recursive;		/* -r: a folder's subfolders too */
	const char *query_file;	/* -f FILE */
	enum engine engine;
	struct hook_request hook;	/* --hook (default auto) */
	const char *hook_arg;		/* as given, for messages */
	bool hook_given;
	enum format format;
	size_t read_size;
	long jobs;		/* -j: reader threads for a regular file */
	bool jobs_given;	/* else one per CPU for large files (run_kernel.c) */
	long max_groups;	/* --max-groups: with by, more is an error */
	long max_values;	/* --max-values: the values kept (quantile, quantile_exact) */
	long max_distinct;	/* --max-distinct: count_distinct's set, past it an estimate */
	unsigned debug;		/* enum debug_stage bits */
	bool dry_run;		/* --dry-run: read nothing */
	bool compile_only;	/* --dry-run=compile: nor load; compile for every requested hook */
	bool quiet;		/* -q */
	bool stats;		/* -s */
	bool partial;		/* --partial */
	bool verbose;
	bool list_hooks;	/* -l */
	bool progress;		/* stderr is a terminal and not -q */
};

/* Parse argv into o (argp; exits with EXIT_QUERY on a usage error). */
void options_parse(int argc, char **argv, struct options *o);

/* "--read-size" values: 1..BPFQ_BUF_SIZE with K/M suffixes. */
int options_parse_size(const char *arg, size_t *size);

/* "-o" values: text, json, csv. Returns -1 for anything else. */
int options_parse_format(const char *arg, enum format *format);
/* " (did you mean 'json'?)" for a misspelled -o FORMAT, or "". */
const char *options_format_near(const char *arg, char *buf, size_t size);

/* Free what options_parse() allocated. */
void options_free(struct options *o);

#endif /* BPFQ_OPTIONS_H */
