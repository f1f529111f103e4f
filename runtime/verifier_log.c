// SPDX-License-Identifier: MIT
/*
 * The verifier's log against the program's source (verifier_log.h). With
 * the program's BTF line info the verifier marks where each run of
 * instructions comes from: "; TEXT @ FILE:LINE" before them. TEXT is the
 * line as clang recorded it, empty when clang read the source from a pipe,
 * as bpfq's compile does; FILE and LINE are the #line directives' names
 * for the flattened program, so its text can be found again in it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/verifier_log.h"

#define TOP_LINES 10
#define MAX_PLACES 8192		/* source lines counted per program; a power of two */

/* A place in the source: a file's name (not 0-ended) and a line in it. */
struct place {
	const char *file;
	size_t file_len;
	long line;
};

struct src_line {
	struct place at;
	const char *text;
	size_t len;
};

/* The program's lines, sorted by place. */
struct source {
	struct src_line *lines;
	size_t n;
};

struct count {
	struct place at;
	long n;
};

/* A program of the log, as it is read. */
struct section {
	const char *head;	/* "NAME (SECTION)" of "--- program NAME (SECTION) ---" */
	int head_len;
	long processed, max_per_insn, total, peak;
	char stack[64];		/* "24+0": a frame's depth for each function */
	struct place at;	/* the place of the instructions now read */
	struct count *counts;	/* MAX_PLACES, open addressing */
	long nplaces;
};

static const char *line_end(const char *s)
{
	const char *e = strchr(s, '\n');

	return e ? e : s + strlen(s);
}

static const char *next_line(const char *end)
{
	return *end ? end + 1 : end;
}

static bool starts(const char *s, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - s) >= n && !memcmp(s, prefix, n);
}

/* '#line N "FILE"': the place of the line after it. */
static bool line_directive(const char *s, const char *end, struct place *p)
{
	char *num_end;
	const char *quote;

	if (!starts(s, end, "#line "))
		return false;
	p->line = strtol(s + 6, &num_end, 10);
	if (num_end == s + 6 || end - num_end < 3 || memcmp(num_end, " \"", 2))
		return false;
	quote = memchr(num_end + 2, '"', end - num_end - 2);
	if (!quote)
		return false;
	p->file = num_end + 2;
	p->file_len = quote - p->file;
	return true;
}

static int place_cmp(const struct place *a, const struct place *b)
{
	size_t n = a->file_len < b->file_len ? a->file_len : b->file_len;
	int c = memcmp(a->file, b->file, n);

	if (c)
		return c;
	if (a->file_len != b->file_len)
		return a->file_len < b->file_len ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

static int src_line_cmp(const void *a, const void *b)
{
	return place_cmp(&((const struct src_line *)a)->at, &((const struct src_line *)b)->at);
}

static size_t count_lines(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Each line of src under a #line directive, its leading blanks skipped. */
static void source_index(struct source *m, const char *src)
{
	struct place at = { 0 };

	m->n = 0;
	m->lines = src ? malloc(count_lines(src) * sizeof(*m->lines)) : NULL;
	if (!m->lines)
		return;
	for (const char *s = src; *s; s = next_line(line_end(s))) {
		const char *end = line_end(s), *t = s;

		if (line_directive(s, end, &at))
			continue;
		while (t < end && (*t == ' ' || *t == '\t'))
			t++;
		if (at.file)
			m->lines[m->n++] = (struct src_line){ at, t, end - t };
		at.line++;
	}
	qsort(m->lines, m->n, sizeof(*m->lines), src_line_cmp);
}

static const struct src_line *source_find(const struct source *m, const struct place *p)
{
	struct src_line key = { .at = *p };

	return m->n ? bsearch(&key, m->lines, m->n, sizeof(key), src_line_cmp) : NULL;
}

/* A log line "; TEXT @ FILE:LINE": its place, and TEXT as [*text, *text_end). */
static bool log_place(const char *s, const char *end, struct place *p, const char **text,
		      const char **text_end)
{
	const char *at = NULL, *colon = NULL;
	char *num_end;

	if (s == end || *s != ';')
		return false;
	for (const char *q = s; q + 3 <= end; q++)
		if (!memcmp(q, " @ ", 3))
			at = q;
	for (const char *q = at ? at + 3 : end; q < end; q++)
		if (*q == ':')
			colon = q;
	if (!colon)
		return false;
	p->line = strtol(colon + 1, &num_end, 10);
	if (num_end != end || num_end == colon + 1)
		return false;
	p->file = at + 3;
	p->file_len = colon - p->file;
	*text = s + 1;
	*text_end = at;
	return true;
}

static bool blank(const char *s, const char *end)
{
	while (s < end && *s == ' ')
		s++;
	return s == end;
}

void verifier_log_annotate(FILE *out, const char *log, const char *src)
{
	struct source m;

	source_index(&m, src);
	for (const char *s = log; *s; s = next_line(line_end(s))) {
		const char *end = line_end(s), *text, *text_end;
		const struct src_line *l = NULL;
		struct place p;

		if (log_place(s, end, &p, &text, &text_end) && blank(text, text_end))
			l = source_find(&m, &p);
		if (l && l->len)
			fprintf(out, "; %.*s @ %.*s:%ld\n", (int)l->len, l->text, (int)p.file_len,
				p.file, p.line);
		else
			fprintf(out, "%.*s\n", (int)(end - s), s);
	}
	free(m.lines);
}

/* ---- the summary ---- */

static uint64_t place_hash(const struct place *p)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < p->file_len; i++)
		h = (h ^ (unsigned char)p->file[i]) * 1099511628211ULL;
	return (h ^ (uint64_t)p->line) * 1099511628211ULL;
}

