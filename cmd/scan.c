// SPDX-License-Identifier: MIT
/*
 * The scan, once the program is loaded and attached: one reader, or with
 * -j a thread per range of the file, each reading its range through its
 * own slot of the maps; then the answer, joined from every slot. Counters
 * add, states merge as bpfq merge does, and the places (the first skipped
 * token, the error) are the earliest in the file over all ranges.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cmd/messages.h"
#include "cmd/scan.h"
#include "lang/aggs.h"
#include "lang/layout.h"
#include "runtime/reader.h"

struct job {
	struct run *r;
	struct loader *l;
	int slot, fd, readers;
	uint64_t start, len;	/* the range, from the scan's first byte */
	struct reader_stats rs;
	const char *why;
	int rc, err;
};

/* The slot's target; its thread sets the thread id when it starts. */
static void set_target(struct loader *l, int slot, int fd)
{
	struct bpfq_state *st = loader__state(l, slot);

	memset(st, 0, sizeof(*st));
	st->target.pid_tgid = (uint64_t)getpid() << 32;
	st->target.buf = (uintptr_t)loader__buffer(l, slot);
	st->target.fd = fd;
	st->target.slot = slot;
	st->parse.slot = -1;
}

/* -j: the progress line counts every reader's bytes (ranges are of files: no places to watch). */
static void watch_all(void *ctx, const char *buf, size_t n)
{
	struct job *j = ctx;
	uint64_t done = 0;

	(void)buf;
	(void)n;
	for (int s = 0; s < j->readers; s++)
		done += loader__state(j->l, s)->result.bytes;
	progress_update(&j->r->progress, done);
}

static void *read_range(void *arg)
{
	struct job *j = arg;
	struct reader_opts opts = { .read_size = j->r->o->read_size, .limit = j->len,
				    .interrupted = &run_interrupted };

	/* Only reader 0 watches (places for a pipe, the progress line): -j reads files. */
	if (j->slot == 0 && j->readers == 1)
		opts.watch = (struct reader_watch){ run_on_read, j->r };
	else if (j->slot == 0)
		opts.watch = (struct reader_watch){ watch_all, j };
	loader__state(j->l, j->slot)->target.pid_tgid = (uint64_t)getpid() << 32 | (uint32_t)gettid();
	if (j->slot && lseek(j->fd, j->r->in.base + j->start, SEEK_SET) < 0) {
		j->rc = -1;
		j->err = errno;
		return NULL;
	}
	/* Cold data: read-ahead of the whole range (a hint; errors do not matter). */
	if (j->r->in.seekable)
		posix_fadvise(j->fd, j->r->in.base + j->start, j->len, POSIX_FADV_SEQUENTIAL);
	j->rc = reader_run(j->l, j->slot, j->fd, &opts, &j->rs, &j->why);
	j->err = errno;
	return NULL;
}

/* The same file again for another reader: /proc/self/fd finds it even if renamed. */
static int reopen(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* After the scan: the program must have parsed exactly what was read. */
static int check_coverage(const struct bpfq_result *res, const struct reader_stats *s)
{
	/* Done: the answer was known, or an error stopped the scan, before the end. */
	if (res->done || (res->bytes == s->bytes && res->eof))
		return 0;
	fprintf(stderr, "bpfq: error: the BPF program parsed %llu of %llu bytes read; "
			"no answer\n", (unsigned long long)res->bytes, (unsigned long long)s->bytes);
	return -1;
}

/* What one reader's end says: an exit status, or 0. */
static int reader_status(struct job *j)
{
	const struct bpfq_result *res = &loader__state(j->l, j->slot)->result;

	if (j->rc == 1)
		return EXIT_INTERRUPTED;
	if (j->rc == -1) {
		fprintf(stderr, "bpfq: error: read %s: %s\n", j->r->in.name, strerror(j->err));
		return EXIT_INPUT;
	}
	if (res->error == BPFQ_ERR_MISSED) {
		fprintf(stderr, "bpfq: error: the hook did not see every byte of the read at byte "
				"%llu of %s: a copy-out was missed, or this input is not copied "
				"out through _copy_to_iter (try --hook=syscall); no answer\n",
			(unsigned long long)(j->start + res->error_off), j->r->in.name);
		return EXIT_KERNEL;
	}
	if (j->rc == -2 || check_coverage(res, &j->rs)) {
		if (j->why)
			fprintf(stderr, "bpfq: error: %s; no answer\n", j->why);
		return EXIT_KERNEL;
	}
	if (j->r->o->verbose && j->rs.retries)
		fprintf(stderr, "bpfq: %llu reads repeated (the program missed them)\n",
			(unsigned long long)j->rs.retries);
	return EXIT_OK;
}

/* A first place: the earliest over the readers, each offset from its range's start. */
static void take_first(__u64 *count, __u64 *first, __u64 n, __u64 off, uint64_t start)
{
	if (n && (!*count || start + off < *first))
		*first = start + off;
	*count += n;
}

/* The readers' counters as one scan's; the first error in the file wins. */
static void join_results(struct bpfq_result *t, const struct bpfq_result *r, uint64_t start)
{
	t->bytes += r->bytes;
	t->reads += r->reads;
	t->records += r->records;
	t->matched += r->matched;
	t->partial += r->partial;
	t->eof |= r->eof;
	t->done |= r->done;
	take_first(&t->malformed, &t->malformed_off, r->malformed, r->malformed_off, start);
	take_first(&t->empty, &t->empty_off, r->empty, r->empty_off, start);
	take_first(&t->bad, &t->bad_off, r->bad, r->bad_off, start);
	take_first(&t->missing, &t->missing_off, r->missing, r->missing_off, start);
	if (r->error && (!t->error || start + r->error_off < t->error_off)) {
		t->error = r->error;
		t->error_node = r->error_node;
		t->error_x = r->error_x;
		t->error_off = start + r->error_off;
	}
}

/* Every group of the map into the run's table; a key's readers merge into one. */
static int take_groups(struct run *r, struct loader *l, const struct agg_desc *desc)
{
	int fd = loader__groups_fd(l), words = layout_words(&r->q), err = 0;
	struct bpfq_key key, next;
	uint64_t *value = calloc(words, sizeof(uint64_t));
	void *prev = NULL;

	r->groups = groups_new(words);
	if (!value || !r->groups)
		goto fail;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		uint64_t *to;
		bool added;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, value) || !(to = groups_get(r->groups, &key, &added)))
			goto fail;
		for (int i = 0; i < r->q.nitems && !err; i++)
			err = agg_merge(&desc[i], to + layout_offset(&r->q, i),
					value + layout_offset(&r->q, i));
		if (err)
			goto fail;
		r->stats.result_bytes += sizeof(key) + words * sizeof(uint64_t);
	}
	free(value);
	return EXIT_OK;
