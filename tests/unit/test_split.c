// SPDX-License-Identifier: MIT
/*
 * runtime/split.c, the ranges of -j, on real files: numbers, text and csv
 * lines (LF and CRLF), binary records; small files, files with few or no
 * separators, a skipped header. Each cut must fall at a record's start,
 * and the ranges must be the sizes split.h promises: a 2n-th of what is
 * left, none under a 24th of the file nor 1 MiB, the rest kept whole in
 * the last range when it is too little to share.
 */
#include <fcntl.h>
#include <unistd.h>

#include "runtime/split.h"
#include "tests/unit/unit.h"

#define MIB (1u << 20)

/* The private folder of the test's files. */
static char dir[4096];

/* One kind of file, as split sees it. */
struct sample {
	const char *what;
	struct input_format f;
	const char *bytes;	/* the whole file, header included */
	uint64_t base, size;	/* the scan's part: size bytes after base */
	uint64_t slack;		/* the longest record, separators included */
};

static uint64_t seed = 11;

static unsigned rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (seed >> 33) % n;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* A file in the private folder with these bytes, already unlinked: the fd holds it. */
static int temp_file(const char *bytes, size_t len)
{
	char path[sizeof(dir) + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/in-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	unlink(path);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, bytes + off, len - off);

		if (n <= 0) {
			perror("write");
			exit(2);
		}
		off += n;
	}
	return fd;
}

static bool is_separator(const struct input_format *f, unsigned char c)
{
	if (f->kind == INPUT_NUMBERS)
		return c && strchr(" ,\t\n\v\f\r", c);
	return c == '\n';
}

/* Start i (not the first) begins a record: after a separator, or at a record's offset. */
static void check_cut(const char *what, const struct sample *s, const uint64_t *starts, int i)
{
	unsigned char before = s->bytes[s->base + starts[i] - 1];

	if (s->f.kind == INPUT_BINARY) {
		expect_u64(what, "start % record size", 0, starts[i] % s->f.record_size);
		return;
	}
	if (is_separator(&s->f, before)) {
		passed++;
		return;
	}
	fail(what, "  start %d at %" PRIu64 " follows '\\x%02x', no separator\n", i, starts[i],
	     before);
}

/* What split.h promises a range that starts at from: a 2n-th of the rest, at least the floor. */
static uint64_t target(const struct sample *s, uint64_t from, int n)
{
	return max_u64((s->size - from) / (2 * (uint64_t)n), max_u64(s->size / 24, MIB));
}

/* Range i-1 is its target, moved to a record start at most one record away. */
static void check_size(const char *what, const struct sample *s, const uint64_t *starts, int i,
		       int n)
{
	uint64_t want = target(s, starts[i - 1], n), got = starts[i] - starts[i - 1];

	if (got + s->slack > want && got <= want + s->slack)
		passed++;
	else
		fail(what, "  range %d: %" PRIu64 " bytes, wanted %" PRIu64 " (+- %" PRIu64 ")\n",
		     i - 1, got, want, s->slack);
	/* They shrink toward the end, so that readers end together. */
	if (i < 2 || got <= starts[i - 1] - starts[i - 2] + s->slack)
		passed++;
	else
		fail(what, "  range %d (%" PRIu64 " bytes) is larger than the one before\n", i - 1,
		     got);
}

/* The last range holds what was too little to cut again: under a target and 1 MiB more. */
static void check_rest(const char *what, const struct sample *s, const uint64_t *starts, int k,
		       int n)
{
	uint64_t rest = s->size - starts[k - 1];

	if (n == 1 || k == BPFQ_MAX_RANGES)
		return;
	if (rest < target(s, starts[k - 1], n) + MIB + s->slack)
		passed++;
	else
		fail(what, "  the last range keeps %" PRIu64 " bytes: room for another\n", rest);
}

