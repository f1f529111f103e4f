// SPDX-License-Identifier: MIT
/*
 * The front end: lexer, parser and sema errors (the full printed text,
 * compared exactly), rendering, and the reference evaluator, whose answers
 * must not depend on how the input is cut into chunks.
 *
 * No framework: a failing check prints what it expected and what it got;
 * the last line is "N passed, N failed".
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/engine/eval.h"
#include "lang/front/diag.h"
#include "lang/front/lexer.h"
#include "lang/front/parser.h"
#include "lang/front/sema.h"
#include "lang/value/aggs.h"
#include "lang/value/layout.h"
#include "lang/value/values.h"

static int passed, failed;

static void fail(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(const char *what, const char *fmt, ...)
{
	va_list ap;

	failed++;
	printf("FAIL %s\n", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void expect_str(const char *what, const char *expected, const char *actual)
{
	if (!strcmp(expected, actual)) {
		passed++;
		return;
	}
	fail(what, "--- expected\n%s\n--- actual\n%s\n---\n", expected, actual);
}

static void expect_u64(const char *what, const char *field, uint64_t expected, uint64_t actual)
{
	if (expected == actual) {
		passed++;
		return;
	}
	fail(what, "  %s: expected %" PRIu64 ", actual %" PRIu64 "\n", field, expected, actual);
}

static void expect_s64(const char *what, const char *field, int64_t expected, int64_t actual)
{
	if (expected == actual) {
		passed++;
		return;
	}
	fail(what, "  %s: expected %" PRId64 ", actual %" PRId64 "\n", field, expected, actual);
}

/* Parse and check; the printed diagnostic, or "ok". Returns malloc()ed text. */
static char *front(const char *text, struct query *q)
{
	struct diag d = { 0 };
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	memset(q, 0, sizeof(*q));
	if (parse_query(text, strlen(text), q, &d) && sema_check(q, NULL, &d))
		return strdup("ok");
	f = open_memstream(&out, &len);
	diag_print(f, "error", text, strlen(text), &d);
	fclose(f);
	return out;
}

/* ---- the lexer ---- */

static void test_lexer_kinds(void)
{
	static const char text[] = "a WHERE From aNd OR not && || ! != <> = == < <= > >= ( ) , * + - / % 12";
	static const enum token_kind kinds[] = {
		TOK_IDENT, TOK_WHERE, TOK_FROM, TOK_AND, TOK_OR, TOK_NOT, TOK_AND, TOK_OR,
		TOK_NOT, TOK_NE, TOK_NE, TOK_EQ, TOK_EQ, TOK_LT, TOK_LE, TOK_GT, TOK_GE,
		TOK_LPAREN, TOK_RPAREN, TOK_COMMA, TOK_STAR, TOK_PLUS, TOK_MINUS, TOK_SLASH,
		TOK_PERCENT, TOK_INT, TOK_EOF,
	};
	size_t pos = 0;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct token t = lex_next(text, strlen(text), pos);

		expect_str("lexer kinds", token_name(kinds[i]), token_name(t.kind));
		pos = t.loc.end;
	}
	expect_u64("lexer EOF loc", "begin", strlen(text), pos);
}

static void test_lexer_numbers(void)
{
	struct token t;

	t = lex_next("18446744073709551615", 20, 0);
	expect_u64("lex max u64", "kind", TOK_INT, t.kind);
	expect_u64("lex max u64", "overflow", 0, t.overflow);
	expect_u64("lex max u64", "value", UINT64_MAX, t.value);
	t = lex_next("18446744073709551616", 20, 0);
	expect_u64("lex 2^64", "overflow", 1, t.overflow);
	t = lex_next(" 5x+", 4, 0);
	expect_u64("lex 5x", "kind", TOK_ERROR, t.kind);
	expect_u64("lex 5x", "loc.begin", 1, t.loc.begin);
	expect_u64("lex 5x", "loc.end", 3, t.loc.end);
	t = lex_next("007", 3, 0);
	expect_u64("lex 007", "value", 7, t.value);
}

