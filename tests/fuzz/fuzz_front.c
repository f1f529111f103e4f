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
 *    whose comments cannot be closed early; checked as the preprocessor
 *    reads it (trigraphs replaced, backslash-newlines spliced), and with
 *    BPFQ_FUZZ_CPP=1 in the environment (make fuzz-regress) also after
 *    clang -E, which takes a clang run an input: not for make fuzz;
 *  - every name a query uses is a column of its csv header (a schema made
 *    of the query's own names), so column names reach codegen;
 *  - the label of each aggregate and the where clause, parsed again, gives
 *    the same label (ast_render is a normal form);
 *  - the evaluator runs over a few values that hit every overflow edge.
 *
 * Run by `make fuzz` (tests/fuzz/fuzz.mk); by hand:
 *   build/fuzz/fuzz_front -dict=tests/fuzz/query.dict build/fuzz/corpus tests/fuzz/corpus
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "codegen/codegen.h"
#include "codegen/templates.h"
#include "lang/engine/eval.h"
#include "lang/front/parser.h"
#include "lang/front/sema.h"

#define CHECK(cond)                                                             \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "fuzz_front: check failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);                     \
			__builtin_trap();                                       \
		}                                                               \
	} while (0)

#ifndef FUZZ_SYS_INCLUDE
#define FUZZ_SYS_INCLUDE "/usr/include/x86_64-linux-gnu"
#endif

static FILE *devnull;
/* BPFQ_FUZZ_CPP=1: a private folder for clang -E's input and output. */
static char cpp_dir[] = "/tmp/bpfq-fuzz-XXXXXX";
static int cpp_on;

static void cpp_cleanup(void)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/p.c", cpp_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/p.i", cpp_dir);
	unlink(path);
	rmdir(cpp_dir);
}

/* libFuzzer's entry points: it calls them, and no header declares them. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *cpp = getenv("BPFQ_FUZZ_CPP");

	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	if (cpp && !strcmp(cpp, "1")) {
		if (!mkdtemp(cpp_dir))
			abort();
		cpp_on = 1;
		atexit(cpp_cleanup);
	}
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
	"field", "slot", "__u8", "__builtin_memcpy", "bytes", "target", "file_conds", "h1", "h2", "div",
	"__u16", "len",
};

/* What the templates' macros that bpfq_emit() uses expand to (clang -E):
 * __always_inline, bpfq_keep(), bpfq_fence(). */
static const char *const cpp_names[] = {
	"inline", "always_inline", "asm", "volatile",
};

/* The only string literals there: the asm's, from those macros. */
static const char *const cpp_strings[] = {
	"\"\"", "\"+r\"", "\"memory\"",
};

extern char **environ;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_num(char c)
{
	return c >= '0' && c <= '9';
}

static int in_list(const char *const *list, size_t count, const char *s, size_t n)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && !memcmp(list[i], s, n))
			return 1;
	return 0;
}

static int known_name(const char *s, size_t n, int cpp)
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
	return in_list(emit_names, COUNT(emit_names), s, n) ||
	       (cpp && in_list(cpp_names, COUNT(cpp_names), s, n));
}

/*
 * Translation phases 1 and 2, as the preprocessor reads the text:
 * trigraphs replaced (clang does only with -trigraphs or -std=c*, but the
 * check should not depend on a flag), then every backslash-newline
 * removed. A malloc()ed copy; *len its length.
 */
