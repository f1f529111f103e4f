// SPDX-License-Identifier: MIT
/*
 * Recursive descent, one function per grammar rule, in the manner of Lua's
 * lparser.c; each rule's production is its first comment line. A rule
 * returns its node, or NULL after filling the diag: the first error ends
 * the parse, and the arena frees whatever was built.
 *
 * Two limits keep every later pass safe from deep recursion: `depth`
 * counts the nesting the parser recurses on ('(', '-', 'not'), `height`
 * the height of the tree built (a long chain like x+x+...+x recurses in
 * sema, codegen and the evaluator though the parser loops over it).
 *
 * A parenthesized expression keeps the location of what is inside, but an
 * operator around it spans the parentheses too: `extent` carries that
 * outer range up, so "(x + 1) * 2" is underlined whole, not from the x.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lang/front/lexer.h"
#include "lang/front/parser.h"
#include "lang/front/suggest.h"

struct parser {
	const char *text;
	size_t len;
	struct query *q;
	struct diag *d;
	struct token tok;	/* the current token */
	int depth;		/* open '(', '-' and 'not' around the current token */
	int height;		/* height of the tree the last rule returned; leaves are 0 */
	struct loc extent;	/* its source text, with any parentheses around it */
};

/* diag_set() for rules that return a node. */
#define FAIL(p, loc, ...) (diag_set((p)->d, (loc), __VA_ARGS__), NULL)

#define TEXT_MAX 32

/* A token as messages quote it: "'wher'", or "end of query". */
struct quoted {
	char s[TEXT_MAX * 4 + 8];
};

/* Non-printable bytes (and the quote) as \xNN, long tokens cut with "...". */
static struct quoted quote(const struct parser *p, struct token t)
{
	struct quoted out;
	size_t n = 0;

	if (t.kind == TOK_EOF)
		return (struct quoted){ "end of query" };
	out.s[n++] = '\'';
	for (uint32_t i = t.loc.begin; i < t.loc.end; i++) {
		unsigned char c = p->text[i];

		if (i - t.loc.begin == TEXT_MAX) {
			memcpy(out.s + n, "...", 3);
			n += 3;
			break;
		}
		if (c < 0x20 || c >= 0x7f || c == '\'' || c == '\\')
			n += snprintf(out.s + n, sizeof(out.s) - n, "\\x%02x", c);
		else
			out.s[n++] = c;
	}
	out.s[n++] = '\'';
	out.s[n] = '\0';
	return out;
}

static bool lex_error(struct parser *p, struct token t)
{
	size_t date = lex_date(p->text, p->len, t.loc.begin);

	if (date && t.loc.begin + date == t.loc.end)
		return diag_set(p->d, t.loc, "%s is a date: a date is written in ISO 8601 and in "
				"quotes, as '2001-03-01'; with spaces around '-' it is a "
				"subtraction", quote(p, t).s);
	if (p->text[t.loc.begin] == '\'' && t.loc.end == p->len)
		return diag_set(p->d, t.loc, "unterminated string; a quote inside one is "
				"written twice, as 'it''s'");
	if (p->text[t.loc.begin] == '"' && t.loc.end == p->len)
		return diag_set(p->d, t.loc, "unterminated quoted name");
	if (p->text[t.loc.begin] >= '0' && p->text[t.loc.begin] <= '9')
		return diag_set(p->d, t.loc, "invalid number %s", quote(p, t).s);
	return diag_set(p->d, t.loc, "unexpected character %s", quote(p, t).s);
}

/* Move to the next token; a lexer error ends the parse there. */
static bool next(struct parser *p)
{
	p->tok = lex_next(p->text, p->len, p->tok.loc.end);
	if (p->tok.kind == TOK_ERROR)
		return lex_error(p, p->tok);
	return true;
}

static struct node *new_node(struct parser *p, enum node_kind kind, struct loc loc)
{
	struct node *n = node_new(p->q, kind, loc);

	if (!n)
		return FAIL(p, loc, "out of memory");
	return n;
}

/* Append to an arena array that doubles: full at sizes 0, 1, 2, 4, ... */
static bool append(struct parser *p, struct node ***arr, int *n, struct node *node)
{
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? 2 * (size_t)*n : 1;
		struct node **grown = arena_alloc(&p->q->arena, cap * sizeof(*grown));

		if (!grown)
			return diag_set(p->d, node->loc, "out of memory");
		if (*n)
			memcpy(grown, *arr, *n * sizeof(*grown));
		*arr = grown;
	}
	(*arr)[(*n)++] = node;
	return true;
}

static struct loc span(struct loc a, struct loc b)
{
	return (struct loc){ a.begin, b.end };
}

static bool too_deep(struct parser *p, struct loc at)
{
	return diag_set(p->d, at, "expression nested too deeply (more than %d levels)",
			PARSE_MAX_DEPTH);
}

/* One more level of recursion, entered at the token `at`. */
static bool enter(struct parser *p, struct loc at)
{
	if (++p->depth > PARSE_MAX_DEPTH)
		return too_deep(p, at);
	return true;
}

static bool set_height(struct parser *p, int height, struct loc at)
{
	if (height > PARSE_MAX_DEPTH)
		return too_deep(p, at);
	p->height = height;
	return true;
}