static void test_lex_path(void)
{
	static const struct {
		const char *text;
		enum token_kind kind;
		uint32_t begin, end;
	} cases[] = {
		{ "  \"a b\" rest", TOK_PATH, 2, 7 },
		{ "'it''s", TOK_PATH, 0, 4 },
		{ "a/b.txt where", TOK_PATH, 0, 7 },
		{ "x#y,z", TOK_PATH, 0, 5 },
		{ "  'abc", TOK_ERROR, 2, 6 },
		{ "   ", TOK_EOF, 3, 3 },
		{ "", TOK_EOF, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct token t = lex_path(cases[i].text, strlen(cases[i].text), 0);

		expect_str(cases[i].text, token_name(cases[i].kind), token_name(t.kind));
		expect_u64(cases[i].text, "loc.begin", cases[i].begin, t.loc.begin);
		expect_u64(cases[i].text, "loc.end", cases[i].end, t.loc.end);
	}
}

/* ---- errors: the whole printed text ---- */

static const struct error_case {
	const char *query;
	const char *expected;
} error_cases[] = {
	/* the parser */
	{ "sum(x) wher x > 5 from nums.txt",
	  "bpfq: error: 1:8-11: expected 'where', 'from', 'by' or ',' after aggregate\n"
	  "  sum(x) wher x > 5 from nums.txt\n"
	  "         ~~~~\n" },
	{ "sum(x) 5 from f",
	  "bpfq: error: 1:8: expected 'where', 'from', 'by' or ',' after aggregate\n"
	  "  sum(x) 5 from f\n"
	  "         ~\n" },
	{ "where x > 5 from f",
	  "bpfq: error: 1:1-5: expected an aggregate such as sum(x), got 'where'\n"
	  "  where x > 5 from f\n"
	  "  ~~~~~\n" },
	{ "",
	  "bpfq: error: 1:1: expected an aggregate such as sum(x), got end of query\n"
	  "  \n"
	  "  ~\n" },
	{ "sum(x), from f",
	  "bpfq: error: 1:9-12: expected an aggregate such as sum(x), got 'from'\n"
	  "  sum(x), from f\n"
	  "          ~~~~\n" },
	{ "sum(x)",
	  "bpfq: error: 1:7: missing 'from PATH': which file should be read?\n"
	  "  sum(x)\n"
	  "        ~\n" },
	{ "sum(x) where x > 5",
	  "bpfq: error: 1:19: missing 'from PATH': which file should be read?\n"
	  "  sum(x) where x > 5\n"
	  "                    ~\n" },
	{ "sum(x) where x > 1 where x < 5 from f",
	  "bpfq: error: 1:20-24: more than one 'where' clause\n"
	  "  sum(x) where x > 1 where x < 5 from f\n"
	  "                     ~~~~~\n" },
	{ "sum(x) from a from b",
	  "bpfq: error: 1:15-18: more than one 'from' clause\n"
	  "  sum(x) from a from b\n"
	  "                ~~~~\n" },
	{ "sum(x) from",
	  "bpfq: error: 1:12: expected a path after 'from'\n"
	  "  sum(x) from\n"
	  "             ~\n" },
	{ "sum(x) from   ",
	  "bpfq: error: 1:15: expected a path after 'from'\n"
	  "  sum(x) from   \n"
	  "                ~\n" },
	{ "sum(x) from f foo",
	  "bpfq: error: 1:15-17: expected 'where', 'from', 'by' or end of query, got 'foo'\n"
	  "  sum(x) from f foo\n"
	  "                ~~~\n" },
	{ "sum(x) where x > 5 ) from f",
	  "bpfq: error: 1:20: expected 'where', 'from', 'by' or end of query, got ')'\n"
	  "  sum(x) where x > 5 ) from f\n"
	  "                     ~\n" },
	{ "sum(x) where from f",
	  "bpfq: error: 1:14-17: expected an expression, got 'from'\n"
	  "  sum(x) where from f\n"
	  "               ~~~~\n" },
	{ "sum(x) where x > 5 and) from f",
	  "bpfq: error: 1:23: expected an expression, got ')'\n"
	  "  sum(x) where x > 5 and) from f\n"
	  "                        ~\n" },
	{ "sum(x) where x >",
	  "bpfq: error: 1:17: expected an expression, got end of query\n"
	  "  sum(x) where x >\n"
	  "                  ~\n" },
	{ "sum((x + 1",
	  "bpfq: error: 1:11: expected ')' to close the '(' at 1:5, got end of query\n"
	  "  sum((x + 1\n"
	  "            ~\n" },
	{ "sum(x from f",
	  "bpfq: error: 1:7-10: expected ')' to close the '(' at 1:4, got 'from'\n"
	  "  sum(x from f\n"
	  "        ~~~~\n" },
	{ "sum(x) where 1 < x < 5 from f",
	  "bpfq: error: 1:20: comparisons do not chain; combine them with 'and'\n"
	  "  sum(x) where 1 < x < 5 from f\n"
	  "                     ~\n" },
	{ "sum(x) where 1 = x <> 5 from f",
	  "bpfq: error: 1:20-21: comparisons do not chain; combine them with 'and'\n"
	  "  sum(x) where 1 = x <> 5 from f\n"
	  "                     ~~\n" },
	{ "sum(x) where x # 5 from f",
	  "bpfq: error: 1:16: unexpected character '#'\n"
	  "  sum(x) where x # 5 from f\n"
	  "                 ~\n" },
	{ "sum(x) where x \x01 5 from f",
	  "bpfq: error: 1:16: unexpected character '\\x01'\n"
	  "  sum(x) where x \x01 5 from f\n"
	  "                 ~\n" },
	{ "sum(x) where x \xc3\xa9 5 from f",
	  "bpfq: error: 1:16: unexpected character '\\xc3'\n"
	  "  sum(x) where x \xc3\xa9 5 from f\n"
	  "                 ~\n" },
	{ "sum(x) where x & 5 from f",
	  "bpfq: error: 1:16: unexpected character '&'\n"
	  "  sum(x) where x & 5 from f\n"
	  "                 ~\n" },
	{ "sum(x) where x > 'a' from f",
	  "bpfq: error: 1:18-20: strings are not values here; a column whose name needs quotes "
	  "is written \"like this\"\n"
	  "  sum(x) where x > 'a' from f\n"
	  "                   ~~~\n" },
	{ "sum(x) from f abcdefghijklmnopqrstuvwxyz0123456789",
	  "bpfq: error: 1:15-50: expected 'where', 'from', 'by' or end of query, got 'abcdefghijklmnopqrstuvwxyz012345...'\n"
	  "  sum(x) from f abcdefghijklmnopqrstuvwxyz0123456789\n"
	  "                ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n" },
	{ "sum(5x) from f",
	  "bpfq: error: 1:5-6: invalid number '5x'\n"
	  "  sum(5x) from f\n"
	  "      ~~\n" },
	{ "sum(x) where x > 1.5.2 from f",
	  "bpfq: error: 1:18-22: invalid number '1.5.2'\n"
	  "  sum(x) where x > 1.5.2 from f\n"
	  "                   ~~~~~\n" },
	{ "sum(x) from 'my file",
	  "bpfq: error: 1:13-20: unterminated string\n"
	  "  sum(x) from 'my file\n"
	  "              ~~~~~~~~\n" },
	{ "sum(x) where * from f",
	  "bpfq: error: 1:14: '*' is only allowed as count(*)\n"
	  "  sum(x) where * from f\n"
	  "               ~\n" },
	{ "count(*, x) from f",
	  "bpfq: error: 1:7: '*' is only allowed as count(*)\n"
	  "  count(*, x) from f\n"
	  "        ~\n" },
	{ "sum(x * *) from f",
	  "bpfq: error: 1:9: '*' is only allowed as count(*)\n"
	  "  sum(x * *) from f\n"
	  "          ~\n" },
	{ "* from f",
	  "bpfq: error: 1:1: '*' is only allowed as count(*)\n"
	  "  * from f\n"
	  "  ~\n" },
	{ "count(* from f",
	  "bpfq: error: 1:7: '*' is only allowed as count(*)\n"
	  "  count(* from f\n"
	  "        ~\n" },
	/* multi-line queries, tabs, ranges that cross a line end */
	{ "sum(x)\nwher x > 5\nfrom f",
	  "bpfq: error: 2:1-4: expected 'where', 'from', 'by' or ',' after aggregate\n"
	  "  wher x > 5\n"
	  "  ~~~~\n" },
	{ "sum(x)\n  where y > 5\n  from f",
	  "bpfq: error: 2:9: unknown name 'y'; the input's values are called x\n"
	  "    where y > 5\n"
	  "          ~\n" },
	{ "sum((x\n+ 1",
	  "bpfq: error: 2:4: expected ')' to close the '(' at 1:5, got end of query\n"
	  "  + 1\n"
	  "     ~\n" },
	{ "sum(x)\twher x > 5 from f",
	  "bpfq: error: 1:8-11: expected 'where', 'from', 'by' or ',' after aggregate\n"
	  "  sum(x)\twher x > 5 from f\n"
	  "        \t~~~~\n" },
	{ "\tsum(x) where\ty from f",
	  "bpfq: error: 1:15: unknown name 'y'; the input's values are called x\n"
	  "  \tsum(x) where\ty from f\n"
	  "  \t            \t~\n" },
	{ "count() where x\n+ 1 from f",
	  "bpfq: error: 1:15: where needs a condition such as x > 5, got a number\n"
	  "  count() where x\n"
	  "                ~\n" },
	/* sema: names and aggregates */
	{ "sum(y) from f",
	  "bpfq: error: 1:5: unknown name 'y'; the input's values are called x\n"
	  "  sum(y) from f\n"
	  "      ~\n" },
	{ "sum(X) from f",
	  "bpfq: error: 1:5: unknown name 'X'; the input's values are called x\n"
	  "  sum(X) from f\n"
	  "      ~\n" },
	{ "foo(x) from f",
	  "bpfq: error: 1:1-3: unknown function 'foo'; aggregates are count, sum, min, max, avg, exists, var, stddev, hist, lhist, quantile, count_distinct; and abs\n"
	  "  foo(x) from f\n"
	  "  ~~~\n" },
	{ "sum(foo(x)) from f",
	  "bpfq: error: 1:5-7: unknown function 'foo'; aggregates are count, sum, min, max, avg, exists, var, stddev, hist, lhist, quantile, count_distinct; and abs\n"
	  "  sum(foo(x)) from f\n"
	  "      ~~~\n" },
	{ "sum(x, 1) from f",
	  "bpfq: error: 1:1-9: sum takes 1 argument, got 2\n"
	  "  sum(x, 1) from f\n"
	  "  ~~~~~~~~~\n" },
	{ "MIN() from f",
	  "bpfq: error: 1:1-5: min takes 1 argument, got 0\n"
	  "  MIN() from f\n"
	  "  ~~~~~\n" },
	{ "exists() from f",
	  "bpfq: error: 1:1-8: exists takes 1 argument, got 0\n"
	  "  exists() from f\n"
	  "  ~~~~~~~~\n" },
	{ "count(x, 1) from f",
	  "bpfq: error: 1:1-11: count takes at most 1 argument, got 2\n"
	  "  count(x, 1) from f\n"
	  "  ~~~~~~~~~~~\n" },
	{ "sum(*) from f",
	  "bpfq: error: 1:5: '*' is only allowed as count(*)\n"
	  "  sum(*) from f\n"
	  "      ~\n" },
	{ "x + 1 from f",
	  "bpfq: error: 1:1-5: expected an aggregate such as sum(x), got an expression\n"
	  "  x + 1 from f\n"
	  "  ~~~~~\n" },
	{ "count(), sum(x) + 1 from f",
	  "bpfq: error: 1:10-19: expected an aggregate such as sum(x), got an expression\n"
	  "  count(), sum(x) + 1 from f\n"
	  "           ~~~~~~~~~~\n" },
	{ "count() where sum(x) > 1 from f",
	  "bpfq: error: 1:15-17: aggregate 'sum' is not allowed in where\n"
	  "  count() where sum(x) > 1 from f\n"
	  "                ~~~\n" },
	{ "SUM(x) where Max(x) > 1 from f",
	  "bpfq: error: 1:14-16: aggregate 'max' is not allowed in where\n"
	  "  SUM(x) where Max(x) > 1 from f\n"
	  "               ~~~\n" },
	{ "sum(max(x)) from f",
	  "bpfq: error: 1:5-7: aggregate 'max' cannot be nested in another aggregate\n"
	  "  sum(max(x)) from f\n"
	  "      ~~~\n" },
	/* sema: types */
	{ "sum(x + (x > 1)) from f",
	  "bpfq: error: 1:7: '+' needs numbers on both sides\n"
	  "  sum(x + (x > 1)) from f\n"
	  "        ~\n" },
	{ "sum(-(x > 1)) from f",
	  "bpfq: error: 1:5: '-' needs a number\n"
	  "  sum(-(x > 1)) from f\n"
	  "      ~\n" },
	{ "exists(x > (x < 1)) from f",
	  "bpfq: error: 1:10: '>' compares numbers\n"
	  "  exists(x > (x < 1)) from f\n"
	  "           ~\n" },
	{ "exists(x = 1 <> (x < 1)) from f",
	  "bpfq: error: 1:14-15: comparisons do not chain; combine them with 'and'\n"
	  "  exists(x = 1 <> (x < 1)) from f\n"
	  "               ~~\n" },
	{ "exists((x = 1) <> (x < 1)) from f",
	  "bpfq: error: 1:16-17: '<>' compares numbers\n"
	  "  exists((x = 1) <> (x < 1)) from f\n"
	  "                 ~~\n" },
	{ "exists(x and x > 1) from f",
	  "bpfq: error: 1:10-12: 'and' needs conditions on both sides\n"
	  "  exists(x and x > 1) from f\n"
	  "           ~~~\n" },
	{ "exists(x > 1 && x) from f",
	  "bpfq: error: 1:14-15: '&&' needs conditions on both sides\n"
	  "  exists(x > 1 && x) from f\n"
	  "               ~~\n" },
	{ "exists(x > 1 OR 2) from f",
	  "bpfq: error: 1:14-15: 'OR' needs conditions on both sides\n"
	  "  exists(x > 1 OR 2) from f\n"
	  "               ~~\n" },
	{ "exists(not x) from f",
	  "bpfq: error: 1:8-10: 'not' needs a condition\n"
	  "  exists(not x) from f\n"
	  "         ~~~\n" },
	{ "exists(!x) from f",
	  "bpfq: error: 1:8: '!' needs a condition\n"
	  "  exists(!x) from f\n"
	  "         ~\n" },
	{ "sum(x > 1) from f",
	  "bpfq: error: 1:5-9: sum needs a number, got a condition\n"
	  "  sum(x > 1) from f\n"
	  "      ~~~~~\n" },
	{ "avg((x = 1)) from f",
	  "bpfq: error: 1:6-10: avg needs a number, got a condition\n"
	  "  avg((x = 1)) from f\n"
	  "       ~~~~~\n" },
	{ "exists(x) from f",
	  "bpfq: error: 1:8: exists needs a condition such as x > 5, got a number\n"
	  "  exists(x) from f\n"
	  "         ~\n" },
	{ "count() where (x + 1) * 2 from f",
	  "bpfq: error: 1:15-25: where needs a condition such as x > 5, got a number\n"
	  "  count() where (x + 1) * 2 from f\n"
	  "                ~~~~~~~~~~~\n" },
	{ "count() where -(x + 1) from f",
	  "bpfq: error: 1:15-22: where needs a condition such as x > 5, got a number\n"
	  "  count() where -(x + 1) from f\n"
	  "                ~~~~~~~~\n" },
	/* sema: literals and constant divisors */
	{ "sum(x) where x > 9223372036854775808 from f",
	  "bpfq: error: 1:18-36: integer literal out of range (int64 is -9223372036854775808 to 9223372036854775807)\n"
	  "  sum(x) where x > 9223372036854775808 from f\n"
	  "                   ~~~~~~~~~~~~~~~~~~~\n" },
	{ "sum(x) where x > -9223372036854775809 from f",
	  "bpfq: error: 1:18-37: integer literal out of range (int64 is -9223372036854775808 to 9223372036854775807)\n"
	  "  sum(x) where x > -9223372036854775809 from f\n"
	  "                   ~~~~~~~~~~~~~~~~~~~~\n" },
	{ "sum(x) where x > 99999999999999999999999 from f",
	  "bpfq: error: 1:18-40: integer literal out of range (int64 is -9223372036854775808 to 9223372036854775807)\n"
	  "  sum(x) where x > 99999999999999999999999 from f\n"
	  "                   ~~~~~~~~~~~~~~~~~~~~~~~\n" },
	{ "sum(x / 0) from f",
	  "bpfq: error: 1:9: division by zero\n"
	  "  sum(x / 0) from f\n"
	  "          ~\n" },
	{ "sum(x % 0) from f",
	  "bpfq: error: 1:9: modulo by zero\n"
	  "  sum(x % 0) from f\n"
	  "          ~\n" },
	{ "sum(x / -0) from f",
	  "bpfq: error: 1:9-10: division by zero\n"
	  "  sum(x / -0) from f\n"
	  "          ~~\n" },
	{ "sum(x / (000)) from f",
	  "bpfq: error: 1:10-12: division by zero\n"
	  "  sum(x / (000)) from f\n"
	  "           ~~~\n" },
	{ "count(), count(), count(), count(), count(), count(), count(), count(), "
	  "count(), count(), count(), count(), count(), count(), count(), count(), count() from f",
	  "bpfq: error: 1:145-151: too many aggregates: at most 16 in one query\n"
	  "  count(), count(), count(), count(), count(), count(), count(), count(), "
	  "count(), count(), count(), count(), count(), count(), count(), count(), count() from f\n"
	  "                                                                        "
	  "                                                                          ~~~~~~~\n" },
};

static void test_errors(void)
{
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		struct query q;
		char *out = front(error_cases[i].query, &q);

		expect_str(error_cases[i].query, error_cases[i].expected, out);
		free(out);
		query_free(&q);
	}
}

