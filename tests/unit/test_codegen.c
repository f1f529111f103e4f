// SPDX-License-Identifier: MIT
/*
 * codegen/plan.c and the program it shapes: which plan each kind of input
 * gets (a short or long file, a pipe, a dry run, BPFQ_LONG_INPUT; numbers,
 * text, csv, binary), that codegen_program() writes the plan's
 * defines, and that it leaves out the static functions nothing calls.
 *
 * The last line is "N passed, N failed", as in test_lang.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/codegen.h"
#include "codegen/flatten.h"
#include "codegen/plan.h"
#include "codegen/prune.h"
#include "codegen/templates.h"
#include "lang/front/parser.h"
#include "lang/front/sema.h"
#include "lang/value/layout.h"

static int passed, failed;

static void expect_int(const char *what, const char *field, long long expected, long long actual)
{
	if (expected == actual) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: %s: expected %lld, actual %lld\n", what, field, expected, actual);
}

/* A checked query, or exit: every query here is valid. */
static void checked(const char *text, struct query *q)
{
	struct diag d = { 0 };

	memset(q, 0, sizeof(*q));
	if (!parse_query(text, strlen(text), q, &d) || !sema_check(q, NULL, &d)) {
		printf("FAIL %s: %s\n", text, d.msg);
		exit(1);
	}
}

/* Inputs, as run_kernel.c describes them. */
static const struct plan_input small = { .size = 1000, .force_long = -1 };
static const struct plan_input just_under = { .size = CODEGEN_LARGE_INPUT - 1, .force_long = -1 };
static const struct plan_input large = { .size = CODEGEN_LARGE_INPUT, .force_long = -1 };
static const struct plan_input pipe_in = { .unsized = true, .force_long = -1 };
static const struct plan_input dry = { .dry_run = true, .force_long = -1 };
static const struct plan_input dry_large = { .dry_run = true, .size = 1ULL << 30,
					     .force_long = -1 };
static const struct plan_input forced_long = { .size = 1000, .force_long = 1 };
static const struct plan_input forced_short = { .unsized = true, .force_long = 0 };

struct want {
	const char *query;
	const struct plan_input *in;
	int large, streams, lanes, fast_per_step, parts, by, fields_int;
};

static const struct want wants[] = {
	/* numbers: streams only on a long input, where the records only add */
	{ "sum(x) from f", &small, 0, 0, 0, 16, 1, 0, 0 },
	{ "sum(x) from f", &just_under, 0, 0, 0, 16, 1, 0, 0 },
	{ "sum(x) from f", &large, 1, 1, 1, 16, 2, 0, 0 },
	{ "sum(x) from f", &pipe_in, 1, 1, 1, 16, 2, 0, 0 },
	{ "sum(x) from f", &dry, 0, 0, 0, 16, 1, 0, 0 },
	/* a dry run that opened its input (a csv header) knows its size */
	{ "sum(x) from f", &dry_large, 1, 1, 1, 16, 2, 0, 0 },
	{ "sum(x) from f", &forced_long, 1, 1, 1, 16, 2, 0, 0 },
	{ "sum(x) from f", &forced_short, 0, 0, 0, 16, 1, 0, 0 },
	{ "min(x) from f", &large, 1, 0, 0, 32, 2, 0, 0 },
	{ "min(x) from f", &small, 0, 0, 0, 16, 1, 0, 0 },
	{ "count() by x from f", &large, 1, 0, 0, 1, 2, 1, 0 },
	{ "count() by x from f", &small, 0, 0, 0, 1, 1, 1, 0 },
	/* text, csv: streams, but no lanes (those are the numbers') */
	{ "count(*), sum($2) from f.log", &large, 1, 1, 0, 16, 2, 0, 0 },
	{ "sum($3) where $2 > 500 from f as csv(noheader)", &pipe_in, 1, 1, 0, 16, 2, 0, 0 },
	{ "sum($3) where $2 > 500 from f as csv(noheader)", &small, 0, 0, 0, 16, 1, 0, 0 },
	/* binary: never streams, one part */
	{ "sum(x) from f as i64", &large, 1, 0, 0, 32, 1, 0, 1 },
	{ "sum(x) from f as i64", &small, 0, 0, 0, 16, 1, 0, 1 },
	{ "sum(x) from f as i32", &small, 0, 0, 0, 16, 1, 0, 0 },
};

