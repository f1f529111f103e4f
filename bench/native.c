/* native: the plain user-space C yardstick of the benchmark.
 *
 *   native sum-gt N FILE        sum(x) where x > N       (text)
 *   native avg FILE             avg(x), 6 decimals       (text)
 *   native count-eq N FILE      count() where x == N     (text)
 *   native csv-sum C W N FILE   sum($C) where $W > N     (CSV, 1-based columns)
 *   native i64-sum FILE         sum(x)                   (little-endian int64)
 *
 * What a competent C programmer would write without heroics: read() the
 * file in 128 KiB chunks (as cat does; 1 MiB, bpfq's read size, measured
 * the same here) and walk the bytes once,
 * accumulating digits; a number split between two chunks carries over in
 * the parser state. No mmap, no SIMD, no threads. The data is known to be
 * well formed (the bench generates it), so unlike bpfq it does not count
 * malformed tokens or check for overflow; sums fit in int64 here (at most
 * 1e8 values below 1e6).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (128 * 1024)

static const char *path;
static int fd = -1;
static union {
	unsigned char bytes[CHUNK];
	int64_t words[CHUNK / 8];
} buf;

static void die(const char *what)
{
	fprintf(stderr, "native: %s %s: %s\n", what, path, strerror(errno));
	exit(3);
}

static void open_input(const char *p)
{
	path = p;
	fd = open(p, O_RDONLY);
	if (fd < 0)
		die("cannot open");
}

/* The next chunk: its length, 0 at the end of the file. */
static size_t next_chunk(size_t offset)
{
	for (;;) {
		ssize_t n = read(fd, buf.bytes + offset, CHUNK - offset);
		if (n >= 0)
			return (size_t)n;
		if (errno != EINTR)
			die("cannot read");
	}
}

/* The aggregate one query keeps, and the test it applies to a value. */
enum mode { SUM_GT, AVG, COUNT_EQ };
struct acc {
	int64_t k;     /* the constant of the where clause */
	int64_t sum;
	int64_t count;
};

static inline void take(struct acc *a, enum mode mode, int64_t x)
{
	switch (mode) {
	case SUM_GT:
		if (x > a->k)
			a->sum += x;
		break;
	case AVG:
		a->sum += x;
		a->count++;
		break;
	case COUNT_EQ:
		a->count += x == a->k;
		break;
	}
}

/* Every integer of a text file: digits accumulate; any other byte ends the
 * number in progress. A '-' right before digits makes it negative. Always
 * inlined, and called with a constant mode, so each query gets its own
 * loop with no switch in it: what writing three loops by hand would give. */
static inline __attribute__((always_inline))
void scan_text(struct acc *a, enum mode mode)
{
	int64_t v = 0;
	bool in_num = false, neg = false;
	size_t n;
	while ((n = next_chunk(0)) > 0) {
		for (size_t i = 0; i < n; i++) {
			unsigned d = buf.bytes[i] - (unsigned)'0';
			if (d < 10) {
				v = v * 10 + d;
				in_num = true;
			} else {
				if (in_num)
					take(a, mode, neg ? -v : v);
				neg = buf.bytes[i] == '-';
				v = 0;
				in_num = false;
			}
		}
	}
	if (in_num)
		take(a, mode, neg ? -v : v);
}

/* sum($sum_col) where $where_col > k, columns 1-based. Only the two needed
 * columns are converted; the others are walked past. */
static int64_t scan_csv(int sum_col, int where_col, int64_t k)
{
	int64_t sum = 0, sv = 0, wv = 0;
	int col = 1;
	size_t n;
	while ((n = next_chunk(0)) > 0) {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = buf.bytes[i];
			unsigned d = c - (unsigned)'0';
			if (d < 10) {
				if (col == sum_col)
					sv = sv * 10 + d;
				if (col == where_col)
					wv = wv * 10 + d;
			} else if (c == ',') {
				col++;
			} else if (c == '\n') {
				if (wv > k)
					sum += sv;
				sv = wv = 0;
				col = 1;
			}
		}
	}
	if (col > 1 && wv > k) /* a last row without its newline */
		sum += sv;
	return sum;
}

/* Sum of little-endian int64 words (x86_64: native order). A read that
 * ends inside a word keeps the partial word at the front of the buffer. */
static int64_t scan_i64(void)
{
	int64_t sum = 0;
	size_t have = 0, n;
	while ((n = next_chunk(have)) > 0) {
		have += n;
		size_t words = have / 8;
		for (size_t i = 0; i < words; i++)
			sum += buf.words[i];
		have -= words * 8;
		memmove(buf.bytes, buf.bytes + words * 8, have);
	}
	if (have) {
		fprintf(stderr, "native: %s: %zu trailing bytes\n", path, have);
		exit(3);
	}
	return sum;
}

/* sum / count rounded half away from zero to 6 decimals: bench/run compares at that precision. */
static void print_avg(int64_t sum, int64_t count)
{
	if (count == 0) {
		puts("null");
		return;
	}
	__int128 s = sum, q = (s * 2000000 + (s < 0 ? -count : count)) / (2 * count);
	bool neg = q < 0;
	if (neg)
		q = -q;
	printf("%s%" PRId64 ".%06" PRId64 "\n", neg ? "-" : "",
	       (int64_t)(q / 1000000), (int64_t)(q % 1000000));
}

static int64_t arg_int(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0') {
		fprintf(stderr, "native: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static int usage(void)
{
	fprintf(stderr, "usage: native sum-gt N FILE | avg FILE | count-eq N FILE"
			" | csv-sum C W N FILE | i64-sum FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *q = argc > 1 ? argv[1] : "";
	struct acc a = {0};
	if (strcmp(q, "sum-gt") == 0 && argc == 4) {
		a.k = arg_int(argv[2]);
		open_input(argv[3]);
		scan_text(&a, SUM_GT);
		printf("%" PRId64 "\n", a.sum);
	} else if (strcmp(q, "avg") == 0 && argc == 3) {
		open_input(argv[2]);
		scan_text(&a, AVG);
		print_avg(a.sum, a.count);
	} else if (strcmp(q, "count-eq") == 0 && argc == 4) {
		a.k = arg_int(argv[2]);
		open_input(argv[3]);
		scan_text(&a, COUNT_EQ);
		printf("%" PRId64 "\n", a.count);
	} else if (strcmp(q, "csv-sum") == 0 && argc == 6) {
		int c = (int)arg_int(argv[2]), w = (int)arg_int(argv[3]);
		int64_t k = arg_int(argv[4]);
		open_input(argv[5]);
		printf("%" PRId64 "\n", scan_csv(c, w, k));
	} else if (strcmp(q, "i64-sum") == 0 && argc == 3) {
		open_input(argv[2]);
		printf("%" PRId64 "\n", scan_i64());
	} else {
		return usage();
	}
	return 0;
}