/* A NUL byte inside a quoted name or a path is an error at it, never a shorter name. */
static void test_nul_bytes(void)
{
	static const struct {
		const char *text;
		size_t len, at;
	} cases[] = {
		{ "count() from \"a\0b\"", 19, 15 },
		{ "count() from 'a\0b'", 19, 15 },
		{ "count() from a\0b", 17, 14 },
		{ "sum(\"a\0\") from f.csv", 22, 6 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag d = { 0 };
		struct query q = { 0 };
		bool ok = parse_query(cases[i].text, cases[i].len, &q, &d);

		expect_u64(cases[i].text, "parsed", 0, ok);
		expect_u64(cases[i].text, "error at", cases[i].at, d.loc.begin);
		expect_str(cases[i].text, "unexpected character '\\x00'", d.msg);
		query_free(&q);
	}
}

/* A quoted name holding a control byte or a backslash is an error at that byte. */
static void test_name_bytes(void)
{
	static const struct {
		const char *text;
		uint32_t at;
		const char *msg;
	} cases[] = {
		{ "sum(\"a*\\\n/ x\") from f.csv", 7,
		  "a column name cannot hold the byte '\\x5c' (a control byte or a backslash)" },
		{ "sum(\"a\nb\") from f.csv", 6,
		  "a column name cannot hold the byte '\\x0a' (a control byte or a backslash)" },
		{ "sum(\"ab\x7f\") from f.csv", 7,
		  "a column name cannot hold the byte '\\x7f' (a control byte or a backslash)" },
		{ "sum(\"\x01\") from f.csv", 5,
		  "a column name cannot hold the byte '\\x01' (a control byte or a backslash)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag d = { 0 };
		struct query q = { 0 };
		bool ok = parse_query(cases[i].text, strlen(cases[i].text), &q, &d);

		expect_u64(cases[i].text, "parsed", 0, ok);
		expect_u64(cases[i].text, "error at", cases[i].at, d.loc.begin);
		expect_u64(cases[i].text, "error end", cases[i].at + 1, d.loc.end);
		expect_str(cases[i].text, cases[i].msg, d.msg);
		query_free(&q);
	}
}

/* A header's names in a message: control bytes and backslashes as \xNN. */
static void test_header_names_shown(void)
{
	static char *names[] = { "a\x1b[31mb", "c\\d" };
	static const struct schema sc = { 2, names };
	const char *text = "sum(zz) from f.csv";
	struct diag d = { 0 };
	struct query q = { 0 };

	if (parse_query(text, strlen(text), &q, &d))
		sema_check(&q, &sc, &d);
	expect_str(text, "no column 'zz' in the header of f.csv: a\\x1b[31mb, c\\x5cd", d.msg);
	query_free(&q);
}

/* For generated code, a tree renders from bpfq's tables: a column by its
 * position, never its name; calls by their canonical names. */
static void test_render_code(void)
{
	static char *names[] = { "a", "b c", "*/ #x" };
	static const struct schema sc = { 3, names };
	static const struct {
		const char *text, *label, *code;
	} cases[] = {
		{ "SUM(\"*/ #x\" * 2) where \"b c\" in (1, 2.5) from f.csv", "sum(\"*/ #x\" * 2)",
		  "sum($3 * 2)" },
		{ "Median(abs(a)), VARIANCE(\"A\") from f.csv", "median(abs(a))", "median(abs($1))" },
		{ "stddev_samp(x / 3) from f", "stddev_samp(x / 3)", "stddev(x / 3)" },
		{ "count(*) from f as record(q:i32, r:u8) where r > 1", "count(*)", "count(*)" },
		{ "sum(r) from f as record(q:i32, r:u8)", "sum(r)", "sum($2)" },
		{ "max(x) from f as i16", "max(x)", "max(x)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag d = { 0 };
		struct query q = { 0 };
		char buf[128];

		if (!parse_query(cases[i].text, strlen(cases[i].text), &q, &d) ||
		    !sema_check(&q, &sc, &d)) {
			fail(cases[i].text, "  error: %s\n", d.msg);
			query_free(&q);
			continue;
		}
		ast_render(&q, q.items[0], buf, sizeof(buf));
		expect_str(cases[i].text, cases[i].label, buf);
		ast_render_code(&q, q.items[0], buf, sizeof(buf));
		expect_str(cases[i].text, cases[i].code, buf);
		query_free(&q);
	}
}

/* An in list of n values: "count() where x in (v, v, ...) from f", v each value's text. */
static char *in_query(int n, const char *v, const char *tail)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fputs("count() where x in (", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", v);
	fprintf(f, "%s) from f", tail);
	fclose(f);
	return text;
}

static void expect_in_limit(const char *what, char *text, const char *msg, uint32_t at)
{
	struct diag d = { 0 };
	struct query q = { 0 };
	bool ok = parse_query(text, strlen(text), &q, &d) && sema_check(&q, NULL, &d);

	expect_u64(what, "accepted", msg == NULL, ok);
	if (msg) {
		expect_str(what, msg, d.msg);
		expect_u64(what, "error at", at, d.loc.begin);
	}
	query_free(&q);
	free(text);
}

/* SEMA_IN_MAX values in all of a query's in lists; SEMA_IN_MAX_EXPR in one not all numbers. */
static void test_in_limits(void)
{
	static const char total[] = "too many values in 'in' lists: at most 16384 in a query";
	static const char expr[] = "an 'in' list holds at most 64 values unless all are numbers, "
				   "as 1 or -2.5";

	expect_in_limit("16384 numbers", in_query(SEMA_IN_MAX, "7", ""), NULL, 0);
	expect_in_limit("16384 numbers and a decimal", in_query(SEMA_IN_MAX, "7", ", -2.5"),
			total, 20 + 3 * SEMA_IN_MAX);
	expect_in_limit("64 expressions", in_query(SEMA_IN_MAX_EXPR, "x + 1", ""), NULL, 0);
	expect_in_limit("65 values, one a field", in_query(SEMA_IN_MAX_EXPR, "1", ", x"), expr,
			20 + 3 * SEMA_IN_MAX_EXPR);
	expect_in_limit("two lists", strdup("count() where x in (1, 2) or not x in (3) from f"),
			NULL, 0);
}

/* ---- successful parses: rendering, paths, values, locations ---- */

static const struct render_case {
	const char *query;
	const char *items;	/* rendered, joined by "; " */
	const char *where;	/* rendered, or "" */
	const char *path;
} render_cases[] = {
	{ "sum(x) from f where x > 5", "sum(x)", "x > 5", "f" },
	{ "sum(x) where x > 5 from f", "sum(x)", "x > 5", "f" },
	{ "SUM(x) WHERE x > 5 FROM nums.txt", "sum(x)", "x > 5", "nums.txt" },
	{ "count(*) from 'my file.txt'", "count(*)", "", "my file.txt" },
	{ "count() from \"it's here\"", "count()", "", "it's here" },
	{ "count ( ) From\n/tmp/a#b,c", "count()", "", "/tmp/a#b,c" },
	{ "exists(x==18)from'f'", "exists(x == 18)", "", "f" },
	{ "count() where x > 1 && x < 5 || !(x = 3) and x <> 4 from f", "count()",
	  "x > 1 and x < 5 or not x == 3 and x != 4", "f" },
	{ "sum(x + 2 * 3) from f", "sum(x + 2 * 3)", "", "f" },
	{ "sum((x + 2) * 3) from f", "sum((x + 2) * 3)", "", "f" },
	{ "sum(((x)) + (2 * 3)) from f", "sum(x + 2 * 3)", "", "f" },
	{ "sum(-x * 2), sum(-(x * 2)) from f", "sum(-x * 2); sum(-(x * 2))", "", "f" },
	{ "count() where not x > 1 or x < 0 from f", "count()", "not x > 1 or x < 0", "f" },
	{ "count() where not (x > 1 or x < 0) from f", "count()", "not (x > 1 or x < 0)", "f" },
	{ "count() where (x > 1 or x < 0) and not not x != 5 from f", "count()",
	  "(x > 1 or x < 0) and not not x != 5", "f" },
	{ "sum(x - (x - 1)), sum((x - x) - 1) from f", "sum(x - (x - 1)); sum(x - x - 1)", "", "f" },
	{ "sum(x / (x / 2)), sum(x * (x % 3)) from f", "sum(x / (x / 2)); sum(x * (x % 3))", "", "f" },
	{ "min(- -x), max(-(-5)), sum(x * -1), avg(x*2+1) from f",
	  "min(-(-x)); max(-(-5)); sum(x * -1); avg(x * 2 + 1)", "", "f" },
	{ "min(-(5)), max(-(0)), sum(-(x)) from f", "min(-(5)); max(-(0)); sum(-x)", "", "f" },
	{ "count() where x > -9223372036854775808 from f", "count()",
	  "x > -9223372036854775808", "f" },
	{ "count() where x <= - 9223372036854775807 from f", "count()",
	  "x <= -9223372036854775807", "f" },
	{ "count() where x >= 0009223372036854775807 from f", "count()",
	  "x >= 9223372036854775807", "f" },
	{ "Count(), EXISTS(x >= 1) from f", "count(); exists(x >= 1)", "", "f" },
};

static void join_items(const struct query *q, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < q->nitems && n < size; i++) {
		if (i)
			n += snprintf(buf + n, size - n, "; ");
		n += ast_render(q, q->items[i], buf + n, size - n);
	}
}

static void test_renders(void)
{
	for (size_t i = 0; i < sizeof(render_cases) / sizeof(render_cases[0]); i++) {
		const struct render_case *c = &render_cases[i];
		struct query q;
		char *out = front(c->query, &q);
		char buf[512];

		expect_str(c->query, "ok", out);
		if (!strcmp(out, "ok")) {
			join_items(&q, buf, sizeof(buf));
			expect_str(c->query, c->items, buf);
			buf[0] = '\0';
			if (q.where)
				ast_render(&q, q.where, buf, sizeof(buf));
			expect_str(c->query, c->where, buf);
			expect_str(c->query, c->path, q.path);
		}
		free(out);
		query_free(&q);
	}
}

static void expect_loc(const char *what, const struct query *q, struct loc loc,
		       const char *expected)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%.*s", (int)(loc.end - loc.begin), q->text + loc.begin);
	expect_str(what, expected, buf);
}

static void test_tree(void)
{
	const char *text = "sum(x), count(*) where -5 * (x + 1) > 3 from 'a b'";
	struct query q;
	char *out = front(text, &q);
	const struct node *gt, *mul;
	char buf[8];

	expect_str("tree", "ok", out);
	free(out);
	if (!q.where) {
		query_free(&q);
		return;
	}
	gt = q.where;
	mul = gt->lhs;
	expect_loc("where loc", &q, gt->loc, "-5 * (x + 1) > 3");
	expect_loc("'>' op_loc", &q, gt->op_loc, ">");
	expect_loc("'*' loc", &q, mul->loc, "-5 * (x + 1)");
	expect_loc("'*' op_loc", &q, mul->op_loc, "*");
	expect_loc("-5 loc", &q, mul->lhs->loc, "-5");
	expect_s64("-5 value", "value", -5, mul->lhs->value);
	expect_loc("(x + 1) loc", &q, mul->rhs->loc, "x + 1");
	expect_loc("call loc", &q, q.items[1]->loc, "count(*)");
	expect_loc("call op_loc", &q, q.items[1]->op_loc, "count");
	expect_loc("path loc", &q, q.path_loc, "'a b'");
	expect_u64("count(*) agg", "agg", AGG_COUNT, q.items[1]->agg);
	expect_u64("types", "where", TYPE_BOOL, gt->type);
	expect_u64("types", "mul", TYPE_NUM, mul->type);
	/* Ids: every node, 1..nnodes, and by_id finds each. */
	expect_u64("nnodes", "nnodes", 11, q.nnodes);
	for (int id = 1; id <= q.nnodes; id++)
		expect_u64("by_id", "id", id, q.by_id[id]->id);
	/* Rendering is snprintf-like: truncated, terminated, full length returned. */
	expect_u64("render length", "len", strlen("-5 * (x + 1) > 3"),
		   ast_render(&q, gt, buf, sizeof(buf)));
	expect_str("render truncated", "-5 * (x", buf);
	query_free(&q);
}

static void test_int64_min(void)
{
	struct query q;
	char *out = front("count() where x > -9223372036854775808 from f", &q);

	expect_str("INT64_MIN literal", "ok", out);
	if (q.where)
		expect_s64("INT64_MIN literal", "value", INT64_MIN, q.where->rhs->value);
	free(out);
	query_free(&q);
}

static void test_dump(void)
{
	struct query q;
	char *out = front("sum(x) where x > 5 from nums.txt", &q), *dump = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&dump, &len);

	ast_dump(f, &q);
	fclose(f);
	expect_str("ast_dump", "query\n"
		   "  select\n"
		   "    sum :num\n"
		   "      x (field 1, slot 0) :num\n"
		   "  where\n"
		   "    > :bool\n"
		   "      x (field 1, slot 0) :num\n"
		   "      5 :num\n"
		   "  from \"nums.txt\" as numbers\n", dump);
	free(dump);
	free(out);
	query_free(&q);
}

