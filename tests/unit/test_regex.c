// SPDX-License-Identifier: MIT
/*
 * The regex compiler (lang/value/regex.c): exact errors, the limits, and
 * a differential test against glibc's regcomp(REG_EXTENDED) + regexec in
 * the C locale on random patterns over a small alphabet (so that classes,
 * repeats, alternations and anchors meet often) and random texts.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/value/regex.h"
#include "tests/unit/unit.h"

static struct regex_dfa dfa;

/* "ok NSTATES" or "AT-END: message" */
static void expect_compile(const char *pat, const char *want)
{
	char err[256], got[300];
	size_t at = 0, end = 0;

	if (regex_compile(pat, strlen(pat), &dfa, err, sizeof(err), &at, &end))
		snprintf(got, sizeof(got), "ok %u", dfa.nstates);
	else
		snprintf(got, sizeof(got), "%zu-%zu: %s", at, end, err);
	expect_str(pat, want, got);
}

static void expect_match(const char *pat, const char *text, bool want)
{
	char err[256], what[200];
	size_t at, end;

	snprintf(what, sizeof(what), "'%s' ~ '%s'", text, pat);
	if (!regex_compile(pat, strlen(pat), &dfa, err, sizeof(err), &at, &end)) {
		fail(what, "  %s\n", err);
		return;
	}
	expect_u64(what, "match", want, regex_match(&dfa, text, strlen(text)));
}

static void errors(void)
{
	expect_compile("(ab", "0-1: unmatched '('");
	expect_compile("ab)", "2-3: unmatched ')'");
	expect_compile("*a", "0-1: '*' has nothing to repeat");
	expect_compile("a|+", "2-3: '+' has nothing to repeat");
	expect_compile("(?a)", "1-2: '?' has nothing to repeat");
	expect_compile("^*", "1-2: '*' cannot repeat an anchor");
	expect_compile("[abc", "0-4: unterminated bracket expression");
	expect_compile("[]", "0-2: unterminated bracket expression");
	expect_compile("[z-a]", "1-4: range 'z'-'a' is backwards");
	expect_compile("[[:alfa:]]", "1-9: unknown character class [:alfa:]");
	expect_compile("[[=a=]]", "1-3: [= =] in a bracket expression is not supported");
	expect_compile("[[.a.]]", "1-3: [. .] in a bracket expression is not supported");
	expect_compile("[\\.]", "1-2: a backslash in a bracket expression means one thing "
			"to awk and another to POSIX; bpfq refuses it");
	expect_compile("a\\d", "1-3: backslash before 'd' is not supported "
			"(only before a punctuation byte)");
	expect_compile("a\\", "1-2: trailing backslash");
	expect_compile("a{", "1-2: '{' starts an interval {m}, {m,} or {m,n}; write \\{ for the byte");
	expect_compile("a{,2}", "1-2: '{' starts an interval {m}, {m,} or {m,n}; write \\{ for the byte");
	expect_compile("a{3,2}", "1-6: an interval's minimum is above its maximum");
	expect_compile("a{256}", "1-6: an interval's count is above 255");
	expect_compile("a{99999999999}", "1-14: an interval's count is above 255");
	expect_compile("(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
		       "((((((((((((((((((((((((((((((a", "100-101: groups nest deeper than 100");
	/* a.{n}$: whether each of the last n+1 bytes was an 'a', 2^(n+1) states */
	/* (and the start state apart, regex.h) */
	expect_compile("a.{6}$", "ok 129");
	expect_compile("a.{7}$", "0-6: regex needs 257 DFA states; bpfq's limit is 256");
	expect_compile("a.{11}$", "0-7: regex needs more than 4096 DFA states; "
			"bpfq's limit is 256");
	expect_compile("((a{255}){255}){255}", "0-20: regex needs more than 4096 automaton "
			"states; bpfq's limit is 4096");
}