fail:
	fprintf(stderr, "bpfq: error: reading the groups from the BPF map: %s\n",
		err ? "a count overflows" : strerror(errno));
	free(value);
	return EXIT_KERNEL;
}

/* The answer out of the maps: the counters, the states, the groups. */
static int take_answer(struct run *r, struct loader *l, const struct job *jobs, int readers)
{
	size_t words = layout_words(&r->q);
	struct agg_desc desc[BPFQ_MAX_AGGS];

	for (int i = 0; i < r->q.nitems; i++)
		agg_desc_of(r->q.items[i], &desc[i]);
	memset(&r->result, 0, sizeof(r->result));
	r->area = calloc(words + 1, sizeof(uint64_t));
	if (!r->area)
		return EXIT_INPUT;
	/* What user space reads: the counters and the states (the rest is the parser's). */
	r->stats.result_bytes = readers * (sizeof(struct bpfq_result) +
					   (r->q.by ? 0 : words * sizeof(uint64_t)));
	for (int s = 0; s < readers; s++) {
		join_results(&r->result, &loader__state(l, s)->result, jobs[s].start);
		for (int i = 0; i < r->q.nitems && !r->q.by; i++) {
			int off = layout_offset(&r->q, i);

			if (agg_merge(&desc[i], r->area + off, loader__area(l, s) + off)) {
				fprintf(stderr, "bpfq: error: joining the readers: a count overflows\n");
				return EXIT_KERNEL;
			}
		}
	}
	return r->q.by ? take_groups(r, l, desc) : EXIT_OK;
}

/*
 * A csv range cut at a line end inside a quoted field: its reader's input
 * ends inside quotes, which the program reports as an unclosed quote.
 * Range 0 starts in step with the file; so does each next one until a
 * range ends inside quotes, the first place the ranges go wrong.
 */
static bool cut_inside_quotes(struct run *r, struct loader *l, int readers)
{
	for (int s = 0; s + 1 < readers && r->q.format.kind == INPUT_CSV; s++)
		if (loader__state(l, s)->result.error == BPFQ_ERR_QUOTE)
			return true;
	return false;
}

static void start_jobs(struct run *r, struct loader *l, struct job *jobs, int readers,
		       const uint64_t *starts)
{
	for (int s = 0; s < readers; s++) {
		jobs[s] = (struct job){ .r = r, .l = l, .slot = s, .readers = readers,
					.start = starts[s],
					.len = starts[s + 1] - starts[s] };
		jobs[s].fd = s ? reopen(r->in.fd) : r->in.fd;
		set_target(l, s, jobs[s].fd);
	}
}

int scan_run(struct run *r, struct loader *l, int readers, const uint64_t *starts)
{
	struct job jobs[BPFQ_MAX_READERS];
	pthread_t threads[BPFQ_MAX_READERS];
	int status = EXIT_OK;
	char *log = NULL;

	start_jobs(r, l, jobs, readers, starts);
	r->live = &loader__state(l, 0)->result;
	if (loader__attach(l, &log)) {
		fprintf(stderr, "bpfq: error: cannot attach the BPF program:\n");
		messages_log(stderr, log);
		free(log);
		status = EXIT_KERNEL;
		goto cleanup;
	}
	for (int s = 1; s < readers; s++)
		if (jobs[s].fd < 0 || pthread_create(&threads[s], NULL, read_range, &jobs[s]))
			jobs[s].rc = -1, jobs[s].err = jobs[s].fd < 0 ? errno : EAGAIN;
	read_range(&jobs[0]);
	for (int s = 1; s < readers; s++)
		if (jobs[s].fd >= 0)
			pthread_join(threads[s], NULL);
	loader__detach(l);
	for (int s = 0; s < readers && status == EXIT_OK; s++) {
		status = reader_status(&jobs[s]);
		r->stats.bytes_read += jobs[s].rs.bytes;
		r->stats.reads += jobs[s].rs.reads;
	}
	if (status == EXIT_OK && cut_inside_quotes(r, l, readers))
		status = SCAN_AGAIN_ALONE;
	if (status == EXIT_OK)
		status = take_answer(r, l, jobs, readers);
cleanup:
	for (int s = 1; s < readers; s++)
		if (jobs[s].fd >= 0)
			close(jobs[s].fd);
	return status;
}