/* ---- nesting limits ---- */

static char *repeat(const char *prefix, const char *unit, int n, const char *mid,
		    const char *unit2, int n2, const char *suffix)
{
	size_t len = strlen(prefix) + strlen(unit) * n + strlen(mid) + strlen(unit2) * n2 +
		     strlen(suffix);
	char *s = malloc(len + 1), *p = s;

	p = stpcpy(p, prefix);
	for (int i = 0; i < n; i++)
		p = stpcpy(p, unit);
	p = stpcpy(p, mid);
	for (int i = 0; i < n2; i++)
		p = stpcpy(p, unit2);
	stpcpy(p, suffix);
	return s;
}

#define TOO_DEEP "expression nested too deeply (more than 256 levels)"

/* Parse and check text (freed here); expect msg at offset at, or success if msg is "". */
static void expect_depth(const char *what, char *text, const char *msg, uint32_t at)
{
	struct query q = { 0 };
	struct diag d = { 0 };

	if (parse_query(text, strlen(text), &q, &d) && sema_check(&q, NULL, &d))
		d.msg[0] = '\0';
	expect_str(what, msg, d.msg);
	if (*msg)
		expect_u64(what, "loc.begin", at, d.loc.begin);
	query_free(&q);
	free(text);
}

static void test_depth(void)
{
	/* sum( is the first level: 255 more parentheses fit, 256 do not. */
	expect_depth("255 '('", repeat("sum(", "(", 255, "x", ")", 255, ") from f"), "", 0);
	expect_depth("256 '('", repeat("sum(", "(", 256, "x", ")", 256, ") from f"), TOO_DEEP,
		     4 + 255);
	expect_depth("100000 '('", repeat("sum(", "(", 100000, "x", "", 0, " from f"), TOO_DEEP,
		     4 + 255);
	expect_depth("100000 '(' alone", repeat("", "(", 100000, "", "", 0, ""), TOO_DEEP, 256);
	expect_depth("255 '-'", repeat("sum(", "-", 255, "x) from f", "", 0, ""), "", 0);
	expect_depth("100000 '-'", repeat("sum(", "-", 100000, "x) from f", "", 0, ""), TOO_DEEP,
		     4 + 255);
	expect_depth("255 'not'", repeat("count() where ", "not ", 255, "x > 1 from f", "", 0, ""),
		     "", 0);
	expect_depth("100000 'not'", repeat("count() where ", "not ", 100000, "x > 1 from f", "",
					    0, ""), TOO_DEEP, 14 + 256 * 4);
	expect_depth("100000 '!'", repeat("count() where ", "!", 100000, "x > 1 from f", "", 0,
					  ""), TOO_DEEP, 14 + 256);
	/* A long chain recurses in every later pass, so its height counts too. */
	expect_depth("256 '+'", repeat("sum(", "x+", 256, "x) from f", "", 0, ""), "", 0);
	expect_depth("100000 '+'", repeat("sum(", "x+", 100000, "x) from f", "", 0, ""), TOO_DEEP,
		     4 + 2 * 256 + 1);
	expect_depth("100000 'or'", repeat("count() where ", "x > 1 or ", 100000, "x > 1 from f",
					   "", 0, ""), TOO_DEEP, 14 + 9 * 255 + 6);
	/* Many arguments are not nesting. */
	expect_depth("100000 args", repeat("sum(", "(x), ", 100000, "x) from f", "", 0, ""),
		     "sum takes 1 argument, got 100001", 0);
}

