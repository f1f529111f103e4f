// SPDX-License-Identifier: MIT
/*
 * The front end (lang/front): the lexer, the parser's and sema's errors
 * (the full printed text, compared exactly), nesting limits, the tree and
 * its rendering, which must read back as the same query.
 */
#include "lang/front/lexer.h"
#include "lang/front/suggest.h"
#include "tests/unit/unit.h"

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

/* Decimal literals in the forms exports write: value and frac (10^-18 units), rounded half to even. */
static void test_lexer_decimals(void)
{
	static const struct {
		const char *text;
		enum token_kind kind;
		uint64_t value, frac;
		bool overflow;
	} cases[] = {
		{ ".097", TOK_DEC, 0, 97000000000000000ULL, false },
		{ "5.", TOK_DEC, 5, 0, false },
		{ "5.)", TOK_DEC, 5, 0, false },
		{ "1.5e-3", TOK_DEC, 0, 1500000000000000ULL, false },
		{ "1E5", TOK_DEC, 100000, 0, false },
		{ "2.5e+10", TOK_DEC, 25000000000ULL, 0, false },
		{ "3.234632000000000063e-01", TOK_DEC, 0, 323463200000000006ULL, false },
		{ "3.2260000000000004", TOK_DEC, 3, 226000000000000400ULL, false },
		{ "0.000338059505147097", TOK_DEC, 0, 338059505147097ULL, false },
		{ "0.000000000236070213543", TOK_DEC, 0, 236070214, false },
		{ "0.0000000000000000005", TOK_DEC, 0, 0, false },
		{ "0.0000000000000000015", TOK_DEC, 0, 2, false },
		{ "0.00000000000000000250000000000000000000000000001", TOK_DEC, 0, 3, false },
		{ "0.0000000015", TOK_DEC, 0, 1500000000, false },
		{ "1e-40", TOK_DEC, 0, 0, false },
		{ "12345678901234567890e-10", TOK_DEC, 1234567890, 123456789000000000ULL, false },
		{ "1234567890123456789012345e-24", TOK_DEC, 1, 234567890123456789ULL, false },
		{ "1e19", TOK_DEC, 10000000000000000000ULL, 0, false },
		{ "1e20", TOK_DEC, 0, 0, true },
		{ "1e300", TOK_DEC, 0, 0, true },
		{ "1e", TOK_ERROR, 0, 0, false },
		{ "1.5e+", TOK_ERROR, 0, 0, false },
		{ "5.x", TOK_ERROR, 0, 0, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct token t = lex_next(cases[i].text, strlen(cases[i].text), 0);

		expect_str(cases[i].text, token_name(cases[i].kind), token_name(t.kind));
		if (t.kind != TOK_DEC)
			continue;
		expect_u64(cases[i].text, "overflow", cases[i].overflow, t.overflow);
		if (cases[i].overflow)
			continue;
		expect_u64(cases[i].text, "value", cases[i].value, t.value);
		expect_u64(cases[i].text, "frac", cases[i].frac, t.frac);
	}
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
	/* file: compared with constants alone, a key only alone */
	{ "count() where x = file from f",
	  "bpfq: error: 1:17: '=' cannot compare text with a field of this input (a number)\n"
	  "  count() where x = file from f\n"
	  "                  ~\n" },
	{ "count() where file ~ '(' from f",
	  "bpfq: error: 1:23: unmatched '('\n"
	  "  count() where file ~ '(' from f\n"
	  "                        ~\n" },
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
	{ "sum(x) from f as numbers foo",
	  "bpfq: error: 1:26-28: expected 'where', 'from', 'by', 'having', 'order by', 'limit' or end of query, got 'foo'\n"
	  "  sum(x) from f as numbers foo\n"
	  "                           ~~~\n" },
	{ "sum(x) where x > 5 ) from f",
	  "bpfq: error: 1:20: expected 'where', 'from', 'by', 'having', 'order by', 'limit' or end of query, got ')'\n"
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
	  "bpfq: error: 1:16: '>' cannot compare text with a field of this input (a number)\n"
	  "  sum(x) where x > 'a' from f\n"
	  "                 ~\n" },
	{ "count() where x is nul from f",
	  "bpfq: error: 1:20-22: expected 'null' after 'is', got 'nul'\n"
	  "  count() where x is nul from f\n"
	  "                     ~~~\n" },
	{ "count() where $1 is not null is null from f",
	  "bpfq: error: 1:30-31: comparisons do not chain; combine them with 'and'\n"
	  "  count() where $1 is not null is null from f\n"
	  "                               ~~\n" },
	{ "count() where x ~ 'a' from f",
	  "bpfq: error: 1:15: '~' matches a field of text or csv records, as $2 ~ 'GET', got a number\n"
	  "  count() where x ~ 'a' from f\n"
	  "                ~\n" },
	{ "count() where $1 + 1 !~ 'a' from f as text",
	  "bpfq: error: 1:15-20: '!~' matches a field of text or csv records, as $2 !~ 'GET', "
	  "got a number\n"
	  "  count() where $1 + 1 !~ 'a' from f as text\n"
	  "                ~~~~~~\n" },
	{ "count() where $1 ~ $2 from f as text",
	  "bpfq: error: 1:20-21: '~' takes its regex as a string, as $2 ~ '^(GET|HEAD) '\n"
	  "  count() where $1 ~ $2 from f as text\n"
	  "                     ~~\n" },
	{ "count() where $1 ~ 'it''s (a|b' from f as text",
	  "bpfq: error: 1:27: unmatched '('\n"
	  "  count() where $1 ~ 'it''s (a|b' from f as text\n"
	  "                            ~\n" },
	{ "count() where $1 ~ 'x[[:foo:]]' from f as text",
	  "bpfq: error: 1:23-29: unknown character class [:foo:]\n"
	  "  count() where $1 ~ 'x[[:foo:]]' from f as text\n"
	  "                        ~~~~~~~\n" },
	{ "count() where $1 ~ 'a.{9}$' from f as text",
	  "bpfq: error: 1:21-26: regex needs 1025 DFA states; bpfq's limit is 256\n"
	  "  count() where $1 ~ 'a.{9}$' from f as text\n"
	  "                      ~~~~~~\n" },
	{ "count() where $1 ~ 'a' ~ 'b' from f as text",
	  "bpfq: error: 1:24: comparisons do not chain; combine them with 'and'\n"
	  "  count() where $1 ~ 'a' ~ 'b' from f as text\n"
	  "                         ~\n" },
	{ "count() where $1 ~ 'a' or $1 ~ 'a' or $1 ~ 'a' or $1 ~ 'a' or $1 ~ 'a' or $1 ~ 'a' "
	  "or $1 ~ 'a' or $1 ~ 'a' or $1 ~ 'a' from f as text",
	  "bpfq: error: 1:114: too many regexes: a query has at most 8\n"
	  "  count() where $1 ~ 'a' or $1 ~ 'a' or $1 ~ 'a' or $1 ~ 'a' or $1 ~ 'a' or $1 ~ 'a' "
	  "or $1 ~ 'a' or $1 ~ 'a' or $1 ~ 'a' from f as text\n"
	  "                                                                                      "
	  "                             ~\n" },
	{ "count() where x is null from f",
	  "bpfq: error: 1:15: 'is null' takes a field of text or csv records, as price is null\n"
	  "  count() where x is null from f\n"
	  "                ~\n" },
	{ "count() where 'it''s' > 5 from f",
	  "bpfq: error: 1:23: '>' cannot compare text with a number\n"
	  "  count() where 'it''s' > 5 from f\n"
	  "                        ~\n" },
	{ "count() where $1 = 'a' + 1 from f",
	  "bpfq: error: 1:24: '+' needs numbers on both sides\n"
	  "  count() where $1 = 'a' + 1 from f\n"
	  "                         ~\n" },
	{ "count() where 'a' from f",
	  "bpfq: error: 1:15-17: where needs a condition such as x > 5, got text\n"
	  "  count() where 'a' from f\n"
	  "                ~~~\n" },
	{ "count() where $1 in ('a', 2) from f",
	  "bpfq: error: 1:27: 'in' with text takes strings, as ('a', 'b'); got a number\n"
	  "  count() where $1 in ('a', 2) from f\n"
	  "                            ~\n" },
	{ "count() where $1 = 'a from f",
	  "bpfq: error: 1:20-28: unterminated string; a quote inside one is written twice, as 'it''s'\n"
	  "  count() where $1 = 'a from f\n"
	  "                     ~~~~~~~~~\n" },
	{ "sum(x) from f as numbers abcdefghijklmnopqrstuvwxyz0123456789",
	  "bpfq: error: 1:26-61: expected 'where', 'from', 'by', 'having', 'order by', 'limit' or end of query, got 'abcdefghijklmnopqrstuvwxyz012345...'\n"
	  "  sum(x) from f as numbers abcdefghijklmnopqrstuvwxyz0123456789\n"
	  "                           ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n" },
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
	  "bpfq: error: 1:1-3: unknown function 'foo'; aggregates are count, sum, min, max, avg, exists, var, stddev, hist, lhist, quantile, median, quantile_exact, median_exact, count_distinct, corr, covar_pop, covar_samp, regr_slope, regr_intercept; and abs, length, starts_with, ends_with, contains, year, month, day, hour, minute, second, epoch, to_timestamp, date_trunc\n"
	  "  foo(x) from f\n"
	  "  ~~~\n" },
	{ "sum(foo(x)) from f",
	  "bpfq: error: 1:5-7: unknown function 'foo'; aggregates are count, sum, min, max, avg, exists, var, stddev, hist, lhist, quantile, median, quantile_exact, median_exact, count_distinct, corr, covar_pop, covar_samp, regr_slope, regr_intercept; and abs, length, starts_with, ends_with, contains, year, month, day, hour, minute, second, epoch, to_timestamp, date_trunc\n"
	  "  sum(foo(x)) from f\n"
	  "      ~~~\n" },
	/* did you mean: at most two edits away, a swap one of them */
	{ "sume(x) from f",
	  "bpfq: error: 1:1-4: unknown function 'sume' (did you mean 'sum'?); aggregates are count, sum, min, max, avg, exists, var, stddev, hist, lhist, quantile, median, quantile_exact, median_exact, count_distinct, corr, covar_pop, covar_samp, regr_slope, regr_intercept; and abs, length, starts_with, ends_with, contains, year, month, day, hour, minute, second, epoch, to_timestamp, date_trunc\n"
	  "  sume(x) from f\n"
	  "  ~~~~\n" },
	{ "medain(x) from f",
	  "bpfq: error: 1:1-6: unknown function 'medain' (did you mean 'median'?); aggregates are count, sum, min, max, avg, exists, var, stddev, hist, lhist, quantile, median, quantile_exact, median_exact, count_distinct, corr, covar_pop, covar_samp, regr_slope, regr_intercept; and abs, length, starts_with, ends_with, contains, year, month, day, hour, minute, second, epoch, to_timestamp, date_trunc\n"
	  "  medain(x) from f\n"
	  "  ~~~~~~\n" },
	{ "sum(ABSS(x)) from f",
	  "bpfq: error: 1:5-8: unknown function 'ABSS' (did you mean 'abs'?); aggregates are count, sum, min, max, avg, exists, var, stddev, hist, lhist, quantile, median, quantile_exact, median_exact, count_distinct, corr, covar_pop, covar_samp, regr_slope, regr_intercept; and abs, length, starts_with, ends_with, contains, year, month, day, hour, minute, second, epoch, to_timestamp, date_trunc\n"
	  "  sum(ABSS(x)) from f\n"
	  "      ~~~~\n" },
	{ "sum(x) from f as nmbers",
	  "bpfq: error: 1:18-23: expected a format after 'as' (numbers, text, csv, json, i8 ... u64, record(...)), got 'nmbers' (did you mean 'numbers'?)\n"
	  "  sum(x) from f as nmbers\n"
	  "                   ~~~~~~\n" },
	{ "sum($1) from f as cvs",
	  "bpfq: error: 1:19-21: expected a format after 'as' (numbers, text, csv, json, i8 ... u64, record(...)), got 'cvs' (did you mean 'csv'?)\n"
	  "  sum($1) from f as cvs\n"
	  "                    ~~~\n" },
	{ "sum(x) from f as int64",
	  "bpfq: error: 1:18-22: expected a format after 'as' (numbers, text, csv, json, i8 ... u64, record(...)), got 'int64' (did you mean 'i64'?)\n"
	  "  sum(x) from f as int64\n"
	  "                   ~~~~~\n" },
	{ "sum(x) from f as jsonl",
	  "bpfq: error: 1:18-22: expected a format after 'as' (numbers, text, csv, json, i8 ... u64, record(...)), got 'jsonl' (did you mean 'json'?)\n"
	  "  sum(x) from f as jsonl\n"
	  "                   ~~~~~\n" },
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
	{ "count(), x + 1 from f",
	  "bpfq: error: 1:10-14: expected an aggregate such as sum(x), got an expression\n"
	  "  count(), x + 1 from f\n"
	  "           ~~~~~\n" },
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
	{ "hist(x > 1) from f",
	  "bpfq: error: 1:6-10: hist needs a number, got a condition\n"
	  "  hist(x > 1) from f\n"
	  "       ~~~~~\n" },
	{ "quantile((x = 1), 0.5) from f",
	  "bpfq: error: 1:11-15: quantile needs a number, got a condition\n"
	  "  quantile((x = 1), 0.5) from f\n"
	  "            ~~~~~\n" },
	{ "sum(x) filter (x > 5) from f",
	  "bpfq: error: 1:16: expected 'where' after 'filter (', got 'x'\n"
	  "  sum(x) filter (x > 5) from f\n"
	  "                 ~\n" },
	{ "sum(x) filter (where x) from f",
	  "bpfq: error: 1:22: filter needs a condition such as x > 5, got a number\n"
	  "  sum(x) filter (where x) from f\n"
	  "                       ~\n" },
	{ "sum(abs(x) filter (where x > 1)) from f",
	  "bpfq: error: 1:5-31: filter (where ...) goes after an aggregate, such as count() "
	  "filter (where x > 5)\n"
	  "  sum(abs(x) filter (where x > 1)) from f\n"
	  "      ~~~~~~~~~~~~~~~~~~~~~~~~~~~\n" },
	{ "count() filter (where max(x) > 1) from f",
	  "bpfq: error: 1:23-25: aggregate 'max' cannot be nested in another aggregate\n"
	  "  count() filter (where max(x) > 1) from f\n"
	  "                        ~~~\n" },
	{ "sum(x) filter (where x > 1 from f",
	  "bpfq: error: 1:28-31: expected ')' to close the '(' at 1:15, got 'from'\n"
	  "  sum(x) filter (where x > 1 from f\n"
	  "                             ~~~~\n" },
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
	/* having, order by, limit, columns over aggregates */
	{ "sum(x) as from f",
	  "bpfq: error: 1:11-14: expected a name after 'as', got 'from'\n"
	  "  sum(x) as from f\n"
	  "            ~~~~\n" },
	{ "count() by $1 order count() from f",
	  "bpfq: error: 1:21-25: expected 'by' after 'order', got 'count'\n"
	  "  count() by $1 order count() from f\n"
	  "                      ~~~~~\n" },
	{ "count() by $1 having count() > 1 having count() > 2 from f",
	  "bpfq: error: 1:34-39: more than one 'having' clause\n"
	  "  count() by $1 having count() > 1 having count() > 2 from f\n"
	  "                                   ~~~~~~\n" },
	{ "count() by $1 order by count() order by sum($2) from f",
	  "bpfq: error: 1:32-36: more than one 'order by' clause\n"
	  "  count() by $1 order by count() order by sum($2) from f\n"
	  "                                 ~~~~~\n" },
	{ "count() by $1 limit 1 limit 2 from f",
	  "bpfq: error: 1:23-27: more than one 'limit' clause\n"
	  "  count() by $1 limit 1 limit 2 from f\n"
	  "                        ~~~~~\n" },
	{ "count() by $1 limit x from f",
	  "bpfq: error: 1:21: limit needs a positive integer, got 'x'\n"
	  "  count() by $1 limit x from f\n"
	  "                      ~\n" },
	{ "count() by $1 limit 99999999999999999999 from f",
	  "bpfq: error: 1:21-40: limit needs a positive integer, got '99999999999999999999'\n"
	  "  count() by $1 limit 99999999999999999999 from f\n"
	  "                      ~~~~~~~~~~~~~~~~~~~~\n" },
	{ "count() having count() > 1 from f",
	  "bpfq: error: 1:16-26: 'having' needs 'by': without it the answer is one row; use where to pick records\n"
	  "  count() having count() > 1 from f\n"
	  "                 ~~~~~~~~~~~\n" },
	{ "count() order by count() from f",
	  "bpfq: error: 1:18-24: 'order by' needs 'by': without it the answer is one row\n"
	  "  count() order by count() from f\n"
	  "                   ~~~~~~~\n" },
	{ "count() limit 5 from f",
	  "bpfq: error: 1:15: 'limit' needs 'by': without it the answer is one row\n"
	  "  count() limit 5 from f\n"
	  "                ~\n" },
	{ "count() by $1 order by $2 from f",
	  "bpfq: error: 1:24-25: order by '$2': no output column, 'as' name or by key is called so\n"
	  "  count() by $1 order by $2 from f\n"
	  "                         ~~\n" },
	{ "count() by $1 order by 3 from f",
	  "bpfq: error: 1:24: order by '3': no output column, 'as' name or by key is called so\n"
	  "  count() by $1 order by 3 from f\n"
	  "                         ~\n" },
	{ "count() by $1 having $2 > 1 from f",
	  "bpfq: error: 1:22-23: '$2' is outside an aggregate; write it inside one, such as sum($2)\n"
	  "  count() by $1 having $2 > 1 from f\n"
	  "                       ~~\n" },
	{ "count() by $1 having count() from f",
	  "bpfq: error: 1:22-28: having needs a condition such as count() > 5, got a number\n"
	  "  count() by $1 having count() from f\n"
	  "                       ~~~~~~~\n" },
	{ "count() by $1 order by count() > 1 from f",
	  "bpfq: error: 1:24-34: order by needs a number, got a condition\n"
	  "  count() by $1 order by count() > 1 from f\n"
	  "                         ~~~~~~~~~~~\n" },
	{ "sum($2) + $2 by $1 from f",
	  "bpfq: error: 1:11-12: '$2' is outside an aggregate; write it inside one, such as sum($2)\n"
	  "  sum($2) + $2 by $1 from f\n"
	  "            ~~\n" },
	{ "count() > 1 by $1 from f",
	  "bpfq: error: 1:1-11: a column over aggregates must be a number, got a condition\n"
	  "  count() > 1 by $1 from f\n"
	  "  ~~~~~~~~~~~\n" },
	{ "hist(x) as h, count() by x order by h from f",
	  "bpfq: error: 1:37: cannot order by a histogram\n"
	  "  hist(x) as h, count() by x order by h from f\n"
	  "                                      ~\n" },
	{ "lhist(x, 0, 10, 1) * 2 from f",
	  "bpfq: error: 1:1-5: lhist has no single value to compute with\n"
	  "  lhist(x, 0, 10, 1) * 2 from f\n"
	  "  ~~~~~\n" },
	{ "count() by x having hist(x) > 1 from f",
	  "bpfq: error: 1:21-24: hist has no single value to compute with\n"
	  "  count() by x having hist(x) > 1 from f\n"
	  "                      ~~~~\n" },
	{ "count(distinct x, 2) from f",
	  "bpfq: error: 1:1-20: count_distinct takes 1 argument, got 2\n"
	  "  count(distinct x, 2) from f\n"
	  "  ~~~~~~~~~~~~~~~~~~~~\n" },
	{ "sum(x) / 0 from f",
	  "bpfq: error: 1:10: division by zero\n"
	  "  sum(x) / 0 from f\n"
	  "           ~\n" },
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
	static const struct schema sc = { 2, names, NULL, NULL, NULL, NULL };
	const char *text = "sum(zz) from f.csv";
	struct diag d = { 0 };
	struct query q = { 0 };

	if (parse_query(text, strlen(text), &q, &d))
		sema_check(&q, &sc, &d);
	expect_str(text, "no column 'zz' in the header of f.csv: a\\x1b[31mb, c\\x5cd", d.msg);
	query_free(&q);
}