static char *phases_1_2(const char *s, size_t n, size_t *len)
{
	static const char from[] = "=/'()!<>-", to[] = "#\\^[]|{}~";
	char *out = malloc(n + 1), *o = out;

	CHECK(out);
	for (size_t i = 0; i < n; i++) {
		const char *t = i + 2 < n && s[i] == '?' && s[i + 1] == '?' ?
				strchr(from, s[i + 2]) : NULL;

		if (t && *t) {
			*o++ = to[t - from];
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	n = o - out;
	o = out;
	for (size_t i = 0; i < n; i++) {
		if (out[i] == '\\' && i + 1 < n && out[i + 1] == '\n')
			i++;
		else
			*o++ = out[i];
	}
	*len = o - out;
	return out;
}

/* A string literal clang -E may leave: one of cpp_strings[]. Its length. */
static size_t cpp_string(const char *s, size_t n)
{
	const char *end = memchr(s + 1, '"', n - 1);

	CHECK(end);
	CHECK(in_list(cpp_strings, COUNT(cpp_strings), s, end + 1 - s));
	return end + 1 - s;
}

/*
 * The generated bpfq_emit() (cpp: after clang -E, its linemarkers taken
 * out): comments hold printable ASCII with no '\' or '?', and close only
 * at their end; outside them, known names, decimal numbers (LL allowed),
 * and the punctuation of C expressions ('.' for r->aggs[i].count, '~' for
 * a mask's negation, '^' in an in list's search). No quote or '\' at all
 * (after clang -E, the asm strings of the templates' macros alone), and
 * '#' only to begin a line "#define BPFQ_". Checked as the preprocessor
 * reads it: a splice or a trigraph cannot hide a comment's end.
 */
static void check_tokens(const char *s, size_t n, int cpp)
{
	int braces = 0;

	for (size_t i = 0; i < n;) {
		char c = s[i];

		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			const char *end = memmem(s + i + 2, n - i - 2, "*/", 2);

			CHECK(end);
			for (const char *p = s + i + 2; p < end; p++) {
				CHECK(*p >= 0x20 && *p < 0x7f && *p != '\\' && *p != '?');
				CHECK(!(p[0] == '/' && p[1] == '*'));
			}
			i = end + 2 - s;
			continue;
		}
		if (is_alpha(c)) {
			size_t b = i;

			while (i < n && (is_alpha(s[i]) || is_num(s[i])))
				i++;
			CHECK(known_name(s + b, i - b, cpp));
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
		if (c == '"' && cpp) {
			i += cpp_string(s + i, n - i);
			continue;
		}
		/* text and csv: the slots' defines, a line each (names and numbers follow) */
		if (!cpp && c == '#' && (i == 0 || s[i - 1] == '\n') && n - i > 13 &&
		    !memcmp(s + i, "#define BPFQ_", 13)) {
			i += strlen("#define ");
			continue;
		}
		CHECK(c && strchr(" \t\n(){}[];,.&|!=<>+-*/%?:~^", c));
		braces += c == '{';
		braces -= c == '}';
		CHECK(braces >= 0);
		i++;
	}
	CHECK(braces == 0);
}

static void check_emit(const char *s, size_t n)
{
	size_t len;
	char *text = phases_1_2(s, n, &len);

	check_tokens(text, len, 0);
	free(text);
}

/*
 * clang -E's output from "# 1 \"<query>\"" to the next file's linemarker,
 * its linemarkers (all "<query>"'s) blanked: bpfq_emit() as clang
 * compiles it. *len its length.
 */
static char *cpp_region(char *out, size_t *len)
{
	static const char mark[] = "\n# 1 \"<query>\"";
	char *b = strstr(out, mark), *line;

	CHECK(b);
	b = strchr(b + 1, '\n');
	CHECK(b);
	for (line = ++b; *line; line = strchr(line, '\n') + 1) {
		char *eol = strchr(line, '\n');

		CHECK(eol);
		if (*line != '#')
			continue;
		/* # N "file" flags: another file ends the region */
		char *q = strchr(line, '"');

		CHECK(line[1] == ' ' && is_num(line[2]) && q && q < eol);
		if (strncmp(q, "\"<query>\"", 9))
			break;
		memset(line, ' ', eol - line);
	}
	*len = line - b;
	return b;
}

/* With BPFQ_FUZZ_CPP=1: the program through clang -E, then bpfq_emit()'s tokens. */
static void check_cpp(const char *src, size_t len)
{
	char in[64], out[64];
	char *const argv[] = { "clang", "-E", "-target", "bpf", "-D__TARGET_ARCH_x86",
			       "-idirafter", FUZZ_SYS_INCLUDE, in, "-o", out, NULL };
	char *text = NULL, *region;
	size_t size = 0, n;
	int fd, status;
	pid_t pid;
	FILE *f;

	if (!cpp_on)
		return;
	snprintf(in, sizeof(in), "%s/p.c", cpp_dir);
	snprintf(out, sizeof(out), "%s/p.i", cpp_dir);
	fd = open(in, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && write(fd, src, len) == (ssize_t)len && !close(fd));
	CHECK(!posix_spawnp(&pid, "clang", NULL, NULL, argv, environ));
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status));
	f = fopen(out, "r");
	CHECK(f && getdelim(&text, &size, 0, f) > 0);
	fclose(f);
	region = cpp_region(text, &n);
	check_tokens(region, n, 1);
	free(text);
}

/* Line n (from 1) of text, and its length; NULL past the end. */
static const char *nth_line(const char *text, int n, size_t *len)
{
	for (; *text && n > 1; n--) {
		text = strchr(text, '\n');
		if (!text)
			return NULL;
		text++;
	}
	if (!*text)
		return NULL;
	*len = strchrnul(text, '\n') - text;
	return text;
}

/* Whether line is text's line n, byte for byte. */
static int is_line(const char *text, int n, const char *line, size_t len)
{
	size_t l;
	const char *t = nth_line(text, n, &l);

	return t && l == len && !memcmp(t, line, len);
}

