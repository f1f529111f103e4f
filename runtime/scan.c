// SPDX-License-Identifier: MIT
/*
 * The scan, once the program is loaded and attached: one reader, or with
 * -j reader threads that take the ranges of the file in turn, each range
 * parsed into its own slot of the state map; then the answer, joined from
 * the slots in file order up to the first range that stopped the scan, as
 * one reader would have stopped. Counters add, states merge as bpfq merge
 * does, and the places (the first skipped token, the error) are the
 * earliest in the file over the ranges.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "lang/engine/keytext.h"
#include "lang/value/aggs.h"
#include "lang/value/layout.h"
#include "runtime/pidns.h"
#include "runtime/privs.h"
#include "runtime/reader.h"
#include "runtime/scan.h"

/* A range of the file (split.h), its slot of the state map, and how its read went. */
struct range {
	uint64_t start, len;	/* from the scan's first byte */
	bool taken;		/* a reader took it */
	struct reader_stats rs;
	const char *why;
	int rc, err;
};

/* The scan: its ranges, taken in file order by the reader threads. */
struct scan {
	const struct scan_job *job;
	struct scan_answer *a;
	struct loader *l;
	int nranges, readers;
	atomic_int next;	/* the range the next reader to be free takes */
	struct range ranges[BPFQ_MAX_RANGES];
};

/* A reader thread and the file it reads through (each its own offset). */
struct reader {
	struct scan *sc;
	int index, fd;
	pthread_t thread;
	bool started;
};

static bool range_done(struct scan *sc, int k)
{
	return ((volatile struct bpfq_result *)&loader__state(sc->l, k)->result)->done;
}

/* An earlier scan's groups out of the map, so that they are not counted again. */
static int clear_groups(struct loader *l)
{
	int fd = loader__groups_fd(l);
	struct bpfq_key key;

	struct bpfq_keytext_id id;

	while (fd >= 0 && !bpf_map_get_next_key(fd, NULL, &key))
		if (bpf_map_delete_elem(fd, &key)) {
			fprintf(stderr, "bpfq: error: emptying the groups map: %s\n", strerror(errno));
			return -1;
		}
	fd = loader__keytexts_fd(l);
	while (fd >= 0 && !bpf_map_get_next_key(fd, NULL, &id))
		if (bpf_map_delete_elem(fd, &id)) {
			fprintf(stderr, "bpfq: error: emptying the long keys' map: %s\n", strerror(errno));
			return -1;
		}
	return 0;
}

/*
 * count_distinct's set, emptied: each key deleted after the next is found,
 * as the next of a deleted key would start the walk over.
 */