/* A column's name, misspelled: the header's nearest, shown as the list shows it. */
static void test_column_suggested(void)
{
	static char *names[] = { "price", "qty", ("wei\x1b" "ght") };
	static const struct schema sc = { 3, names, NULL, NULL, NULL, NULL };
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "sum(prcie) from f.csv", "no column 'prcie' (did you mean 'price'?) in the header "
					   "of f.csv: price, qty, wei\\x1bght" },
		{ "sum(weight) from f.csv", "no column 'weight' (did you mean 'wei\\x1bght'?) in "
					    "the header of f.csv: price, qty, wei\\x1bght" },
		{ "sum(q) from f.csv", "no column 'q' in the header of f.csv: price, qty, wei\\x1bght" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag d = { 0 };
		struct query q = { 0 };

		if (parse_query(cases[i].text, strlen(cases[i].text), &q, &d))
			sema_check(&q, &sc, &d);
		expect_str(cases[i].text, cases[i].msg, d.msg);
		query_free(&q);
	}
}

/* A column of text (struct schema texts): an aggregate of text takes it, a number is an error. */
static void test_text_columns(void)
{
	static char *names[] = { "origin", "n" };
	static char *texts[] = { "SF\x1bO", NULL };
	static const struct schema sc = { 2, names, NULL, texts, NULL, NULL };
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "count(distinct origin), min(origin), max(origin), count(origin), sum(n) from f.csv", "" },
		{ "count() where origin > 5 from f.csv", "'origin' holds text (its first records do, as "
		  "'SF\\x1bO'); compare it with a string, as origin > '5'" },
		{ "sum(n) where -2.5 = origin from f.csv", "'origin' holds text (its first records do, "
		  "as 'SF\\x1bO'); compare it with a string, as '-2.5' = origin" },
		{ "sum(origin * 2) from f.csv", "'origin' holds text (its first records do, as "
		  "'SF\\x1bO'); '*' needs numbers" },
		{ "quantile(origin, 0.5) from f.csv", "'origin' holds text (its first records do, as "
		  "'SF\\x1bO'); quantile needs numbers: count, count(distinct ...), min and max take text" },
		{ "count() where origin = n from f.csv", "'origin' holds text (its first records do, as "
		  "'SF\\x1bO'); compare it with a string, as origin = 'SF\\x1bO'" },
		{ "max(origin) by n order by max(origin) from f.csv", "max of text cannot be used with "
		  "'as', having, order by or limit" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag d = { 0 };
		struct query q = { 0 };

		if (parse_query(cases[i].text, strlen(cases[i].text), &q, &d) && sema_check(&q, &sc, &d))
			expect_u64(cases[i].text, "text fields", 1, q.ntexts);
		expect_str(cases[i].text, cases[i].msg, d.msg);
		query_free(&q);
	}
}

