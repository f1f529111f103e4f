// SPDX-License-Identifier: MIT
/*
 * The program without the static functions nothing of it calls (prune.h).
 * The templates hold every helper any plan may use; clang drops the ones
 * a plan does not call, but -d c printed them all, and a reader could not
 * tell which ran. A function is found by the templates' style: a line
 * beginning with "static" and naming it before its '(', up to a line that
 * is "{" alone, its body up to a line that is "}" alone, and the comment
 * right above it. Anything else (a function a macro defines, an #if or a
 * #define inside it that does not close there) is never removed: a
 * function kept by doubt costs nothing.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/prune.h"

enum { DEF, DECL };

/* A static function's definition or prototype: lines first..last. */
struct region {
	int first, last, kind;
	const char *name;
	size_t name_len;
	int node;		/* index of its name among the names */
};

struct line {
	const char *s;
	size_t len;
	int region;		/* -1: not in a region */
	int number;		/* its number in its file (#line) */
	const char *file;	/* the file's name in the #line before it, quoted */
	size_t file_len;
};

/* A function's name, in the table sorted for bsearch(). */
struct name {
	const char *s;
	size_t len;
	int node;
};

struct text {
	struct line *lines;
	int nlines;
	struct region *regions;
	int nregions;
	struct name *names;
	int nnames;
	bool *reached;		/* per node */
	int *edges;		/* from, to pairs */
	int nedges, cap_edges;
	bool failed;
};

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool line_is(const struct line *l, const char *s)
{
	return l->len == strlen(s) && !memcmp(l->s, s, l->len);
}

static bool starts(const struct line *l, const char *s)
{
	return l->len >= strlen(s) && !memcmp(l->s, s, strlen(s));
}

static bool ends_with(const struct line *l, char c)
{
	size_t n = l->len;

	while (n && (l->s[n - 1] == ' ' || l->s[n - 1] == '\t'))
		n--;
	return n && l->s[n - 1] == c;
}

/* The lines, each with its number in its file as the #line directives say. */
static bool split_lines(struct text *t, const char *src)
{
	int cap = 1024, number = 1;
	const char *file = "", *p = src;
	size_t file_len = 0;

	t->lines = malloc(cap * sizeof(*t->lines));
	while (t->lines && *p) {
		const char *end = strchr(p, '\n');
		struct line *l;

		if (t->nlines == cap) {
			struct line *more = realloc(t->lines, (cap *= 2) * sizeof(*more));

			if (!more)
				return false;
			t->lines = more;
		}
		l = &t->lines[t->nlines++];
		*l = (struct line){ p, end ? (size_t)(end - p) : strlen(p), -1, number, file,
				    file_len };
		number++;
		if (starts(l, "#line ")) {
			const char *q = strchr(l->s, '"');

			number = atoi(l->s + 6);
			if (q && q < l->s + l->len)
				file = q, file_len = l->s + l->len - q;
		}
		p = end ? end + 1 : p + l->len;
	}
	return t->lines != NULL;
}

/* The function's name: the identifier before the line's first '(' but
 * an attribute's; none after an '=' or '[' (a variable, whose initializer
 * may call a macro). */
static const char *function_name(const struct line *l, size_t *len)
{
	const char *end = l->s + l->len;

	for (const char *p = l->s; p < end; p++) {
		const char *b = p;

		if (*p == '=' || *p == '[')
			return NULL;
		if (*p != '(')
			continue;
		while (b > l->s && is_ident(b[-1]))
			b--;
		if (b == p || (p - b == 13 && !memcmp(b, "__attribute__", 13)))
			return NULL;
		*len = p - b;
		return b;
	}
	return NULL;
}

/* Whether lines a..b hold no directive that does not close in them, nor
 * a #define, #undef, #include or #line that text after them may need. */
