// SPDX-License-Identifier: MIT
/*
 * POSIX extended regular expressions to a minimal DFA: the pattern is
 * parsed to a tree, the tree built into a Thompson automaton behind a
 * `.*` (the search), the automaton determinized by subset construction
 * over byte classes (bytes that no part of the pattern tells apart share
 * a column) and minimized by Moore's partition refinement.
 *
 * `^` and `$` are assertions, not bytes: the subset construction follows
 * a `^` edge only in the start state and a `$` edge only when it asks
 * whether the text may end here, so `^a|b$`, `(^|,)x` and `a^b` mean
 * what POSIX says. Forms whose meaning differs between POSIX regexec and
 * awk (backslash letters, a backslash inside brackets, [. .] and [= =])
 * are refused rather than given one of the two meanings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/value/regex.h"

/* Groups nest no deeper: the parser and the builder recurse. */
#define MAX_DEPTH 100

typedef struct {
	uint64_t w[4];
} byteset;

static void set_add(byteset *s, unsigned b)
{
	s->w[b >> 6] |= 1ull << (b & 63);
}

static bool set_has(const byteset *s, unsigned b)
{
	return s->w[b >> 6] >> (b & 63) & 1;
}

/* ---- the tree ---- */

enum { N_SET, N_CAT, N_ALT, N_REP, N_BOL, N_EOL, N_EMPTY };

struct node {
	int kind, a, b;
	int min, max;		/* N_REP: max < 0 is no bound */
	byteset set;		/* N_SET */
};

struct rx {
	const unsigned char *p;
	size_t len, pos;
	struct node *nodes;
	int nnodes, cap;
	char *err;
	size_t errlen, *at, *at_end;
	bool failed;
};

static bool rx_fail(struct rx *r, size_t at, size_t end, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool rx_fail(struct rx *r, size_t at, size_t end, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return false;
	r->failed = true;
	*r->at = at;
	*r->at_end = end;
	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return false;
}

static int new_node(struct rx *r, int kind, int a, int b)
{
	if (r->nnodes == r->cap) {
		int cap = r->cap ? r->cap * 2 : 32;
		struct node *n = realloc(r->nodes, cap * sizeof(*n));

		if (!n) {
			rx_fail(r, 0, r->len, "out of memory");
			return -1;
		}
		r->nodes = n;
		r->cap = cap;
	}
	memset(&r->nodes[r->nnodes], 0, sizeof(r->nodes[0]));
	r->nodes[r->nnodes].kind = kind;
	r->nodes[r->nnodes].a = a;
	r->nodes[r->nnodes].b = b;
	return r->nnodes++;
}

static int set_node(struct rx *r, const byteset *s)
{
	int n = new_node(r, N_SET, -1, -1);

	if (n >= 0)
		r->nodes[n].set = *s;
	return n;
}

static bool done(const struct rx *r)
{
	return r->pos >= r->len;
}

static int peek(const struct rx *r)
{
	return done(r) ? -1 : r->p[r->pos];
}

/* The printable form of a byte for a message: no control bytes reach it. */
static const char *shown(int c, char buf[8])
{
	if (c > 32 && c < 127 && c != '\'')
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "0x%02x", c & 0xff);
	return buf;
}

/* [:name:] in the C locale, as glibc's regcomp and awk's LC_ALL=C define it. */
static bool class_byte(const char *name, unsigned c)
{
	bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
	bool digit = c >= '0' && c <= '9', print = c >= 32 && c < 127;

	if (!strcmp(name, "alpha"))
		return upper || lower;
	if (!strcmp(name, "upper"))
		return upper;
	if (!strcmp(name, "lower"))
		return lower;
	if (!strcmp(name, "digit"))
		return digit;
	if (!strcmp(name, "alnum"))
		return upper || lower || digit;
	if (!strcmp(name, "xdigit"))
		return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	if (!strcmp(name, "space"))
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (!strcmp(name, "blank"))
		return c == ' ' || c == '\t';
	if (!strcmp(name, "print"))
		return print;
	if (!strcmp(name, "graph"))
		return print && c != ' ';
	if (!strcmp(name, "punct"))
		return print && c != ' ' && !upper && !lower && !digit;
	return c < 32 || c == 127;	/* cntrl */
}