/* ---- the evaluator ---- */

static struct query *checked(const char *text)
{
	struct query *q = calloc(1, sizeof(*q));
	char *out = front(text, q);

	expect_str(text, "ok", out);
	free(out);
	return q;
}

static void release(struct query *q)
{
	query_free(q);
	free(q);
}

/* A scan's counters, and each aggregate's answer as the printer writes it. */
struct outcome {
	struct bpfq_result r;
	char v[BPFQ_MAX_AGGS][VALUE_MAX];
};

static void answers(const struct query *q, const uint64_t *area, struct outcome *o)
{
	for (int i = 0; i < q->nitems; i++) {
		struct agg_desc d;

		agg_desc_of(q->items[i], &d);
		if (value_is_hist(&d))
			snprintf(o->v[i], VALUE_MAX, "(hist)");
		else
			value_text(&d, area + layout_offset(q, i), o->v[i], VALUE_MAX);
	}
}

/* Feed input in chunks of `chunk` bytes (0: whole), then finish. */
static struct outcome run(const struct query *q, const char *in, size_t len, size_t chunk)
{
	struct eval *e = eval_new(q, 1000);
	struct outcome o;
	size_t step = chunk ? chunk : len;

	memset(&o, 0, sizeof(o));
	for (size_t off = 0; off < len; off += step)
		if (eval_feed(e, in + off, len - off < step ? len - off : step))
			break;
	eval_finish(e);
	o.r = *eval_result(e);
	answers(q, eval_area(e), &o);
	eval_free(e);
	return o;
}