/* The nearest name: edits of one byte, a swap of two one edit, no case. */
static void test_suggest(void)
{
	static const char *const names[] = { "count", "sum", "min", "max", "median", "abs" };
	static const struct {
		const char *word, *want;
	} cases[] = {
		{ "smu", "sum" },	/* a swap */
		{ "SUMM", "sum" },	/* an insertion, any case */
		{ "cnt", "count" },	/* two deletions */
		{ "cuont", "count" },
		{ "mx", "max" },	/* min and max are both one away: the first nearest */
		{ "mi", "min" },
		{ "medan", "median" },
		{ "x", NULL },		/* one byte: every name of two is one edit away */
		{ "co", NULL },		/* three edits from count */
		{ "foo", NULL },
		{ "sum", NULL },	/* itself is no suggestion */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = suggest(cases[i].word, strlen(cases[i].word), names, 6);

		expect_str(cases[i].word, cases[i].want ? cases[i].want : "(none)",
			   got ? got : "(none)");
	}
}

/* For generated code, a tree renders from bpfq's tables: a column by its
 * position, never its name; calls by their canonical names. */
static void test_render_code(void)
{
	static char *names[] = { "a", "b c", "*/ #x" };
	static const struct schema sc = { 3, names, NULL, NULL, NULL, NULL };
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
		{ "exists(a like 'x%' or \"b c\" = 'it''s*/') from f.csv",
		  "exists(a like 'x%' or \"b c\" == 'it''s*/')",
		  "exists($1 like text(2 bytes) or $2 == text(6 bytes))" },
		{ "exists(not starts_with(a, '#x') and length(a) > 1 and a is not null) from f.csv",
		  "exists(not starts_with(a, '#x') and length(a) > 1 and a is not null)",
		  "exists(not starts_with($1, text(2 bytes)) and length($1) > 1 and $1 is not null)" },
		{ "exists(a not ilike '_' and a not in ('x', 'y')) from f.csv",
		  "exists(a not ilike '_' and a not in ('x', 'y'))",
		  "exists($1 not ilike text(1 bytes) and $1 not in (text(1 bytes), text(1 bytes)))" },
		{ "exists(\"b c\" !~ '[*]/ x') from f.csv", "exists(\"b c\" !~ '[*]/ x')",
		  "exists($2 !~ text(6 bytes))" },
		{ "Count(*) Filter (Where \"b c\" > 1) from f.csv",
		  "count(*) filter (where \"b c\" > 1)", "count(*) filter (where $2 > 1)" },
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
	{ "AVG(x>15), count(*) FILTER(WHERE x<0) from f", "avg(x > 15); count(*) filter (where x < 0)",
	  "", "f" },
	{ "sum(x) filter (where (x > 1)), count() as filter from f",
	  "sum(x) filter (where x > 1); count()", "", "f" },
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

/* ---- columns over aggregates, having, order by, limit ---- */

static const struct post_case {
	const char *query;
	const char *cols;	/* rendered, 'as' names after '=', joined by "; " */
	const char *items;	/* the distinct aggregates the kernel computes */
	const char *order;	/* each key: "by" (the key), "cN" (column N) or its text; ' desc' */
	int64_t limit;
} post_cases[] = {
	{ "sum(x) / count(), 100.0 * count() / count() from f", "sum(x) / count(); 100 * count() / count()",
	  "sum(x); count()", "", 0 },
	{ "Sum(x) as s, sum(x) + 1 as t, count(distinct x) from f", "sum(x)=s; sum(x) + 1=t; "
	  "count(distinct x)", "sum(x); count(distinct x)", "", 0 },
	{ "count() as n, max($2) by $1 having n > 1 and min($2) > 0 order by n desc, $1, "
	  "max($2), avg($2) asc limit 3 from f", "count()=n; max($2)", "count(); max($2); min($2); "
	  "avg($2)", "c0 desc; by; c1; avg($2)", 3 },
	{ "count() by $1 limit 10 from f", "count()", "count()", "", 10 },
	{ "count() by $1 order by count() desc from f", "count()", "count()", "c0 desc", 0 },
};

static void join_cols(const struct query *q, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < q->ncols && n < size; i++) {
		const struct node *c = q->cols[i];

		n += snprintf(buf + n, size - n, "%s", i ? "; " : "");
		n += ast_render(q, c, buf + n, size - n);
		if (c->as.end > c->as.begin && n < size)
			n += snprintf(buf + n, size - n, "=%.*s", (int)(c->as.end - c->as.begin),
				      q->text + c->as.begin);
	}
}

