// SPDX-License-Identifier: MIT
/*
 * The query tokenizer. Stateless, in the manner of SQLite's tokenize.c: the
 * parser keeps the position (the end of the last token), so looking one
 * token ahead is just another call.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "lang/front/lexer.h"

/* Indexed by enum token_kind: keep in the order of lexer.h. */
static const char *const token_names[] = {
	"end of query",
	"invalid token",
	"integer",
	"decimal",
	"field",
	"string",
	"name",
	"path",
	"'('",
	"')'",
	"','",
	"':'",
	"'*'",
	"'+'",
	"'-'",
	"'/'",
	"'%'",
	"'=='",
	"'!='",
	"'<'",
	"'<='",
	"'>'",
	"'>='",
	"'and'",
	"'or'",
	"'not'",
	"'where'",
	"'from'",
	"'as'",
	"'by'",
	"'group'",
	"'between'",
	"'in'",
	"'~'",
	"'!~'",
};

_Static_assert(sizeof(token_names) / sizeof(token_names[0]) == TOK_LAST + 1,
	       "token_names[] must follow enum token_kind");

const char *token_name(enum token_kind kind)
{
	if ((unsigned)kind > TOK_LAST)
		return "?";
	return token_names[kind];
}

static const struct keyword {
	const char *word;
	enum token_kind kind;
} keywords[] = {
	{ "where", TOK_WHERE },
	{ "from", TOK_FROM },
	{ "and", TOK_AND },
	{ "or", TOK_OR },
	{ "not", TOK_NOT },
	{ "as", TOK_AS },
	{ "by", TOK_BY },
	{ "group", TOK_GROUP },
	{ "between", TOK_BETWEEN },
	{ "in", TOK_IN },
};

const char *lex_keyword(size_t i)
{
	return i < sizeof(keywords) / sizeof(keywords[0]) ? keywords[i].word : NULL;
}

/* The query's whitespace (not the data's: ',' separates tokens only there). */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII only: isalpha() would follow the locale. */
static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || is_digit(c);
}

static struct token make(enum token_kind kind, size_t begin, size_t end)
{
	struct token t = { .kind = kind, .loc = { begin, end } };

	return t;
}

static size_t skip_space(const char *text, size_t len, size_t pos)
{
	while (pos < len && is_space(text[pos]))
		pos++;
	return pos;
}

/* Decimal digits from pos into *v; true if they passed 2^64-1. */
static size_t digits(const char *text, size_t len, size_t pos, uint64_t *v, bool *overflow)
{
	for (; pos < len && is_digit(text[pos]); pos++) {
		if (__builtin_mul_overflow(*v, 10, v) ||
		    __builtin_add_overflow(*v, (uint64_t)(text[pos] - '0'), v))
			*overflow = true;
	}
	return pos;
}

/* The fraction after '.', in units of 10^-18; inexact: a digit past the 18th not 0. */
static size_t fraction(const char *text, size_t len, size_t pos, struct token *t)
{
	uint64_t scale = BPFQ_SCALE / 10;

	for (; pos < len && is_digit(text[pos]); pos++) {
		if (scale)
			t->frac += (uint64_t)(text[pos] - '0') * scale;
		else if (text[pos] != '0')
			t->inexact = true;
		scale /= 10;
	}
	return pos;
}

/* Digits from pos: how many, at most max + 1. */
static size_t run_of_digits(const char *text, size_t len, size_t pos, size_t max)
{
	size_t n = 0;

	while (pos + n < len && n <= max && is_digit(text[pos + n]))
		n++;
	return n;
}

size_t lex_date(const char *text, size_t len, size_t pos)
{
	size_t a = run_of_digits(text, len, pos, 4), b, c;

	if (!a || pos + a >= len || text[pos + a] != '-')
		return 0;
	b = run_of_digits(text, len, pos + a + 1, 2);
	if (!b || pos + a + 1 + b >= len || text[pos + a + 1 + b] != '-')
		return 0;
	c = run_of_digits(text, len, pos + a + b + 2, 4);
	/* 2001-03-01, or 01-03-2001 */
	if ((a == 4 && b <= 2 && c >= 1 && c <= 2) || (a <= 2 && b <= 2 && c == 4))
		return a + b + c + 2;
	return 0;
}

/* An exponent at pos: [eE][+-]?[0-9]; its length to the first digit, or 0. */
static size_t exponent_at(const char *text, size_t len, size_t pos)
{
	size_t sign;

	if (pos >= len || (text[pos] != 'e' && text[pos] != 'E'))
		return 0;
	sign = pos + 1 < len && (text[pos + 1] == '+' || text[pos + 1] == '-');
	return pos + 1 + sign < len && is_digit(text[pos + 1 + sign]) ? 1 + sign : 0;
}