static void check_ranges(const char *what, const struct sample *s, const uint64_t *starts, int k,
			 int n)
{
	expect_u64(what, "first start", 0, starts[0]);
	expect_u64(what, "end", s->size, starts[k]);
	for (int i = 1; i <= k; i++) {
		if (starts[i] <= starts[i - 1]) {
			fail(what, "  start %d at %" PRIu64 " is not after start %d at %" PRIu64 "\n",
			     i, starts[i], i - 1, starts[i - 1]);
			return;
		}
	}
	for (int i = 1; i < k; i++) {
		check_cut(what, s, starts, i);
		check_size(what, s, starts, i, n);
	}
	check_rest(what, s, starts, k, n);
}

/* The file's ranges for 1, 2, 4 and 8 readers; one only when one is promised. */
static void check_sample(const struct sample *s, bool one_range)
{
	static const int readers[] = { 1, 2, 4, 8 };
	int fd = temp_file(s->bytes, s->base + s->size);

	for (size_t r = 0; r < sizeof(readers) / sizeof(readers[0]); r++) {
		uint64_t starts[BPFQ_MAX_RANGES + 2];
		int n = readers[r], k;
		char what[160];

		starts[BPFQ_MAX_RANGES + 1] = 0x5eed;
		k = split_ranges(fd, s->base, s->size, &s->f, n, starts);
		snprintf(what, sizeof(what), "%s (%" PRIu64 " bytes), n = %d", s->what, s->size, n);
		expect_u64(what, "canary after the room split.h asks for", 0x5eed,
			   starts[BPFQ_MAX_RANGES + 1]);
		if (k < 1 || k > BPFQ_MAX_RANGES) {
			fail(what, "  %d ranges\n", k);
			continue;
		}
		expect_u64(what, "one range", one_range || n == 1, k == 1);
		check_ranges(what, s, starts, k, n);
	}
	close(fd);
}

/* Numbers, each followed by one or two separators of every kind. */
static uint64_t gen_numbers(char *p, size_t size)
{
	static const char *const seps[] = { " ", ",", "\t", "\n", "\r\n", "\v", "\f", ", ", "  " };
	uint64_t longest = 0;

	for (size_t at = 0; at < size;) {
		char rec[64];
		int n = snprintf(rec, sizeof(rec), "%s%u%s", rnd(3) ? "" : "-", rnd(1u << rnd(31)),
				 seps[rnd(9)]);

		memcpy(p + at, rec, size - at < (size_t)n ? size - at : (size_t)n);
		at += n;
		longest = max_u64(longest, n);
	}
	return longest;
}

/* Lines of 0 to 8 words (csv: fields, some quoted with a comma inside), ended by eol. */
static uint64_t gen_lines(char *p, size_t size, bool csv, const char *eol)
{
	uint64_t longest = 0;

	for (size_t at = 0; at < size;) {
		char rec[512];
		int n = 0, words = rnd(9);

		for (int w = 0; w < words; w++) {
			const char *sep = w ? (csv ? "," : rnd(2) ? " " : "\t") : "";

			if (csv && !rnd(4))
				n += sprintf(rec + n, "%s\"a,%u\"", sep, rnd(100000));
			else
				n += sprintf(rec + n, "%s%.*s%u", sep, (int)rnd(20),
					     "abcdefghijklmnopqrstuvwxyz", rnd(100000));
		}
		n += sprintf(rec + n, "%s", eol);
		memcpy(p + at, rec, size - at < (size_t)n ? size - at : (size_t)n);
		at += n;
		longest = max_u64(longest, n);
	}
	return longest;
}

static void gen_bytes(char *p, size_t size)
{
	for (size_t at = 0; at < size; at++)
		p[at] = rnd(256);
}

static struct sample sample(const char *what, enum input_kind kind, const char *bytes,
			    uint64_t size, uint64_t slack)
{
	struct sample s = { .what = what, .bytes = bytes, .size = size, .slack = slack };

	s.f.kind = kind;
	s.f.delim = ',';
	return s;
}

/* The ranges of size bytes at p, read as kind, whose records are at most slack bytes. */
static void check_bytes(const char *what, enum input_kind kind, const char *p, uint64_t size,
			uint64_t slack, bool one_range)
{
	struct sample s = sample(what, kind, p, size, slack);

	check_sample(&s, one_range);
}

