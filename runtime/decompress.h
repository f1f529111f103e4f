/* SPDX-License-Identifier: MIT */
/*
 * Compressed input (gzip, zstd, xz, bzip2, lz4), told by its magic bytes,
 * not its name: libarchive decompresses it in user space on a thread of
 * its own into a pipe, and the pipe is what the readers read, so the
 * filter and the reduction still run where read() hands the bytes over.
 */
#ifndef BPFQ_DECOMPRESS_H
#define BPFQ_DECOMPRESS_H

#include <stddef.h>

struct decompressor;

/* The compression that the first n bytes of a file begin with ("gzip", ...), or NULL. */
const char *decompress_kind(const unsigned char *head, size_t n);

/*
 * Start decompressing fd, of the kind decompress_kind() told (the
 * decompressor then owns fd and closes it, standard input excepted).
 * Returns it, with *out the read end of the pipe its output comes through;
 * NULL with errno.
 */
struct decompressor *decompress_start(int fd, const char *kind, int *out);

/*
 * After the output was read to its end: 0, or -1 after printing why the
 * data could not be decompressed (a truncated or corrupt file) with name.
 */
int decompress_check(struct decompressor *d, const char *name, const char *kind);

/* Stop (an answer may be known before the end) and free; the pipe's read end is the caller's. */
void decompress_stop(struct decompressor *d);

#endif /* BPFQ_DECOMPRESS_H */