static bool self_contained(const struct text *t, int a, int b)
{
	int depth = 0;

	for (int i = a; i <= b; i++) {
		const struct line *l = &t->lines[i];

		if (starts(l, "#if"))
			depth++;
		else if (starts(l, "#endif") && --depth < 0)
			return false;
		else if ((starts(l, "#el") && !depth) || starts(l, "#define") ||
			 starts(l, "#undef") || starts(l, "#include") || starts(l, "#line"))
			return false;
	}
	return depth == 0;
}

/* The comment block right above line i ("/" "*" at its start): its first line, or i. */
static int comment_above(const struct text *t, int i)
{
	int j = i - 1;

	if (j < 0 || !ends_with(&t->lines[j], '/') || t->lines[j].len < 2 ||
	    t->lines[j].s[t->lines[j].len - 2] != '*')
		return i;
	while (j >= 0 && !starts(&t->lines[j], "/*")) {
		if (!starts(&t->lines[j], " *"))
			return i;
		j--;
	}
	return j < 0 ? i : j;
}

static bool add_region(struct text *t, int first, int last, int kind, const char *name,
		       size_t len)
{
	struct region *more;

	if (!self_contained(t, first, last))
		return true;
	more = realloc(t->regions, (t->nregions + 1) * sizeof(*more));
	if (!more)
		return false;
	t->regions = more;
	t->regions[t->nregions++] = (struct region){ first, last, kind, name, len, -1 };
	for (int k = first; k <= last; k++)
		t->lines[k].region = t->nregions - 1;
	return true;
}

/* A static function at line i: its region, and the line after it. */
static int find_region(struct text *t, int i)
{
	const struct line *l = &t->lines[i];
	size_t len;
	const char *name = starts(l, "static ") ? function_name(l, &len) : NULL;

	if (!name)
		return i + 1;
	for (int j = i; j < t->nlines && j < i + 8; j++) {
		if (ends_with(&t->lines[j], ';')) {
			t->failed |= !add_region(t, i, j, DECL, name, len);
			return j + 1;
		}
		if (!line_is(&t->lines[j], "{"))
			continue;
		for (int k = j + 1; k < t->nlines; k++) {
			if (line_is(&t->lines[k], "}")) {
				t->failed |= !add_region(t, comment_above(t, i), k, DEF, name, len);
				return k + 1;
			}
			if (starts(&t->lines[k], "static "))
				return i + 1;
		}
		return i + 1;
	}
	return i + 1;
}

static int name_cmp(const void *a, const void *b)
{
	const struct name *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The node of a function's name, or -1: every name of the text is looked up. */
static int node_of(const struct text *t, const char *s, size_t len)
{
	struct name key = { s, len, -1 };
	const struct name *n = bsearch(&key, t->names, t->nnames, sizeof(key), name_cmp);

	return n ? n->node : -1;
}

/* Regions of one name share a node: the first region's index. */
static bool index_names(struct text *t)
{
	t->names = malloc((t->nregions + 1) * sizeof(*t->names));
	if (!t->names)
		return false;
	for (int r = 0; r < t->nregions; r++) {
		struct region *g = &t->regions[r];
		struct name key = { g->name, g->name_len, r };
		struct name *n = bsearch(&key, t->names, t->nnames, sizeof(key), name_cmp);

		if (n) {
			g->node = n->node;
			continue;
		}
		g->node = r;
		t->names[t->nnames++] = key;
		qsort(t->names, t->nnames, sizeof(key), name_cmp);
	}
	return true;
}

static void add_edge(struct text *t, int from, int to)
{
	if (t->nedges == t->cap_edges) {
		int cap = t->cap_edges ? t->cap_edges * 2 : 256;
		int *more = realloc(t->edges, cap * 2 * sizeof(*more));

		if (!more) {
			t->failed = true;
			return;
		}
		t->edges = more;
		t->cap_edges = cap;
	}
	t->edges[2 * t->nedges] = from;
	t->edges[2 * t->nedges + 1] = to;
	t->nedges++;
}

/* The names each line holds outside comments and literals: a root's reach
 * the function, a function's an edge to it. */
static void scan_names(struct text *t)
{
	bool comment = false;

	for (int i = 0; i < t->nlines && !t->failed; i++) {
		const struct line *l = &t->lines[i];
		int owner = l->region < 0 ? -1 : t->regions[l->region].node;
		const char *p = l->s, *end = l->s + l->len;

		while (p < end) {
			if (comment) {
				comment = !(p + 1 < end && p[0] == '*' && p[1] == '/');
				p += comment ? 1 : 2;
			} else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
				comment = true;
				p += 2;
			} else if (p + 1 < end && p[0] == '/' && p[1] == '/') {
				break;
			} else if (*p == '"' || *p == '\'') {
				char q = *p++;

				while (p < end && *p != q)
					p += *p == '\\' ? 2 : 1;
				p++;
			} else if (is_ident(*p)) {
				const char *b = p;
				int to;

				while (p < end && is_ident(*p))
					p++;
				to = node_of(t, b, p - b);
				if (to < 0 || to == owner)
					continue;
				if (owner < 0)
					t->reached[to] = true;
				else
					add_edge(t, owner, to);
			} else {
				p++;
			}
		}
	}
}

