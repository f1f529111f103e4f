/* SPDX-License-Identifier: MIT */
/*
 * A whole file into memory (a -f file of queries, a cache entry, a
 * compiled object), and a whole buffer out to a pipe.
 */
#ifndef BPFQ_SLURP_H
#define BPFQ_SLURP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Everything fd holds from its offset to its end, read() until 0 (a pipe,
 * or a file that changes while read, gives what it gave), with a NUL after
 * it that *len does not count. malloc()ed; NULL with errno on a read error,
 * out of memory, or EFBIG past max bytes.
 */
char *slurp_fd(int fd, size_t max, size_t *len);

/*
 * All of data[0..n) to fd, again after EINTR; false when a write fails or
 * takes nothing (a pipe whose reader is gone: EPIPE).
 */
bool write_all(int fd, const void *data, size_t n);

#endif /* BPFQ_SLURP_H */
