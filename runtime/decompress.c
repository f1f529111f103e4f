// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "runtime/decompress.h"
#include "runtime/slurp.h"

/* The bytes each kind begins with (their specifications' magic numbers). */
static const struct magic {
	const char *kind;
	const char *bytes;
	size_t len;
	int filter;		/* libarchive's */
} magics[] = {
	{ "gzip", "\x1f\x8b", 2, ARCHIVE_FILTER_GZIP },
	{ "zstd", "\x28\xb5\x2f\xfd", 4, ARCHIVE_FILTER_ZSTD },
	{ "xz", "\xfd" "7zXZ\0", 6, ARCHIVE_FILTER_XZ },
	{ "bzip2", "BZh", 3, ARCHIVE_FILTER_BZIP2 },
	{ "lz4", "\x04\x22\x4d\x18", 4, ARCHIVE_FILTER_LZ4 },
};

#define NMAGICS (sizeof(magics) / sizeof(magics[0]))

struct decompressor {
	int src, out;		/* the compressed file; the pipe's write end */
	int filter;
	pthread_t thread;
	bool joined;
	char error[256];	/* why the data ended early, or "" */
};

const char *decompress_kind(const unsigned char *head, size_t n)
{
	for (size_t i = 0; i < NMAGICS; i++)
		if (n >= magics[i].len && !memcmp(head, magics[i].bytes, magics[i].len))
			return magics[i].kind;
	return NULL;
}

/*
 * libarchive's raw format: the one "entry" is the decompressed stream.
 * The filter is the one the magic bytes named, not a guess of libarchive's
 * that could fall back to passing the bytes through undecompressed.
 */
static void pump(struct decompressor *d, struct archive *a)
{
	struct archive_entry *entry;
	char buf[1 << 16];
	la_ssize_t n;

	if (archive_read_append_filter(a, d->filter) || archive_read_support_format_raw(a) ||
	    archive_read_open_fd(a, d->src, sizeof(buf)) ||
	    archive_read_next_header(a, &entry)) {
		snprintf(d->error, sizeof(d->error), "%s", archive_error_string(a));
		return;
	}
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		if (!write_all(d->out, buf, n))
			return;
	if (n < 0)
		snprintf(d->error, sizeof(d->error), "%s", archive_error_string(a));
}

static void *run(void *arg)
{
	struct decompressor *d = arg;
	struct archive *a = archive_read_new();
	sigset_t pipe_sig;

	/* A reader that stops early closes the pipe: EPIPE, not a signal for the process. */
	sigemptyset(&pipe_sig);
	sigaddset(&pipe_sig, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_sig, NULL);
	if (a)
		pump(d, a);
	else
		snprintf(d->error, sizeof(d->error), "out of memory");
	archive_read_free(a);
	/* EOF for the readers: after the error is set, which they read after EOF. */
	close(d->out);
	return NULL;
}

static int filter_of(const char *kind)
{
	for (size_t i = 0; i < NMAGICS; i++)
		if (!strcmp(magics[i].kind, kind))
			return magics[i].filter;
	return ARCHIVE_FILTER_NONE;
}

struct decompressor *decompress_start(int fd, const char *kind, int *out)
{
	struct decompressor *d = calloc(1, sizeof(*d));
	int p[2], err;

	if (!d)
		return NULL;
	if (pipe2(p, O_CLOEXEC)) {
		free(d);
		return NULL;
	}
	d->src = fd;
	d->out = p[1];
	d->filter = filter_of(kind);
	err = pthread_create(&d->thread, NULL, run, d);
	if (err) {
		close(p[0]);
		close(p[1]);
		free(d);
		errno = err;
		return NULL;
	}
	*out = p[0];
	return d;
}

int decompress_check(struct decompressor *d, const char *name, const char *kind)
{
	pthread_join(d->thread, NULL);
	d->joined = true;
	if (!d->error[0])
		return 0;
	fprintf(stderr, "bpfq: error: '%s' (%s) cannot be decompressed: %s; no answer\n", name,
		kind, d->error);
	return -1;
}

void decompress_stop(struct decompressor *d)
{
	if (!d)
		return;
	if (!d->joined)
		pthread_join(d->thread, NULL);
	if (d->src != STDIN_FILENO)
		close(d->src);
	free(d);
}
