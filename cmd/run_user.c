// SPDX-License-Identifier: MIT
/* --engine=user: the reference evaluator reads the input itself. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/run_internal.h"
#include "lang/engine/eval.h"
#include "lang/value/layout.h"

/* The evaluator's answer, kept in the run after the evaluator is gone. */
static int take_answer(struct run *r, struct eval *e)
{
	size_t words = layout_words(&r->q) + 1;

	r->result = *eval_result(e);
	r->area = malloc(words * sizeof(uint64_t));
	if (!r->area)
		return EXIT_INPUT;
	memcpy(r->area, eval_area(e), words * sizeof(uint64_t));
	r->groups = eval_groups(e);
	return EXIT_OK;
}

static int run_user(struct run *r)
{
	struct eval *e = NULL;
	char *buf = NULL;
	bool again;
	int status = run_read_sizes(r, &again);
	ssize_t n;

	if (status)
		return status;
	status = EXIT_INPUT;
	e = eval_new(&r->q, r->o->max_groups);
	buf = malloc(r->o->read_size);
	if (!e || !buf)
		goto cleanup;
	eval_set_file_conds(e, r->file_conds);
	eval_keep_values(e, &r->values, r->o->max_values);
	eval_keep_distinct(e, &r->distinct);
	status = run_settle_input(r);
	if (status)
		goto cleanup;
	status = EXIT_INPUT;
	r->live = eval_result(e);
	r->file_bytes = 0;
	while (!run_interrupted) {
		size_t want = r->o->read_size;

		/* As the kernel reader: a regular file is read up to its size at the start. */
		if (r->in.size && r->in.size - r->file_bytes < want)
			want = r->in.size - r->file_bytes;
		n = read(r->in.fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "bpfq: error: read %s: %s\n", r->in.name, strerror(errno));
			goto cleanup;
		}
		r->stats.reads++;
		r->stats.bytes_read += n;
		r->file_bytes += n;
		if (n == 0) {
			eval_finish(e);
			run_on_read(r, buf, 0);
			break;
		}
		bool stop = eval_feed(e, buf, n);

		run_on_read(r, buf, n);
		if (stop)
			break;
	}
	if (run_interrupted) {
		status = EXIT_INTERRUPTED;
		goto cleanup;
	}
	status = take_answer(r, e);
	if (r->groups)
		eval_release_groups(e);
cleanup:
	eval_free(e);
	free(buf);
	return status;
}

/* The user engine loads nothing; -d c still shows what the kernel would run. */
int run_user_engine(struct run *r)
{
	struct codegen_plan plan;
	size_t len;

	r->stats.engine = "user";
	snprintf(r->stats.hook, sizeof(r->stats.hook), "none");
	if (r->o->debug & (DEBUG_C | DEBUG_PLAN))	/* as the syscall hook, which every kernel has */
		free(run_generate(r, HOOK_SYSCALL, &plan, &len));
	if (r->o->debug & (DEBUG_VERIFIER | DEBUG_VERIFIER_SUMMARY))
		fprintf(stderr, "bpfq: the user engine loads no BPF program: no verifier log\n");
	if (r->o->dry_run) {
		fprintf(stderr, "bpfq: dry run: the query is valid; nothing read\n");
		return EXIT_OK;
	}
	for (;;) {
		int status = r->skip ? run_file_skipped(r) : run_user(r);

		if (status == EXIT_OK)
			status = run_file_done(r);
		if (status || !run_more_files(r))
			return status;
		if ((status = run_next_file(r)))
			return status;
		run_file_start(r);
	}
}
