// SPDX-License-Identifier: MIT
/* Opening the input, and telling where an offset in it is. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/decompress.h"
#include "runtime/input.h"
#include "runtime/privs.h"

static void advance(const unsigned char *p, size_t n, uint64_t *line, uint64_t *col);

/* Standard input can be read once: by -f -, or by one query's 'from -'. */
static bool stdin_taken;

int input_claim_stdin(void)
{
	if (stdin_taken)
		return -1;
	stdin_taken = true;
	return 0;
}

/* Whether path is a socket, looked up with the caller's rights as the open was. */
static bool is_socket(const char *path)
{
	int fd = privs_open(path, O_PATH);
	struct stat st;
	bool sock = fd >= 0 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);

	if (fd >= 0)
		close(fd);
	return sock;
}

/* Up to max bytes a pipe holds now, none consumed (tee(2)); -1 with errno. */
static ssize_t tee_peek(int fd, char *buf, size_t max)
{
	int p[2];
	ssize_t n, got = 0;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	fcntl(p[1], F_SETPIPE_SZ, max);
	n = tee(fd, p[1], max, SPLICE_F_NONBLOCK);
	close(p[1]);
	while (n > 0 && got < n) {
		ssize_t r = read(p[0], buf + got, n - got);

		if (r <= 0)
			break;
		got += r;
	}
	close(p[0]);
	return n < 0 ? (errno == EAGAIN ? 0 : -1) : got;
}

/*
 * A pipe's first bytes, waiting for the writer until enough() says so, the
 * pipe is full, or the writer is gone. The pipe grows to hold max (tee
 * sees only what it holds); it never shrinks: the scan reads it after.
 */
static ssize_t peek_pipe(int fd, char *buf, size_t max, input_enough_fn *enough, bool *all)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int size = fcntl(fd, F_GETPIPE_SZ);
	ssize_t n;
	bool gone;

	if (size >= 0 && (size_t)size < max)
		fcntl(fd, F_SETPIPE_SZ, max);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		poll(&pfd, 1, -1);
		gone = pfd.revents & POLLHUP;
		n = tee_peek(fd, buf, max);
		if (n < 0)
			return -1;
		*all = gone && (size_t)n < max;
		if (enough(buf, n, gone) || (size_t)n >= max || (gone && !n))
			return n;
		nanosleep(&pause, NULL);
	}
}

ssize_t input_peek_until(const struct input *in, char *buf, size_t max, input_enough_fn *enough,
			 bool *all)
{
	struct stat st;
	ssize_t n;

	*all = false;
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

bool input_some_bytes(const char *buf, size_t n, bool gone)
{
	(void)buf;
	(void)gone;
	return n > 0;
}

ssize_t input_peek(const struct input *in, char *buf, size_t n, bool *at_eof)
{
	return input_peek_until(in, buf, n, input_some_bytes, at_eof);
}

/*
 * A compressed input is read through a pipe its decompressor fills.
 * Binary records are read as they are: their first bytes may be anything.
 */
static int open_compressed(struct input *in)
{
	char head[8];
	bool at_eof;
	ssize_t n = input_peek(in, head, sizeof(head), &at_eof);
	const char *kind = n > 0 && !in->binary ? decompress_kind((unsigned char *)head, n) : NULL;
	int out;

	if (!kind)
		return 0;
	in->dec = decompress_start(in->fd, kind, &out);
	if (!in->dec) {
		fprintf(stderr, "bpfq: error: cannot decompress '%s' (%s): %s\n", in->name, kind,
			strerror(errno));
		return -1;
	}
	in->fd = out;
	in->compression = kind;
	in->seekable = false;
	in->unsized = true;
	in->origin = in->base = in->size = 0;
	return 0;
}

int input_decompress(struct input *in)
{
	if (in->told)
		return 0;
	in->told = true;
	return open_compressed(in);
}

int input_open(struct input *in, const char *path, bool binary)
{
	struct stat st;
	off_t pos;

	if (!strcmp(path, "-") && input_claim_stdin()) {
		fprintf(stderr, "bpfq: error: 'from -': standard input was already read (by -f - "
				"or an earlier query)\n");
		return -1;
	}
	memset(in, 0, sizeof(*in));
	in->delim = ',';
	in->line = in->col = 1;
	in->binary = binary;
	in->name = strcmp(path, "-") ? path : "<stdin>";
	/* Under sudo, a file the user could not read fails here, as with cat. */
	in->fd = strcmp(path, "-") ? privs_open(path, O_RDONLY) : STDIN_FILENO;
	if (in->fd < 0) {
		/* open() of a socket says ENXIO, which does not tell a user much. */
		if (errno == ENXIO && is_socket(path))
			fprintf(stderr, "bpfq: error: '%s' is a socket; bpfq reads files, pipes and "
					"devices\n", path);
		else
			fprintf(stderr, "bpfq: error: cannot open '%s': %s\n", path,
				strerror(errno));
		return -1;
	}
	if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "bpfq: error: '%s' is a directory\n", path);
		input_close(in);
		return -1;
	}
	pos = lseek(in->fd, 0, SEEK_CUR);
	in->seekable = S_ISREG(st.st_mode) && pos >= 0;
	in->unsized = !in->seekable;
	if (in->seekable) {
		in->origin = in->base = pos;
		in->size = (uint64_t)st.st_size > in->base ? st.st_size - in->base : 0;
	}
	/* A file's first bytes are there to look at; a pipe's may not be yet. */
	in->told = !S_ISFIFO(st.st_mode);
	if (S_ISREG(st.st_mode) && open_compressed(in)) {
		input_close(in);
		return -1;
	}
	return 0;
}

