// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness over the front end and the C generation: lexer,
 * parser, semantic checks, codegen, rendering, the evaluator. Built with
 * ASan and UBSan (no recovery), so memory errors and undefined behaviour
 * abort; and it checks what a crash would not show (a failed check calls
 * __builtin_trap(), which libFuzzer reports as a crash):
 *
 *  - a rejected query: its diagnostic points inside the text, and printing
 *    it works (and so does dumping a tree that parsed but failed sema);
 *  - an accepted query: the generated program is the templates, byte for
 *    byte, around a bpfq_emit() made only of the tokens codegen writes
 *    (no quote, '#', backslash or unknown name: nothing of the query text),
 *    whose comments cannot be closed early;
 *  - the label of each aggregate and the where clause, parsed again, gives
 *    the same label (ast_render is a normal form);
 *  - the evaluator runs over a few values that hit every overflow edge.
 *
 * Run by `make fuzz` (tests/fuzz/fuzz.mk); by hand:
 *   build/fuzz/fuzz_front -dict=tests/fuzz/query.dict build/fuzz/corpus tests/fuzz/corpus
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/codegen.h"
#include "codegen/templates.h"
#include "lang/eval.h"
#include "lang/parser.h"
#include "lang/sema.h"

#define CHECK(cond)                                                             \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "fuzz_front: check failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);                     \
			__builtin_trap();                                       \
		}                                                               \
	} while (0)

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	return 0;
}

/*
 * Names codegen writes: C's, the templates' (bpfq_*, BPFQ_*), struct
 * members, and temporaries (t<N>, n<N>), fields (x<N>, d<N>, z<N>) and
 * the batch's sums (lo<N>, hi<N>), checked apart. None comes from the query text.
 */
static const char *const emit_names[] = {
	"static", "__always_inline", "__noinline", "int", "struct", "const", "__s64", "__u64",
	"__u32", "__attribute__", "unused", "if", "return", "switch", "case", "default",
	"st", "sv", "f", "e", "off", "area", "lo", "hi", "kind", "parse", "rec", "result",
	"matched", "done", "key", "key_long", "void", "a", "stop", "sizeof", "__builtin_memset",
	"field", "slot",
};

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_num(char c)
{
	return c >= '0' && c <= '9';
}

static int known_name(const char *s, size_t n)
{
	if (n > 5 && (!memcmp(s, "bpfq_", 5) || !memcmp(s, "BPFQ_", 5)))
		return 1;
	/* the batch's sums: lo<N>, hi<N> */
	if (n > 2 && (!memcmp(s, "lo", 2) || !memcmp(s, "hi", 2))) {
		size_t i = 2;

		while (i < n && is_num(s[i]))
			i++;
		if (i == n)
			return 1;
	}
	if (n > 1 && strchr("tnxdz", s[0])) {
		size_t i = 1;

		while (i < n && is_num(s[i]))
			i++;
		if (i == n)
			return 1;
	}
	for (size_t i = 0; i < sizeof(emit_names) / sizeof(emit_names[0]); i++)
		if (strlen(emit_names[i]) == n && !memcmp(emit_names[i], s, n))
			return 1;
	return 0;
}

/*
 * The generated bpfq_emit(): comments hold printable ASCII and close only
 * at their end; outside them, known names, decimal numbers (LL allowed),
 * and the punctuation of C expressions ('.' for r->aggs[i].count, '~' for
 * a mask's negation). No quote or '\' at all, and '#' only to begin a
 * line "#define BPFQ_".
 */