static void join_order(const struct query *q, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < q->norder && n < size; i++) {
		const struct order_key *k = &q->order[i];

		n += snprintf(buf + n, size - n, "%s", i ? "; " : "");
		if (k->by_key)
			n += snprintf(buf + n, size - n, "by");
		else if (k->col >= 0)
			n += snprintf(buf + n, size - n, "c%d", k->col);
		else
			n += ast_render(q, k->e, buf + n, size - n);
		if (k->desc && n < size)
			n += snprintf(buf + n, size - n, " desc");
	}
}

static void test_post(void)
{
	for (size_t i = 0; i < sizeof(post_cases) / sizeof(post_cases[0]); i++) {
		const struct post_case *c = &post_cases[i];
		struct query q;
		char *out = front(c->query, &q);
		char buf[512];

		expect_str(c->query, "ok", out);
		if (!strcmp(out, "ok")) {
			expect_u64(c->query, "post", 1, q.post);
			join_cols(&q, buf, sizeof(buf));
			expect_str(c->query, c->cols, buf);
			join_items(&q, buf, sizeof(buf));
			expect_str(c->query, c->items, buf);
			join_order(&q, buf, sizeof(buf));
			expect_str(c->query, c->order, buf);
			expect_s64(c->query, "limit", c->limit, q.limit);
		}
		free(out);
		query_free(&q);
	}
}

