// SPDX-License-Identifier: MIT
/* Splitting a file of queries. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/options.h"
#include "cmd/query_file.h"
#include "runtime/input.h"
#include "runtime/privs.h"
#include "runtime/slurp.h"

/* Blank out comment lines, so that ';' or quotes in them do not count. */
static void blank_comments(char *text)
{
	for (char *line = text; *line;) {
		char *first = line + strspn(line, " \t\r");
		char *end = strchrnul(line, '\n');

		if (*first == '#')
			memset(first, ' ', end - first);
		line = *end ? end + 1 : end;
	}
}

static int add(char ***queries, int *n, const char *start, size_t len)
{
	char **more;

	if (strspn(start, " \t\r\n\v\f") >= len)
		return 0;
	more = realloc(*queries, (*n + 1) * sizeof(*more));
	if (!more)
		return -1;
	*queries = more;
	if (!(more[*n] = strndup(start, len)))
		return -1;
	++*n;
	return 0;
}

static int split(char *text, char ***queries, int *n)
{
	char quote = 0, *start = text;

	for (char *p = text;; p++) {
		if (quote) {
			quote = *p == quote ? 0 : quote;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == ';' || !*p) {
			if (add(queries, n, start, p - start))
				return -1;
			start = p + 1;
		}
		if (!*p)
			return 0;
	}
}

int query_file_read(const char *path, char ***queries, int *n)
{
	/* With the caller's rights: its errors would quote a file the caller cannot read. */
	FILE *f = strcmp(path, "-") ? privs_fopen(path) : stdin;
	char *text = NULL, *nul;
	size_t len = 0;
	int rc = EXIT_QUERY;

	*queries = NULL;
	*n = 0;
	if (f == stdin)
		input_claim_stdin();
	if (!f) {
		fprintf(stderr, "bpfq: error: cannot open '%s': %s\n", path, strerror(errno));
		return EXIT_INPUT;
	}
	text = slurp_fd(fileno(f), SIZE_MAX - 1, &len);
	if (!text) {
		fprintf(stderr, "bpfq: error: cannot read '%s': %s\n", path, strerror(errno));
		rc = EXIT_INPUT;
		goto cleanup;
	}
	/* Text ends at a NUL byte: what follows it would be dropped unseen. */
	if ((nul = memchr(text, '\0', len))) {
		fprintf(stderr, "bpfq: error: '%s' holds a NUL byte (byte %zu): not a file of "
				"queries\n", path, (size_t)(nul - text) + 1);
		goto cleanup;
	}
	blank_comments(text);
	if (split(text, queries, n)) {
		fprintf(stderr, "bpfq: error: out of memory\n");
		goto cleanup;
	}
	if (!*n) {
		fprintf(stderr, "bpfq: error: '%s' holds no query\n", path);
		goto cleanup;
	}
	rc = EXIT_OK;
cleanup:
	if (f != stdin)
		fclose(f);
	free(text);
	if (rc) {
		query_file_free(*queries, *n);
		*queries = NULL;
		*n = 0;
	}
	return rc;
}

void query_file_free(char **queries, int n)
{
	for (int i = 0; i < n; i++)
		free(queries[i]);
	free(queries);
}