static void matches(void)
{
	expect_compile("abc", "ok 5");	/* the start, a, ab, abc, and none yet */
	expect_compile("", "ok 2");	/* the start, then matched */
	expect_match("", "", true);
	expect_match("b", "abc", true);
	expect_match("^b", "abc", false);
	expect_match("^a|c$", "xxc", true);
	expect_match("^a|c$", "cx", false);
	expect_match("^a|c$", "ax", true);
	expect_match("(^|,)x", "a,x", true);
	expect_match("(^|,)x", "ax", false);
	expect_match("(^|,)x", "x", true);
	expect_match("a^b", "a^b", false);
	expect_match("a\\^b", "a^b", true);
	expect_match("a$b", "ab", false);
	expect_match("^$", "", true);
	expect_match("^$", "a", false);
	expect_match("x*^a", "a", true);
	expect_match("$^", "", true);
	expect_match("^(GET|POST) ", "POST /x HTTP/1.1", true);
	expect_match("^(GET|POST) ", "PUT /GET ", false);
	expect_match("\" [45][0-9][0-9] ", "\"GET / HTTP/1.1\" 404 512", true);
	expect_match("\" [45][0-9][0-9] ", "\"GET / HTTP/1.1\" 200 404 ", false);
	expect_match("[]a]", "]", true);
	expect_match("[^]a]", "]a", false);
	expect_match("[a-]x", "-x", true);
	expect_match("[[:digit:][:upper:]]{3}", "aB1Cd", true);
	expect_match("[[:digit:][:upper:]]{3}", "aB1cD", false);
	expect_match("[[:space:]]", "a\tb", true);
	expect_match("a.c", "a\nc", true);
	expect_match("\\.", "abc", false);
	expect_match("\\*/", "a*/", true);
	expect_match("x{0}y", "y", true);
	expect_match("(ab){2,3}$", "xabab", true);
	expect_match("^(ab){2,3}$", "abababab", false);
	expect_match("()", "q", true);
	expect_match("a|", "q", true);
	expect_match("\xc3\xa9", "caf\xc3\xa9", true);
	expect_match("^caf.$", "caf\xc3\xa9", false);	/* bytes, not characters */
	expect_match("a}", "a}", true);
	expect_match("a]", "a]", true);
}

static unsigned long long seed = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed % n;
}

static void add(char *out, size_t size, const char *s)
{
	strncat(out, s, size - strlen(out) - 1);
}

static void gen(char *out, size_t size, int depth);

static void gen_atom(char *out, size_t size, int depth)
{
	static const char *const atoms[] = { "a", "b", "c", ".", "[ab]", "[^a]", "[a-b]",
		"^", "$", "\\.", "[[:alpha:]]", "[]b]" };
	unsigned k = rnd(depth > 2 ? 12 : 15);

	if (k < 12) {
		add(out, size, atoms[k]);
		return;
	}
	add(out, size, "(");
	gen(out, size, depth + 1);
	add(out, size, ")");
}

static void gen_piece(char *out, size_t size, int depth)
{
	static const char *const quant[] = { "*", "+", "?", "{2}", "{1,2}", "{0,}", "{0,1}" };
	size_t before = strlen(out);

	gen_atom(out, size, depth);
	if (out[before] != '^' && out[before] != '$' && !rnd(3))
		add(out, size, quant[rnd(7)]);
}

static void gen(char *out, size_t size, int depth)
{
	int n = rnd(4);

	for (int i = 0; i < n; i++)
		gen_piece(out, size, depth);
	if (!rnd(4)) {
		add(out, size, "|");
		gen(out, size, depth + 1);
	}
}

static void differential(void)
{
	int agree = 0, compared = 0;

	for (int p = 0; p < 3000; p++) {
		char pat[256] = "", err[256], text[16];
		size_t at, end;
		regex_t re;

		gen(pat, sizeof(pat), 0);
		if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB))
			continue;	/* the generator's forms all compile in glibc */
		if (!regex_compile(pat, strlen(pat), &dfa, err, sizeof(err), &at, &end)) {
			fail(pat, "  glibc compiles it, bpfq: %s\n", err);
			regfree(&re);
			continue;
		}
		for (int t = 0; t < 60; t++) {
			int n = rnd(8);

			for (int i = 0; i < n; i++)
				text[i] = "abc."[rnd(4)];
			text[n] = 0;
			bool want = !regexec(&re, text, 0, NULL, 0);

			compared++;
			if (want == regex_match(&dfa, text, n)) {
				agree++;
				continue;
			}
			fail(pat, "  text '%s': glibc %d, bpfq %d\n", text, want, !want);
			p = 1 << 30;	/* one report is enough */
			break;
		}
		regfree(&re);
	}
	expect_u64("differential: every text agrees", "agree", compared, agree);
	if (compared < 100000)
		fail("differential", "  only %d texts compared\n", compared);
}

int main(void)
{
	errors();
	matches();
	differential();
	return unit_done();
}