static const char *const inputs[] = {
	"",
	"5",
	"5\n",
	"  -3,4\r\n+7 abc 1x -",
	"9223372036854775807 -9223372036854775808 9223372036854775808",
	"1 2 3 4 5 6 7 8 9 10\n-1,-2,-3\t\t+4\v5\f6\r\n,,, 007 -0 +0 --1 +-2 1- 99999999999999999999",
	"123456789012 -98765\n",
	"1.5 -0.25 2. .5 3.000000000 0.0000000001 12.5x 7",
};

static const char *const queries[] = {
	"count(), sum(x), min(x), max(x), avg(x) from f",
	"count(), sum(x) where x > 4 from f",
	"sum(x / 7), sum(x % 7), max(-x) where x != 0 from f",
	"exists(x == 7) from f",
	"exists(x > 100), exists(x < 0) from f",
	"sum(x * 3 - 1) where not (x > -10 and x <= 10) or x % 7 == 3 from f",
	"count(*) where x = 7 or x <> 7 and x >= 4 from f",
	"var(x), stddev_pop(x), quantile(x, 0.9), count_distinct(x), hist(x) from f",
	"count() where x between -3 and 5 or x in (7, 9, 1.5) from f",
};

/* Chunking never changes a result; a scan that stopped early counts its last chunk whole. */
static void test_chunks(const char *text, const char *in, size_t len)
{
	struct query *q = checked(text);
	struct outcome whole = run(q, in, len, 0);
	size_t chunk;

	for (chunk = 1; chunk <= len; chunk++) {
		struct outcome o = run(q, in, len, chunk);

		if (whole.r.done)
			o.r.bytes = whole.r.bytes;
		if (memcmp(&whole, &o, sizeof(o))) {
			fail(text, "  input '%.40s': chunks of %zu differ from one feed\n", in, chunk);
			break;
		}
	}
	if (chunk > len)
		passed++;
	if (!whole.r.done)
		expect_u64(text, "bytes", len, whole.r.bytes);
	/* As in the kernel: a scan that did not stop early reached the end. */
	if (!whole.r.done)
		expect_u64(text, "eof", 1, whole.r.eof);
	release(q);
}

static void test_chunking(void)
{
	char zeros[1003];

	memset(zeros, '0', 1000);
	memcpy(zeros + 1000, "42", 3);
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		for (size_t j = 0; j < sizeof(inputs) / sizeof(inputs[0]); j++)
			test_chunks(queries[i], inputs[j], strlen(inputs[j]));
		test_chunks(queries[i], zeros, strlen(zeros));
	}
}

/* The answers of a query over n bytes of input, "a;b;c". */
static void expect_answers_n(const char *what, const char *text, const char *in, size_t n,
			     const char *want)
{
	struct query *q = checked(text);
	struct outcome o = run(q, in, n, 0);
	char got[1024] = "";

	for (int i = 0; i < q->nitems; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? ";" : "", o.v[i]);
	expect_str(what, want, got);
	release(q);
}

static void expect_answers(const char *what, const char *text, const char *in, const char *want)
{
	expect_answers_n(what, text, in, strlen(in), want);
}

