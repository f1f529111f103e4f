// SPDX-License-Identifier: MIT
/*
 * The entry and its quoted #includes as one text (flatten.h). To leave
 * out the parts another plan uses, it follows the conditions around each
 * #include as far as it can tell them: #if of names, numbers, ==, !=, !,
 * && and ||, #ifdef, #ifndef, #elif, #else, with the integer #defines met
 * where they surely apply. Anything else it cannot tell, and a part it
 * cannot tell about is kept: clang decides.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/flatten.h"
#include "codegen/templates.h"

#define MAX_DEPTH 16	/* files within files */
#define MAX_IFS 64	/* #if levels open at once, in every file open */
#define MAX_MACROS 256
#define MAX_DONE 64
#define MAX_TOKENS 32

/* What the flattening knows of a condition or a name: no, yes, or it cannot tell. */
enum tri { NO, YES, MAYBE };

struct macro {
	char name[64];
	enum tri defined;
	bool known;		/* defined surely, as an integer */
	long long value;
};

/* An #if level: its current branch, and whether a branch before was taken. */
struct level {
	enum tri self, done;
};

struct flat {
	FILE *out;
	const char *gen;
	struct macro macros[MAX_MACROS];
	int nmacros;
	struct level ifs[MAX_IFS];
	int nifs;
	const char *done[MAX_DONE];	/* inlined where surely taken */
	int ndone;
	bool failed;
};

static enum tri tri_not(enum tri a)
{
	return a == MAYBE ? MAYBE : a == YES ? NO : YES;
}

static enum tri tri_or(enum tri a, enum tri b)
{
	if (a == YES || b == YES)
		return YES;
	return a == NO && b == NO ? NO : MAYBE;
}

static enum tri tri_and(enum tri a, enum tri b)
{
	return tri_not(tri_or(tri_not(a), tri_not(b)));
}

/* Whether the line now read is compiled: every open level's branch. */
static enum tri active(const struct flat *f)
{
	enum tri a = YES;

	for (int i = 0; i < f->nifs; i++)
		a = tri_and(a, f->ifs[i].self);
	return a;
}

static struct macro *find(struct flat *f, const char *name, size_t n)
{
	for (int i = 0; i < f->nmacros; i++)
		if (strlen(f->macros[i].name) == n && !memcmp(f->macros[i].name, name, n))
			return &f->macros[i];
	return NULL;
}

static struct macro *add(struct flat *f, const char *name, size_t n)
{
	struct macro *m = find(f, name, n);

	if (m)
		return m;
	if (f->nmacros == MAX_MACROS || n >= sizeof(m->name)) {
		f->failed = true;
		return NULL;
	}
	m = &f->macros[f->nmacros++];
	memcpy(m->name, name, n);
	m->name[n] = '\0';
	m->defined = NO;
	return m;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* The end of the directive's text: before a comment, trailing blanks taken off. */
static const char *text_end(const char *s, const char *end)
{
	for (const char *p = s; p + 1 < end; p++)
		if (p[0] == '/' && (p[1] == '*' || p[1] == '/')) {
			end = p;
			break;
		}
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return end;
}

/* An integer literal (decimal, U/L suffixes) and nothing else. */
static bool integer(const char *s, const char *end, long long *v)
{
	bool neg = s < end && *s == '-';
	long long x = 0;
	const char *p = s + neg;

	if (p == end || *p < '0' || *p > '9')
		return false;
	while (p < end && *p >= '0' && *p <= '9' && x < 1000000000000LL)
		x = x * 10 + (*p++ - '0');
	while (p < end && (*p == 'U' || *p == 'L'))
		p++;
	*v = neg ? -x : x;
	return p == end;
}

/* #define NAME VALUE: an integer where the line surely applies, else not known. */
static void define(struct flat *f, const char *s, const char *end, bool undef)
{
	const char *name = skip_blanks(s, end), *p = name;
	enum tri a = active(f);
	struct macro *m;

	while (p < end && name_char(*p))
		p++;
	if (a == NO || p == name || !(m = add(f, name, p - name)))
		return;
	if (undef)
		m->defined = a == YES ? NO : MAYBE;
	else
		m->defined = a == YES ? YES : m->defined == YES ? YES : MAYBE;
	m->known = !undef && a == YES && (p == end || *p == ' ' || *p == '\t') &&
		   integer(skip_blanks(p, end), text_end(p, end), &m->value);
}

/* ---- #if's expressions ---- */

struct val {
	enum tri truth;		/* MAYBE: not known */
	long long v;
};

struct expr {
	struct flat *f;
	const char *tok[MAX_TOKENS];
	size_t len[MAX_TOKENS];
	int n, i;
	bool bad;		/* a token the grammar does not have */
};

static void tokenize(struct expr *e, const char *s, const char *end)
{
	for (s = skip_blanks(s, end); s < end && !e->bad; s = skip_blanks(s, end)) {
		const char *b = s;

		if (name_char(*s))
			while (s < end && name_char(*s))
				s++;
		else if (s + 1 < end && (!memcmp(s, "==", 2) || !memcmp(s, "!=", 2) ||
					 !memcmp(s, "&&", 2) || !memcmp(s, "||", 2)))
			s += 2;
		else if (*s == '!')
			s++;
		else
			e->bad = true;
		if (e->n == MAX_TOKENS)
			e->bad = true;
		if (!e->bad) {
			e->tok[e->n] = b;
			e->len[e->n++] = s - b;
		}
	}
}

static bool next_is(const struct expr *e, const char *t)
{
	return e->i < e->n && e->len[e->i] == strlen(t) && !memcmp(e->tok[e->i], t, e->len[e->i]);
}

static struct val known(long long v)
{
	return (struct val){ v ? YES : NO, v };
}

static struct val operand(struct expr *e)
{
	struct val unknown = { MAYBE, 0 };
	const char *t;
	struct macro *m;
	long long v;