/*
 * A number with an exponent or past 18 decimals, its mantissa text
 * [begin, end) and the exponent exp: value and frac as digits and a
 * fraction would give them, rounded half to even at the 18th decimal as
 * the data's numbers are (lang/engine/records.c); overflow past 2^64 - 1.
 */
static void apply_exponent(const char *text, size_t begin, size_t end, int64_t exp,
			   struct token *t)
{
	const unsigned __int128 room = (unsigned __int128)10000000000000000000ULL * 1000000000000000000ULL;
	unsigned __int128 sig = 0, p = 1, r;
	int64_t k = 18;
	bool point = false, lost = false;

	t->value = 0;
	t->frac = 0;
	for (size_t i = begin; i < end; i++) {
		if (text[i] == '.') {
			point = true;
		} else if (sig < room) {
			sig = sig * 10 + (unsigned)(text[i] - '0');
			k -= point;
		} else if (!point) {
			t->overflow = true;
		} else {
			lost |= text[i] != '0';
		}
	}
	k += exp;
	if (!sig)
		return;
	/* sig >= 1: from 10^38 on the value is past 2^64 (and 10^38 fits 128 bits). */
	if (k > 37) {
		t->overflow = true;
		return;
	}
	for (int64_t i = 0; i < (k < 0 ? -k : k); i++)
		p *= 10;
	if (k <= -39) {
		/* sig < 10^38: less than half of 10^-k. */
		sig = 0;
	} else if (k < 0) {
		r = sig % p;
		sig /= p;
		/* A lost digit lies below r's last: past half exactly when r is half. */
		sig += r > p / 2 || (r == p / 2 && (lost || (sig & 1)));
	} else if (sig > ~(unsigned __int128)0 / p) {
		t->overflow = true;
		return;
	} else {
		sig *= p;
	}
	if (sig / BPFQ_SCALE > UINT64_MAX)
		t->overflow = true;
	t->value = (uint64_t)(sig / BPFQ_SCALE);
	t->frac = (uint64_t)(sig % BPFQ_SCALE);
}

/*
 * Digits, a decimal's '.' and digits (digits on either side: .5 and 5.
 * are numbers), and an exponent. A number running straight into letters
 * ("5x", "1.5.2", "0x10") is one bad token, so the message can quote all
 * of it rather than the letter alone.
 */
static struct token number(const char *text, size_t len, size_t begin)
{
	struct token t = make(TOK_INT, begin, begin);
	size_t pos = digits(text, len, begin, &t.value, &t.overflow), date, e, mant;
	uint64_t exp = 0;
	bool eover = false;

	/* A date without quotes is not the subtraction it would lex as. */
	date = lex_date(text, len, begin);
	if (date && (begin + date == len || !is_ident(text[begin + date]))) {
		t.kind = TOK_ERROR;
		t.loc.end = begin + date;
		return t;
	}

	if (pos < len && text[pos] == '.') {
		t.kind = TOK_DEC;
		pos = fraction(text, len, pos + 1, &t);
	}
	mant = pos;
	if ((e = exponent_at(text, len, pos))) {
		t.kind = TOK_DEC;
		pos = digits(text, len, pos + e, &exp, &eover);
		if (eover || exp > BPFQ_EXP_MAX)
			exp = BPFQ_EXP_MAX;
	}
	if (e || t.inexact) {
		t.overflow = t.inexact = false;
		apply_exponent(text, begin, mant, e && text[mant + 1] == '-' ? -(int64_t)exp :
			       (int64_t)exp, &t);
	}
	if (pos < len && (is_ident(text[pos]) || text[pos] == '.')) {
		while (pos < len && (is_ident(text[pos]) || text[pos] == '.'))
			pos++;
		t.kind = TOK_ERROR;
	}
	if (t.overflow)
		t.value = 0;
	t.loc.end = pos;
	return t;
}

/* '$' digits: a field by its position. "$x" or a lone '$' is an error. */
static struct token field(const char *text, size_t len, size_t begin)
{
	struct token t = make(TOK_FIELD, begin, begin + 1);
	size_t pos = digits(text, len, begin + 1, &t.value, &t.overflow);

	if (pos == begin + 1 || (pos < len && is_ident(text[pos]))) {
		while (pos < len && is_ident(text[pos]))
			pos++;
		t.kind = TOK_ERROR;
	}
	t.loc.end = pos;
	return t;
}

