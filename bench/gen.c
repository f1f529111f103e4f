/* gen: the benchmark's data files, deterministic (fixed seed).
 *
 *   gen ints COUNT TXT I64   COUNT integers in [0, 1000000): TXT one per
 *                            line, I64 the same values as little-endian int64
 *   gen rows COUNT CSV       COUNT rows of 4 integers in [0, 1000), comma
 *                            separated, no header
 *
 * The same arguments always give the same bytes: the generator is a
 * splitmix64 stream from a fixed seed, and nothing depends on the time, the
 * locale or the machine (the bench checks byte-for-byte sizes against a
 * manifest). Much faster than awk: formatting is by hand into a large
 * buffer, written with one write() per megabyte.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rng.h"

#define OUTBUF (1u << 20)

struct out {
	int fd;
	const char *path;
	size_t len;
	char buf[OUTBUF + 64]; /* slack: one record never overflows */
};

static void die(const char *what, const char *path)
{
	fprintf(stderr, "gen: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void out_open(struct out *o, const char *path)
{
	o->path = path;
	o->len = 0;
	o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (o->fd < 0)
		die("cannot create", path);
}

static void out_flush(struct out *o)
{
	size_t done = 0;
	while (done < o->len) {
		ssize_t n = write(o->fd, o->buf + done, o->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write", o->path);
		done += (size_t)n;
	}
	o->len = 0;
}

/* Flush once the buffer is full; records are appended unchecked into the
 * slack, so call this after each record. */
static void out_maybe_flush(struct out *o)
{
	if (o->len >= OUTBUF)
		out_flush(o);
}

static void out_close(struct out *o)
{
	out_flush(o);
	if (close(o->fd) != 0)
		die("cannot close", o->path);
}

/* Append v in decimal followed by sep. */
static void put_uint(struct out *o, uint32_t v, char sep)
{
	char tmp[12];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		o->buf[o->len++] = tmp[--n];
	o->buf[o->len++] = sep;
}

static void put_i64_le(struct out *o, int64_t v)
{
	uint64_t u = (uint64_t)v;
	for (int i = 0; i < 8; i++)
		o->buf[o->len++] = (char)(u >> (8 * i));
}

static struct out txt, bin;

static void gen_ints(uint64_t count, const char *txt_path, const char *bin_path)
{
	rng_state = 1;
	out_open(&txt, txt_path);
	out_open(&bin, bin_path);
	for (uint64_t i = 0; i < count; i++) {
		uint32_t v = next_below(1000000);
		put_uint(&txt, v, '\n');
		put_i64_le(&bin, v);
		out_maybe_flush(&txt);
		out_maybe_flush(&bin);
	}
	out_close(&txt);
	out_close(&bin);
}

static void gen_rows(uint64_t count, const char *csv_path)
{
	rng_state = 2;
	out_open(&txt, csv_path);
	for (uint64_t i = 0; i < count; i++) {
		for (int col = 0; col < 4; col++)
			put_uint(&txt, next_below(1000), col == 3 ? '\n' : ',');
		out_maybe_flush(&txt);
	}
	out_close(&txt);
}

static uint64_t parse_count(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0') {
		fprintf(stderr, "gen: bad COUNT '%s'\n", s);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "ints") == 0)
		gen_ints(parse_count(argv[2]), argv[3], argv[4]);
	else if (argc == 4 && strcmp(argv[1], "rows") == 0)
		gen_rows(parse_count(argv[2]), argv[3]);
	else {
		fprintf(stderr, "usage: gen ints COUNT TXT I64 | gen rows COUNT CSV\n");
		return 2;
	}
	return 0;
}