	if (e->i == e->n || !name_char(*e->tok[e->i])) {
		e->bad = true;
		return unknown;
	}
	t = e->tok[e->i];
	e->i++;
	if (integer(t, t + e->len[e->i - 1], &v))
		return known(v);
	m = find(e->f, t, e->len[e->i - 1]);
	if (m && m->defined == NO)	/* a name not defined is 0 in #if */
		return known(0);
	return m && m->defined == YES && m->known ? known(m->value) : unknown;
}

static struct val unary(struct expr *e)
{
	struct val a, b;
	bool eq;

	if (next_is(e, "!")) {
		e->i++;
		a = unary(e);
		return a.truth == MAYBE ? a : known(a.truth == NO);
	}
	a = operand(e);
	if (!next_is(e, "==") && !next_is(e, "!="))
		return a;
	eq = next_is(e, "==");
	e->i++;
	b = operand(e);
	if (a.truth == MAYBE || b.truth == MAYBE)
		return (struct val){ MAYBE, 0 };
	return known((a.v == b.v) == eq);
}

static enum tri conjunction(struct expr *e)
{
	enum tri t = unary(e).truth;

	while (next_is(e, "&&")) {
		e->i++;
		t = tri_and(t, unary(e).truth);
	}
	return t;
}

static enum tri evaluate(struct flat *f, const char *s, const char *end)
{
	struct expr e = { .f = f };
	enum tri t;