/* The input tokens, counted by hand. */
static void test_tokens(void)
{
	static const char *q = "count(), sum(x), min(x), max(x), avg(x) from f";
	struct query *cq = checked(q);
	struct outcome o;
	char zeros[1003];

	o = run(cq, "", 0, 0);
	expect_u64("empty", "records", 0, o.r.records);
	expect_u64("empty", "eof", 1, o.r.eof);
	expect_str("empty", "null", o.v[1]);
	expect_answers("'5'", q, "5", "1;5;5;5;5");
	o = run(cq, "5\n", 2, 0);
	expect_u64("'5\\n'", "bytes", 2, o.r.bytes);

	o = run(cq, "  -3,4\r\n+7 abc 1x -", 19, 0);
	expect_u64("mixed", "records", 3, o.r.records);
	expect_u64("mixed", "matched", 3, o.r.matched);
	expect_u64("mixed", "malformed", 3, o.r.malformed);
	expect_u64("mixed", "malformed_off", 11, o.r.malformed_off);
	expect_answers("mixed", q, "  -3,4\r\n+7 abc 1x -", "3;8;-3;7;2.666667");

	o = run(cq, "9223372036854775807 -9223372036854775808 9223372036854775808", 60, 0);
	expect_u64("limits", "malformed", 1, o.r.malformed);
	expect_u64("limits", "malformed_off", 41, o.r.malformed_off);
	expect_answers("limits", q, "9223372036854775807 -9223372036854775808 9223372036854775808",
		       "2;-1;-9223372036854775808;9223372036854775807;-0.5");

	memset(zeros, '0', 1000);
	memcpy(zeros + 1000, "42", 3);
	expect_answers("1000 zeros then 42", q, zeros, "1;42;42;42;42");

	o = run(cq, inputs[5], strlen(inputs[5]), 0);
	/* 1..10, -1 -2 -3 4 5 6, 7 0 0; --1 +-2 1- and the 20 digits are malformed. */
	expect_u64("many per line", "records", 19, o.r.records);
	expect_u64("many per line", "malformed", 4, o.r.malformed);
	expect_u64("many per line", "malformed_off", strstr(inputs[5], "--1") - inputs[5],
		   o.r.malformed_off);
	expect_answers("many per line", q, inputs[5], "19;71;-3;10;3.736842");

	o = run(cq, "+", 1, 0);
	expect_u64("lone sign", "malformed", 1, o.r.malformed);
	expect_u64("lone sign", "records", 0, o.r.records);
	release(cq);

	/* Decimals: 9 places, exactly; "2." and ".5" are no numbers, nor are 10 places. */
	o = run(cq = checked(q), inputs[7], strlen(inputs[7]), 0);
	expect_u64("decimals", "malformed", 4, o.r.malformed);
	expect_answers("decimals", q, inputs[7], "4;11.25;-0.25;7;2.8125");
	expect_answers("decimal sums", "sum(x), sum(x * 3), sum(x / 4) from f", "0.1 0.2 0.3",
		       "0.6;1.8;0.15");
	expect_answers("1/3 truncates", "sum(x / 3), sum(-x / 3), sum(x % 0.4) from f", "1",
		       "0.333333333;-0.333333333;0.2");
	release(cq);
}

static void test_where(void)
{
	expect_answers("where", "count(), sum(x) where x > 4 from f", inputs[5], "9;63");
	expect_answers("short circuit", "sum(x) where x != 0 and 100 / x > 1 from f", "0 5 200",
		       "5");
	expect_answers("short circuit or", "count() where x == 0 or 100 / x > 1 from f",
		       "0 5 200", "2");
	/* Division is a decimal's: 9 places, toward zero; % takes the dividend's sign. */
	expect_answers("division", "sum(x / 7), sum(x % 7), sum(x % -7), sum(-x / 2) from f", "-15",
		       "-2.142857142;-1;-1;7.5");
	expect_answers("between", "count() where x between 2 and 4 from f", "1 2 3 4 5 6", "3");
	expect_answers("in", "exists(x not in (1, 5)), count() where x in (1, 5, 7.5) from f",
		       "1 2 3 4 5 6 7.5", "true;3");
	expect_answers("abs", "sum(abs(x)), min(abs(x - 10)) from f", "-3 4 12", "19;2");
}

/* A run-time error names the operator node, the value and its offset. */
static void expect_error(const char *text, const char *in, uint32_t kind, enum node_kind node,
			 const char *op, int64_t value, uint64_t off)
{
	struct query *q = checked(text);
	struct outcome o = run(q, in, strlen(in), 0);

	expect_u64(text, "error", kind, o.r.error);
	expect_u64(text, "done", 1, o.r.done);
	expect_s64(text, "error value", value, (int64_t)o.r.error_x.lo);
	expect_u64(text, "error_off", off, o.r.error_off);
	if (o.r.error_node >= 1 && (int)o.r.error_node <= q->nnodes) {
		const struct node *n = q->by_id[o.r.error_node];

		expect_u64(text, "error node kind", node, n->kind);
		expect_u64(text, "error node column", strstr(text, op) - text, n->op_loc.begin);
	} else {
		fail(text, "  error_node %u is not a node\n", o.r.error_node);
	}
	release(q);
}

static void test_errors_at_run_time(void)
{
	struct query *q;
	struct outcome o;

	expect_error("sum(x * x) from f", "1\n2\n3037000500\n", BPFQ_ERR_OVERFLOW, NODE_MUL, "*",
		     3037000500, 4);
	expect_error("sum(100 / x) from f", "5 0", BPFQ_ERR_DIVZERO, NODE_DIV, "/", 0, 2);
	expect_error("sum(100 % x) from f", "5 0", BPFQ_ERR_DIVZERO, NODE_MOD, "%", 0, 2);
	expect_error("sum(x / -1) from f", "7 -9223372036854775808", BPFQ_ERR_OVERFLOW, NODE_DIV,
		     "/", INT64_MIN, 2);
	expect_error("sum(-x) from f", "1 -9223372036854775808", BPFQ_ERR_OVERFLOW, NODE_NEG, "-",
		     INT64_MIN, 2);
	expect_error("sum(x + 1) from f", "9223372036854775807", BPFQ_ERR_OVERFLOW, NODE_ADD, "+",
		     INT64_MAX, 0);
	expect_error("count() where x - 1 > 0 from f", "0 -9223372036854775808",
		     BPFQ_ERR_OVERFLOW, NODE_SUB, "-", INT64_MIN, 2);
	expect_error("sum(abs(x)) from f", "-9223372036854775808", BPFQ_ERR_OVERFLOW, NODE_CALL,
		     "abs", INT64_MIN, 0);
	/* The left operand fails first. */
	expect_error("sum(x * x + 100 / (x - 3037000500)) from f", "3037000500",
		     BPFQ_ERR_OVERFLOW, NODE_MUL, "*", 3037000500, 0);

	expect_answers("INT64_MIN % -1", "sum(x % -1) from f", "-9223372036854775808", "0");

	/* Nothing after the error counts; what came before it stays. */
	q = checked("count(), sum(100 / x), count() from f");
	o = run(q, "1 0 3 abc", 9, 0);
	expect_u64("error mid-items", "records", 2, o.r.records);
	expect_u64("error mid-items", "matched", 2, o.r.matched);
	expect_str("error mid-items", "2", o.v[0]);
	expect_str("error mid-items", "100", o.v[1]);
	expect_str("error mid-items", "1", o.v[2]);
	expect_u64("error mid-items", "malformed", 0, o.r.malformed);
	release(q);

	q = checked("count() where 100 / x > 1 from f");
	o = run(q, "1 0 3", 5, 0);
	expect_u64("error in where", "records", 2, o.r.records);
	expect_u64("error in where", "matched", 1, o.r.matched);
	release(q);
}

static void test_early_stop(void)
{
	struct query *q = checked("exists(x == 18) from f");
	struct eval *e = eval_new(q, 1000);
	const struct bpfq_result *r;
	struct outcome o;

	expect_u64("exists", "feed", 0, eval_feed(e, "5 1", 3));
	expect_u64("exists", "feed", 1, eval_feed(e, "8 20 x", 6));
	expect_u64("exists", "feed after", 1, eval_feed(e, "18 18", 5));
	eval_finish(e);
	r = eval_result(e);
	expect_u64("exists", "done", 1, r->done);
	expect_u64("exists", "records", 2, r->records);
	expect_u64("exists", "count", 1, eval_area(e)[0]);
	expect_u64("exists", "malformed", 0, r->malformed);
	expect_u64("exists", "bytes", 9, r->bytes);
	eval_free(e);
	release(q);

	q = checked("exists(x > 1), exists(x < 0) from f");
	o = run(q, "5 6 -1 7 -2", 11, 0);
	expect_u64("two exists", "done", 1, o.r.done);
	expect_u64("two exists", "records", 3, o.r.records);
	release(q);

	/* With another aggregate the scan must go on. */
	q = checked("exists(x == 5), count() from f");
	o = run(q, "5 6 7", 5, 0);
	expect_u64("exists and count", "done", 0, o.r.done);
	expect_str("exists and count", "3", o.v[1]);
	release(q);
}