static void test_plans(void)
{
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		const struct want *w = &wants[i];
		struct codegen_plan p;
		char what[160];
		struct query q;

		checked(w->query, &q);
		codegen_plan(&q, HOOK_VFS_FEXIT, w->in, &p);
		snprintf(what, sizeof(what), "plan %zu (%s)", i, w->query);
		expect_int(what, "format", q.format.kind, p.format);
		expect_int(what, "hook", HOOK_VFS_FEXIT, p.hook);
		expect_int(what, "dry_run", w->in->dry_run, p.dry_run);
		expect_int(what, "large", w->large, p.large);
		expect_int(what, "streams", w->streams, p.streams);
		expect_int(what, "lanes", w->lanes, p.lanes);
		expect_int(what, "fast_per_step", w->fast_per_step, p.fast_per_step);
		expect_int(what, "parts", w->parts, p.parts);
		expect_int(what, "by", w->by, p.by);
		expect_int(what, "fields_int", w->fields_int, p.fields_int);
		query_free(&q);
	}
}

/* The area: every state without by; with it, one word there and the states per group. */
static void test_words(void)
{
	struct codegen_plan p;
	struct query q;

	checked("count(), sum(x) from f", &q);
	codegen_plan(&q, HOOK_SYSCALL, &small, &p);
	expect_int("words", "area", layout_words(&q), p.area_words);
	expect_int("words", "more than one", 1, p.area_words > 1);
	expect_int("words", "group", 0, p.group_words);
	query_free(&q);
	checked("count(), sum(x) by x from f", &q);
	codegen_plan(&q, HOOK_SYSCALL, &small, &p);
	expect_int("words by", "area", 1, p.area_words);
	expect_int("words by", "group", layout_words(&q), p.group_words);
	query_free(&q);
}

static void expect_text(const char *what, const char *src, const char *text, bool present)
{
	bool found = src && strstr(src, text);

	if (found == present) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: \"%s\" %s\n", what, text, present ? "missing" : "present");
}

/* The program says the plan: each of its defines, and the hook's template. */
static void test_program(void)
{
	struct codegen_plan p;
	struct query q;
	char words[64];
	size_t len;
	char *src;

	checked("sum(x) from f", &q);
	codegen_plan(&q, HOOK_SYSCALL_BTF, &large, &p);
	src = codegen_program(&q, &p, &len);
	expect_int("program", "length", strlen(src), len);
	snprintf(words, sizeof(words), "#define BPFQ_AREA_WORDS %d\n", layout_words(&q));
	expect_text("long", src, words, true);
	expect_text("long", src, "#define BPFQ_GROUP_WORDS 0\n", true);
	expect_text("long", src, "#define BPFQ_SPLIT_SIGNS 1\n", true);
	expect_text("long", src, "#define BPFQ_STREAMS 1\n", true);
	expect_text("long", src, "#define BPFQ_FAST_PER_STEP 16\n", true);
	expect_text("long", src, "int bpfq_emit_lanes(", true);
	expect_text("long", src, "#line 1 \"streams.bpf.h\"", true);
	expect_text("long", src, "#line 1 \"syscall_btf.bpf.c\"", true);
	expect_text("long", src, "#line 1 \"vfs_fexit.bpf.c\"", false);
	free(src);
	query_free(&q);

	checked("min(x) from f", &q);
	codegen_plan(&q, HOOK_VFS_FEXIT, &small, &p);
	src = codegen_program(&q, &p, &len);
	expect_text("short", src, "#define BPFQ_SPLIT_SIGNS 0\n", true);
	expect_text("short", src, "#define BPFQ_STREAMS 0\n", true);
	expect_text("short", src, "#define BPFQ_FAST_PER_STEP 16\n", true);
	expect_text("short", src, "int bpfq_emit_lanes(", false);
	expect_text("short", src, "#line 1 \"streams.bpf.h\"", false);
	expect_text("short", src, "#line 1 \"vfs_fexit.bpf.c\"", true);
	free(src);
	query_free(&q);

	checked("sum(x) from f as i64", &q);
	codegen_plan(&q, HOOK_SYSCALL, &large, &p);
	src = codegen_program(&q, &p, &len);
	expect_text("binary", src, "#define BPFQ_FIELDS_INT 1\n", true);
	expect_text("binary", src, "#define BPFQ_RECORD_SIZE 8\n", true);
	expect_text("binary", src, "#define BPFQ_FAST_PER_STEP 32\n", true);
	expect_text("binary", src, "#line 1 \"parse_binary.bpf.h\"", true);
	expect_text("binary", src, "#line 1 \"parse_numbers.bpf.h\"", false);
	free(src);
	query_free(&q);
}