	tokenize(&e, s, text_end(s, end));
	if (e.bad || !e.n)
		return MAYBE;
	t = conjunction(&e);
	while (next_is(&e, "||")) {
		e.i++;
		t = tri_or(t, conjunction(&e));
	}
	return e.bad || e.i != e.n ? MAYBE : t;
}

/* ---- the conditionals ---- */

static void push(struct flat *f, enum tri self)
{
	if (f->nifs == MAX_IFS) {
		f->failed = true;
		return;
	}
	f->ifs[f->nifs++] = (struct level){ self, self };
}

/* #elif (cond) or #else (YES): taken only if no branch before surely was. */
static void branch(struct flat *f, enum tri cond)
{
	struct level *l;

	if (!f->nifs)
		return;
	l = &f->ifs[f->nifs - 1];
	if (l->done == YES)
		l->self = NO;
	else
		l->self = l->done == MAYBE && cond != NO ? MAYBE : cond;
	l->done = tri_or(l->done, l->self);
}

/* #ifdef and #ifndef; first: the file's first directive, its include guard. */
static void ifdef(struct flat *f, const char *s, const char *end, bool negate, bool first)
{
	const char *name = skip_blanks(s, end), *p = name;
	struct macro *m;

	while (p < end && name_char(*p))
		p++;
	m = find(f, name, p - name);
	/* A guard not seen: the file is inlined the first time (a name
	 * not seen otherwise may come from a system header or -D). */
	if (!m && negate && first) {
		push(f, YES);
		return;
	}
	push(f, !m ? MAYBE : negate ? tri_not(m->defined) : m->defined);
}

/* ---- the files ---- */

static int inline_file(struct flat *f, const char *name, const char *text, int depth);

static bool done(const struct flat *f, const char *name)
{
	for (int i = 0; i < f->ndone; i++)
		if (!strcmp(f->done[i], name))
			return true;
	return false;
}

/* #include "name" at line n of the file parent. */
static void include(struct flat *f, const char *line, const char *end, const char *s,
		    const char *parent, int n, int depth)
{
	const char *b = memchr(s, '"', end - s), *e;
	const struct template *t;
	char name[64];
	const char *text;
	enum tri a = active(f);

	e = b ? memchr(b + 1, '"', end - b - 1) : NULL;
	/* <...>: a system header, read by clang; one clang surely skips */
	if (a == NO || !b) {
		fprintf(f->out, "%.*s\n", (int)(end - line), line);
		return;
	}
	if (!e || e - b - 1 >= (int)sizeof(name)) {
		f->failed = true;
		return;
	}
	memcpy(name, b + 1, e - b - 1);
	name[e - b - 1] = '\0';
	t = template_find(name);
	text = strcmp(name, FLATTEN_QUERY_H) ? (t ? t->text : NULL) : f->gen;
	if (!text || depth == MAX_DEPTH || f->ndone == MAX_DONE) {
		f->failed = true;
		return;
	}
	if (done(f, name)) {
		fprintf(f->out, "/* #include \"%s\": above */\n", name);
		return;
	}
	if (a == YES)
		f->done[f->ndone++] = t ? t->name : FLATTEN_QUERY_H;
	inline_file(f, name, text, depth + 1);
	fprintf(f->out, "#line %d \"%s\"\n", n + 1, parent);
}

/* A directive line: follow it, and copy it unless it is an #include. */
static void directive(struct flat *f, const char *line, const char *end, const char *name,
		      int n, int depth, bool first)
{
	const char *s = skip_blanks(skip_blanks(line, end) + 1, end), *w = s;

	while (w < end && name_char(*w))
		w++;
#define IS(word) (w - s == (int)strlen(word) && !memcmp(s, word, w - s))
	if (IS("include")) {
		include(f, line, end, w, name, n, depth);
		return;
	}
	if (IS("if"))
		push(f, evaluate(f, w, end));
	else if (IS("ifdef") || IS("ifndef"))
		ifdef(f, w, end, IS("ifndef"), first);
	else if (IS("elif"))
		branch(f, evaluate(f, w, end));
	else if (IS("else"))
		branch(f, YES);
	else if (IS("endif") && f->nifs)
		f->nifs--;
	else if (IS("define") || IS("undef"))
		define(f, w, end, IS("undef"));
#undef IS
	fprintf(f->out, "%.*s\n", (int)(end - line), line);
}

static int inline_file(struct flat *f, const char *name, const char *text, int depth)
{
	bool first = true, continued = false;
	int n = 0;

	fprintf(f->out, "/* ==== %s ==== */\n#line 1 \"%s\"\n", name, name);
	for (const char *line = text; *line && !f->failed; n++) {
		const char *end = strchr(line, '\n');
		const char *s = skip_blanks(line, end ? end : line + strlen(line));

		if (!end)
			end = line + strlen(line);
		if (!continued && s < end && *s == '#') {
			directive(f, line, end, name, n + 1, depth, first);
			first = false;
		} else {
			fprintf(f->out, "%.*s\n", (int)(end - line), line);
		}
		continued = end > line && end[-1] == '\\';
		line = *end ? end + 1 : end;
	}
	return f->failed ? -1 : 0;
}

int flatten(FILE *out, const char *root, const char *gen)
{
	struct flat *f = calloc(1, sizeof(*f));
	bool is_gen = !strcmp(root, FLATTEN_QUERY_H);
	const char *text = is_gen ? gen : template_text(root);
	int ret;

	if (!f || !text) {
		free(f);
		return -1;
	}
	f->out = out;
	f->gen = gen;
	if (is_gen)
		f->done[f->ndone++] = FLATTEN_QUERY_H;
	ret = inline_file(f, root, text, 0);
	free(f);
	return ret;
}