static void check_emit(const char *s, size_t n)
{
	int braces = 0;

	for (size_t i = 0; i < n;) {
		char c = s[i];

		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			const char *end = memmem(s + i + 2, n - i - 2, "*/", 2);

			CHECK(end);
			for (const char *p = s + i + 2; p < end; p++) {
				CHECK(*p >= 0x20 && *p < 0x7f);
				CHECK(!(p[0] == '/' && p[1] == '*'));
			}
			i = end + 2 - s;
			continue;
		}
		if (is_alpha(c)) {
			size_t b = i;

			while (i < n && (is_alpha(s[i]) || is_num(s[i])))
				i++;
			CHECK(known_name(s + b, i - b));
			continue;
		}
		if (is_num(c)) {
			if (c == '0' && i + 1 < n && s[i + 1] == 'x')
				i += 2;
			while (i < n && (is_num(s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
				i++;
			if (i < n && s[i] == 'U')
				i++;
			if (i + 1 < n && s[i] == 'L' && s[i + 1] == 'L')
				i += 2;
			CHECK(i >= n || !is_alpha(s[i]));
			continue;
		}
		/* text and csv: the slots' defines, a line each (names and numbers follow) */
		if (c == '#' && (i == 0 || s[i - 1] == '\n') && n - i > 13 &&
		    !memcmp(s + i, "#define BPFQ_", 13)) {
			i += strlen("#define ");
			continue;
		}
		CHECK(c && strchr(" \t\n(){}[];,.&|!=<>+-*/%?:~", c));
		braces += c == '{';
		braces -= c == '}';
		CHECK(braces >= 0);
		i++;
	}
	CHECK(braces == 0);
}

/* Expect src to go on with text at *pos, and step over it. */
static void expect(const char *src, size_t len, size_t *pos, const char *text)
{
	size_t n = strlen(text);

	CHECK(len - *pos >= n && !memcmp(src + *pos, text, n));
	*pos += n;
}

/* The templates each format brings after the generated part. */
static void expect_parser(const struct query *q, const char *src, size_t len, size_t *pos)
{
	switch (q->format.kind) {
	case INPUT_NUMBERS:
		expect(src, len, pos, "#line 1 \"parse_numbers.bpf.h\"\n");
		expect(src, len, pos, tpl_parse_numbers);
		break;
	case INPUT_TEXT:
	case INPUT_CSV:
		expect(src, len, pos, q->format.kind == INPUT_CSV ? "#define BPFQ_CSV 1\n" :
				      "#define BPFQ_CSV 0\n");
		expect(src, len, pos, "#line 1 \"parse_fields.bpf.h\"\n");
		expect(src, len, pos, tpl_parse_fields);
		expect(src, len, pos, "\n#line 1 \"fast_lines.bpf.h\"\n");
		expect(src, len, pos, tpl_fast_lines);
		expect(src, len, pos, q->format.kind == INPUT_TEXT ?
				      "\n#line 1 \"parse_text.bpf.h\"\n" :
				      "\n#line 1 \"parse_csv.bpf.h\"\n");
		expect(src, len, pos, q->format.kind == INPUT_TEXT ? tpl_parse_text : tpl_parse_csv);
		break;
	default:
		expect(src, len, pos, "#line 1 \"parse_binary.bpf.h\"\n");
		expect(src, len, pos, tpl_parse_binary);
		break;
	}
	expect(src, len, pos, "\n");
}

static void expect_piece(const char *src, size_t len, size_t *pos, const char *name,
			 const char *text)
{
	char mark[64];

	snprintf(mark, sizeof(mark), "#line 1 \"%s\"\n", name);
	expect(src, len, pos, mark);
	expect(src, len, pos, text);
	expect(src, len, pos, "\n");
}

/* The sizes, then the templates, unchanged, around generated C that passes check_emit(). */
static void check_program(const struct query *q, const char *src, size_t len)
{
	static const char query_mark[] = "#line 1 \"<query>\"\n";
	const char *emit, *tail;
	size_t pos = 0;

	CHECK(strlen(src) == len);
	expect(src, len, &pos, "/* Generated by bpfq " BPFQ_VERSION ". */\n#include <linux/bpf.h>\n");
	expect(src, len, &pos, "#define BPFQ_AREA_WORDS ");
	while (pos < len && is_num(src[pos]))
		pos++;
	expect(src, len, &pos, "\n#define BPFQ_GROUP_WORDS ");
	while (pos < len && is_num(src[pos]))
		pos++;
	/* input size 0 (unknown): a short input's program */
	expect(src, len, &pos, "\n#define BPFQ_SPLIT_SIGNS 0\n#define BPFQ_STREAMS 0\n#define BPFQ_LANES_FORM ");
	while (pos < len && is_num(src[pos]))
		pos++;
	expect(src, len, &pos, "\n");
	expect_piece(src, len, &pos, "bpfq_state.h", tpl_state_h);
	expect_piece(src, len, &pos, "prelude.bpf.h", tpl_prelude);
	expect_piece(src, len, &pos, "aggs.bpf.h", tpl_aggs);
	if (q->by)
		expect_piece(src, len, &pos, "groups.bpf.h", tpl_groups);
	expect_piece(src, len, &pos, "swar.bpf.h", tpl_swar);
	expect_piece(src, len, &pos, "numtok.bpf.h", tpl_numtok);
	if (q->format.kind == INPUT_BINARY) {
		char defines[160];

		snprintf(defines, sizeof(defines), "#define BPFQ_RECORD_SIZE %d\n#define BPFQ_STREAM "
			 "%d\n#define BPFQ_NSLOTS %d\n#define BPFQ_FIELDS_INT %d\n",
			 q->format.record_size, q->format.stream, q->nslots, codegen_fields_int(q));
		expect(src, len, &pos, defines);
		expect_piece(src, len, &pos, "binary_field.bpf.h", tpl_binary_field);
	}
	expect(src, len, &pos, query_mark);
	emit = src + pos;
	tail = memmem(emit, len - pos, "#define BPFQ_FAST_PER_STEP ", strlen("#define BPFQ_FAST_PER_STEP "));
	CHECK(tail);
	check_emit(emit, tail - emit);
	pos = tail - src;
	/* input size 0 (unknown): the shorter step; one with by */
	expect(src, len, &pos, q->by ? "#define BPFQ_FAST_PER_STEP 1\n" :
				      "#define BPFQ_FAST_PER_STEP 16\n");
	expect_piece(src, len, &pos, "parse_loop.bpf.h", tpl_parse_loop);
	expect_parser(q, src, len, &pos);
	expect(src, len, &pos, "#if BPFQ_PART != 2\n");
	expect_piece(src, len, &pos, "read.bpf.h", tpl_read);
	expect_piece(src, len, &pos, "syscall.bpf.c", tpl_hook_syscall);
	expect(src, len, &pos, "#endif /* BPFQ_PART != 2 */\n");
	CHECK(pos == len);
}

/* n rendered in full, malloc()ed; also rendered into small buffers, which must truncate. */
static char *render(const struct query *q, const struct node *n)
{
	char small[8];
	size_t need = ast_render(q, n, NULL, 0), got;
	char *buf = malloc(need + 1);

	CHECK(buf);
	got = ast_render(q, n, buf, need + 1);
	CHECK(got == need && strlen(buf) == need);
	for (size_t size = 1; size <= sizeof(small); size++) {
		CHECK(ast_render(q, n, small, size) == need);
		CHECK(strlen(small) == (need < size - 1 ? need : size - 1));
		CHECK(!memcmp(small, buf, strlen(small)));
	}
	return buf;
}

/*
 * Parse text (NUL-terminated) again and compare the label of item 0, or of
 * the where clause, with want. Rendering adds parentheses ("-(-x)" for
 * "- -x"), so near PARSE_MAX_DEPTH the label may be too deep to parse back.
 */
static void check_reparse(const char *text, int where, const char *want)
{
	struct query q = { 0 };
	struct diag d;

	if (!parse_query(text, strlen(text), &q, &d)) {
		CHECK(strstr(d.msg, "nested too deeply"));
		query_free(&q);
		return;
	}
	CHECK(sema_check(&q, NULL, &d));
	char *again = render(&q, where ? q.where : q.items[0]);

	if (strcmp(again, want)) {
		fprintf(stderr, "fuzz_front: label changed on reparse:\n  %s\n  %s\n", want, again);
		CHECK(!"ast_render is not a normal form");
	}
	free(again);
	query_free(&q);
}

static void check_labels(const struct query *q)
{
	for (int i = 0; i < q->nitems; i++) {
		char *label = render(q, q->items[i]), *text;

		CHECK(asprintf(&text, "%s from f", label) > 0);
		check_reparse(text, 0, label);
		free(text);
		free(label);
	}
	if (q->where) {
		char *label = render(q, q->where), *text;

		CHECK(asprintf(&text, "count() where %s from f", label) > 0);
		check_reparse(text, 1, label);
		free(text);
		free(label);
	}
}

/* Values at the edges of every checked operator, in two chunks to split a token. */
static void run_eval(const struct query *q)
{
	static const char data[] = "0 1 -1 2 -2 7 3037000500 -3037000500 4294967296 "
				   "9223372036854775807 -9223372036854775808 x 99999999999999999999";
	struct eval *e = eval_new(q, 64);

	CHECK(e);
	if (!eval_feed(e, data, 20))
		eval_feed(e, data + 20, sizeof(data) - 1 - 20);
	eval_finish(e);
	CHECK(q->by || eval_result(e)->matched <= eval_result(e)->records);
	eval_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct query q = { 0 };
	struct diag d = { 0 };

	bool parsed = parse_query(text, size, &q, &d);

	if (parsed && sema_check(&q, NULL, &d)) {
		size_t len = 0;
		char *src = codegen_program(&q, HOOK_SYSCALL, 0, &len);

		CHECK(src);
		check_program(&q, src, len);
		free(src);
		CHECK(q.path && q.nitems > 0 && q.nitems <= BPFQ_MAX_AGGS);
		ast_dump(devnull, &q);
		check_labels(&q);
		run_eval(&q);
	} else {
		CHECK(d.msg[0]);
		CHECK(d.loc.begin <= d.loc.end && d.loc.end <= size);
		diag_print(devnull, "error", text, size, &d);
		/* A parsed tree that sema refused still shows (names as written). */
		if (parsed) {
			ast_dump(devnull, &q);
			for (int i = 0; i < q.nitems; i++)
				free(render(&q, q.items[i]));
		}
	}
	query_free(&q);
	return 0;
}
