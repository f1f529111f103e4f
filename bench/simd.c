/* simd: the hand-written C reader, the strongest user-space yardstick.
 *
 *   simd [-t THREADS] sum-gt N FILE       sum(x) where x > N  (one integer
 *                                         a line)
 *   simd [-t THREADS] csv-sum C W N FILE  sum($C) where $W > N  (CSV of
 *                                         integers, 1-based columns)
 *   simd isa                              the instruction set it picks here
 *
 * SIMD_ISA=avx2 or SIMD_ISA=scalar in the environment picks a lesser one.
 *
 * THREADS: 1 by default, 0 for one per CPU. The file is mapped (no copy
 * out of the page cache) and cut into THREADS ranges at line starts; each
 * thread finds its separators 64 bytes at a time with AVX-512 (one compare
 * into a mask register), else AVX2 (two compares and movemasks), else
 * plain C, as the CPU it runs on has (__builtin_cpu_supports), then parses
 * each number of up to 8 digits with a few multiplies on its 8 bytes at
 * once (SWAR), longer ones digit by digit.
 *
 * A reader for data known to be well formed, as the bench's is: it does
 * not check for malformed numbers, overflow or quotes, and treats an empty
 * field as 0. What it shows is how fast the hardware lets C go on these
 * shapes, not what a general tool can do.
 */
#include <errno.h>
#include <fcntl.h>
#include <immintrin.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_THREADS 256

struct job {
	const char *base;   /* the whole file */
	size_t size;        /* its length */
	size_t begin, end;  /* this thread's lines: begin and end are line starts */
	int col, where;     /* csv-sum's columns, 1-based */
	int64_t k;
	int64_t sum;        /* the answer for this range */
};

/* The value of the digits at p (len of them, len <= 8, and 8 bytes
 * readable at p): the digits to the top of the word, leading zeros below,
 * then pairs, quads and the two halves combined by multiplies. */
static inline uint64_t swar8(const char *p, size_t len)
{
	uint64_t w;
	memcpy(&w, p, 8);
	w = (w & 0x0F0F0F0F0F0F0F0Full) << (8 * (8 - len));
	w = (w * 2561) >> 8;
	w = ((w & 0x00FF00FF00FF00FFull) * 6553601) >> 16;
	return ((w & 0x0000FFFF0000FFFFull) * 42949672960001ull) >> 32;
}

/* The integer in [p, p + len); limit is the end of the mapping. */
static inline int64_t parse_int(const char *p, size_t len, const char *limit)
{
	int neg = len && *p == '-';
	p += neg;
	len -= (size_t)neg;
	uint64_t v = 0;
	if (len == 0)
		return 0;
	if (len <= 8 && p + 8 <= limit) {
		v = swar8(p, len);
	} else {
		for (size_t i = 0; i < len; i++)
			v = v * 10 + (uint64_t)(p[i] - '0');
	}
	return neg ? -(int64_t)v : (int64_t)v;
}

static inline uint64_t mask_scalar(const char *p, char c)
{
	uint64_t m = 0;
	for (int i = 0; i < 64; i++)
		m |= (uint64_t)(p[i] == c) << i;
	return m;
}

__attribute__((target("avx2"))) static inline uint64_t mask_avx2(const char *p, char c)
{
	__m256i n = _mm256_set1_epi8(c);
	uint32_t lo = (uint32_t)_mm256_movemask_epi8(
		_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)p), n));
	uint32_t hi = (uint32_t)_mm256_movemask_epi8(
		_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + 32)), n));
	return lo | (uint64_t)hi << 32;
}

__attribute__((target("avx512bw"))) static inline uint64_t mask_avx512(const char *p, char c)
{
	return _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p), _mm512_set1_epi8((char)c));
}

/* The 64 bytes at pos as a mask of c, only those before end; the file's
 * last block is copied first, since a load past the mapping would fault. */
#define BLOCK_MASK(ISA, j, pos, c)                                               \
	({                                                                       \
		uint64_t m_;                                                     \
		if ((pos) + 64 <= (j)->size) {                                   \
			m_ = mask_##ISA((j)->base + (pos), (c));                 \
		} else {                                                         \
			char tmp_[64] = {0};                                     \
			memcpy(tmp_, (j)->base + (pos), (j)->size - (pos));      \
			m_ = mask_##ISA(tmp_, (c));                              \
		}                                                                \
		if ((j)->end - (pos) < 64)                                       \
			m_ &= (1ull << ((j)->end - (pos))) - 1;                  \
		m_;                                                              \
	})