static int clear_distinct(struct loader *l)
{
	int fd = loader__distinct_fd(l), more;
	struct bpfq_dkey key, next;

	if (fd < 0)
		return 0;
	for (more = !bpf_map_get_next_key(fd, NULL, &key); more; key = next) {
		more = !bpf_map_get_next_key(fd, &key, &next);
		if (bpf_map_delete_elem(fd, &key)) {
			fprintf(stderr, "bpfq: error: emptying count_distinct's set: %s\n",
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

int scan_read_distinct(struct loader *l, struct distinct_set *s)
{
	int fd = loader__distinct_fd(l), more;
	struct bpfq_dkey key;

	if (fd < 0)
		return 0;
	for (more = !bpf_map_get_next_key(fd, NULL, &key); more;
	     more = !bpf_map_get_next_key(fd, &key, &key))
		if (distinct_add(s, &key) < 0)
			return -1;
	return 0;
}

/* Kept values: none put yet; as many as the map holds and --max-values leaves. */
static void clear_values(struct scan *sc)
{
	size_t entries, held = sc->job->values ? sc->job->values->n : 0, left;
	struct bpfq_xval *h = loader__values(sc->l, &entries);

	if (!h || !entries)
		return;
	left = sc->job->max_values > held ? sc->job->max_values - held : 0;
	h->lo = 0;
	h->hi = (int64_t)(left < entries - 1 ? left : entries - 1);
	h->item = 0;
}

/*
 * Every range's state, before the scan: empty, and owned by no thread
 * (tid 0) but with the tgid, which the program checks first; slot 0 names
 * bpfq's PID namespace (bpfq_state.h, struct bpfq_target). From a list's
 * second file on, the program is attached while this runs: no reader
 * thread is alive then, and a state seen half cleared names no thread
 * and no tgid, so the program leaves.
 */
static int clear_states(struct scan *sc)
{
	struct bpfq_target *t0 = &loader__state(sc->l, 0)->target;
	uint64_t dev, ino;

	for (int k = 0; k < sc->nranges; k++) {
		struct bpfq_state *st = loader__state(sc->l, k);

		/* The state and the aggregates' area after it: a program may scan again. */
		memset(st, 0, loader__state_size(sc->l));
		st->target.pid_tgid = (uint64_t)getpid() << 32;
		st->target.slot = k;
		st->target.file_conds = sc->job->inputs ? sc->job->inputs[k].file_conds
							 : sc->job->file_conds;
		st->parse.slot = -1;
	}
	if (pidns_self(&dev, &ino)) {
		fprintf(stderr, "bpfq: error: cannot tell bpfq's PID namespace from "
				"/proc/self/ns/pid: %s (is /proc mounted?)\n", strerror(errno));
		return -1;
	}
	t0->pidns_dev = dev;
	t0->pidns_ino = ino;
	if (!ino)
		t0->host_tgid = getpid();
	clear_values(sc);
	if (sc->job->rescan && sc->job->clear_distinct && clear_distinct(sc->l))
		return -1;
	return sc->job->rescan ? clear_groups(sc->l) : 0;
}

/* -j: the progress line counts every range's bytes (ranges are of files: no places to watch). */
static void watch_all(void *ctx, const char *buf, size_t n)
{
	struct scan *sc = ctx;
	uint64_t done = 0;

	(void)buf;
	(void)n;
	for (int k = 0; k < sc->nranges; k++)
		done += loader__state(sc->l, k)->result.bytes;
	sc->job->progress(sc->job->progress_ctx, done);
}

/*
 * The next range in file order for a reader, or -1: none left, an
 * interrupt, or a range before it is done (its answer known, or an error).
 * One reader would have stopped there: what follows is not read.
 */
static int take_range(struct scan *sc)
{
	int k = atomic_fetch_add(&sc->next, 1);

	if (k >= sc->nranges || *sc->job->interrupted)
		return -1;
	for (int i = 0; i < k; i++)
		if (range_done(sc, i))
			return -1;
	sc->ranges[k].taken = true;
	return k;
}

/* Range k through the reader: the range's state names the thread while it reads. */
static void read_range(struct scan *sc, const struct reader *rd, int k)
{
	struct range *g = &sc->ranges[k];
	struct bpfq_target *t = &loader__state(sc->l, k)->target;
	const struct scan_job *job = sc->job;
	const struct scan_input *in = job->inputs ? &job->inputs[k] : NULL;
	struct reader_opts opts = { .read_size = job->read_size, .limit = g->len,
				    .interrupted = job->interrupted };
	/* A list's files are each read through their own descriptor, from their base. */
	int fd = in ? in->fd : rd->fd;
	uint64_t base = in ? in->base : job->base;

	/* Only reader 0 watches: the places of one range read from the start
	 * (a pipe's), or the progress line of all of them. */
	if (rd->index == 0)
		opts.watch = sc->nranges == 1 && !in ? job->watch
						     : (struct reader_watch){ watch_all, sc };
	t->buf = (uintptr_t)loader__buffer(sc->l, rd->index);
	t->fd = fd;
	t->reader = rd->index;
	t->pid_tgid = (uint64_t)getpid() << 32 | (uint32_t)gettid();
	if ((sc->nranges > 1 || in) && lseek(fd, base + g->start, SEEK_SET) < 0) {
		g->rc = -1;
		g->err = errno;
	} else {
		/* Cold data: read-ahead of the whole range (a hint; errors do not matter). */
		if (job->seekable || in)
			posix_fadvise(fd, base + g->start, g->len, POSIX_FADV_SEQUENTIAL);
		g->rc = reader_run(sc->l, k, fd, &opts, &g->rs, &g->why);
		g->err = errno;
	}
	/* The thread's next reads are the next range's. */
	t->pid_tgid = (uint64_t)getpid() << 32;
}

static void *read_ranges(void *arg)
{
	struct reader *rd = arg;
	int k;

	while ((k = take_range(rd->sc)) >= 0)
		read_range(rd->sc, rd, k);
	return NULL;
}

/*
 * The same file again for another reader: /proc/self/fd finds it even if
 * renamed; with the caller's rights, as the first open.
 */
static int reopen(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return privs_open(path, O_RDONLY);
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

/* What one range's read says: an exit status, or 0. */
static enum scan_status range_status(struct scan *sc, int k)
{
	const struct bpfq_result *res = &loader__state(sc->l, k)->result;
	const struct range *g = &sc->ranges[k];

	if (g->rc == 1)
		return SCAN_INTERRUPTED;
	const char *name = sc->job->inputs ? sc->job->inputs[k].name : sc->job->name;

	if (g->rc == -1) {
		fprintf(stderr, "bpfq: error: read %s: %s\n", name, strerror(g->err));
		return SCAN_INPUT;
	}
	if (res->error == BPFQ_ERR_MISSED) {
		fprintf(stderr, "bpfq: error: the hook did not see every byte of the read at byte "
				"%llu of %s: a copy-out was missed, or this input is not copied "
				"out through _copy_to_iter (try --hook=syscall); no answer\n",
			(unsigned long long)(g->start + res->error_off), name);
		return SCAN_KERNEL;
	}
	if (g->rc == -2 || check_coverage(res, &g->rs)) {
		if (g->why)
			fprintf(stderr, "bpfq: error: %s; no answer\n", g->why);
		return SCAN_KERNEL;
	}
	if (sc->job->verbose && g->rs.retries)
		fprintf(stderr, "bpfq: %llu reads repeated (the program missed them)\n",
			(unsigned long long)g->rs.retries);
	return SCAN_OK;
}

/*
 * The ranges' statuses in file order, up to the first range that is done
 * (its answer known, or an error): one reader would have read no further,
 * so what the ranges after it found does not count. *counted: how many do.
 */
static enum scan_status ranges_status(struct scan *sc, int *counted)
{
	for (int k = 0; k < sc->nranges; k++) {
		enum scan_status status;

		/* Before the first range that is done, only an interrupt leaves one untaken. */
		if (!sc->ranges[k].taken)
			return SCAN_INTERRUPTED;
		status = range_status(sc, k);
		if (status != SCAN_OK)
			return status;
		if (range_done(sc, k)) {
			*counted = k + 1;
			return SCAN_OK;
		}
	}
	*counted = sc->nranges;
	return SCAN_OK;
}

/* A first place: the earliest over the ranges, each offset from its range's start. */
static void take_first(__u64 *count, __u64 *first, __u64 n, __u64 off, uint64_t start)
{
	if (n && (!*count || start + off < *first))
		*first = start + off;
	*count += n;
}

/* The ranges' counters as one scan's; the first error in the file wins. */
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
	take_first(&t->badtime, &t->badtime_off, r->badtime, r->badtime_off, start);
	take_first(&t->missing, &t->missing_off, r->missing, r->missing_off, start);
	take_first(&t->rounded, &t->rounded_off, r->rounded, r->rounded_off, start);
	if (bpfq_nulls(r) && (!bpfq_nulls(t) || start + r->nulls_off < t->nulls_off))
		t->nulls_off = start + r->nulls_off;
	for (int i = 0; i < BPFQ_NULL_KINDS; i++)
		t->nulls[i] += r->nulls[i];
	if (r->error && (!t->error || start + r->error_off < t->error_off)) {
		t->error = r->error;
		t->error_node = r->error_node;
		t->error_x = r->error_x;
		t->error_off = start + r->error_off;
	}
}

/* Every group of the map into the answer's table; a key's readers merge into one. */
static enum scan_status take_groups(struct scan *sc, const struct agg_desc *desc)
{
	const struct query *q = sc->job->q;
	struct scan_answer *a = sc->a;
	int fd = loader__groups_fd(sc->l), words = layout_words(q), err = 0;
	struct bpfq_key key, next;
	uint64_t *value = calloc(words, sizeof(uint64_t));
	void *prev = NULL;

	a->groups = groups_new(words);
	if (!value || !a->groups)
		goto fail;
	memset(&next, 0, sizeof(next));
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		uint64_t *to;
		bool added;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, value) || !(to = groups_get(a->groups, &key, &added)))
			goto fail;
		for (int i = 0; i < q->nitems && !err; i++)
			err = agg_merge(&desc[i], to + layout_offset(q, i), value + layout_offset(q, i));
		if (err)
			goto fail;
		a->result_bytes += sizeof(key) + words * sizeof(uint64_t);
	}
	free(value);
	return SCAN_OK;
fail:
	fprintf(stderr, "bpfq: error: reading the groups from the BPF map: %s\n",
		err ? "a count overflows" : strerror(errno));
	free(value);
	return SCAN_KERNEL;
}

/*
 * The long text keys' texts out of their map (lang/engine/keytext.h). A
 * text put before, by another file's scan, under the same id must be the
 * same: else two groups of two files would be one.
 */
static enum scan_status take_keytexts(struct scan *sc)
{
	int fd = loader__keytexts_fd(sc->l), err = 0;
	struct bpfq_keytext_id id, next;
	struct bpfq_keytext *v = malloc(sizeof(*v));
	void *prev = NULL;

	while (v && fd >= 0 && !err && !bpf_map_get_next_key(fd, prev, &next)) {
		id = next;
		prev = &id;
		if (bpf_map_lookup_elem(fd, &id, v) || v->len > BPFQ_KEY_LONG || v->len <= id.cap) {
			err = -1;
			break;
		}
		err = keytext_put(v->bytes, v->len, id.cap);
		sc->a->result_bytes += sizeof(id) + sizeof(*v);
	}
	free(v);
	if (!v || err < 0) {
		fprintf(stderr, "bpfq: error: reading the long group keys from the BPF map: %s\n",
			v ? strerror(errno) : "out of memory");
		return SCAN_KERNEL;
	}
	if (err) {
		fprintf(stderr, "bpfq: error: two group keys of %u bytes, alike in their first "
			"bytes and in the hash of the rest, differ: bpfq cannot tell them apart; "
			"no answer\n", next.len);
		return SCAN_KERNEL;
	}
	return SCAN_OK;
}

/* The items that keep values (quantile(e, q1, q2) is one). */
static int keepers(const struct query *q)
{
	int n = 0;

	for (int i = 0; i < q->nitems; i++)
		n += ast_keeps_values(q->items[i]) && !q->items[i]->share;
	return n;
}

/* Kept values: the ones the scan put, after the ones before it. */
static int take_values(struct scan *sc)
{
	size_t entries, n;
	const struct bpfq_xval *h = loader__values(sc->l, &entries);

	if (!h || !entries || !sc->job->values)
		return 0;
	/* one quantile's that did not all fit: its sketch answers, they are not wanted */
	if (h->item && keepers(sc->job->q) == 1 && !ast_has_exact(sc->job->q))
		return 0;
	n = h->lo < (uint64_t)h->hi ? h->lo : (uint64_t)h->hi;
	sc->a->result_bytes += n * sizeof(*h);
	if (!exact_add_all(sc->job->values, h + 1, n))
		return 0;
	fprintf(stderr, "bpfq: error: out of memory taking quantile_exact's values\n");
	return -1;
}

/* A list's file k: its own counters, its places from its own start. */
static void take_part(struct scan *sc, int k)
{
	struct scan_part *p = &sc->a->parts[k];

	p->result = loader__state(sc->l, k)->result;
	p->bytes_read = sc->ranges[k].rs.bytes;
}

/* The answer out of the maps: the counters, the states of the counted ranges, the groups. */
static enum scan_status take_answer(struct scan *sc, int counted)
{
	const struct query *q = sc->job->q;
	struct scan_answer *a = sc->a;
	size_t words = layout_words(q);
	struct agg_desc desc[BPFQ_MAX_AGGS];

	for (int i = 0; i < q->nitems; i++)
		agg_desc_of(q->items[i], &desc[i]);
	memset(&a->result, 0, sizeof(a->result));
	a->area = calloc(words + 1, sizeof(uint64_t));
	if (!a->area)
		return SCAN_INPUT;
	/* What user space reads: the counters and the states (the rest is the parser's). */
	a->result_bytes = counted * (sizeof(struct bpfq_result) + (q->by ? 0 : words * sizeof(uint64_t)));
	for (int k = 0; k < counted; k++) {
		join_results(&a->result, &loader__state(sc->l, k)->result, sc->ranges[k].start);
		/* A list's files are joined by the caller, each its own answer first. */
		if (sc->job->inputs) {
			take_part(sc, k);
			continue;
		}
		for (int i = 0; i < q->nitems && !q->by; i++) {
			int off = layout_offset(q, i);

			if (agg_merge(&desc[i], a->area + off, loader__area(sc->l, k) + off)) {
				fprintf(stderr, "bpfq: error: joining the ranges: a count overflows\n");
				return SCAN_KERNEL;
			}
		}
	}
	if (take_values(sc))
		return SCAN_INPUT;
	if (q->by && take_keytexts(sc) != SCAN_OK)
		return SCAN_KERNEL;
	return q->by ? take_groups(sc, desc) : SCAN_OK;
}

/*
 * A csv range cut at a line end inside a quoted field: its input ends
 * inside quotes, which the program reports as an unclosed quote. Range 0
 * starts in step with the file; so does each next one until a range ends
 * inside quotes, the first place the ranges go wrong.
 */
static bool cut_inside_quotes(struct scan *sc, int counted)
{
	/* A list's ranges are whole files: a quote left open is the file's. */
	if (sc->job->q->format.kind != INPUT_CSV || sc->job->inputs)
		return false;
	for (int k = 0; k < counted && k + 1 < sc->nranges; k++)
		if (loader__state(sc->l, k)->result.error == BPFQ_ERR_QUOTE)
			return true;
	return false;
}

/*
 * Reader 0 is this thread, on the input's own fd; the others each open the
 * file again (a list's files each have their own: no reader needs one).
 */
static void start_readers(struct scan *sc, struct reader *rds)
{
	bool list = sc->job->inputs;

	for (int i = 0; i < sc->readers; i++) {
		rds[i] = (struct reader){ .sc = sc, .index = i, .fd = -1 };
		if (!list)
			rds[i].fd = i ? reopen(sc->job->fd) : sc->job->fd;
		/* A reader that cannot start leaves its ranges to the others. */
		rds[i].started = i && (list || rds[i].fd >= 0) &&
				 !pthread_create(&rds[i].thread, NULL, read_ranges, &rds[i]);
	}
	read_ranges(&rds[0]);
	for (int i = 1; i < sc->readers; i++) {
		if (rds[i].started)
			pthread_join(rds[i].thread, NULL);
		if (rds[i].fd >= 0)
			close(rds[i].fd);
	}
}

enum scan_status scan_run(const struct scan_job *job, struct loader *l, struct scan_answer *a)
{
	struct scan sc = { .job = job, .a = a, .l = l, .nranges = job->nranges,
			   .readers = job->readers };
	struct reader rds[BPFQ_MAX_READERS];
	enum scan_status status;
	int counted = 0;

	for (int k = 0; k < sc.nranges; k++)
		sc.ranges[k] = job->inputs ? (struct range){ .len = job->inputs[k].len }
					   : (struct range){ .start = job->starts[k],
							     .len = job->starts[k + 1] - job->starts[k] };
	if (clear_states(&sc))
		return SCAN_KERNEL;
	if (loader__attach(l, &a->attach_log))
		return SCAN_ATTACH;
	start_readers(&sc, rds);
	for (int k = 0; k < sc.nranges; k++) {
		a->bytes_read += sc.ranges[k].rs.bytes;
		a->reads += sc.ranges[k].rs.reads;
	}
	status = ranges_status(&sc, &counted);
	if (status == SCAN_OK && cut_inside_quotes(&sc, counted))
		status = SCAN_AGAIN_ALONE;
	if (status == SCAN_OK)
		status = take_answer(&sc, counted);
	a->counted = counted;
	return status;
}