/* A plain select list keeps the old shape: no post stage, items as written. */
static void test_no_post(void)
{
	struct query q;
	char *out = front("sum(x), sum(x), count() from f", &q);

	expect_str("plain", "ok", out);
	expect_u64("plain", "post", 0, q.post);
	expect_u64("plain", "nitems", 3, q.nitems);
	free(out);
	query_free(&q);
}

/* 'from' takes paths up to 'as', a clause's keyword as a word, or the end. */
static const struct {
	const char *query;
	const char *paths;	/* joined by '|' */
} from_cases[] = {
	{ "sum(x)", "" },
	{ "sum(x) where x > 5", "" },
	{ "sum(x) from a", "a" },
	{ "sum(x) from a b", "a|b" },
	{ "sum(x) from a.txt where.txt where x > 1", "a.txt|where.txt" },
	{ "sum(x) from 'my file' b.txt as numbers", "my file|b.txt" },
	{ "count() from logs/*.log by x", "logs/*.log" },
	{ "count() from a group by x", "a" },
	{ "count() from a 'by' \"as\"", "a|by|as" },
	{ "count() from - where(x > 1)", "-" },
	{ "count() from a b c d e f g h i j", "a|b|c|d|e|f|g|h|i|j" },
};

static void test_from_paths(void)
{
	for (size_t i = 0; i < sizeof(from_cases) / sizeof(from_cases[0]); i++) {
		struct query q;
		char *out = front(from_cases[i].query, &q), buf[256] = "";
		size_t n = 0;

		expect_str(from_cases[i].query, "ok", out);
		for (int k = 0; !strcmp(out, "ok") && k < q.npaths; k++)
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s", k ? "|" : "", q.paths[k]);
		expect_str(from_cases[i].query, from_cases[i].paths, buf);
		if (q.npaths)
			expect_str(from_cases[i].query, q.paths[0], q.path);
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

static void test_dump_post(void)
{
	struct query q;
	char *out = front("count() as n, sum(x) / count() by x % 2 having n > 1 order by n desc, "
			  "x % 2, max(x) limit 2 from f", &q), *dump = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&dump, &len);

	ast_dump(f, &q);
	fclose(f);
	expect_str("ast_dump post", "query\n"
		   "  select\n"
		   "    count :num\n"
		   "    sum :num\n"
		   "      x (field 1, slot 0) :num\n"
		   "    max :num\n"
		   "      x (field 1, slot 0) :num\n"
		   "  columns\n"
		   "    count :num\n"
		   "      as n\n"
		   "    / :num\n"
		   "      sum :num\n"
		   "        x (field 1, slot 0) :num\n"
		   "      count :num\n"
		   "  having\n"
		   "    > :bool\n"
		   "      count :num\n"
		   "      1 :num\n"
		   "  order by (desc): column 1\n"
		   "  order by: the by key\n"
		   "  order by\n"
		   "    max :num\n"
		   "      x (field 1, slot 0) :num\n"
		   "  limit 2\n"
		   "  by\n"
		   "    % :num\n"
		   "      x (field 1, slot 0) :num\n"
		   "      2 :num\n"
		   "  from \"f\" as numbers\n", dump);
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
	test_lexer_decimals();
	test_lex_path();
	test_errors();
	test_nul_bytes();
	test_name_bytes();
	test_render_code();
	test_header_names_shown();
	test_column_suggested();
	test_text_columns();
	test_suggest();
	test_in_limits();
	test_renders();
	test_post();
	test_no_post();
	test_from_paths();
	test_tree();
	test_int64_min();
	test_dump();
	test_dump_post();
	test_depth();
	test_round_trip();
	return unit_done();
}