#define DEFINE_SCANS(ISA, TARGET)                                                \
	TARGET static void sum_gt_##ISA(struct job *j)                           \
	{                                                                        \
		const char *limit = j->base + j->size;                           \
		size_t start = j->begin;                                         \
		int64_t sum = 0;                                                 \
		for (size_t pos = j->begin; pos < j->end; pos += 64) {           \
			uint64_t m = BLOCK_MASK(ISA, j, pos, '\n');              \
			while (m) {                                              \
				size_t p = pos + (size_t)__builtin_ctzll(m);     \
				int64_t v = parse_int(j->base + start, p - start, limit); \
				sum += v > j->k ? v : 0;                         \
				start = p + 1;                                   \
				m &= m - 1;                                      \
			}                                                        \
		}                                                                \
		if (start < j->end) { /* the last line, with no newline */       \
			int64_t v = parse_int(j->base + start, j->end - start, limit); \
			sum += v > j->k ? v : 0;                                 \
		}                                                                \
		j->sum = sum;                                                    \
	}                                                                        \
	TARGET static void csv_sum_##ISA(struct job *j)                          \
	{                                                                        \
		const char *limit = j->base + j->size;                           \
		size_t start = j->begin;                                         \
		int64_t sum = 0, cv = 0, wv = 0;                                 \
		int field = 1;                                                   \
		for (size_t pos = j->begin; pos < j->end; pos += 64) {           \
			uint64_t nl = BLOCK_MASK(ISA, j, pos, '\n');             \
			uint64_t m = nl | BLOCK_MASK(ISA, j, pos, ',');          \
			while (m) {                                              \
				unsigned bit = (unsigned)__builtin_ctzll(m);     \
				size_t p = pos + bit;                            \
				if (field == j->col)                             \
					cv = parse_int(j->base + start, p - start, limit); \
				if (field == j->where)                           \
					wv = parse_int(j->base + start, p - start, limit); \
				field++;                                         \
				if (nl >> bit & 1) {                             \
					sum += wv > j->k ? cv : 0;               \
					field = 1, cv = 0, wv = 0;               \
				}                                                \
				start = p + 1;                                   \
				m &= m - 1;                                      \
			}                                                        \
		}                                                                \
		if (start < j->end) { /* the last line, with no newline */       \
			size_t p = j->end;                                       \
			if (field == j->col)                                     \
				cv = parse_int(j->base + start, p - start, limit); \
			if (field == j->where)                                   \
				wv = parse_int(j->base + start, p - start, limit); \
			sum += wv > j->k ? cv : 0;                               \
		} else if (field > 1) { /* a last line cut short by its end */   \
			sum += wv > j->k ? cv : 0;                               \
		}                                                                \
		j->sum = sum;                                                    \
	}

DEFINE_SCANS(scalar, )
DEFINE_SCANS(avx2, __attribute__((target("avx2"))))
DEFINE_SCANS(avx512, __attribute__((target("avx512bw"))))

static void (*scan)(struct job *);

static const char *pick_isa(int csv)
{
	const char *want = getenv("SIMD_ISA"); /* to test the other paths */
	__builtin_cpu_init();
	if (want && strcmp(want, "avx2") == 0 && __builtin_cpu_supports("avx2")) {
		scan = csv ? csv_sum_avx2 : sum_gt_avx2;
		return "avx2";
	}
	if (want && strcmp(want, "scalar") == 0) {
		scan = csv ? csv_sum_scalar : sum_gt_scalar;
		return "scalar";
	}
	if (__builtin_cpu_supports("avx512bw")) {
		scan = csv ? csv_sum_avx512 : sum_gt_avx512;
		return "avx512bw";
	}
	if (__builtin_cpu_supports("avx2")) {
		scan = csv ? csv_sum_avx2 : sum_gt_avx2;
		return "avx2";
	}
	scan = csv ? csv_sum_scalar : sum_gt_scalar;
	return "scalar";
}

static void *run_job(void *arg)
{
	scan(arg);
	return NULL;
}

/* The start of the line at or after off. */
static size_t line_start(const char *base, size_t size, size_t off)
{
	if (off == 0 || off >= size)
		return off >= size ? size : 0;
	const char *nl = memchr(base + off - 1, '\n', size - (off - 1));
	return nl ? (size_t)(nl - base) + 1 : size;
}

static int64_t run(const char *path, int threads, struct job proto)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "simd: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	proto.size = (size_t)st.st_size;
	if (proto.size == 0)
		return 0;
	proto.base = mmap(NULL, proto.size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (proto.base == MAP_FAILED) {
		fprintf(stderr, "simd: cannot map %s: %s\n", path, strerror(errno));
		exit(1);
	}
	madvise((void *)proto.base, proto.size, MADV_SEQUENTIAL);
	struct job jobs[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	for (int t = 0; t < threads; t++) {
		jobs[t] = proto;
		jobs[t].begin = line_start(proto.base, proto.size, proto.size / threads * t);
		jobs[t].end = t + 1 == threads
			? proto.size
			: line_start(proto.base, proto.size, proto.size / threads * (t + 1));
	}
	for (int t = 1; t < threads; t++)
		if (pthread_create(&tids[t], NULL, run_job, &jobs[t]) != 0) {
			fprintf(stderr, "simd: cannot start a thread\n");
			exit(1);
		}
	run_job(&jobs[0]);
	int64_t sum = jobs[0].sum;
	for (int t = 1; t < threads; t++) {
		pthread_join(tids[t], NULL);
		sum += jobs[t].sum;
	}
	return sum;
}

static int64_t arg_int(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0') {
		fprintf(stderr, "simd: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static int usage(void)
{
	fprintf(stderr, "usage: simd [-t THREADS] sum-gt N FILE | csv-sum C W N FILE | isa\n");
	return 2;
}

int main(int argc, char **argv)
{
	int threads = 1;
	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		threads = (int)arg_int(argv[2]);
		if (threads <= 0)
			threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
		if (threads > MAX_THREADS)
			threads = MAX_THREADS;
		argc -= 2, argv += 2;
	}
	const char *q = argc > 1 ? argv[1] : "";
	struct job proto = {0};
	if (strcmp(q, "isa") == 0 && argc == 2) {
		puts(pick_isa(0));
	} else if (strcmp(q, "sum-gt") == 0 && argc == 4) {
		pick_isa(0);
		proto.k = arg_int(argv[2]);
		printf("%" PRId64 "\n", run(argv[3], threads, proto));
	} else if (strcmp(q, "csv-sum") == 0 && argc == 6) {
		pick_isa(1);
		proto.col = (int)arg_int(argv[2]);
		proto.where = (int)arg_int(argv[3]);
		proto.k = arg_int(argv[4]);
		printf("%" PRId64 "\n", run(argv[5], threads, proto));
	} else {
		return usage();
	}
	return 0;
}