/* gen flattened from itself (flatten.h); NULL when flatten() fails. malloc()ed. */
static char *flat(const char *gen)
{
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);
	int rc = flatten(out, FLATTEN_QUERY_H, gen);

	fclose(out);
	if (rc) {
		free(text);
		return NULL;
	}
	return text;
}

static int count(const char *text, const char *s)
{
	int n = 0;

	for (const char *p = text; p && (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

struct flat_case {
	const char *what, *gen;
	int swar, numtok;	/* times each is inlined */
};

static const struct flat_case flat_cases[] = {
	{ "taken", "#define A 1\n#if A == 1\n#include \"swar.bpf.h\"\n#endif\n", 1, 0 },
	{ "not taken", "#define A 2\n#if A == 1\n#include \"swar.bpf.h\"\n#endif\n", 0, 0 },
	{ "elif", "#define A 2\n#if A == 1\n#include \"swar.bpf.h\"\n#elif A != 3 && !B\n"
		  "#include \"numtok.bpf.h\"\n#endif\n", 1, 1 },
	{ "else after a taken branch", "#if 1\n#else\n#include \"swar.bpf.h\"\n#endif\n", 0, 0 },
	/* a name it cannot tell: kept, for clang to decide */
	{ "unknown", "#if BPFQ_PART != 2\n#include \"swar.bpf.h\"\n#endif\n", 1, 0 },
	{ "unknown expression", "#define A 1\n#if (A)\n#include \"swar.bpf.h\"\n#endif\n", 1, 0 },
	{ "or", "#define A 0\n#if A || 0\n#include \"swar.bpf.h\"\n#endif\n", 0, 0 },
	{ "ifdef", "#define A x\n#ifdef A\n#include \"swar.bpf.h\"\n#endif\n"
		   "#ifndef A\n#include \"numtok.bpf.h\"\n#endif\n", 1, 0 },
	{ "undef", "#define A 1\n#undef A\n#if A\n#include \"swar.bpf.h\"\n#endif\n", 0, 0 },
	/* once surely inlined, not again (numtok.bpf.h includes swar.bpf.h) */
	{ "twice", "#include \"swar.bpf.h\"\n#include \"numtok.bpf.h\"\n#include \"swar.bpf.h\"\n",
	  1, 1 },
	/* after a maybe, again: its guard decides */
	{ "maybe, then surely", "#if X\n#include \"swar.bpf.h\"\n#endif\n#include \"swar.bpf.h\"\n",
	  2, 0 },
};

static void test_flatten(void)
{
	char *text;

	for (size_t i = 0; i < sizeof(flat_cases) / sizeof(flat_cases[0]); i++) {
		const struct flat_case *c = &flat_cases[i];

		text = flat(c->gen);

		expect_int(c->what, "flattened", 1, text != NULL);
		expect_int(c->what, "swar.bpf.h", c->swar, text ? count(text, "#line 1 \"swar.bpf.h\"") : -1);
		expect_int(c->what, "numtok.bpf.h", c->numtok,
			   text ? count(text, "#line 1 \"numtok.bpf.h\"") : -1);
		free(text);
	}
	/* a file that is not embedded is never looked for beside the program */
	expect_int("not embedded", "flattened", 0, flat("#include \"stdio.h\"\n") != NULL);
	text = flat("#include <stdio.h>\n");
	expect_int("system header", "flattened", 1, text != NULL);
	free(text);
}

/* Each format at each hook: the one parser, the one hook, the header once. */
static void test_parts(void)
{
	static const char *const queries[] = { "sum(x) from f", "sum($1) from f.log",
					       "sum($1) from f as csv(noheader)", "sum(x) from f as i64" };
	static const char *const parsers[] = { "parse_numbers.bpf.h", "parse_text.bpf.h",
					       "parse_csv.bpf.h", "parse_binary.bpf.h" };
	static const char *const hooks[] = { "copyout.bpf.c", "vfs_fexit.bpf.c", "vfs_kprobe.bpf.c",
					     "syscall.bpf.c", "syscall_btf.bpf.c" };

	for (int f = 0; f < 4; f++)
		for (int h = 0; h < HOOK_COUNT; h++) {
			struct codegen_plan p;
			struct query q;
			char what[96], mark[64];
			size_t len;
			char *src;

			checked(queries[f], &q);
			codegen_plan(&q, h, &small, &p);
			src = codegen_program(&q, &p, &len);
			snprintf(what, sizeof(what), "%s at %s", parsers[f], hooks[h]);
			for (int i = 0; i < 4; i++) {
				snprintf(mark, sizeof(mark), "#line 1 \"%s\"", parsers[i]);
				expect_int(what, parsers[i], i == f, count(src, mark));
			}
			for (int i = 0; i < HOOK_COUNT; i++) {
				snprintf(mark, sizeof(mark), "#line 1 \"%s\"", hooks[i]);
				expect_int(what, hooks[i], i == h, count(src, mark));
			}
			expect_int(what, "header", 1, count(src, "#line 1 \"bpfq_query.h\""));
			expect_int(what, "prelude", 1, count(src, "#line 1 \"prelude.bpf.h\""));
			expect_int(what, "streams", 0, count(src, "#line 1 \"streams.bpf.h\""));
			free(src);
			query_free(&q);
		}
}

static void expect_same(const char *what, const char *expected, const char *actual)
{
	if (actual && !strcmp(expected, actual)) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: expected:\n%s-- actual:\n%s--\n", what, expected, actual ? actual : "(null)\n");
}

/*
 * prune_unused(): a function reached only from functions nothing reaches
 * goes too, with its prototype and its comment; a #line keeps the next
 * line's number; a name in a comment or a string is no call; a function
 * with an #if that does not close in it stays, and so does a variable
 * whose initializer looks like a call.
 */
static void test_prune(void)
{
/* What stays, from line 16 of a.h on. */
#define PRUNE_KEPT \
	"static int used(int x)\n" \
	"{\n" \
	"\treturn x + 1;\n" \
	"}\n" \
	"#if A\n" \
	"static int open_if(int x)\n" \
	"{\n" \
	"#else\n" \
	"static int open_if(int y)\n" \
	"{\n" \
	"#endif\n" \
	"\treturn 0;\n" \
	"}\n" \
	"static const int table = MACRO(1);\n" \
	"int main(void)\n" \
	"{\n" \
	"\tconst char *s = \"unused(\";\n" \
	"\treturn used(1); /* not unused(1) */\n" \
	"}\n"
	static const char src[] =
		"#line 1 \"a.h\"\n"
		"static int helper(int x);\n"
		"/* helper: used by unused only */\n"
		"static int helper(int x)\n"
		"{\n"
		"\treturn x;\n"
		"}\n"
		"\n"
		"/*\n"
		" * unused: named in a comment of main, and in a string\n"
		" */\n"
		"static int unused(int x)\n"
		"{\n"
		"\treturn helper(x);\n"
		"}\n"
		"\n"
		PRUNE_KEPT;
	static const char expected[] = "#line 1 \"a.h\"\n#line 16 \"a.h\"\n" PRUNE_KEPT;
#undef PRUNE_KEPT
	static const char query[] =
		"static int used(int x)\n{\n\treturn x + 1;\n}\n"
		"static int unused(int x)\n{\n\treturn 0;\n}\n";
	size_t len;
	char *out = prune_unused(src, &len), *like;

	expect_same("prune_unused", expected, out);
	like = out ? prune_like(query, out, &len) : NULL;
	expect_same("prune_like", "static int used(int x)\n{\n\treturn x + 1;\n}\n", like);
	free(like);
	free(out);
}

int main(void)
{
	test_plans();
	test_words();
	test_program();
	test_flatten();
	test_parts();
	test_prune();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