/*
 * '...' or "..."; an unterminated one is an error to its end. With sql,
 * '' inside '...' is a quote, as in SQL (the parser decodes it); a path
 * has no escapes. A NUL byte is an error at it: no name or path can hold
 * one (open() would read the path only up to it).
 */
static struct token string(const char *text, size_t len, size_t begin, bool sql)
{
	for (size_t pos = begin + 1; pos < len; pos++) {
		if (text[pos] == text[begin] && sql && text[pos] == '\'' && pos + 1 < len &&
		    text[pos + 1] == '\'') {
			pos++;
			continue;
		}
		if (text[pos] == text[begin])
			return make(TOK_STRING, begin, pos + 1);
		if (text[pos] == '\0')
			return make(TOK_ERROR, pos, pos + 1);
	}
	return make(TOK_ERROR, begin, len);
}

static struct token word(const char *text, size_t len, size_t begin)
{
	size_t pos = begin;

	/* A '.' between name characters joins them: a JSON key path, req.status. */
	while (pos < len && (is_ident(text[pos]) ||
			     (text[pos] == '.' && pos + 1 < len && is_ident(text[pos + 1]))))
		pos++;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		const char *kw = keywords[i].word;

		if (strlen(kw) == pos - begin && !strncasecmp(kw, text + begin, pos - begin))
			return make(keywords[i].kind, begin, pos);
	}
	return make(TOK_IDENT, begin, pos);
}

/* Punctuation of one or two bytes; the second byte only for the pairs listed. */
static struct token punct(const char *text, size_t len, size_t pos)
{
	char c = text[pos], c2 = pos + 1 < len ? text[pos + 1] : '\0';

	switch (c) {
	case '(': return make(TOK_LPAREN, pos, pos + 1);
	case ')': return make(TOK_RPAREN, pos, pos + 1);
	case ',': return make(TOK_COMMA, pos, pos + 1);
	case ':': return make(TOK_COLON, pos, pos + 1);
	case '*': return make(TOK_STAR, pos, pos + 1);
	case '+': return make(TOK_PLUS, pos, pos + 1);
	case '-': return make(TOK_MINUS, pos, pos + 1);
	case '/': return make(TOK_SLASH, pos, pos + 1);
	case '%': return make(TOK_PERCENT, pos, pos + 1);
	case '=': return make(TOK_EQ, pos, pos + 1 + (c2 == '='));
	case '!':
		if (c2 == '=')
			return make(TOK_NE, pos, pos + 2);
		if (c2 == '~')
			return make(TOK_NOMATCH, pos, pos + 2);
		return make(TOK_NOT, pos, pos + 1);
	case '~': return make(TOK_MATCH, pos, pos + 1);
	case '<':
		if (c2 == '=')
			return make(TOK_LE, pos, pos + 2);
		if (c2 == '>')
			return make(TOK_NE, pos, pos + 2);
		return make(TOK_LT, pos, pos + 1);
	case '>':
		if (c2 == '=')
			return make(TOK_GE, pos, pos + 2);
		return make(TOK_GT, pos, pos + 1);
	case '&':
		if (c2 == '&')
			return make(TOK_AND, pos, pos + 2);
		break;
	case '|':
		if (c2 == '|')
			return make(TOK_OR, pos, pos + 2);
		break;
	}
	return make(TOK_ERROR, pos, pos + 1);
}

struct token lex_next(const char *text, size_t len, size_t pos)
{
	pos = skip_space(text, len, pos);
	if (pos >= len)
		return make(TOK_EOF, len, len);
	if (is_digit(text[pos]) || (text[pos] == '.' && pos + 1 < len && is_digit(text[pos + 1])))
		return number(text, len, pos);
	if (is_ident(text[pos]))
		return word(text, len, pos);
	if (text[pos] == '$')
		return field(text, len, pos);
	if (text[pos] == '\'' || text[pos] == '"')
		return string(text, len, pos, true);
	return punct(text, len, pos);
}

struct token lex_path(const char *text, size_t len, size_t pos)
{
	size_t begin = skip_space(text, len, pos);
	char quote;

	if (begin >= len)
		return make(TOK_EOF, len, len);
	quote = text[begin];
	if (quote == '\'' || quote == '"') {
		/* No escapes: a path holding both quote characters is not expressible. */
		struct token t = string(text, len, begin, false);

		if (t.kind == TOK_STRING)
			t.kind = TOK_PATH;
		return t;
	}
	for (pos = begin; pos < len && !is_space(text[pos]); pos++)
		if (text[pos] == '\0')
			return make(TOK_ERROR, pos, pos + 1);
	return make(TOK_PATH, begin, pos);
}