/* The file a banner or an #include "name" names: an embedded one or the header. */
static const char *file_text(const char *name, size_t n, const char *header)
{
	char buf[64];

	CHECK(n < sizeof(buf));
	memcpy(buf, name, n);
	buf[n] = '\0';
	if (!strcmp(buf, "bpfq_query.h"))
		return header;
	CHECK(template_text(buf));
	return template_text(buf);
}

struct place {
	const char *name, *text;
	size_t name_len;
	int line;
	int query_base;	/* the header's line of its #line 1 "<query>": query line N is this + N */
};

static const char query_name[] = "<query>";

/*
 * The program is its files, byte for byte: after a banner and "#line 1",
 * a file's lines in order; an #include line of the file replaced by the
 * included file (then "#line N" back after it) or by the comment that it
 * is above; lines the pruner leaves out, with "#line N" after them;
 * nothing else. So no byte reaches the program but the
 * templates' and the generated header's.
 */
static void check_files(const char *src, const char *header)
{
	struct place at = { 0 };
	const char *line = src;

	while (*line) {
		size_t n = strchrnul(line, '\n') - line;
		const char *q1, *q2;
		int num;

		if (at.text && is_line(at.text, at.line, line, n)) {
			if (at.text == header && n == 17 && !memcmp(line, "#line 1 \"<query>\"", 17))
				at.query_base = at.line;
			at.line++;
		} else if (n > 10 && !memcmp(line, "/* ==== ", 8)) {
			q1 = line + 8;
			q2 = memchr(q1, ' ', n - 8);
			CHECK(q2 && !memcmp(q2, " ==== */", 8) && q2 + 8 == line + n);
			at = (struct place){ q1, file_text(q1, q2 - q1, header), q2 - q1, 1, 0 };
			line += n + 1;
			n = strchrnul(line, '\n') - line;
			CHECK(n == at.name_len + 10 && !memcmp(line, "#line 1 \"", 9) &&
			      !memcmp(line + 9, at.name, at.name_len));
		} else if (sscanf(line, "#line %d \"", &num) == 1 && num > 1) {
			/* back in a file after the part its line num - 1 included */
			size_t l;
			const char *inc;

			q1 = strchr(line, '"') + 1;
			q2 = memchr(q1, '"', line + n - q1);
			CHECK(q2 && q2 + 1 == line + n);
			if (at.text && (size_t)(q2 - q1) == at.name_len &&
			    !memcmp(q1, at.name, at.name_len) && num >= at.line) {
				/* the same file further on: lines the pruner left
				 * out (codegen/prune.c), none added */
				at.line = num;
			} else if (at.text == header && at.query_base && q2 - q1 == 7 &&
				   !memcmp(q1, query_name, 7) && at.query_base + num >= at.line) {
				/* the same in the header's query part */
				at.line = at.query_base + num;
			} else {
				at = (struct place){ q1, file_text(q1, q2 - q1, header), q2 - q1, num, 0 };
				inc = nth_line(at.text, num - 1, &l);
				CHECK(inc && l > 10 && !memcmp(inc, "#include \"", 10));
			}
		} else {
			/* an #include of a file above */
			size_t l;
			const char *inc = at.text ? nth_line(at.text, at.line, &l) : NULL;

			CHECK(inc && l > 10 && !memcmp(inc, "#include \"", 10));
			CHECK(n == l + 13 && !memcmp(line, "/* ", 3) && !memcmp(line + 3, inc, l) &&
			      !memcmp(line + 3 + l, ": above */", 10));
			at.line++;
		}
		line += n + (line[n] == '\n');
	}
	/* the entry, to its end */
	CHECK(at.text == template_text("bpfq.bpf.c"));
	CHECK(!nth_line(at.text, at.line, &(size_t){ 0 }));
}

/*
 * The generated header: the plan's defines, then bpfq_emit() and the rest
 * of the query's code, which passes check_emit(); the program made from
 * the templates around it (check_files()).
 */
