/* SPDX-License-Identifier: MIT */
/* A stateless tokenizer: lex_next() reads one token at a byte offset. */
#ifndef BPFQ_LEXER_H
#define BPFQ_LEXER_H

#include <stddef.h>
#include "lang/front/ast.h"

/* Keep in the order of token_names[] in lexer.c. */
enum token_kind {
	TOK_EOF,
	TOK_ERROR,	/* an unexpected character or unterminated string; text says which */
	TOK_INT,	/* decimal digits */
	TOK_DEC,	/* digits '.' digits: a decimal */
	TOK_FIELD,	/* '$' digits: a field by position */
	TOK_STRING,	/* '...' (a string; '' is a quote in it) or "..." (a column name) */
	TOK_IDENT,	/* [A-Za-z_][A-Za-z0-9_]* that is not a keyword */
	TOK_PATH,	/* only from lex_path(): a bare word or a quoted string */
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_COMMA,
	TOK_COLON,
	TOK_STAR,
	TOK_PLUS,
	TOK_MINUS,
	TOK_SLASH,
	TOK_PERCENT,
	TOK_EQ,		/* == or = */
	TOK_NE,		/* != or <> */
	TOK_LT,
	TOK_LE,
	TOK_GT,
	TOK_GE,
	TOK_AND,	/* and, && */
	TOK_OR,		/* or, || */
	TOK_NOT,	/* not, ! */
	TOK_WHERE,
	TOK_FROM,
	TOK_AS,
	TOK_BY,
	TOK_GROUP,
	TOK_BETWEEN,
	TOK_IN,
	TOK_MATCH,	/* ~ */
	TOK_NOMATCH,	/* !~ */
	TOK_LAST = TOK_NOMATCH,
};

struct token {
	enum token_kind kind;
	struct loc loc;
	uint64_t value;		/* TOK_INT, TOK_DEC (integer part), TOK_FIELD: the magnitude,
				   valid when !overflow */
	uint64_t frac;		/* TOK_DEC: the fraction, in units of 10^-18 */
	bool overflow;		/* more than 2^64-1 */
	bool inexact;		/* while lexing: nonzero digits past the 18th decimal (then rounded) */
};

/* The next token at or after offset pos; keywords are case-insensitive. */
struct token lex_next(const char *text, size_t len, size_t pos);

/* After 'from': a path, either quoted ('...' or "...") or a run of non-space bytes. */
struct token lex_path(const char *text, size_t len, size_t pos);

/*
 * The length of a date written without spaces at pos (2001-03-01 or
 * 01-03-2001), or 0: lex_next() makes one an error, not a subtraction.
 */
size_t lex_date(const char *text, size_t len, size_t pos);

const char *token_name(enum token_kind kind);

/* The i-th keyword's spelling, or NULL past the last (the REPL's help lists them). */
const char *lex_keyword(size_t i);

#endif /* BPFQ_LEXER_H */