/* line:column of an offset, for messages that name a second place. */
static void position(const struct parser *p, uint32_t off, unsigned *line, unsigned *col)
{
	uint32_t start = 0;

	*line = 1;
	for (uint32_t i = 0; i < off; i++) {
		if (p->text[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	}
	*col = off - start + 1;
}

/* Expect the ')' that closes `open`. */
static bool close_paren(struct parser *p, struct token open)
{
	unsigned line, col;

	if (p->tok.kind == TOK_RPAREN)
		return next(p);
	position(p, open.loc.begin, &line, &col);
	return diag_set(p->d, p->tok.loc, "expected ')' to close the '(' at %u:%u, got %s",
			line, col, quote(p, p->tok).s);
}

static struct node *expr(struct parser *p);

typedef struct node *rule_fn(struct parser *p);

/* The current token is an operator OP: parse `lhs OP rule`. */
static struct node *binary(struct parser *p, enum node_kind kind, struct node *lhs, rule_fn *rule)
{
	struct token op = p->tok;
	int lhs_height = p->height;
	struct loc lhs_extent = p->extent;
	struct node *rhs, *n;

	if (!next(p) || !(rhs = rule(p)))
		return NULL;
	if (!set_height(p, (lhs_height > p->height ? lhs_height : p->height) + 1, op.loc))
		return NULL;
	p->extent = span(lhs_extent, p->extent);
	n = new_node(p, kind, p->extent);
	if (!n)
		return NULL;
	n->op_loc = op.loc;
	n->lhs = lhs;
	n->rhs = rhs;
	return n;
}

/* The current token is a prefix operator OP: parse `OP rule`. */
static struct node *prefix(struct parser *p, enum node_kind kind, rule_fn *rule)
{
	struct token op = p->tok;
	struct node *operand, *n;

	if (!enter(p, op.loc) || !next(p) || !(operand = rule(p)))
		return NULL;
	p->depth--;
	if (!set_height(p, p->height + 1, op.loc))
		return NULL;
	p->extent = span(op.loc, p->extent);
	n = new_node(p, kind, p->extent);
	if (!n)
		return NULL;
	n->op_loc = op.loc;
	n->lhs = operand;
	return n;
}

/*
 * The current token is an INT, begin is where the literal starts (at its
 * '-' when negated). Folding the sign in makes -9223372036854775808 a
 * literal; out-of-range magnitudes are left for sema to report.
 */
static struct node *literal(struct parser *p, uint32_t begin, bool negative)
{
	struct token t = p->tok;
	uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	struct node *n = new_node(p, NODE_INT, (struct loc){ begin, t.loc.end });

	if (!n)
		return NULL;
	if (t.overflow || t.value > limit)
		n->out_of_range = true;
	else if (negative)
		n->value = t.value == limit ? INT64_MIN : -(int64_t)t.value;
	else
		n->value = (int64_t)t.value;
	p->height = 0;
	p->extent = n->loc;
	return next(p) ? n : NULL;
}

/* The current token is a DEC; begin is where it starts (at its '-' when negated). */
static struct node *decimal(struct parser *p, uint32_t begin, bool negative)
{
	struct token t = p->tok;
	struct node *n = new_node(p, NODE_DEC, (struct loc){ begin, t.loc.end });

	if (!n)
		return NULL;
	/* The range is that of every number: -2^63 <= v < 2^63; and 18 decimals. */
	if (t.overflow || t.value > (uint64_t)INT64_MAX)
		n->out_of_range = true;
	n->dec = (__int128)t.value * BPFQ_SCALE + t.frac;
	if (negative)
		n->dec = -n->dec;
	p->height = 0;
	p->extent = n->loc;
	return next(p) ? n : NULL;
}

/* '$' N: a field by position; sema checks N. */
static struct node *field_ref(struct parser *p)
{
	struct node *n = new_node(p, NODE_FIELD, p->tok.loc);

	if (!n)
		return NULL;
	n->field = p->tok.overflow || p->tok.value > BPFQ_MAX_FIELD ? FIELD_BAD :
		   (int)p->tok.value - 1;
	p->height = 0;
	p->extent = n->loc;
	return next(p) ? n : NULL;
}

/* 'text': its bytes between the quotes, each '' made one quote, in the arena. */
static struct node *string_literal(struct parser *p)
{
	struct loc at = p->tok.loc;
	struct node *n = new_node(p, NODE_STR, at);
	char *bytes;
	uint32_t len = 0;

	if (!n || !(bytes = arena_alloc(&p->q->arena, at.end - at.begin)))
		return n ? FAIL(p, at, "out of memory") : NULL;
	for (uint32_t i = at.begin + 1; i + 1 < at.end; i++) {
		bytes[len++] = p->text[i];
		i += p->text[i] == '\'';
	}
	n->str = bytes;
	n->slen = len;
	p->height = 0;
	p->extent = at;
	return next(p) ? n : NULL;
}

/* A string where a value goes: "name" is a column, 'text' is a string. */
static struct node *quoted_name(struct parser *p)
{
	if (p->text[p->tok.loc.begin] == '\'')
		return string_literal(p);
	for (uint32_t i = p->tok.loc.begin + 1; i + 1 < p->tok.loc.end; i++) {
		unsigned char c = p->text[i];
		struct token byte = { .kind = TOK_ERROR, .loc = { i, i + 1 } };

		/* A name is shown (labels, messages) as one line with no
		 * escapes; a column whose header holds such a byte is $N. */
		if (c < 0x20 || c == 0x7f || c == '\\')
			return FAIL(p, byte.loc, "a column name cannot hold the byte %s "
				    "(a control byte or a backslash)", quote(p, byte).s);
	}
	p->height = 0;
	p->extent = p->tok.loc;
	struct node *n = new_node(p, NODE_NAME, p->tok.loc);

	return n && next(p) ? n : NULL;
}

/* The current token is '*' inside a call: only count(*) means anything. */
static struct node *star(struct parser *p)
{
	struct node *n = new_node(p, NODE_STAR, p->tok.loc);

	if (!n || !next(p))
		return NULL;
	/* At end of query the unclosed '(' is the better message. */
	if (p->tok.kind != TOK_RPAREN && p->tok.kind != TOK_EOF)
		return FAIL(p, n->loc, "'*' is only allowed as count(*)");
	p->height = 0;
	p->extent = n->loc;
	return n;
}

/* args := '*' | expr (',' expr)* */
static bool args(struct parser *p, struct node *call)
{
	int height = 0;
	struct node *a;

	if (p->tok.kind == TOK_STAR)
		return (a = star(p)) && append(p, &call->args, &call->nargs, a);
	for (;;) {
		if (!(a = expr(p)) || !append(p, &call->args, &call->nargs, a))
			return false;
		if (p->height > height)
			height = p->height;
		if (p->tok.kind != TOK_COMMA)
			break;
		if (!next(p))
			return false;
	}
	p->height = height;
	return true;
}

static bool word_is(const struct parser *p, struct loc at, const char *w)
{
	size_t n = at.end - at.begin;

	return strlen(w) == n && !strncasecmp(p->text + at.begin, w, n);
}

/*
 * count(distinct e), the current token after '(': 'distinct' is a word
 * only there, so count(distinct) still counts a column named distinct.
 */
static bool count_distinct(const struct parser *p, struct token name)
{
	struct token after;

	if (!word_is(p, name.loc, "count") || p->tok.kind != TOK_IDENT ||
	    !word_is(p, p->tok.loc, "distinct"))
		return false;
	after = lex_next(p->text, p->len, p->tok.loc.end);
	return after.kind != TOK_RPAREN && after.kind != TOK_COMMA && after.kind != TOK_EOF;
}

/*
 * ['filter' '(' 'where' expr ')'] after a call's ')': 'filter' is a word
 * only there, before a '(', so a column may still be called filter. The
 * call's height and location take the condition in.
 */
static bool filter(struct parser *p, struct node *n)
{
	struct token open;
	int height = p->height;

	if (p->tok.kind != TOK_IDENT || !word_is(p, p->tok.loc, "filter") ||
	    lex_next(p->text, p->len, p->tok.loc.end).kind != TOK_LPAREN)
		return true;
	if (!next(p))
		return false;
	open = p->tok;
	if (!enter(p, open.loc) || !next(p))
		return false;
	if (p->tok.kind != TOK_WHERE)
		return diag_set(p->d, p->tok.loc, "expected 'where' after 'filter (', got %s",
				quote(p, p->tok).s);
	if (!next(p) || !(n->rhs = expr(p)))
		return false;
	if (p->height > height)
		height = p->height;
	n->loc = span(n->loc, p->tok.loc);
	if (!close_paren(p, open))
		return false;
	p->depth--;
	p->height = height;
	return true;
}

/* IDENT '(' ['distinct'] [args] ')' [filter]: the current token is the '(' */
static struct node *call(struct parser *p, struct token name)
{
	struct token open = p->tok;
	struct node *n = new_node(p, NODE_CALL, name.loc);

	if (!n || !enter(p, open.loc) || !next(p))
		return NULL;
	p->height = 0;
	if ((n->distinct = count_distinct(p, name)) && !next(p))
		return NULL;
	if (p->tok.kind != TOK_RPAREN && !args(p, n))
		return NULL;
	n->loc = span(name.loc, p->tok.loc);
	if (!close_paren(p, open))
		return NULL;
	p->depth--;
	if (!filter(p, n))
		return NULL;
	/* Unchecked: calls nest only through '(', which depth bounds. */
	p->height++;
	p->extent = n->loc;
	return n;
}

/* IDENT | IDENT '(' [args] ')' */
static struct node *name_or_call(struct parser *p)
{
	struct token name = p->tok;

	if (!next(p))
		return NULL;
	if (p->tok.kind == TOK_LPAREN)
		return call(p, name);
	p->height = 0;
	p->extent = name.loc;
	return new_node(p, NODE_NAME, name.loc);
}

/* '(' expr ')': the node keeps the inner location, without the parentheses */
static struct node *group(struct parser *p)
{
	struct token open = p->tok;
	struct loc close;
	struct node *n;

	if (!enter(p, open.loc) || !next(p) || !(n = expr(p)))
		return NULL;
	close = p->tok.loc;
	if (!close_paren(p, open))
		return NULL;
	p->depth--;
	p->extent = span(open.loc, close);
	return n;
}

/* primary := INT | DEC | FIELD | IDENT | "name" | 'text' | IDENT '(' [args] ')' | '(' expr ')' */
static struct node *primary(struct parser *p)
{
	switch (p->tok.kind) {
	case TOK_INT:
		return literal(p, p->tok.loc.begin, false);
	case TOK_DEC:
		return decimal(p, p->tok.loc.begin, false);
	case TOK_FIELD:
		return field_ref(p);
	case TOK_STRING:
		return quoted_name(p);
	case TOK_IDENT:
		return name_or_call(p);
	case TOK_LPAREN:
		return group(p);
	case TOK_STAR:
		return FAIL(p, p->tok.loc, "'*' is only allowed as count(*)");
	default:
		return FAIL(p, p->tok.loc, "expected an expression, got %s", quote(p, p->tok).s);
	}
}

/* unary := '-' unary | primary */
static struct node *unary(struct parser *p)
{
	uint32_t minus = p->tok.loc.begin;

	enum token_kind after;

	if (p->tok.kind != TOK_MINUS)
		return primary(p);
	after = lex_next(p->text, p->len, p->tok.loc.end).kind;
	if (after == TOK_INT)
		return next(p) ? literal(p, minus, true) : NULL;
	if (after == TOK_DEC)
		return next(p) ? decimal(p, minus, true) : NULL;
	return prefix(p, NODE_NEG, unary);
}

/* mul := unary (('*'|'/'|'%') unary)* */
static struct node *mul(struct parser *p)
{
	struct node *n = unary(p);

	for (;;) {
		switch (n ? p->tok.kind : TOK_EOF) {
		case TOK_STAR: n = binary(p, NODE_MUL, n, unary); break;
		case TOK_SLASH: n = binary(p, NODE_DIV, n, unary); break;
		case TOK_PERCENT: n = binary(p, NODE_MOD, n, unary); break;
		default: return n;
		}
	}
}

/* add := mul (('+'|'-') mul)* */
static struct node *add(struct parser *p)
{
	struct node *n = mul(p);

	for (;;) {
		switch (n ? p->tok.kind : TOK_EOF) {
		case TOK_PLUS: n = binary(p, NODE_ADD, n, mul); break;
		case TOK_MINUS: n = binary(p, NODE_SUB, n, mul); break;
		default: return n;
		}
	}
}

/* The comparison a token stands for, or NODE_INT if it is none. */
static enum node_kind comparison(enum token_kind kind)
{
	switch (kind) {
	case TOK_EQ: return NODE_EQ;
	case TOK_NE: return NODE_NE;
	case TOK_LT: return NODE_LT;
	case TOK_LE: return NODE_LE;
	case TOK_GT: return NODE_GT;
	case TOK_GE: return NODE_GE;
	case TOK_MATCH: case TOK_NOMATCH: return NODE_MATCH;
	default: return NODE_INT;
	}
}

/* A node over lhs and the args already parsed: between, in. */
static struct node *ranged(struct parser *p, enum node_kind kind, struct node *lhs,
			   struct token op, bool negated, struct loc lhs_extent, int height)
{
	struct node *n;

	if (!set_height(p, height + 1, op.loc))
		return NULL;
	n = new_node(p, kind, span(lhs_extent, p->extent));
	if (!n)
		return NULL;
	p->extent = n->loc;
	n->op_loc = op.loc;
	n->lhs = lhs;
	n->negated = negated;
	return n;
}

/* 'between' add 'and' add: the bounds are sums, so this 'and' is not the logical one. */
static struct node *between(struct parser *p, struct node *lhs, bool negated)
{
	struct token op = p->tok;
	struct loc lhs_extent = p->extent;
	int height = p->height;
	struct node *lo, *hi, *n;

	if (!next(p) || !(lo = add(p)))
		return NULL;
	height = height > p->height ? height : p->height;
	if (p->tok.kind != TOK_AND)
		return FAIL(p, p->tok.loc, "expected 'and' in 'between ... and ...', got %s",
			    quote(p, p->tok).s);
	if (!next(p) || !(hi = add(p)))
		return NULL;
	height = height > p->height ? height : p->height;
	n = ranged(p, NODE_BETWEEN, lhs, op, negated, lhs_extent, height);
	if (!n || !append(p, &n->args, &n->nargs, lo) || !append(p, &n->args, &n->nargs, hi))
		return NULL;
	return n;
}

/* 'in' '(' expr (',' expr)* ')' */
static struct node *in_list(struct parser *p, struct node *lhs, bool negated)
{
	struct token op = p->tok, open;
	struct loc lhs_extent = p->extent;
	int height = p->height;
	struct node *list;

	if (!next(p))
		return NULL;
	open = p->tok;
	if (open.kind != TOK_LPAREN)
		return FAIL(p, open.loc, "expected '(' after 'in', got %s", quote(p, open).s);
	/* A call node holds the list while it is parsed. */
	list = new_node(p, NODE_CALL, open.loc);
	if (!list || !enter(p, open.loc) || !next(p) || !args(p, list))
		return NULL;
	height = height > p->height ? height : p->height;
	p->extent = span(open.loc, p->tok.loc);
	if (!close_paren(p, open))
		return NULL;
	p->depth--;
	if (list->nargs == 1 && list->args[0]->kind == NODE_STAR)
		return FAIL(p, list->args[0]->loc, "'*' is only allowed as count(*)");
	struct node *n = ranged(p, NODE_IN, lhs, op, negated, lhs_extent, height);

	if (!n)
		return NULL;
	n->args = list->args;
	n->nargs = list->nargs;
	return n;
}

/* t is the word w (any case): 'is' and 'null' are no keywords; columns may be named so. */
static bool token_is(const struct parser *p, struct token t, const char *w)
{
	return t.kind == TOK_IDENT && word_is(p, t.loc, w);
}

/* 'is' ['not'] 'null', the current token 'is' */
static struct node *is_null(struct parser *p, struct node *lhs)
{
	struct token op = p->tok;
	struct loc lhs_extent = p->extent;
	int height = p->height;
	bool negated;
	struct node *n;

	if (!next(p))
		return NULL;
	negated = p->tok.kind == TOK_NOT;
	if (negated && !next(p))
		return NULL;
	if (!token_is(p, p->tok, "null"))
		return FAIL(p, p->tok.loc, "expected 'null' after '%s', got %s",
			    negated ? "is not" : "is", quote(p, p->tok).s);
	p->extent = p->tok.loc;
	op.loc.end = p->tok.loc.end;
	n = ranged(p, NODE_ISNULL, lhs, op, negated, lhs_extent, height);
	return n && next(p) ? n : NULL;
}

/* lhs ['not'] 'like'|'ilike' add, the current token like or ilike */
static struct node *like(struct parser *p, struct node *lhs, struct token op, bool negated)
{
	int match = BPFQ_MATCH_WILD | (token_is(p, p->tok, "ilike") ? BPFQ_MATCH_CI : 0);
	struct node *n = binary(p, NODE_LIKE, lhs, add);

	if (!n)
		return NULL;
	n->op_loc = span(op.loc, n->op_loc);
	n->negated = negated;
	n->match = match;
	return n;
}

static bool is_like(const struct parser *p, struct token t)
{
	return token_is(p, t, "like") || token_is(p, t, "ilike");
}

/* A comparison just parsed: another may not follow it. */
static struct node *no_chain(struct parser *p, struct node *n)
{
	if (n && (comparison(p->tok.kind) != NODE_INT || p->tok.kind == TOK_BETWEEN ||
		  p->tok.kind == TOK_IN || token_is(p, p->tok, "is") || is_like(p, p->tok)))
		return FAIL(p, p->tok.loc, "comparisons do not chain; combine them with 'and'");
	return n;
}

/* cmp := add (CMPOP add | ['not'] 'between' add 'and' add | ['not'] 'in' '(' list ')'
 * | 'is' ['not'] 'null' | ['not'] ('like' | 'ilike') add | ('~' | '!~') add)?
 * -- comparisons do not chain */
static struct node *cmp(struct parser *p)
{
	struct node *n = add(p);
	enum node_kind kind;
	bool negated = false;

	if (!n)
		return NULL;
	if (token_is(p, p->tok, "is"))
		return no_chain(p, is_null(p, n));
	if (is_like(p, p->tok))
		return no_chain(p, like(p, n, p->tok, false));
	if (p->tok.kind == TOK_NOT) {
		struct token neg = p->tok, after = lex_next(p->text, p->len, p->tok.loc.end);

		if (is_like(p, after))
			return next(p) ? no_chain(p, like(p, n, neg, true)) : NULL;
		if (after.kind != TOK_BETWEEN && after.kind != TOK_IN)
			return n;
		negated = true;
		if (!next(p))
			return NULL;
	}
	if (p->tok.kind == TOK_BETWEEN)
		n = between(p, n, negated);
	else if (p->tok.kind == TOK_IN)
		n = in_list(p, n, negated);
	else if ((kind = comparison(p->tok.kind)) == NODE_INT)
		return n;
	else {
		negated = p->tok.kind == TOK_NOMATCH;
		n = binary(p, kind, n, add);
		if (n)
			n->negated = negated;
	}
	return no_chain(p, n);
}

/* not := NOT not | cmp */
static struct node *not_expr(struct parser *p)
{
	if (p->tok.kind == TOK_NOT)
		return prefix(p, NODE_NOT, not_expr);
	return cmp(p);
}

/* and := not (AND not)* */
static struct node *and_expr(struct parser *p)
{
	struct node *n = not_expr(p);

	while (n && p->tok.kind == TOK_AND)
		n = binary(p, NODE_AND, n, not_expr);
	return n;
}

/* or := and (OR and)* */
static struct node *or_expr(struct parser *p)
{
	struct node *n = and_expr(p);

	while (n && p->tok.kind == TOK_OR)
		n = binary(p, NODE_OR, n, and_expr);
	return n;
}

/* expr := or */
static struct node *expr(struct parser *p)
{
	return or_expr(p);
}

static bool starts_expr(enum token_kind kind)
{
	/* '*' too, so that "* from f" hears about count(*). */
	return kind == TOK_INT || kind == TOK_DEC || kind == TOK_FIELD || kind == TOK_STRING ||
	       kind == TOK_IDENT || kind == TOK_LPAREN || kind == TOK_MINUS || kind == TOK_NOT ||
	       kind == TOK_STAR;
}

static bool starts_clause(enum token_kind kind)
{
	return kind == TOK_WHERE || kind == TOK_FROM || kind == TOK_BY || kind == TOK_GROUP;
}

/* 'having', 'order' and 'limit' are words, not keywords: columns may be named so. */
static bool post_word(const char *text, struct token t)
{
	static const char *const words[] = { "having", "order", "limit" };
	size_t n = t.loc.end - t.loc.begin;

	for (size_t i = 0; t.kind == TOK_IDENT && i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !strncasecmp(text + t.loc.begin, words[i], n))
			return true;
	return false;
}

static bool starts_any_clause(const struct parser *p)
{
	return starts_clause(p->tok.kind) || post_word(p->text, p->tok);
}

static bool ends_items(const struct parser *p)
{
	return starts_any_clause(p) || p->tok.kind == TOK_EOF;
}

/* item := expr ['as' IDENT] */
static struct node *item(struct parser *p)
{
	struct node *n = expr(p);

	if (!n || p->tok.kind != TOK_AS)
		return n;
	if (!next(p))
		return NULL;
	if (p->tok.kind != TOK_IDENT)
		return FAIL(p, p->tok.loc, "expected a name after 'as', got %s", quote(p, p->tok).s);
	n->as = p->tok.loc;
	return next(p) ? n : NULL;
}

/* items := item (',' item)* -- sema checks that each is over aggregates */
static bool items(struct parser *p)
{
	struct node *n;

	for (;;) {
		if (!starts_expr(p->tok.kind))
			return diag_set(p->d, p->tok.loc, "expected an aggregate such as sum(x), got %s",
					quote(p, p->tok).s);
		if (!(n = item(p)) || !append(p, &p->q->items, &p->q->nitems, n))
			return false;
		if (p->tok.kind != TOK_COMMA)
			break;
		if (!next(p))
			return false;
	}
	if (!ends_items(p))
		return diag_set(p->d, p->tok.loc, "expected 'where', 'from', 'by' or ',' after "
				"aggregate");
	return true;
}

/* 'where' expr */
static bool where_clause(struct parser *p)
{
	if (p->q->where)
		return diag_set(p->d, p->tok.loc, "more than one 'where' clause");
	if (!next(p))
		return false;
	p->q->where = expr(p);
	return p->q->where != NULL;
}

/* The path without its quotes, NUL-terminated, in the arena, after the others. */
static bool store_path(struct parser *p, struct token t)
{
	struct query *q = p->q;
	const char *s = p->text + t.loc.begin;
	size_t n = t.loc.end - t.loc.begin;
	char *path, **paths;

	if (*s == '\'' || *s == '"') {
		s++;
		n -= 2;
	}
	path = arena_alloc(&q->arena, n + 1);
	paths = arena_alloc(&q->arena, (q->npaths + 1) * sizeof(*paths));
	if (!path || !paths)
		return diag_set(p->d, t.loc, "out of memory");
	memcpy(path, s, n);
	if (q->npaths)
		memcpy(paths, q->paths, q->npaths * sizeof(*paths));
	paths[q->npaths++] = path;
	q->paths = paths;
	if (q->npaths == 1) {
		q->path = path;
		q->path_loc = t.loc;
	}
	return true;
}

/* Whether the current token is the word w (any case). */
static bool is_word(const struct parser *p, const char *w)
{
	size_t n = p->tok.loc.end - p->tok.loc.begin;

	return p->tok.kind == TOK_IDENT && strlen(w) == n &&
	       !strncasecmp(p->text + p->tok.loc.begin, w, n);
}

static bool expect(struct parser *p, enum token_kind kind, const char *what)
{
	if (p->tok.kind != kind)
		return diag_set(p->d, p->tok.loc, "expected %s, got %s", what, quote(p, p->tok).s);
	return next(p);
}

/* i8 u8 i16 u16 i32 u32 i64 u64, with 'be' (big-endian) or 'le' after. */
static bool binary_type(struct parser *p, struct rec_field *f)
{
	static const char *const names[] = { "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64" };
	const char *w = p->text + p->tok.loc.begin;
	size_t n = p->tok.loc.end - p->tok.loc.begin;

	if (p->tok.kind != TOK_IDENT)
		return false;
	for (int t = 0; t < 8; t++) {
		size_t k = strlen(names[t]);

		if (n < k || strncasecmp(w, names[t], k))
			continue;
		if (n == k || (n == k + 2 && (!strncasecmp(w + k, "be", 2) ||
					      !strncasecmp(w + k, "le", 2)))) {
			f->type = t;
			f->big_endian = n == k + 2 && !strncasecmp(w + k, "be", 2);
			return true;
		}
	}
	return false;
}

static int type_size(uint8_t type)
{
	return 1 << (type / 2);
}

/* record '(' name ':' type (',' name ':' type)* ')' */
static bool record_format(struct parser *p, struct input_format *fmt)
{
	struct token open;

	if (!next(p))
		return false;
	open = p->tok;
	if (!expect(p, TOK_LPAREN, "'(' and the fields, as record(id:u32, v:i64)"))
		return false;
	for (;;) {
		struct rec_field f = { .name = p->tok.loc };

		if (p->tok.kind != TOK_IDENT)
			return diag_set(p->d, p->tok.loc, "expected a field name, got %s",
					quote(p, p->tok).s);
		if (fmt->nfields == BPFQ_MAX_REC_FIELDS)
			return diag_set(p->d, p->tok.loc, "too many fields: at most %d in a record",
					BPFQ_MAX_REC_FIELDS);
		if (!next(p) || !expect(p, TOK_COLON, "':' and a type, as id:u32"))
			return false;
		if (!binary_type(p, &f))
			return diag_set(p->d, p->tok.loc, "expected a type (i8, u8, i16, u16, i32, "
					"u32, i64, u64; 'be' after for big-endian), got %s",
					quote(p, p->tok).s);
		f.offset = fmt->record_size;
		fmt->record_size += type_size(f.type);
		if (fmt->record_size > BPFQ_MAX_RECORD)
			return diag_set(p->d, p->tok.loc, "record too long: at most %d bytes",
					BPFQ_MAX_RECORD);
		fmt->fields[fmt->nfields++] = f;
		if (!next(p))
			return false;
		if (p->tok.kind != TOK_COMMA)
			break;
		if (!next(p))
			return false;
	}
	return close_paren(p, open);
}

#define SKIP_MAX 1000000000	/* a line count, not a size: the bound only keeps it in range */

/* 'skip' '=' INT: leading lines that are not data (sklearn's files start with counts). */
static bool skip_option(struct parser *p, struct input_format *fmt)
{
	if (!next(p) || !expect(p, TOK_EQ, "'=' after skip"))
		return false;
	if (p->tok.kind != TOK_INT || p->tok.overflow || p->tok.value > SKIP_MAX)
		return diag_set(p->d, p->tok.loc, "skip takes a count of lines from 0 to %d, as "
				"skip=1; got %s", SKIP_MAX, quote(p, p->tok).s);
	fmt->skip = (uint32_t)p->tok.value;
	return next(p);
}

/* csv options: 'header' | 'noheader' | 'delim' '=' STRING (one byte) | skip */
static bool csv_option(struct parser *p, struct input_format *fmt)
{
	struct token t;

	if (is_word(p, "header") || is_word(p, "noheader")) {
		fmt->header = is_word(p, "header") ? HEADER_YES : HEADER_NO;
		return next(p);
	}
	if (is_word(p, "skip"))
		return skip_option(p, fmt);
	if (!is_word(p, "delim"))
		return diag_set(p->d, p->tok.loc, "expected a csv option (header, noheader, "
				"delim='c', skip=N), got %s", quote(p, p->tok).s);
	if (!next(p) || !expect(p, TOK_EQ, "'=' after delim"))
		return false;
	t = p->tok;
	/* One byte between the quotes; 	 is the tab, the one escape. */
	if (t.kind == TOK_STRING && t.loc.end - t.loc.begin == 4 &&
	    !strncmp(p->text + t.loc.begin + 1, "\\t", 2))
		fmt->delim = '\t';
	else if (t.kind == TOK_STRING && t.loc.end - t.loc.begin == 3)
		fmt->delim = p->text[t.loc.begin + 1];
	else
		return diag_set(p->d, t.loc, "delim takes one character in quotes, as delim=';' "
				"or delim=\"\\t\"");
	if (fmt->delim == '"' || fmt->delim == '\n' || fmt->delim == '\r')
		return diag_set(p->d, t.loc, "a quote or a line end cannot be the delimiter");
	fmt->delim_given = true;
	return next(p);
}

/* numbers and text: ['(' 'skip' '=' INT ')'] */
static bool skip_only(struct parser *p, struct input_format *fmt)
{
	struct token open = p->tok;

	if (p->tok.kind != TOK_LPAREN)
		return true;
	if (!next(p))
		return false;
	if (!is_word(p, "skip"))
		return diag_set(p->d, p->tok.loc, "expected an option of %s (skip=N), got %s",
				fmt->kind == INPUT_TEXT ? "text" : "numbers", quote(p, p->tok).s);
	return skip_option(p, fmt) && close_paren(p, open);
}

/* csv ['(' option (',' option)* ')'] */
static bool csv_format(struct parser *p, struct input_format *fmt)
{
	struct token open;

	if (!next(p))
		return false;
	if (p->tok.kind != TOK_LPAREN)
		return true;
	open = p->tok;
	if (!next(p))
		return false;
	for (;;) {
		if (!csv_option(p, fmt))
			return false;
		if (p->tok.kind != TOK_COMMA)
			break;
		if (!next(p))
			return false;
	}
	return close_paren(p, open);
}

/* Not a format: what it is, and the format's name nearest to a word. */
static bool unknown_format(struct parser *p)
{
	static const char *const names[] = {
		"numbers", "text", "csv", "json", "record", "i8", "u8", "i16", "u16", "i32", "u32",
		"i64", "u64", "i16be", "u16be", "i32be", "u32be", "i64be", "u64be",
	};
	char clause[64] = "";

	if (p->tok.kind == TOK_IDENT)
		suggest_clause(clause, sizeof(clause), p->text + p->tok.loc.begin,
			       p->tok.loc.end - p->tok.loc.begin, names,
			       sizeof(names) / sizeof(names[0]));
	return diag_set(p->d, p->tok.loc, "expected a format after 'as' (numbers, text, "
			"csv, json, i8 ... u64, record(...)), got %s%s", quote(p, p->tok).s,
			p->tok.kind == TOK_IDENT ? clause : "");
}

/* 'as' (numbers | text | csv [options] | json | TYPE | record(fields)) */
static bool format_clause(struct parser *p)
{
	struct input_format *fmt = &p->q->format;
	struct rec_field f = { 0 };
	uint32_t begin;

	if (!next(p))
		return false;
	begin = p->tok.loc.begin;
	fmt->given = true;
	fmt->delim = ',';
	if (is_word(p, "numbers") || is_word(p, "text")) {
		fmt->kind = is_word(p, "text") ? INPUT_TEXT : INPUT_NUMBERS;
		if (!next(p) || !skip_only(p, fmt))
			return false;
	} else if (is_word(p, "csv")) {
		fmt->kind = INPUT_CSV;
		if (!csv_format(p, fmt))
			return false;
	} else if (is_word(p, "json")) {
		fmt->kind = INPUT_JSON;
		if (!next(p))
			return false;
	} else if (is_word(p, "record")) {
		fmt->kind = INPUT_BINARY;
		if (!record_format(p, fmt))
			return false;
	} else if (binary_type(p, &f)) {
		fmt->kind = INPUT_BINARY;
		fmt->stream = true;
		fmt->fields[fmt->nfields++] = f;
		fmt->record_size = type_size(f.type);
		if (!next(p))
			return false;
	} else {
		return unknown_format(p);
	}
	fmt->loc = (struct loc){ begin, p->tok.loc.begin };
	/* Without the blanks before the next token. */
	while (fmt->loc.end > begin && (p->text[fmt->loc.end - 1] == ' ' ||
					p->text[fmt->loc.end - 1] == '\t' ||
					p->text[fmt->loc.end - 1] == '\n'))
		fmt->loc.end--;
	return true;
}

/*
 * Whether the paths end at pos: the end, 'as', or a clause's keyword
 * standing as a word (a file named where.txt is a path; one named 'by' is
 * quoted).
 */
static bool ends_paths(const struct parser *p, size_t pos)
{
	struct token t = lex_next(p->text, p->len, pos);
	char after = t.loc.end < p->len ? p->text[t.loc.end] : ' ';

	if (t.kind == TOK_EOF)
		return true;
	return (t.kind == TOK_AS || starts_clause(t.kind) || post_word(p->text, t)) &&
	       (strchr(" \t\n\r\v\f(", after));
}

/* 'from' PATH... -- each path is lexed by its own rules: "a b.txt", /x#y, a glob */
static bool from_clause(struct parser *p)
{
	struct token t = p->tok;

	if (p->q->npaths)
		return diag_set(p->d, p->tok.loc, "more than one 'from' clause");
	do {
		t = lex_path(p->text, p->len, t.loc.end);
		if (t.kind == TOK_EOF)
			return diag_set(p->d, t.loc, "expected a path after 'from'");
		if (t.kind == TOK_ERROR && p->text[t.loc.begin] == '\0')
			return lex_error(p, t);
		if (t.kind == TOK_ERROR)
			return diag_set(p->d, t.loc, "unterminated string");
		if (!store_path(p, t))
			return false;
	} while (!ends_paths(p, t.loc.end));
	p->tok = t;
	if (!next(p))
		return false;
	return p->tok.kind == TOK_AS ? format_clause(p) : true;
}

/* ['group'] 'by' expr (',' expr)* */
static bool by_clause(struct parser *p)
{
	struct query *q = p->q;

	if (p->q->by)
		return diag_set(p->d, p->tok.loc, "more than one 'by' clause");
	if (p->tok.kind == TOK_GROUP) {
		if (!next(p))
			return false;
		if (p->tok.kind != TOK_BY)
			return diag_set(p->d, p->tok.loc, "expected 'by' after 'group', got %s",
					quote(p, p->tok).s);
	}
	do {
		if (!next(p))
			return false;
		if (q->nkeys == BPFQ_MAX_KEYS)
			return diag_set(p->d, p->tok.loc, "too many by keys: at most %d",
					BPFQ_MAX_KEYS);
		if (!(q->keys[q->nkeys] = expr(p)))
			return false;
		q->nkeys++;
	} while (p->tok.kind == TOK_COMMA);
	q->by = q->keys[0];
	return true;
}

/* 'having' expr */
static bool having_clause(struct parser *p)
{
	if (p->q->having)
		return diag_set(p->d, p->tok.loc, "more than one 'having' clause");
	if (!next(p))
		return false;
	p->q->having = expr(p);
	return p->q->having != NULL;
}

/* key := expr ['asc' | 'desc'] */
static bool order_key(struct parser *p)
{
	struct query *q = p->q;
	struct order_key *keys = arena_alloc(&q->arena, (q->norder + 1) * sizeof(*keys));
	struct order_key *k;

	if (!keys)
		return diag_set(p->d, p->tok.loc, "out of memory");
	if (q->norder)
		memcpy(keys, q->order, q->norder * sizeof(*keys));
	q->order = keys;
	k = &keys[q->norder++];
	*k = (struct order_key){ .col = -1 };
	if (!(k->e = expr(p)))
		return false;
	if (!is_word(p, "asc") && !is_word(p, "desc"))
		return true;
	k->desc = is_word(p, "desc");
	return next(p);
}

/* 'order' 'by' key (',' key)* */
static bool order_clause(struct parser *p)
{
	if (p->q->norder)
		return diag_set(p->d, p->tok.loc, "more than one 'order by' clause");
	if (!next(p))
		return false;
	if (p->tok.kind != TOK_BY)
		return diag_set(p->d, p->tok.loc, "expected 'by' after 'order', got %s",
				quote(p, p->tok).s);
	do {
		if (!next(p) || !order_key(p))
			return false;
	} while (p->tok.kind == TOK_COMMA);
	return true;
}

/* 'limit' INT, at least 1 */
static bool limit_clause(struct parser *p)
{
	if (p->q->limit)
		return diag_set(p->d, p->tok.loc, "more than one 'limit' clause");
	if (!next(p))
		return false;
	if (p->tok.kind != TOK_INT || p->tok.overflow || p->tok.value < 1 ||
	    p->tok.value > INT64_MAX)
		return diag_set(p->d, p->tok.loc, "limit needs a positive integer, got %s",
				quote(p, p->tok).s);
	p->q->limit = (int64_t)p->tok.value;
	p->q->limit_loc = p->tok.loc;
	return next(p);
}

static bool clause(struct parser *p)
{
	if (is_word(p, "having"))
		return having_clause(p);
	if (is_word(p, "order"))
		return order_clause(p);
	if (is_word(p, "limit"))
		return limit_clause(p);
	switch (p->tok.kind) {
	case TOK_WHERE: return where_clause(p);
	case TOK_FROM: return from_clause(p);
	default: return by_clause(p);
	}
}

/* query := items clause* -- clause := 'where' expr | 'from' PATH... ['as' format]
 * | ['group'] 'by' expr | 'having' expr | 'order' 'by' key (',' key)* | 'limit' INT,
 * each once */
static bool query(struct parser *p)
{
	/* SQL's leading select: a query begins with an aggregate, never a field named so */
	if (is_word(p, "select") && !next(p))
		return false;
	if (!items(p))
		return false;
	while (starts_any_clause(p)) {
		if (!clause(p))
			return false;
	}
	if (p->tok.kind != TOK_EOF)
		return diag_set(p->d, p->tok.loc, "expected 'where', 'from', 'by', 'having', "
				"'order by', 'limit' or end of query, got %s", quote(p, p->tok).s);
	return true;
}

bool parse_query(const char *text, size_t len, struct query *q, struct diag *d)
{
	struct parser p = { .text = text, .len = len, .q = q, .d = d };

	q->text = text;
	q->len = len;
	/* Locations are 32-bit; a query is a command-line argument, far smaller. */
	if (len > UINT32_MAX / 2)
		return diag_set(d, (struct loc){ 0, 0 }, "query too long");
	p.tok = lex_next(text, len, 0);
	if (p.tok.kind == TOK_ERROR)
		return lex_error(&p, p.tok);
	return query(&p);
}