static bool known_class(const char *name)
{
	static const char *const names[] = { "alpha", "upper", "lower", "digit", "alnum",
		"xdigit", "space", "blank", "print", "graph", "punct", "cntrl" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* "[:name:]" at r->pos (after its '['): adds the class to s. */
static bool bracket_class(struct rx *r, size_t open, byteset *s)
{
	char name[8] = "";
	size_t start = r->pos + 1, i = start;

	while (i < r->len && r->p[i] >= 'a' && r->p[i] <= 'z' && i - start < 7)
		i++;
	if (i + 1 >= r->len || r->p[i] != ':' || r->p[i + 1] != ']')
		return rx_fail(r, open, r->pos + 1, "'[:' starts a class such as [:alpha:]");
	memcpy(name, r->p + start, i - start);
	if (!known_class(name))
		return rx_fail(r, open, i + 2, "unknown character class [:%s:]", name);
	for (unsigned c = 0; c < 256; c++)
		if (class_byte(name, c))
			set_add(s, c);
	r->pos = i + 2;
	return true;
}

/* One element of a bracket: a byte, a range, a class. */
static bool bracket_item(struct rx *r, size_t open, byteset *s)
{
	int c = peek(r), d;
	char b1[8], b2[8];

	if (c == '[' && r->pos + 1 < r->len) {
		int k = r->p[r->pos + 1];

		r->pos++;
		if (k == ':')
			return bracket_class(r, r->pos - 1, s);
		if (k == '.' || k == '=')
			return rx_fail(r, r->pos - 1, r->pos + 1,
				       "[%c %c] in a bracket expression is not supported", k, k);
		r->pos--;
	}
	if (c == '\\')
		return rx_fail(r, r->pos, r->pos + 1,
			       "a backslash in a bracket expression means one thing to awk "
			       "and another to POSIX; bpfq refuses it");
	r->pos++;
	if (peek(r) != '-' || r->pos + 1 >= r->len || r->p[r->pos + 1] == ']') {
		set_add(s, c);
		return true;
	}
	d = r->p[r->pos + 1];
	if (d == '[' || d == '\\')
		return rx_fail(r, r->pos - 1, r->pos + 2, "a range ends at a single byte");
	if (d < c)
		return rx_fail(r, r->pos - 1, r->pos + 2, "range %s-%s is backwards",
			       shown(c, b1), shown(d, b2));
	for (int x = c; x <= d; x++)
		set_add(s, x);
	r->pos += 2;
	return true;
}

static int parse_bracket(struct rx *r)
{
	size_t open = r->pos++;
	bool neg = false, first = true;
	byteset s = { { 0 } };

	if (peek(r) == '^') {
		neg = true;
		r->pos++;
	}
	for (;;) {
		if (done(r)) {
			rx_fail(r, open, r->len, "unterminated bracket expression");
			return -1;
		}
		if (peek(r) == ']' && !first)
			break;
		if (!bracket_item(r, open, &s))
			return -1;
		first = false;
	}
	r->pos++;
	if (neg)
		for (int i = 0; i < 4; i++)
			s.w[i] = ~s.w[i];
	return set_node(r, &s);
}

static int parse_alt(struct rx *r, int depth);

static int parse_group(struct rx *r, int depth)
{
	size_t open = r->pos++;
	int n;

	if (depth >= MAX_DEPTH) {
		rx_fail(r, open, open + 1, "groups nest deeper than %d", MAX_DEPTH);
		return -1;
	}
	n = parse_alt(r, depth + 1);
	if (n < 0)
		return -1;
	if (peek(r) != ')') {
		rx_fail(r, open, open + 1, "unmatched '('");
		return -1;
	}
	r->pos++;
	return n;
}

static int parse_escape(struct rx *r)
{
	byteset s = { { 0 } };
	int c;
	char b[8];

	r->pos++;
	if (done(r)) {
		rx_fail(r, r->pos - 1, r->pos, "trailing backslash");
		return -1;
	}
	c = r->p[r->pos];
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		rx_fail(r, r->pos - 1, r->pos + 1,
			"backslash before %s is not supported (only before a punctuation byte)",
			shown(c, b));
		return -1;
	}
	r->pos++;
	set_add(&s, c);
	return set_node(r, &s);
}

/* An atom, or -2 when the branch ends here. */
static int parse_atom(struct rx *r, int depth)
{
	int c = peek(r);
	byteset s = { { 0 } };
	char b[8];

	switch (c) {
	case -1: case '|': case ')':
		return -2;
	case '(':
		return parse_group(r, depth);
	case '[':
		return parse_bracket(r);
	case '\\':
		return parse_escape(r);
	case '^':
		r->pos++;
		return new_node(r, N_BOL, -1, -1);
	case '$':
		r->pos++;
		return new_node(r, N_EOL, -1, -1);
	case '*': case '+': case '?': case '{':
		rx_fail(r, r->pos, r->pos + 1, "%s has nothing to repeat", shown(c, b));
		return -1;
	case '.':
		memset(&s, 0xff, sizeof(s));
		r->pos++;
		return set_node(r, &s);
	default:
		set_add(&s, c);
		r->pos++;
		return set_node(r, &s);
	}
}

static bool parse_count(struct rx *r, int *v)
{
	if (peek(r) < '0' || peek(r) > '9')
		return false;
	*v = 0;
	while (peek(r) >= '0' && peek(r) <= '9') {
		if (*v <= REGEX_MAX_REPEAT)
			*v = *v * 10 + (r->p[r->pos] - '0');
		r->pos++;
	}
	return true;
}

/* "{m}", "{m,}" or "{m,n}" at r->pos. */
static bool parse_interval(struct rx *r, int *min, int *max)
{
	size_t open = r->pos++;

	if (!parse_count(r, min))
		goto bad;
	*max = *min;
	if (peek(r) == ',') {
		r->pos++;
		*max = -1;
		if (peek(r) != '}' && !parse_count(r, max))
			goto bad;
	}
	if (peek(r) != '}')
		goto bad;
	r->pos++;
	if (*min > REGEX_MAX_REPEAT || *max > REGEX_MAX_REPEAT)
		return rx_fail(r, open, r->pos, "an interval's count is above %d",
			       REGEX_MAX_REPEAT);
	if (*max >= 0 && *max < *min)
		return rx_fail(r, open, r->pos, "an interval's minimum is above its maximum");
	return true;
bad:
	return rx_fail(r, open, open + 1,
		       "'{' starts an interval {m}, {m,} or {m,n}; write \\{ for the byte");
}

static int parse_repeat(struct rx *r, int depth)
{
	size_t start = r->pos;
	int n = parse_atom(r, depth);
	/* "(^)*" repeats a group, which POSIX allows; "^*" is undefined */
	bool anchor = n >= 0 && (r->p[start] == '^' || r->p[start] == '$');

	while (n >= 0) {
		int c = peek(r), min = 0, max = -1;
		char b[8];

		if (c == '*')
			r->pos++;
		else if (c == '+')
			min = 1, r->pos++;
		else if (c == '?')
			max = 1, r->pos++;
		else if (c == '{') {
			if (!parse_interval(r, &min, &max))
				return -1;
		} else
			break;
		if (anchor) {
			rx_fail(r, r->pos - 1, r->pos, "%s cannot repeat an anchor", shown(c, b));
			return -1;
		}
		int rep = new_node(r, N_REP, n, -1);

		if (rep < 0)
			return -1;
		r->nodes[rep].min = min;
		r->nodes[rep].max = max;
		n = rep;
	}
	return n;
}

static int parse_cat(struct rx *r, int depth)
{
	int n = -2;

	for (;;) {
		int m = parse_repeat(r, depth);

		if (m == -1)
			return -1;
		if (m == -2)
			return n == -2 ? new_node(r, N_EMPTY, -1, -1) : n;
		n = n == -2 ? m : new_node(r, N_CAT, n, m);
		if (n < 0)
			return -1;
	}
}

static int parse_alt(struct rx *r, int depth)
{
	int n = parse_cat(r, depth);

	while (n >= 0 && peek(r) == '|') {
		r->pos++;
		int m = parse_cat(r, depth);

		if (m < 0)
			return -1;
		n = new_node(r, N_ALT, n, m);
	}
	return n;
}

/* ---- the Thompson automaton ---- */

enum { S_CHAR, S_SPLIT, S_BOL, S_EOL, S_MATCH };

struct nstate {
	int kind, out, out1;
	int set;		/* S_CHAR: its node's index (the byte set) */
};

struct nfa {
	struct nstate *s;
	int n, match;		/* match: the S_MATCH state */
	bool full;
};

static int nfa_add(struct nfa *a, int kind, int out, int out1, int set)
{
	if (a->n >= REGEX_MAX_NFA) {
		a->full = true;
		return 0;
	}
	a->s[a->n] = (struct nstate){ kind, out, out1, set };
	return a->n++;
}

/* The states for node n, which go on to state next; returns the first. */
static int build(const struct rx *r, struct nfa *a, int n, int next)
{
	const struct node *x = &r->nodes[n];
	int s;

	if (a->full)
		return 0;
	switch (x->kind) {
	case N_SET:
		return nfa_add(a, S_CHAR, next, -1, n);
	case N_CAT:
		return build(r, a, x->a, build(r, a, x->b, next));
	case N_ALT:
		s = build(r, a, x->a, next);
		return nfa_add(a, S_SPLIT, s, build(r, a, x->b, next), -1);
	case N_BOL:
		return nfa_add(a, S_BOL, next, -1, -1);
	case N_EOL:
		return nfa_add(a, S_EOL, next, -1, -1);
	case N_EMPTY:
		return next;
	}
	/* N_REP: the optional copies (or a loop) after the required ones */
	if (x->max < 0) {
		s = nfa_add(a, S_SPLIT, -1, next, -1);
		if (a->full)
			return 0;
		a->s[s].out = build(r, a, x->a, s);
		next = s;
	} else {
		for (int i = 0; i < x->max - x->min && !a->full; i++)
			next = nfa_add(a, S_SPLIT, build(r, a, x->a, next), next, -1);
	}
	for (int i = 0; i < x->min && !a->full; i++)
		next = build(r, a, x->a, next);
	return next;
}

/* ---- subset construction ---- */

struct dstates {
	uint64_t *sets;		/* n * words */
	int words, n;
	int *next;		/* n * nclasses */
	uint8_t *accept;
	int *hash;		/* open addressing: state index + 1 */
	int hsize;
};

static bool bit(const uint64_t *s, int i)
{
	return s[i >> 6] >> (i & 63) & 1;
}

/* The states in set, into out; returns how many. */
static int members(const uint64_t *set, int words, int *out)
{
	int n = 0;

	for (int w = 0; w < words; w++)
		for (uint64_t b = set[w]; b; b &= b - 1)
			out[n++] = w * 64 + __builtin_ctzll(b);
	return n;
}

static void closure(const struct nfa *a, uint64_t *set, int words, bool bol, bool eol, int *stack)
{
	int top = members(set, words, stack);

	while (top) {
		const struct nstate *s = &a->s[stack[--top]];
		int to[2] = { -1, -1 };

		if (s->kind == S_SPLIT)
			to[0] = s->out, to[1] = s->out1;
		else if ((s->kind == S_BOL && bol) || (s->kind == S_EOL && eol))
			to[0] = s->out;
		for (int k = 0; k < 2; k++)
			if (to[k] >= 0 && !bit(set, to[k])) {
				set[to[k] >> 6] |= 1ull << (to[k] & 63);
				stack[top++] = to[k];
			}
	}
}

static bool has_match(const struct nfa *a, const uint64_t *set)
{
	return bit(set, a->match);
}

static uint64_t hash_set(const uint64_t *s, int words)
{
	uint64_t h = 1469598103934665603ull;

	for (int i = 0; i < words; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

/* The state holding set (a new one if none does); -1 past the limit. */
static int dstate_of(struct dstates *d, const uint64_t *set)
{
	size_t bytes = d->words * sizeof(uint64_t);
	uint64_t h = hash_set(set, d->words);

	for (int i = h % d->hsize;; i = (i + 1) % d->hsize) {
		int k = d->hash[i] - 1;

		if (k < 0) {
			if (d->n >= REGEX_MAX_BUILD)
				return -1;
			memcpy(d->sets + (size_t)d->n * d->words, set, bytes);
			d->hash[i] = d->n + 1;
			return d->n++;
		}
		if (k > 0 && !memcmp(d->sets + (size_t)k * d->words, set, bytes))
			return k;
	}
}

/* Byte classes: bytes no set of the pattern tells apart share one. */
static int byte_classes(const struct rx *r, const struct nfa *a, uint8_t *class_of, int *rep)
{
	int n = 1;

	memset(class_of, 0, 256);
	for (int i = 0; i < a->n; i++) {
		int map[256][2];

		if (a->s[i].kind != S_CHAR)
			continue;
		memset(map, -1, sizeof(map));
		int m = 0;

		for (int b = 0; b < 256; b++) {
			int in = set_has(&r->nodes[a->s[i].set].set, b);
			int *slot = &map[class_of[b]][in];

			if (*slot < 0)
				*slot = m++;
			class_of[b] = *slot;
		}
		n = m;
	}
	for (int b = 255; b >= 0; b--)
		rep[class_of[b]] = b;
	return n;
}

/* One state's row: where each class leads, and whether it accepts. */
static bool dstate_row(const struct nfa *a, const struct rx *r, struct dstates *d, int k,
		       int nclasses, const int *rep, uint64_t *tmp, int *stack)
{
	const uint64_t *set = d->sets + (size_t)k * d->words;
	size_t bytes = d->words * sizeof(uint64_t);
	int *in = stack + a->n, nin = members(set, d->words, in);

	if (has_match(a, set)) {
		/* Matched: the rest moves to itself, but never to the start (regex.h). */
		int to = k;

		if (!k) {
			memcpy(tmp, set, bytes);
			to = dstate_of(d, tmp);
		}
		for (int c = 0; c < nclasses; c++)
			d->next[(size_t)k * nclasses + c] = to;
		d->accept[k] = 1;
		return to >= 0;
	}
	memcpy(tmp, set, bytes);
	closure(a, tmp, d->words, k == 0, true, stack);
	d->accept[k] = has_match(a, tmp);
	for (int c = 0; c < nclasses; c++) {
		memset(tmp, 0, bytes);
		for (int j = 0; j < nin; j++) {
			const struct nstate *s = &a->s[in[j]];

			if (s->kind == S_CHAR && set_has(&r->nodes[s->set].set, rep[c]))
				tmp[s->out >> 6] |= 1ull << (s->out & 63);
		}
		closure(a, tmp, d->words, false, false, stack);
		int to = dstate_of(d, tmp);

		if (to < 0)
			return false;
		d->next[(size_t)k * nclasses + c] = to;
	}
	return true;
}

/* ---- minimizing (Moore) ---- */

struct sig_ctx {
	const int *next, *part;
	int nclasses;
};

static int sig_cmp(const void *x, const void *y, void *arg)
{
	const struct sig_ctx *c = arg;
	int a = *(const int *)x, b = *(const int *)y;

	if (c->part[a] != c->part[b])
		return c->part[a] < c->part[b] ? -1 : 1;
	for (int k = 0; k < c->nclasses; k++) {
		int pa = c->part[c->next[(size_t)a * c->nclasses + k]];
		int pb = c->part[c->next[(size_t)b * c->nclasses + k]];

		if (pa != pb)
			return pa < pb ? -1 : 1;
	}
	return 0;
}

/* part[s]: s's class of equivalent states; returns the number of classes. */
static int minimize(const struct dstates *d, int nclasses, int *part)
{
	int *order = malloc(d->n * sizeof(int)), *np = malloc(d->n * sizeof(int));
	int count = -1, prev;
	struct sig_ctx c = { d->next, part, nclasses };

	/* The start apart: it stays alone, and no transition leads to it. */
	for (int s = 0; s < d->n; s++)
		part[s] = s ? d->accept[s] : 2, order[s] = s;
	do {
		prev = count;
		qsort_r(order, d->n, sizeof(int), sig_cmp, &c);
		count = 0;
		for (int i = 0; i < d->n; i++) {
			if (i && sig_cmp(&order[i - 1], &order[i], &c))
				count++;
			np[order[i]] = count;
		}
		count++;
		memcpy(part, np, d->n * sizeof(int));
	} while (count != prev);
	free(order);
	free(np);
	return count;
}

/* The minimal DFA, numbered breadth first from the start (state 0). */
static bool emit(struct rx *r, const struct dstates *d, int nclasses, struct regex_dfa *dfa)
{
	int *part = malloc(d->n * sizeof(int)), *num = NULL, *repr = NULL;
	int nparts = minimize(d, nclasses, part), n = 0;
	bool ok = nparts <= REGEX_MAX_STATES;

	if (!ok) {
		rx_fail(r, 0, r->len, "regex needs %d DFA states; bpfq's limit is %d", nparts,
			REGEX_MAX_STATES);
		goto out;
	}
	num = malloc(nparts * sizeof(int));
	repr = malloc(nparts * sizeof(int));
	for (int i = 0; i < nparts; i++)
		num[i] = -1;
	num[part[0]] = n;
	repr[n++] = 0;
	for (int q = 0; q < n; q++)
		for (int c = 0; c < nclasses; c++) {
			int p = part[d->next[(size_t)repr[q] * nclasses + c]];

			if (num[p] < 0) {
				num[p] = n;
				repr[n++] = d->next[(size_t)repr[q] * nclasses + c];
			}
		}
	dfa->nstates = n;
	dfa->nclasses = nclasses;
	for (int q = 0; q < n; q++) {
		dfa->accept[q] = d->accept[repr[q]];
		for (int c = 0; c < nclasses; c++)
			dfa->next[q * nclasses + c] = num[part[d->next[(size_t)repr[q] * nclasses + c]]];
	}
out:
	free(part);
	free(num);
	free(repr);
	return ok;
}

static bool determinize(struct rx *r, const struct nfa *a, int start, struct regex_dfa *dfa)
{
	int rep[256], nclasses = byte_classes(r, a, dfa->class_of, rep);
	struct dstates d = { .words = (a->n + 63) / 64, .hsize = 2 * REGEX_MAX_BUILD + 1 };
	/* the closure's stack, then a state's members (dstate_row()) */
	int *stack = malloc(2 * a->n * sizeof(int));
	uint64_t *tmp = calloc(d.words, sizeof(uint64_t));
	bool ok = false;

	d.sets = calloc((size_t)REGEX_MAX_BUILD * d.words, sizeof(uint64_t));
	d.next = malloc((size_t)REGEX_MAX_BUILD * nclasses * sizeof(int));
	d.accept = calloc(REGEX_MAX_BUILD, 1);
	d.hash = calloc(d.hsize, sizeof(int));
	if (!stack || !tmp || !d.sets || !d.next || !d.accept || !d.hash) {
		rx_fail(r, 0, r->len, "out of memory");
		goto out;
	}
	/* State 0, the start, is never looked up: only it may pass a '^'. */
	d.sets[start >> 6] |= 1ull << (start & 63);
	closure(a, d.sets, d.words, true, false, stack);
	d.n = 1;
	for (int k = 0; k < d.n; k++)
		if (!dstate_row(a, r, &d, k, nclasses, rep, tmp, stack)) {
			rx_fail(r, 0, r->len, "regex needs more than %d DFA states; bpfq's limit is %d",
				REGEX_MAX_BUILD, REGEX_MAX_STATES);
			goto out;
		}
	ok = emit(r, &d, nclasses, dfa);
out:
	free(stack);
	free(tmp);
	free(d.sets);
	free(d.next);
	free(d.accept);
	free(d.hash);
	return ok;
}

bool regex_compile(const char *pat, size_t len, struct regex_dfa *dfa, char *err,
		   size_t errlen, size_t *at, size_t *at_end)
{
	struct rx r = { (const unsigned char *)pat, len, 0, NULL, 0, 0, err, errlen, at, at_end,
			false };
	struct nfa a = { 0 };
	byteset any;
	int root, dot, loop, start;
	bool ok = false;

	memset(dfa, 0, sizeof(*dfa));
	root = parse_alt(&r, 0);
	if (root >= 0 && !done(&r))
		rx_fail(&r, r.pos, r.pos + 1, "unmatched ')'");
	memset(&any, 0xff, sizeof(any));
	dot = r.failed ? -1 : set_node(&r, &any);
	if (r.failed)
		goto out;
	a.s = malloc(REGEX_MAX_NFA * sizeof(*a.s));
	if (!a.s) {
		rx_fail(&r, 0, len, "out of memory");
		goto out;
	}
	/* The search: a loop over any byte before the pattern. */
	a.match = nfa_add(&a, S_MATCH, -1, -1, -1);
	start = build(&r, &a, root, a.match);
	loop = nfa_add(&a, S_SPLIT, -1, start, -1);
	if (!a.full)
		a.s[loop].out = nfa_add(&a, S_CHAR, loop, -1, dot);
	if (a.full) {
		rx_fail(&r, 0, len, "regex needs more than %d automaton states; bpfq's limit is %d",
			REGEX_MAX_NFA, REGEX_MAX_NFA);
		goto out;
	}
	ok = determinize(&r, &a, loop, dfa);
out:
	free(a.s);
	free(r.nodes);
	return ok;
}

bool regex_state_decided(const struct regex_dfa *dfa, unsigned state)
{
	if (!dfa->accept[state])
		return false;
	for (unsigned c = 0; c < dfa->nclasses; c++)
		if (dfa->next[state * dfa->nclasses + c] != state)
			return false;
	return true;
}

unsigned regex_step(const struct regex_dfa *dfa, unsigned state, unsigned char c)
{
	return dfa->next[state * dfa->nclasses + dfa->class_of[c]];
}

bool regex_match(const struct regex_dfa *dfa, const char *s, size_t n)
{
	unsigned state = 0;

	for (size_t i = 0; i < n; i++)
		state = regex_step(dfa, state, s[i]);
	return dfa->accept[state];
}
