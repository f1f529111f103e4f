// SPDX-License-Identifier: MIT
/*
 * The reader: its read() calls are what the program parses. It reads into
 * the mmap()ed map value, so the data is never copied again, and checks
 * after each read that the program saw it.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "runtime/reader.h"

/*
 * A tracing program is skipped, not queued, when it is already running on
 * the CPU (the kernel counts a "recursion miss"). If that ever hits one of
 * our reads, the program's read count did not move: read the same bytes
 * again. The parse state is untouched by a skipped run, so this is exact.
 */
#define MAX_RETRIES 16

/* The next read's size: at most read_size, and never past the limit (0 at it: the EOF read). */
static size_t next_size(const struct reader_opts *o, uint64_t done)
{
	if (o->limit && o->limit - done < o->read_size)
		return o->limit - done;
	return o->read_size;
}

/*
 * A pipe holds 64 KiB unless asked for more: each read got at most that,
 * too little for the streams of a long input (streams.bpf.h), and the
 * writer stopped at every 64 KiB. As much as a read takes: at most
 * BPFQ_BUF_SIZE, 1 MiB, which is also what the kernel allows an
 * unprivileged user by default (/proc/sys/fs/pipe-max-size). A hint, like
 * the file's read-ahead: a pipe that cannot grow is read as it is.
 */
static void grow_pipe(int fd, size_t read_size)
{
	int size = fcntl(fd, F_GETPIPE_SZ);

	if (size > 0 && (size_t)size < read_size)
		fcntl(fd, F_SETPIPE_SZ, (int)read_size);
}

int reader_run(struct loader *l, int slot, int fd, const struct reader_opts *o,
	       struct reader_stats *stats, const char **why)
{
	volatile struct bpfq_result *r = &loader__state(l, slot)->result;
	char *buf = loader__buffer(l, loader__state(l, slot)->target.reader);
	int misses = 0;

	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	grow_pipe(fd, o->read_size);
	while (!r->done) {
		uint64_t seen = r->reads;
		ssize_t n;

		if (*o->interrupted)
			return 1;
		/* Signals are installed without SA_RESTART: a blocked read (a FIFO)
		 * returns EINTR and the loop sees the flag. */
		n = read(fd, buf, next_size(o, stats->bytes));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		/* The answer became known (or an error stopped it) during this read:
		 * the program parses no more, whether it counted the read or not
		 * (copyout stops inside a read, before the read's end is seen). */
		if (r->done) {
			stats->reads++;
			stats->bytes += n;
			if (o->watch.fn)
				o->watch.fn(o->watch.ctx, buf, n);
			break;
		}
		if (r->reads == seen) {
			if (++misses > MAX_RETRIES) {
				*why = "the BPF program missed the same read repeatedly";
				return -2;
			}
			if (n > 0 && lseek(fd, -n, SEEK_CUR) < 0) {
				*why = "the BPF program missed a read that cannot be repeated";
				return -2;
			}
			stats->retries++;
			continue;
		}
		misses = 0;
		stats->reads++;
		stats->bytes += n;
		if (o->watch.fn)
			o->watch.fn(o->watch.ctx, buf, n);
		if (n == 0)
			break;
	}
	return 0;
}