static void check_program(const struct query *q, const struct codegen_plan *plan,
			  const char *src, size_t len)
{
	static const char query_mark[] = "\n#line 1 \"<query>\"\n";
	static const char end_mark[] = "\n#endif /* BPFQ_QUERY_H */\n";
	size_t header_len;
	char *header = codegen_header(q, plan, &header_len);
	const char *emit, *end;

	CHECK(header && strlen(src) == len);
	CHECK(!strncmp(header, "/* Generated by bpfq " BPFQ_VERSION ": ", 23 + strlen(BPFQ_VERSION)));
	/* input size 0 (unknown): a short input's program; one step a call with by */
	CHECK(strstr(header, "\n#define BPFQ_SPLIT_SIGNS 0\n#define BPFQ_STREAMS 0\n"));
	CHECK(strstr(header, q->by ? "\n#define BPFQ_FAST_PER_STEP 1\n" :
				     "\n#define BPFQ_FAST_PER_STEP 16\n"));
	emit = strstr(header, query_mark);
	CHECK(emit);
	emit += strlen(query_mark);
	end = header + header_len - strlen(end_mark);
	CHECK(end > emit && !strcmp(end, end_mark));
	check_emit(emit, end - emit);
	check_files(src, header);
	check_cpp(src, len);
	free(header);
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
static void check_reparse(const char *text, const struct schema *sc, int where, const char *want)
{
	struct query q = { 0 };
	struct diag d;

	if (!parse_query(text, strlen(text), &q, &d)) {
		CHECK(strstr(d.msg, "nested too deeply"));
		query_free(&q);
		return;
	}
	CHECK(sema_check(&q, sc, &d));
	char *again = render(&q, where ? q.where : q.items[0]);

	if (strcmp(again, want)) {
		fprintf(stderr, "fuzz_front: label changed on reparse:\n  %s\n  %s\n", want, again);
		CHECK(!"ast_render is not a normal form");
	}
	free(again);
	query_free(&q);
}

/* The format to read the labels back with: csv's options do not change
 * what a name means (and a delimiter such as "'" would not read back). */
static void reparse_format(const struct query *q, char *buf, size_t size)
{
	if (q->format.kind == INPUT_CSV)
		snprintf(buf, size, "csv");
	else
		format_render(q, buf, size);
}

static void check_labels(const struct query *q, const struct schema *sc)
{
	char format[512];

	reparse_format(q, format, sizeof(format));
	for (int i = 0; i < q->nitems; i++) {
		char *label = render(q, q->items[i]), *text;

		CHECK(asprintf(&text, "%s from f as %s", label, format) > 0);
		check_reparse(text, sc, 0, label);
		free(text);
		free(label);
	}
	if (q->where) {
		char *label = render(q, q->where), *text;

		CHECK(asprintf(&text, "count() where %s from f as %s", label, format) > 0);
		check_reparse(text, sc, 1, label);
		free(text);
		free(label);
	}
}

/* A csv header of the names the query uses, quotes taken off. */
#define FUZZ_MAX_COLS 64

struct names {
	struct schema sc;
	char *names[FUZZ_MAX_COLS];
};

static void collect_names(const struct query *q, const struct node *n, struct names *out)
{
	if (!n)
		return;
	if (n->kind == NODE_NAME && out->sc.ncols < FUZZ_MAX_COLS) {
		const char *s = q->text + n->loc.begin;
		size_t len = n->loc.end - n->loc.begin;

		if (*s == '"') {
			s++;
			len -= 2;
		}
		out->names[out->sc.ncols] = strndup(s, len);
		CHECK(out->names[out->sc.ncols]);
		out->sc.ncols++;
	}
	collect_names(q, n->lhs, out);
	collect_names(q, n->rhs, out);
	for (int i = 0; i < n->nargs; i++)
		collect_names(q, n->args[i], out);
}

static void query_names(const struct query *q, struct names *out)
{
	out->sc.ncols = 0;
	out->sc.names = out->names;
	for (int i = 0; i < q->nitems; i++)
		collect_names(q, q->items[i], out);
	collect_names(q, q->where, out);
	for (int i = 0; q->by && i < q->nkeys; i++)
		collect_names(q, q->keys[i], out);
}

static void free_names(struct names *n)
{
	for (int i = 0; i < n->sc.ncols; i++)
		free(n->names[i]);
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
	struct names names = { 0 };

	bool parsed = parse_query(text, size, &q, &d);

	if (parsed)
		query_names(&q, &names);
	if (parsed && sema_check(&q, &names.sc, &d)) {
		static const struct plan_input unknown = { .force_long = -1 };
		struct codegen_plan plan;
		size_t len = 0;
		char *src;

		codegen_plan(&q, HOOK_SYSCALL, &unknown, &plan);
		src = codegen_program(&q, &plan, &len);

		CHECK(src);
		check_program(&q, &plan, src, len);
		free(src);
		/* 'from' is optional: the files may follow the query. */
		CHECK(!q.path == !q.npaths && q.npaths >= 0);
		CHECK(q.nitems > 0 && q.nitems <= BPFQ_MAX_AGGS);
		ast_dump(devnull, &q);
		check_labels(&q, &names.sc);
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
	free_names(&names);
	query_free(&q);
	return 0;
}