static void test_wide_sums(void)
{
	struct query *q = checked("sum(x), avg(x) from f");
	const char *max = "9223372036854775807\n", *min = "-9223372036854775808\n";
	struct eval *e = eval_new(q, 1000);
	struct outcome o = { 0 };

	for (int i = 0; i < 1000; i++)
		eval_feed(e, max, strlen(max));
	eval_finish(e);
	answers(q, eval_area(e), &o);
	expect_str("1000 x INT64_MAX", "9223372036854775807000", o.v[0]);
	expect_str("1000 x INT64_MAX avg", "9223372036854775807", o.v[1]);
	eval_free(e);

	e = eval_new(q, 1000);
	for (int i = 0; i < 3; i++)
		eval_feed(e, min, strlen(min));
	eval_finish(e);
	answers(q, eval_area(e), &o);
	expect_str("3 x INT64_MIN", "-27670116110564327424", o.v[0]);
	eval_free(e);
	release(q);
}

/* Text, csv and binary records, field by field. */
static void test_formats(void)
{
	expect_answers("text", "sum($2), count($3), count() from f", "a 1 2\nb 3\n\n  c\t5 x\n",
		       "9;1;4");
	expect_answers("text crlf", "sum($1) from f", "1\r\n2\r\n3\r", "6");
	expect_answers("csv", "sum($2), count($2), count() from f.csv as csv(noheader)",
		       "a,1\n\"b,c\",\" 2 \"\n\"d\"\"\",\n\r\n,x\n", "3;2;4");
	expect_answers("csv delim", "sum($3) from f as csv(delim=';')", "1;2;3\n4;5;6", "9");
	expect_answers_n("i16be", "sum(x), min(x) from f as i16be", "\x01\x00\xff\xfe", 4,
			 "254;-2");
	expect_answers_n("record", "sum(b), sum(a) from f as record(a:u8, b:i32)",
			 "\x01\x02\x00\x00\x00\x03\xff\xff\xff\xff", 10, "1;4");
	expect_answers_n("u64 past int64", "count(), sum(x) from f as u64",
			 "\xff\xff\xff\xff\xff\xff\xff\xff\x05\x00\x00\x00\x00\x00\x00\x00", 16,
			 "1;5");
}

/*
 * Random well-typed queries: rendering must read back as the same query
 * (the same text again, the same answers), and nothing may crash on the way.
 */
static uint64_t seed = 7;

static unsigned rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (seed >> 33) % n;
}

static void gen_bool(FILE *f, int depth);

static void gen_int(FILE *f, int depth)
{
	static const char *const leaves[] = { "x", "x", "1", "7", "-3", "00", "3037000500",
					      "9223372036854775807", "-9223372036854775808" };
	static const char *const ops[] = { "+", "-", "*", "/", "%" };

	switch (depth ? rnd(4) : 0) {
	case 0:
		fputs(leaves[rnd(sizeof(leaves) / sizeof(leaves[0]))], f);
		break;
	case 1:
		fputs(rnd(2) ? "-" : "- ", f);
		gen_int(f, depth - 1);
		break;
	case 2:
		fputc('(', f);
		gen_int(f, depth - 1);
		fprintf(f, " %s ", ops[rnd(5)]);
		gen_int(f, depth - 1);
		fputc(')', f);
		break;
	default:
		gen_int(f, depth - 1);
		fputs(rnd(2) ? " " : "", f);	/* one rnd() per statement: a fixed order */
		fprintf(f, "%s ", ops[rnd(5)]);
		gen_int(f, depth - 1);
		break;
	}
}

static void gen_bool(FILE *f, int depth)
{
	static const char *const cmps[] = { "=", "==", "!=", "<>", "<", "<=", ">", ">=" };
	static const char *const logic[] = { "and", "AND", "&&", "or", "Or", "||" };

	switch (depth ? rnd(4) : 0) {
	case 0:
		gen_int(f, depth ? depth - 1 : 0);
		fprintf(f, " %s ", cmps[rnd(8)]);
		gen_int(f, depth ? depth - 1 : 0);
		break;
	case 1:
		fputs(rnd(2) ? "not " : "!", f);
		gen_bool(f, depth - 1);
		break;
	case 2:
		fputc('(', f);
		gen_bool(f, depth - 1);
		fprintf(f, " %s ", logic[rnd(6)]);
		gen_bool(f, depth - 1);
		fputc(')', f);
		break;
	default:
		gen_bool(f, depth - 1);
		fprintf(f, " %s ", logic[rnd(6)]);
		gen_bool(f, depth - 1);
		break;
	}
}

static char *gen_query(void)
{
	static const char *const aggs[] = { "sum", "min", "MAX", "avg", "exists", "count" };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int n = 1 + rnd(3);

	for (int i = 0; i < n; i++) {
		const char *agg = aggs[rnd(6)];

		fprintf(f, "%s%s(", i ? ", " : "", agg);
		if (!strcmp(agg, "exists"))
			gen_bool(f, rnd(5));
		else if (strcmp(agg, "count"))
			gen_int(f, rnd(5));
		fputc(')', f);
	}
	if (rnd(3)) {
		fputs(" where ", f);
		gen_bool(f, rnd(5));
	}
	fputs(" from f", f);
	fclose(f);
	return text;
}

/* The query again, from its rendering. */
static char *rerender(const struct query *q)
{
	char *text = NULL, buf[4096];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	for (int i = 0; i < q->nitems; i++) {
		ast_render(q, q->items[i], buf, sizeof(buf));
		fprintf(f, "%s%s", i ? ", " : "", buf);
	}
	if (q->where) {
		ast_render(q, q->where, buf, sizeof(buf));
		fprintf(f, " where %s", buf);
	}
	fputs(" from f", f);
	fclose(f);
	return text;
}

static void test_round_trip(void)
{
	const char *in = "0 1 -1 5 7 -12 3037000500 9223372036854775807 -9223372036854775808 abc";
	int checked_queries = 0;

	for (int i = 0; i < 20000; i++) {
		char *text = gen_query(), *again = NULL, *third = NULL, *out;
		struct query q1, q2;
		struct outcome r1, r2;

		out = front(text, &q1);
		if (!strcmp(out, "ok")) {
			checked_queries++;
			again = rerender(&q1);
			free(out);
			out = front(again, &q2);
			expect_str(again, "ok", out);
			if (!strcmp(out, "ok")) {
				third = rerender(&q2);
				expect_str(text, again, third);
				r1 = run(&q1, in, strlen(in), 0);
				r2 = run(&q2, in, strlen(in), 0);
				if (memcmp(&r1, &r2, sizeof(r1)))
					fail(text, "  answers differ after rendering: %s\n", again);
				else
					passed++;
			}
			query_free(&q2);
		}
		free(out);
		free(text);
		free(again);
		free(third);
		query_free(&q1);
	}
	/* Most generated queries must pass sema, or the test proves little. */
	if (checked_queries < 10000)
		fail("round trip", "  only %d of 20000 queries were valid\n", checked_queries);
}

int main(void)
{
	test_lexer_kinds();
	test_lexer_numbers();
	test_lex_path();
	test_errors();
	test_nul_bytes();
	test_name_bytes();
	test_render_code();
	test_header_names_shown();
	test_in_limits();
	test_renders();
	test_tree();
	test_int64_min();
	test_dump();
	test_depth();
	test_tokens();
	test_where();
	test_errors_at_run_time();
	test_early_stop();
	test_wide_sums();
	test_formats();
	test_chunking();
	test_round_trip();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