void input_skip(struct input *in, const char *buf, size_t n)
{
	if (in->seekable) {
		in->base += n;
		in->size = in->size > n ? in->size - n : 0;
		return;
	}
	advance((const unsigned char *)buf, n, &in->line, &in->col);
}

void input_close(struct input *in)
{
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	in->fd = -1;
	/* After the pipe's read end is closed: a decompressor still writing stops. */
	decompress_stop(in->dec);
	in->dec = NULL;
}

/*
 * The newlines in p[0..n), eight bytes at a time. A pipe's every byte
 * passes here (its places cannot be read again later): a memchr() per line
 * would take more of the reader's time than the BPF program's parse. Of
 * w = a word xor '\n' bytes, the high bit of
 * ~(((w & 0x7f..) + 0x7f..) | w | 0x7f..) is set exactly in w's zero bytes
 * (no carry crosses a byte); the bytes' counts add in acc for at most 255
 * words, then are summed.
 */
static uint64_t count_newlines(const unsigned char *p, size_t n)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL, nl = 0x0a0a0a0a0a0a0a0aULL;
	const uint64_t pairs = 0x00ff00ff00ff00ffULL;
	uint64_t count = 0;
	size_t i = 0;

	while (n - i >= 8) {
		size_t words = (n - i) / 8 < 255 ? (n - i) / 8 : 255;
		uint64_t acc = 0;

		for (size_t end = i + words * 8; i < end; i += 8) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			w ^= nl;
			acc += ~(((w & low7) + low7) | w | low7) >> 7;
		}
		count += ((acc & pairs) + (acc >> 8 & pairs)) * 0x0001000100010001ULL >> 48;
	}
	for (; i < n; i++)
		count += p[i] == '\n';
	return count;
}

/* Line and column after the bytes p[0..n), starting from line:col. */
static void advance(const unsigned char *p, size_t n, uint64_t *line, uint64_t *col)
{
	const unsigned char *last = memrchr(p, '\n', n);

	if (!last) {
		*col += n;
		return;
	}
	*line += count_newlines(p, last - p + 1);
	*col = 1 + (p + n - (last + 1));
}

static bool is_separator(unsigned char c, char delim)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == (unsigned char)delim;
}

/* Append the token's bytes from p[0..n) until a separator; false once it ended. */
static bool take_token(struct spot *s, const unsigned char *p, size_t n, char delim)
{
	for (size_t i = 0; i < n; i++) {
		if (is_separator(p[i], delim) || s->len == sizeof(s->text))
			return false;
		s->text[s->len++] = p[i];
	}
	return true;
}

/*
 * The spot at offset o, in this read (buf, n at in->off) or in the tail
 * before it. Returns true while the token runs on past this read.
 */
static bool watch_spot(struct input *in, const unsigned char *buf, size_t n, uint64_t o,
		       struct spot *s)
{
	uint64_t tail_start = in->off - in->tail_len;

	*s = (struct spot){ .known = true, .off = o, .line = in->line, .col = in->col };
	if (o < in->off) {
		/* A token has no newline: it starts on the line the read started on. */
		s->col = in->col > in->off - o ? in->col - (in->off - o) : 1;
		s->cut_before = o < tail_start;
		if (o < tail_start)
			o = tail_start;
		if (!take_token(s, in->tail + (o - tail_start), in->off - o, in->delim))
			return false;
		return take_token(s, buf, n, in->delim);
	}
	advance(buf, o - in->off, &s->line, &s->col);
	return take_token(s, buf + (o - in->off), n - (o - in->off), in->delim);
}

