// SPDX-License-Identifier: MIT
/* Reading a csv header ahead of the scan (see header.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lang/engine/records.h"
#include "runtime/header.h"

#define HEADER_MAX (1 << 20)

/* The end of the first record (after its '\n'), or 0 if it has not ended within n bytes. */
static size_t record_end(const char *buf, size_t n, bool at_eof)
{
	bool quoted = false, started = false;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '"')
			quoted = !quoted;
		else if (buf[i] == '\n' && !quoted && started)
			return i + 1;
		else if (buf[i] != '\n' && buf[i] != '\r')
			started = true;
	}
	return at_eof ? n : 0;
}

/* Whether a look at a pipe has seen enough: n bytes so far, the writer gone or not. */
typedef bool enough_fn(const char *buf, size_t n, bool gone);

/*
 * The first bytes of a pipe, waiting for the writer until enough() says
 * so, the pipe is full, or the writer is gone (*gone).
 */
static ssize_t peek_pipe(int fd, char *buf, size_t max, enough_fn *enough, bool *gone)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	ssize_t n = 0;

	fcntl(fd, F_SETPIPE_SZ, HEADER_MAX);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		poll(&pfd, 1, -1);
		*gone = pfd.revents & POLLHUP;
		n = input_tee_peek(fd, buf, max);
		if (n < 0)
			return -1;
		if (enough(buf, n, *gone) || (size_t)n >= max || (*gone && !n))
			return n;
		nanosleep(&pause, NULL);
	}
}

/*
 * The first bytes of the input, up to max, without consuming them (see
 * peek_pipe); *all: they are all the input holds.
 */
static ssize_t peek_bytes(struct input *in, char *buf, size_t max, enough_fn *enough, bool *all)
{
	struct stat st;
	ssize_t n;

	if (in->seekable) {
		n = pread(in->fd, buf, max, in->base);
		*all = n >= 0 && (size_t)n < max;
		return n;
	}
	if (fstat(in->fd, &st) == 0 && S_ISFIFO(st.st_mode))
		return peek_pipe(in->fd, buf, max, enough, all);
	errno = ESPIPE;
	return -1;
}

static bool record_ended(const char *buf, size_t n, bool gone)
{
	return record_end(buf, n, gone) > 0;
}

/* The first record's bytes (*end of them), without consuming the input. */
static ssize_t peek(struct input *in, char *buf, size_t *end)
{
	bool all = false;
	ssize_t n = peek_bytes(in, buf, HEADER_MAX, record_ended, &all);

	if (n >= 0)
		*end = record_end(buf, n, all);
	return n;
}

/* Split the record into fields (quotes removed, "" a quote, blanks around trimmed). */
static int split(const char *rec, size_t n, char delim, struct schema *sc)
{
	char *field = malloc(n + 1);
	size_t len = 0;
	bool quoted = false;

	if (!field)
		return -1;
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? rec[i] : '\n';

		if (quoted && c == '"' && i + 1 < n && rec[i + 1] == '"') {
			field[len++] = '"';
			i++;
		} else if (c == '"') {
			quoted = !quoted;
		} else if (!quoted && (c == delim || c == '\n')) {
			char **more = realloc(sc->names, (sc->ncols + 1) * sizeof(*more));
			size_t b = 0;

			while (len && (field[len - 1] == ' ' || field[len - 1] == '\t' ||
				       field[len - 1] == '\r'))
				len--;
			while (b < len && (field[b] == ' ' || field[b] == '\t'))
				b++;
			if (!more)
				break;
			sc->names = more;
			sc->names[sc->ncols++] = strndup(field + b, len - b);
			len = 0;
			if (c == '\n')
				break;
		} else if (quoted || c != '\r') {
			field[len++] = c;
		}
	}
	free(field);
	return 0;
}

/* header=auto: a header is a record none of whose fields is a number or empty. */
static bool looks_like_header(const struct schema *sc)
{
	for (int i = 0; i < sc->ncols; i++) {
		struct bpfq_field f;

		records_number(sc->names[i], strlen(sc->names[i]), &f);
		if (f.kind != BPFQ_K_BAD)
			return false;
	}
	return sc->ncols > 0;
}