/* Each format at a size where the floor is 1 MiB, and one where it is a 24th of the file. */
static void test_formats(void)
{
	static const struct {
		const char *what;
		enum input_kind kind;
		const char *eol;
	} formats[] = {
		{ "numbers", INPUT_NUMBERS, NULL },
		{ "text", INPUT_TEXT, "\n" },
		{ "text crlf", INPUT_TEXT, "\r\n" },
		{ "csv", INPUT_CSV, "\n" },
		{ "csv crlf", INPUT_CSV, "\r\n" },
	};
	static const uint64_t sizes[] = { 6 * MIB + 4321, 30 * MIB + 123 };
	size_t len = sizes[1];
	char *p = malloc(len);

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		enum input_kind kind = formats[i].kind;
		uint64_t slack = kind == INPUT_NUMBERS ? gen_numbers(p, len) :
				 gen_lines(p, len, kind == INPUT_CSV, formats[i].eol);

		for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
			check_bytes(formats[i].what, kind, p, sizes[j], slack, false);
	}
	free(p);
}

/* Fixed-size records, their bytes all kinds (line ends too), with and without a header. */
static void test_binary(void)
{
	static const int record_sizes[] = { 1, 7, 12, 4096 };
	size_t len = 9 * MIB + 100;
	char *p = malloc(len);

	gen_bytes(p, len);
	for (size_t i = 0; i < sizeof(record_sizes) / sizeof(record_sizes[0]); i++) {
		struct sample s = sample("binary", INPUT_BINARY, p, len, record_sizes[i]);

		s.f.record_size = record_sizes[i];
		check_sample(&s, false);
		s.what = "binary after a header";
		s.base = 100;
		s.size = len - 100;
		check_sample(&s, false);
	}
	free(p);
}

/* A header the scan skips: the cuts are found in the bytes after it, counted from it. */
static void test_header(void)
{
	size_t head = 777, len = head + 7 * MIB + 5;
	char *p = malloc(len);
	struct sample s;

	memset(p, 'h', head);
	s = sample("text after a header", INPUT_TEXT, p, len - head, 0);
	s.base = head;
	s.slack = gen_lines(p + head, len - head, false, "\n");
	check_sample(&s, false);
	s.what = "numbers after a header";
	s.f.kind = INPUT_NUMBERS;
	s.slack = gen_numbers(p + head, len - head);
	check_sample(&s, false);
	free(p);
}

/* Too little to share: a small file, one with no separator, one with its separators early. */
static void test_one_range(void)
{
	size_t len = 4 * MIB;
	char *p = malloc(len);
	uint64_t slack = gen_lines(p, MIB + MIB / 2, false, "\n");

	check_bytes("small text", INPUT_TEXT, p, MIB + MIB / 2, slack, true);
	slack = gen_numbers(p, MIB + MIB / 2);
	check_bytes("small numbers", INPUT_NUMBERS, p, MIB + MIB / 2, slack, true);
	memset(p, 'a', len);
	check_bytes("no line end", INPUT_TEXT, p, len, len, true);
	check_bytes("no line end, csv", INPUT_CSV, p, len, len, true);
	memset(p, '7', len);
	check_bytes("one long number", INPUT_NUMBERS, p, len, len, true);
	memset(p, 'a', len);
	gen_lines(p, 100000, false, "\n");
	check_bytes("lines only at the start", INPUT_TEXT, p, len, len, true);
	free(p);
}

/* A few long lines: each cut is after the next line end, however far. */
static void test_few_separators(void)
{
	static const size_t ends[] = { MIB + MIB / 2, 3 * MIB + 200000, 5 * MIB + 900000 };
	size_t len = 7 * MIB;
	char *p = malloc(len);

	memset(p, 'a', len);
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		p[ends[i]] = '\n';
	check_bytes("few lines", INPUT_TEXT, p, len, 3 * MIB, false);
	check_bytes("few numbers", INPUT_NUMBERS, p, len, 3 * MIB, false);
	free(p);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/bpfq-split-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 2;
	}
	test_formats();
	test_binary();
	test_header();
	test_one_range();
	test_few_separators();
	rmdir(dir);
	return unit_done();
}
