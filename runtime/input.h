/* SPDX-License-Identifier: MIT */
/*
 * The file a query reads (a path, or '-' for standard input), and where in
 * it a byte offset is, for messages: "nums.txt:3:7" and the token there.
 * A regular file is read again with pread() on the error path; a pipe
 * cannot be, so its scan is watched and the places are kept as it passes.
 */
#ifndef BPFQ_INPUT_H
#define BPFQ_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include "bpf-templates/bpfq_state.h"

#define INPUT_TOKEN_MAX 32	/* longer tokens are shown shortened */
#define INPUT_TAIL 64		/* bytes of the previous read a split token can start in */

/* A place in the input: line and column, and the bytes of the token there. */
struct spot {
	bool known;
	uint64_t off;
	uint64_t line, col;
	unsigned char text[INPUT_TOKEN_MAX];
	size_t len;		/* bytes in text */
	bool cut_before;	/* the token started before the bytes kept */
};

/* The places a message may name: the first of each kind of skip, and the error. */
enum spot_kind { SPOT_MALFORMED, SPOT_EMPTY, SPOT_BAD, SPOT_MISSING, SPOT_ERROR, SPOT_ROUNDED, SPOT_NULLS, SPOT_KINDS };

struct input {
	int fd;
	const char *name;	/* the path as given, or "<stdin>" */
	bool seekable;		/* a regular file: places are found again by pread() */
	bool unsized;		/* opened, and its length unknown: a pipe, a device */
	bool binary;		/* binary records: a place is a byte offset, not line:column */
	const char *compression;	/* "gzip", ... (decompress.h): read through a pipe; or NULL */
	struct decompressor *dec;
	bool told;		/* whether it is compressed is known (input_decompress()) */
	uint64_t origin;	/* file offset where the input began (lines count from it) */
	uint64_t base;		/* file offset of the first byte the scan reads (after a header) */
	uint64_t size;		/* bytes to read, when known (progress); else 0 */
	char delim;		/* ends a token quoted in a message, as blanks do: csv's delimiter, or ',' */
	/* Not seekable: the watch so far. */
	uint64_t off, line, col;	/* where the next read starts */
	unsigned char tail[INPUT_TAIL];
	size_t tail_len;
	struct spot spots[SPOT_KINDS];
	bool open[SPOT_KINDS];	/* their tokens run on into the next read */
};

struct decompressor;

/* Take standard input for reading; -1 when something already did. */
int input_claim_stdin(void);

/*
 * Open path ("-": standard input; only once per process), of binary
 * records or not. A compressed file (decompress.h) is read through a
 * pipe from here on; a pipe, after input_decompress(). Returns 0, or -1
 * after printing why.
 */
int input_open(struct input *in, const char *path, bool binary);
void input_close(struct input *in);

/*
 * A pipe's compression is told by its first bytes, which its writer may
 * not have written at the open: the caller asks before it looks at them
 * (a byte order mark, a header). A file's is told at the open. Returns 0,
 * or -1 after printing why.
 */
int input_decompress(struct input *in);

/*
 * The input's first bytes from where the scan starts, none consumed (a
 * pipe: what it holds once the writer has written). *at_eof: that is all.
 */
ssize_t input_peek(const struct input *in, char *buf, size_t n, bool *at_eof);

/* Whether a look at a pipe has seen enough: n bytes so far, the writer gone or not. */
typedef bool input_enough_fn(const char *buf, size_t n, bool gone);

/* Any byte is enough: input_peek's test. */
bool input_some_bytes(const char *buf, size_t n, bool gone);

/*
 * Up to max of the input's first bytes from where the scan starts, none
 * consumed: a file's at once, a pipe's once enough() says so, the pipe is
 * full, or its writer is gone. *all: they are all the input holds. -1
 * with errno (ESPIPE: neither a file nor a pipe, nothing to look at).
 */
ssize_t input_peek_until(const struct input *in, char *buf, size_t max, input_enough_fn *enough,
			 bool *all);

/* Bytes before the scan's first (a csv header): offsets and lines count past them. */
void input_skip(struct input *in, const char *buf, size_t n);

/* After each read the engine parsed, with the result so far (pipes only do work). */
void input_watch(struct input *in, const char *buf, size_t n, const struct bpfq_result *r);

/*
 * After a whole scan of a regular file (read up to its size at the start):
 * fewer bytes read means it shrank, an error; a larger size now means it
 * grew, a warning. Of a compressed input: whether it was decompressed to
 * its end. Returns -1 after printing the error.
 */
int input_check_size(struct input *in, uint64_t bytes_read);

/* The place at offset off (from the scan's first byte), after the scan. */
void input_locate(struct input *in, uint64_t off, struct spot *s);

#endif /* BPFQ_INPUT_H */