/* One instruction walked at the section's place; places past MAX_PLACES go uncounted. */
static void count_insn(struct section *sec)
{
	uint64_t i = place_hash(&sec->at);

	if (!sec->at.file || !sec->counts)
		return;
	for (long tries = 0; tries < MAX_PLACES; tries++, i++) {
		struct count *c = &sec->counts[i & (MAX_PLACES - 1)];

		if (c->at.file && place_cmp(&c->at, &sec->at))
			continue;
		if (!c->at.file) {
			if (sec->nplaces == MAX_PLACES / 2)
				return;
			c->at = sec->at;
			sec->nplaces++;
		}
		c->n++;
		return;
	}
}

/* An instruction as the verifier walks it: "12: (bf) r6 = r1". */
static bool insn_line(const char *s, const char *end)
{
	const char *q = s;

	while (q < end && *q >= '0' && *q <= '9')
		q++;
	return q > s && end - q > 3 && !memcmp(q, ": (", 3);
}

/* A line of the section's program: a place, an instruction or a figure. */
static void section_line(struct section *sec, const char *s, const char *end)
{
	const char *text, *text_end;
	char line[256];

	if (log_place(s, end, &sec->at, &text, &text_end))
		return;
	if (insn_line(s, end)) {
		count_insn(sec);
		return;
	}
	snprintf(line, sizeof(line), "%.*s", (int)(end - s), s);
	if (sscanf(line, "processed %ld insns (limit %*d) max_states_per_insn %ld "
		   "total_states %ld peak_states %ld", &sec->processed, &sec->max_per_insn,
		   &sec->total, &sec->peak) >= 1)
		return;
	sscanf(line, "stack depth %63s", sec->stack);
}

static int count_cmp(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return place_cmp(&x->at, &y->at);
}

static void print_top(FILE *out, struct section *sec, const struct source *m)
{
	struct count *top = malloc(sec->nplaces * sizeof(*top));
	long n = 0;

	if (!sec->nplaces || !top) {
		fprintf(out, "  no source lines: the log carries no line info\n");
		free(top);
		return;
	}
	for (long i = 0; i < MAX_PLACES; i++)
		if (sec->counts[i].at.file)
			top[n++] = sec->counts[i];
	qsort(top, n, sizeof(*top), count_cmp);
	fprintf(out, "  the source lines the verifier walked most instructions of:\n");
	for (long i = 0; i < n && i < TOP_LINES; i++) {
		const struct src_line *l = source_find(m, &top[i].at);

		fprintf(out, "  %8ld  %.*s:%ld%s%.*s\n", top[i].n, (int)top[i].at.file_len,
			top[i].at.file, top[i].at.line, l && l->len ? "  " : "",
			l ? (int)l->len : 0, l ? l->text : "");
	}
	free(top);
}

static void print_section(FILE *out, struct section *sec, const struct source *m)
{
	fprintf(out, "program %.*s:\n", sec->head_len, sec->head ? sec->head : "");
	fprintf(out, "  %ld instructions processed, %ld states (%ld at the peak, at most %ld "
		"at one instruction), stack depth %s\n", sec->processed, sec->total, sec->peak,
		sec->max_per_insn, sec->stack[0] ? sec->stack : "not in the log");
	print_top(out, sec, m);
}

/* A new section at "--- program NAME ---" (head), the one before printed. */
static void section_start(FILE *out, struct section *sec, const struct source *m,
			  const char *head, const char *end)
{
	if (sec->head || sec->processed)
		print_section(out, sec, m);
	free(sec->counts);
	*sec = (struct section){ .head = head, .head_len = (int)(end - head) };
	sec->counts = calloc(MAX_PLACES, sizeof(*sec->counts));
}

void verifier_log_summary(FILE *out, const char *log, const char *src)
{
	struct section sec = { 0 };
	struct source m;

	source_index(&m, src);
	sec.counts = calloc(MAX_PLACES, sizeof(*sec.counts));
	for (const char *s = log; *s; s = next_line(line_end(s))) {
		const char *end = line_end(s);

		if (starts(s, end, "--- program ") && end - s > 16 && starts(end - 4, end, " ---"))
			section_start(out, &sec, &m, s + 12, end - 4);
		else
			section_line(&sec, s, end);
	}
	if (sec.head || sec.processed)
		print_section(out, &sec, &m);
	free(sec.counts);
	free(m.lines);
}