/* A token seen in an earlier read: the rest of its bytes. */
static void watch_more(bool *open, struct spot *s, const unsigned char *buf, size_t n,
		       char delim)
{
	if (*open)
		*open = n && take_token(s, buf, n, delim);
}

static void keep_tail(struct input *in, const unsigned char *buf, size_t n)
{
	if (n >= INPUT_TAIL) {
		memcpy(in->tail, buf + n - INPUT_TAIL, INPUT_TAIL);
		in->tail_len = INPUT_TAIL;
		return;
	}
	size_t keep = in->tail_len + n > INPUT_TAIL ? INPUT_TAIL - n : in->tail_len;

	memmove(in->tail, in->tail + in->tail_len - keep, keep);
	memcpy(in->tail + keep, buf, n);
	in->tail_len = keep + n;
}

/* Whether the result has a place of this kind yet, and where. */
static bool spot_wanted(const struct bpfq_result *r, enum spot_kind k, uint64_t *off)
{
	const __u64 counts[SPOT_KINDS] = { r->malformed, r->empty, r->bad, r->missing, r->error,
					     r->rounded, bpfq_nulls(r) };
	const __u64 offs[SPOT_KINDS] = { r->malformed_off, r->empty_off, r->bad_off,
					 r->missing_off, r->error_off, r->rounded_off,
					 r->nulls_off };

	*off = offs[k];
	return counts[k] != 0;
}

void input_watch(struct input *in, const char *data, size_t n, const struct bpfq_result *r)
{
	const unsigned char *buf = (const unsigned char *)data;
	uint64_t off;

	if (in->seekable)
		return;
	for (int k = 0; k < SPOT_KINDS; k++) {
		watch_more(&in->open[k], &in->spots[k], buf, n, in->delim);
		if (!in->spots[k].known && spot_wanted(r, k, &off))
			in->open[k] = watch_spot(in, buf, n, off, &in->spots[k]);
	}
	advance(buf, n, &in->line, &in->col);
	keep_tail(in, buf, n);
	in->off += n;
}

/* A regular file: count lines up to off and read the token, only on this error path. */
static void pread_spot(struct input *in, uint64_t off, struct spot *s)
{
	unsigned char chunk[65536];
	uint64_t pos = 0;
	ssize_t n;

	uint64_t end = in->base - in->origin + off;

	/* Lines count from where the input began: a header's are lines too. */
	*s = (struct spot){ .known = true, .off = off, .line = 1, .col = 1 };
	while (pos < end && (n = pread(in->fd, chunk, sizeof(chunk), in->origin + pos)) > 0) {
		size_t use = end - pos < (uint64_t)n ? end - pos : (size_t)n;

		advance(chunk, use, &s->line, &s->col);
		pos += use;
	}
	n = pread(in->fd, chunk, sizeof(s->text), in->base + off);
	if (n > 0)
		take_token(s, chunk, n, in->delim);
}

void input_locate(struct input *in, uint64_t off, struct spot *s)
{
	if (in->seekable) {
		pread_spot(in, off, s);
		return;
	}
	for (int k = 0; k < SPOT_KINDS; k++) {
		if (in->spots[k].known && in->spots[k].off == off) {
			*s = in->spots[k];
			return;
		}
	}
	*s = (struct spot){ .off = off };
}

int input_check_size(struct input *in, uint64_t bytes_read)
{
	struct stat st;
	uint64_t now;

	if (in->dec)
		return decompress_check(in->dec, in->name, in->compression);
	if (!in->seekable || fstat(in->fd, &st))
		return 0;
	now = (uint64_t)st.st_size > in->base ? st.st_size - in->base : 0;
	/* Pseudo-files (sysfs) may hold less than their size says: only a size that fell counts. */
	if (now < in->size && bytes_read < in->size) {
		fprintf(stderr, "bpfq: error: '%s' shrank during the scan, from %llu to %llu "
				"bytes; no answer\n", in->name, (unsigned long long)in->size,
			(unsigned long long)now);
		return -1;
	}
	if (now > in->size && in->size)
		fprintf(stderr, "bpfq: warning: '%s' grew during the scan; the answer covers its "
				"first %llu bytes, its size at the start\n", in->name,
			(unsigned long long)in->size);
	return 0;
}