static void reach(struct text *t)
{
	bool more = true;

	while (more) {
		more = false;
		for (int e = 0; e < t->nedges; e++)
			if (t->reached[t->edges[2 * e]] && !t->reached[t->edges[2 * e + 1]])
				more = t->reached[t->edges[2 * e + 1]] = true;
	}
}

/* Whether line i goes out: not in a region of a function left out. */
static bool kept(const struct text *t, int i, bool (*keep)(const struct text *, int node,
							    const void *), const void *arg)
{
	int r = t->lines[i].region;

	return r < 0 || keep(t, t->regions[r].node, arg);
}

static char *write_text(const struct text *t, size_t *len,
			bool (*keep)(const struct text *, int, const void *), const void *arg,
			bool line_marks)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);
	bool gap = false;

	if (!f)
		return NULL;
	for (int i = 0; i < t->nlines; i++) {
		const struct line *l = &t->lines[i];

		if (!kept(t, i, keep, arg)) {
			gap = true;
			continue;
		}
		/* One blank line where a function and its blank line went. */
		if (gap && l->len == 0)
			continue;
		if (gap && line_marks && !starts(l, "#line "))
			fprintf(f, "#line %d %.*s\n", l->number, (int)l->file_len, l->file);
		gap = false;
		fprintf(f, "%.*s\n", (int)l->len, l->s);
	}
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

static bool analyse(struct text *t, const char *src)
{
	if (!split_lines(t, src))
		return false;
	for (int i = 0; i < t->nlines && !t->failed;)
		i = find_region(t, i);
	t->reached = calloc(t->nregions + 1, sizeof(*t->reached));
	if (!t->reached || !index_names(t))
		return false;
	scan_names(t);
	return !t->failed;
}

static void text_free(struct text *t)
{
	free(t->lines);
	free(t->regions);
	free(t->names);
	free(t->reached);
	free(t->edges);
}

static bool keep_reached(const struct text *t, int node, const void *arg)
{
	return t->reached[node];
}

char *prune_unused(const char *src, size_t *len)
{
	struct text t = { 0 };
	char *out = NULL;

	if (analyse(&t, src)) {
		reach(&t);
		out = write_text(&t, len, keep_reached, NULL, true);
	}
	text_free(&t);
	return out;
}

/* Whether the program defines the function of node. */
static bool keep_defined(const struct text *t, int node, const void *arg)
{
	const struct text *program = arg;
	const struct region *r = &t->regions[node];

	for (int i = 0; i < program->nregions; i++)
		if (program->regions[i].kind == DEF && program->regions[i].name_len == r->name_len &&
		    !memcmp(program->regions[i].name, r->name, r->name_len))
			return true;
	return false;
}

char *prune_like(const char *text, const char *program, size_t *len)
{
	struct text t = { 0 }, p = { 0 };
	char *out = NULL;

	if (analyse(&t, text) && analyse(&p, program))
		out = write_text(&t, len, keep_defined, &p, false);
	text_free(&t);
	text_free(&p);
	return out;
}