/* The data starts after the header: skip it in a file, read it out of a pipe. */
static int skip_header(struct input *in, const char *buf, size_t len)
{
	char sink[4096];

	input_skip(in, buf, len);
	if (in->seekable)
		return lseek(in->fd, in->base, SEEK_SET) < 0 ? -1 : 0;
	while (len) {
		ssize_t r = read(in->fd, sink, len < sizeof(sink) ? len : sizeof(sink));

		if (r <= 0)
			return -1;
		len -= r;
	}
	return 0;
}

/* Enough to tell a byte order mark: three bytes, or fewer that already differ from it. */
static bool three_bytes(const char *buf, size_t n, bool gone)
{
	(void)gone;
	return n >= 3 || memcmp(buf, "\xef\xbb\xbf", n);
}

/*
 * A UTF-8 byte order mark (EF BB BF, as Excel and Windows tools start a
 * file) is not data and not part of the first name: the input starts
 * after it, and lines and columns count from there. A terminal is not
 * looked into: no one types a mark.
 */
static int skip_bom(struct input *in)
{
	char buf[3];
	bool all;
	ssize_t n = peek_bytes(in, buf, sizeof(buf), three_bytes, &all);

	if (n < 0 && errno == ESPIPE)
		return 0;
	if (n < 0) {
		fprintf(stderr, "bpfq: error: read %s: %s\n", in->name, strerror(errno));
		return -1;
	}
	if (n < 3 || memcmp(buf, "\xef\xbb\xbf", 3))
		return 0;
	if (in->seekable) {
		in->origin += 3;
		in->base += 3;
		in->size = in->size > 3 ? in->size - 3 : 0;
		if (lseek(in->fd, in->base, SEEK_SET) >= 0)
			return 0;
	} else if (read(in->fd, buf, 3) == 3) {
		return 0;
	}
	fprintf(stderr, "bpfq: error: skipping the byte order mark of %s: %s\n", in->name,
		strerror(errno));
	return -1;
}

int header_read(struct input *in, struct query *q, struct schema *sc)
{
	struct input_format *f = &q->format;
	char *buf;
	size_t end = 0;
	ssize_t n;
	int rc = -1;

	memset(sc, 0, sizeof(*sc));
	f->header_present = false;
	if (f->kind == INPUT_BINARY)
		return 0;
	if (skip_bom(in))
		return -1;
	if (f->kind != INPUT_CSV || f->header == HEADER_NO)
		return 0;
	buf = malloc(HEADER_MAX);
	if (!buf)
		return -1;
	n = peek(in, buf, &end);
	if (n < 0 && errno == ESPIPE) {
		fprintf(stderr, "bpfq: error: %s cannot be looked into for a csv header: write "
				"'as csv(header)' or 'as csv(noheader)' after the path\n", in->name);
		goto cleanup;
	}
	if (n < 0) {
		fprintf(stderr, "bpfq: error: read %s: %s\n", in->name, strerror(errno));
		goto cleanup;
	}
	if (!end && n) {
		fprintf(stderr, "bpfq: error: the first record of %s is longer than %d bytes: no "
				"header is that long\n", in->name, HEADER_MAX);
		goto cleanup;
	}
	if (end && split(buf, end, f->delim, sc))
		goto cleanup;
	f->header_present = f->header == HEADER_YES ? end > 0 : looks_like_header(sc);
	if (!f->header_present)
		header_free(sc);
	rc = f->header_present ? skip_header(in, buf, end) : 0;
	if (rc)
		fprintf(stderr, "bpfq: error: skipping the header of %s: %s\n", in->name,
			strerror(errno));
cleanup:
	free(buf);
	return rc;
}

void header_free(struct schema *sc)
{
	for (int i = 0; i < sc->ncols; i++)
		free(sc->names[i]);
	free(sc->names);
	memset(sc, 0, sizeof(*sc));
}
