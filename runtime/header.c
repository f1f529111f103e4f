// SPDX-License-Identifier: MIT
/* Reading a csv header ahead of the scan (see header.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "lang/engine/records.h"
#include "lang/value/timestamp.h"
#include "runtime/header.h"

#define HEADER_MAX (1 << 20)
#define GUESS_SAMPLE 50	/* records after the first that the guess of a header compares */

/* The end of the first record (after its '\n'), or 0 if it has not ended within n bytes. */
static size_t record_end(const char *buf, size_t n, bool at_eof)
{
	bool quoted = false, started = false;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '"')
			quoted = !quoted;
		else if (buf[i] == '\n' && !quoted && started)
			return i + 1;
		else if (buf[i] != '\n' && buf[i] != '\r')
			started = true;
	}
	return at_eof ? n : 0;
}

/* Whether the first record and the GUESS_SAMPLE after it have ended. */
static bool sample_ended(const char *buf, size_t n, bool gone)
{
	size_t at = 0;

	for (int i = 0; i <= GUESS_SAMPLE; i++) {
		size_t end = record_end(buf + at, n - at, gone);

		if (!end || at + end >= n)
			return gone;
		at += end;
	}
	return true;
}

/*
 * The first record's bytes (*end of them) and the records after it that
 * the guess and the columns' kinds look at, without consuming the input;
 * *all: the input holds no more.
 */
static ssize_t peek(struct input *in, char *buf, size_t *end, bool *all)
{
	ssize_t n = input_peek_until(in, buf, HEADER_MAX, sample_ended, all);

	if (n >= 0)
		*end = record_end(buf, n, *all);
	return n;
}

/* Fields of the record buf[0..n) split at d; a quoted field holds its d's. */
static int count_fields(const char *buf, size_t n, char d)
{
	bool quoted = false;
	int fields = 1;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '"')
			quoted = !quoted;
		else if (buf[i] == d && !quoted)
			fields++;
	}
	return fields;
}

static bool blank_record(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != '\n' && buf[i] != '\r')
			return false;
	return true;
}

/* The fields each of the first records has by d, when they all have as many; else 0. */
static int same_fields(const char *buf, size_t n, bool all, char d)
{
	size_t at = 0;
	int want = 0;

	for (int i = 0; i <= GUESS_SAMPLE && at < n; i++) {
		size_t end = record_end(buf + at, n - at, all);
		int got;

		if (!end)
			break;
		got = blank_record(buf + at, end) ? want : count_fields(buf + at, end, d);
		if (want && got != want)
			return 0;
		want = got;
		at += end;
	}
	return want;
}

/*
 * Split the record into fields (quotes removed, "" a quote, blanks around
 * trimmed). If blank is not NULL, (*blank)[i] says field i was written
 * as "" (R's name for its column of row names).
 */
static int split(const char *rec, size_t n, char delim, struct schema *sc, bool **blank)
{
	char *field = malloc(n + 1);
	size_t len = 0;
	bool quoted = false, had_quote = false;

	if (!field)
		return -1;
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? rec[i] : '\n';

		if (quoted && c == '"' && i + 1 < n && rec[i + 1] == '"') {
			field[len++] = '"';
			i++;
		} else if (c == '"') {
			quoted = !quoted;
			had_quote = true;
		} else if (!quoted && (c == delim || c == '\n')) {
			char **more = realloc(sc->names, (sc->ncols + 1) * sizeof(*more));
			bool *flags = blank ? realloc(*blank, (sc->ncols + 1) * sizeof(*flags)) : NULL;
			size_t b = 0;

			while (len && (field[len - 1] == ' ' || field[len - 1] == '\t' ||
				       field[len - 1] == '\r'))
				len--;
			while (b < len && (field[b] == ' ' || field[b] == '\t'))
				b++;
			if (more)
				sc->names = more;
			if (blank && flags)
				*blank = flags;
			if (!more || (blank && !flags))
				break;
			if (blank)
				flags[sc->ncols] = had_quote && len == b;
			sc->names[sc->ncols++] = strndup(field + b, len - b);
			len = 0;
			had_quote = false;
			if (c == '\n')
				break;
		} else if (quoted || c != '\r') {
			field[len++] = c;
		}
	}
	free(field);
	return 0;
}

/* What a field holds, for the guess of a header. */
enum kind { K_TEXT, K_NUMBER, K_EMPTY };

/*
 * A number as awk and Python's float() read one: [+-], digits with an
 * optional point (or a point and digits), an optional exponent. The
 * kernel's parse reads fewer forms; the guess must not take a numpy file's
 * first row of 1.5e-03 for names.
 */
static bool is_number(const char *s)
{
	bool digits = false;

	if (*s == '+' || *s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits = true;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits = true;
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return !*s;
}

/*
 * Empty: no value. R writes NA, numpy nan and inf: a missing or an odd
 * value in a column of numbers, which says nothing about names.
 */
static enum kind kind_of(const char *s)
{
	static const char *const none[] = { "NA", "nan", "NaN", "NAN", "inf", "-inf", "+inf",
					    "Inf", "-Inf", "+Inf", "infinity", "-infinity" };

	if (!*s)
		return K_EMPTY;
	for (size_t i = 0; i < sizeof(none) / sizeof(*none); i++)
		if (!strcmp(s, none[i]))
			return K_EMPTY;
	return is_number(s) ? K_NUMBER : K_TEXT;
}

/* Per column of the first record: whether the records below hold numbers, text, times. */
struct below {
	bool number, text, time, other;
	bool clock;		/* a time with a time of day among them */
	bool word;		/* a value that is no number, no time and no NULL word */
	bool slashed, unslashed;	/* such values that are dates as 12/31/2023, and others */
	char *first;		/* the first such value, for messages */
};

/* A sampled ISO 8601 time: one with a time of day ("2023-03-01 00:00:00") makes a timestamp column. */
static void note_time(struct below *col, const char *text)
{
	col->time = true;
	col->clock |= strchr(text, ':') != NULL;
}

/* The words the parsers read as NULL (lang/engine/records.c num_null_kind()). */
static bool null_word(const char *s)
{
	static const char *const words[] = { "-", "na", "n/a", "null", "nan", "inf", "-inf",
					     "+inf", "infinity", "-infinity", "+infinity" };

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (!strcasecmp(s, words[i]))
			return true;
	return false;
}

/* A value that is text to a query: neither a number, a time, nor a NULL word. */
/* A date with slashes: 1 or 2 digits, '/', 1 or 2 digits, '/', 2 or 4 digits, then a blank or the end. */
static bool slashed_date(const char *s)
{
	size_t n[3];

	for (int i = 0; i < 3; i++) {
		n[i] = strspn(s, "0123456789");
		s += n[i];
		if (i < 2 && *s++ != '/')
			return false;
	}
	return n[0] >= 1 && n[0] <= 2 && n[1] >= 1 && n[1] <= 2 && (n[2] == 2 || n[2] == 4) &&
	       (!*s || *s == ' ' || *s == 'T');
}

static int note_word(struct below *col, const char *s)
{
	if (null_word(s))
		return 0;
	col->word = true;
	if (slashed_date(s))
		col->slashed = true;
	else
		col->unslashed = true;
	if (!col->first && !(col->first = strdup(s)))
		return -1;
	return 0;
}

/* The kinds of the records after the first in buf[first..n), up to GUESS_SAMPLE of them. */
static int sample(const char *buf, size_t n, size_t first, bool all, char delim,
		  struct below *cols, int ncols, int *records)
{
	size_t at = first;

	*records = 0;
	while (at < n && *records < GUESS_SAMPLE) {
		size_t end = record_end(buf + at, n - at, all);
		struct schema rec = { 0 };

		if (!end)
			break;
		if (split(buf + at, end, delim, &rec, NULL)) {
			header_free(&rec);
			return -1;
		}
		/* An empty line is no record. */
		if (rec.ncols > 1 || (rec.ncols == 1 && rec.names[0][0])) {
			for (int i = 0; i < rec.ncols && i < ncols; i++) {
				enum kind k = kind_of(rec.names[i]);

				int64_t us;

				cols[i].number |= k == K_NUMBER;
				cols[i].text |= k == K_TEXT;
				if (k == K_TEXT && ts_parse(rec.names[i], strlen(rec.names[i]), &us))
					note_time(&cols[i], rec.names[i]);
				else if (k != K_EMPTY)
					cols[i].other = true;
				if (k == K_TEXT && !cols[i].time && note_word(&cols[i], rec.names[i])) {
					header_free(&rec);
					return -1;
				}
			}
			(*records)++;
		}
		header_free(&rec);
		at += end;
	}
	return 0;
}

/* Whether the query names a column (a header's name) that the first record holds. */
static bool names_one_of(const struct query *q, const struct node *n, const struct schema *sc)
{
	if (!n)
		return false;
	if (n->kind == NODE_NAME) {
		const char *name = q->text + n->loc.begin;
		size_t len = n->loc.end - n->loc.begin;

		if (len >= 2 && name[0] == '"') {
			name++;
			len -= 2;
		}
		for (int i = 0; i < sc->ncols; i++)
			if (strlen(sc->names[i]) == len && !strncasecmp(sc->names[i], name, len))
				return true;
	}
	if (names_one_of(q, n->lhs, sc) || names_one_of(q, n->rhs, sc))
		return true;
	for (int i = 0; i < n->nargs; i++)
		if (names_one_of(q, n->args[i], sc))
			return true;
	return false;
}

static bool query_names(const struct query *q, const struct schema *sc)
{
	for (int i = 0; i < q->nitems; i++)
		if (names_one_of(q, q->items[i], sc))
			return true;
	for (int i = 0; q->by && i < q->nkeys; i++)
		if (names_one_of(q, q->keys[i], sc))
			return true;
	return names_one_of(q, q->where, sc);
}

/*
 * header=auto, as DuckDB's sniffer guesses: the first record against the
 * ones below it. It is a header if a column's first field is text and the
 * fields below are numbers, or a field is "" (R's name for the row names)
 * over values. Else, with no record below to compare, or if all its
 * fields are text, it is a header when none is empty (names over text);
 * a record of numbers or empty fields whose kinds match the records below
 * is data, unless the query names one of its fields ('region,2024' over
 * 'north,10': the kinds cannot tell).
 */
static bool guess_header(const struct query *q, const struct schema *sc, const bool *blank,
			 const struct below *cols, int records)
{
	bool plain_names = sc->ncols > 0;

	for (int i = 0; i < sc->ncols; i++) {
		enum kind k = kind_of(sc->names[i]);

		if (records && k == K_TEXT && cols[i].number && !cols[i].text)
			return true;
		if (records && blank[i] && (cols[i].number || cols[i].text))
			return true;
		plain_names &= k == K_TEXT;
	}
	if (plain_names)
		return true;
	return query_names(q, sc);
}

/*
 * A guess needs no word when the query names a column the header holds,
 * or when a first record of numbers and empty fields is taken as data.
 */
static bool guess_sure(const struct query *q, const struct schema *sc, bool header)
{
	if (header)
		return query_names(q, sc);
	for (int i = 0; i < sc->ncols; i++)
		if (kind_of(sc->names[i]) == K_TEXT)
			return false;
	return true;
}

/* What bpfq took the first record to be, when it guessed, and how to say otherwise. */
static void say_guess(const struct input *in, const struct schema *sc, bool header)
{
	char list[200];
	size_t len = 0;

	for (int i = 0; i < sc->ncols && len < sizeof(list) - 16; i++) {
		if (i)
			len += snprintf(list + len, sizeof(list) - len, ", ");
		for (const unsigned char *p = (const unsigned char *)sc->names[i];
		     *p && len < sizeof(list) - 16; p++) {
			/* The file's bytes are not the terminal's commands. */
			if (*p < 0x20 || *p == 0x7f || *p == '\\')
				len += snprintf(list + len, sizeof(list) - len, "\\x%02x", *p);
			else
				list[len++] = *p;
		}
	}
	list[len] = 0;
	if (len >= sizeof(list) - 16)
		snprintf(list + len, sizeof(list) - len, ", ...");
	fprintf(stderr, "bpfq: note: took the first line of %s as %s (%s); say 'as csv(%s)' if it "
			"is %s\n", in->name, header ? "a header" : "data", list,
		header ? "noheader" : "header", header ? "data" : "a header");
}

/* The data starts after the header: skip it in a file, read it out of a pipe. */
static int skip_header(struct input *in, const char *buf, size_t len)
{
	char sink[4096];

	input_skip(in, buf, len);
	if (in->seekable)
		return lseek(in->fd, in->base, SEEK_SET) < 0 ? -1 : 0;
	while (len) {
		ssize_t r = read(in->fd, sink, len < sizeof(sink) ? len : sizeof(sink));

		if (r <= 0)
			return -1;
		len -= r;
	}
	return 0;
}

/* Enough to tell a byte order mark: three bytes, or fewer that already differ from it. */
static bool three_bytes(const char *buf, size_t n, bool gone)
{
	(void)gone;
	return n >= 3 || memcmp(buf, "\xef\xbb\xbf", n);
}

/*
 * A UTF-8 byte order mark (EF BB BF, as Excel and Windows tools start a
 * file) is not data and not part of the first name: the input starts
 * after it, and lines and columns count from there. A terminal is not
 * looked into: no one types a mark.
 */
static int skip_bom(struct input *in)
{
	char buf[3];
	bool all;
	ssize_t n = input_peek_until(in, buf, sizeof(buf), three_bytes, &all);

	if (n < 0 && errno == ESPIPE)
		return 0;
	if (n < 0) {
		fprintf(stderr, "bpfq: error: read %s: %s\n", in->name, strerror(errno));
		return -1;
	}
	if (n < 3 || memcmp(buf, "\xef\xbb\xbf", 3))
		return 0;
	if (in->seekable) {
		in->origin += 3;
		in->base += 3;
		in->size = in->size > 3 ? in->size - 3 : 0;
		if (lseek(in->fd, in->base, SEEK_SET) >= 0)
			return 0;
	} else if (read(in->fd, buf, 3) == 3) {
		return 0;
	}
	fprintf(stderr, "bpfq: error: skipping the byte order mark of %s: %s\n", in->name,
		strerror(errno));
	return -1;
}

/*
 * skip=N: the first lines are not read. A file's lines and a pipe's count
 * them still, so that places in messages are the file's. A terminal is
 * read a byte at a time: nothing after the last line may be taken.
 */
static int skip_lines(struct input *in, uint32_t lines, char *buf, size_t max)
{
	while (lines) {
		bool all = false, taken = false;
		ssize_t n = input_peek_until(in, buf, max, input_some_bytes, &all);
		size_t used = 0;

		if (n < 0 && errno == ESPIPE) {
			n = read(in->fd, buf, 1);
			taken = true;
		}
		if (n < 0) {
			fprintf(stderr, "bpfq: error: read %s: %s\n", in->name, strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		while (lines && used < (size_t)n) {
			const char *nl = memchr(buf + used, '\n', n - used);

			used = nl ? (size_t)(nl - buf) + 1 : (size_t)n;
			lines -= nl != NULL;
		}
		if (taken) {
			input_skip(in, buf, used);
		} else if (skip_header(in, buf, used)) {
			fprintf(stderr, "bpfq: error: skipping the first lines of %s: %s\n",
				in->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static const char *delim_name(char d, char *buf)
{
	if (d == '\t')
		return "the tab";
	snprintf(buf, 8, "'%c'", d);
	return buf;
}

/*
 * The first records, for a look at their fields; 0 with nothing to look
 * into (a terminal), -1 after saying why.
 */
static ssize_t peek_sample(struct input *in, char *buf, bool *all)
{
	ssize_t n = input_peek_until(in, buf, HEADER_MAX, sample_ended, all);

	if (n < 0 && errno == ESPIPE)
		return 0;
	if (n < 0)
		fprintf(stderr, "bpfq: error: read %s: %s\n", in->name, strerror(errno));
	return n;
}

/*
 * csv without delim=: ',' unless the first record holds none and the
 * first records all have as many fields, two or more, by a tab, ';'
 * (European spreadsheets' exports) or '|' (databases' dumps): DuckDB's
 * sniffer tries these too. A guess, so it is said.
 */
static int sniff_delim(struct input *in, struct input_format *f, char *buf)
{
	static const char others[] = { '\t', ';', '|' };
	bool all = false;
	ssize_t n = peek_sample(in, buf, &all);
	size_t end = n > 0 ? record_end(buf, n, all) : 0;
	char name[8];

	if (n < 0)
		return -1;
	f->delim_given = true;
	if (!end || count_fields(buf, end, ',') > 1)
		return 0;
	for (size_t i = 0; i < sizeof(others); i++) {
		int cols = same_fields(buf, n, all, others[i]);

		if (cols < 2)
			continue;
		f->delim = others[i];
		fprintf(stderr, "bpfq: note: took %s as the delimiter of %s (%d fields a record, "
				"no ','); say 'as csv(delim=...)' if it is another\n",
			delim_name(f->delim, name), in->name, cols);
		return 0;
	}
	return 0;
}

int header_sniff_csv(struct input *in, struct input_format *f)
{
	static const char delims[] = { ',', '\t', ';', '|' };
	char *buf = malloc(HEADER_MAX), name[8];
	bool all = false;
	ssize_t n = buf ? peek_sample(in, buf, &all) : -1;

	for (size_t i = 0; n > 0 && i < sizeof(delims); i++) {
		int cols = same_fields(buf, n, all, delims[i]);

		if (cols < 2)
			continue;
		*f = (struct input_format){ .kind = INPUT_CSV, .delim = delims[i], .delim_given = true,
					    .header = HEADER_AUTO, .skip = f->skip };
		fprintf(stderr, "bpfq: note: read %s as csv: its first records have %d fields by %s; "
				"name a format ('as text', 'as csv(...)') if it is another\n", in->name,
			cols, delim_name(delims[i], name));
		break;
	}
	free(buf);
	return n < 0 ? -1 : 0;
}

/*
 * The columns whose sampled values are all ISO 8601 times (or empty):
 * times to min and max; and those whose values are all text (or NULL):
 * text to every aggregate and operator, with the first value for messages,
 * and whether they are all dates with slashes, which no order of text
 * puts in time.
 */
static int column_kinds(struct schema *sc, struct below *cols)
{
	sc->times = calloc(sc->ncols, sizeof(*sc->times));
	sc->texts = calloc(sc->ncols, sizeof(*sc->texts));
	sc->slashed = calloc(sc->ncols, sizeof(*sc->slashed));
	sc->clocks = calloc(sc->ncols, sizeof(*sc->clocks));
	if (!sc->times || !sc->texts || !sc->slashed || !sc->clocks)
		return -1;
	for (int i = 0; i < sc->ncols; i++) {
		sc->times[i] = cols[i].time && !cols[i].other;
		sc->clocks[i] = cols[i].clock;
		if (cols[i].word && !cols[i].number && !cols[i].time) {
			sc->texts[i] = cols[i].first;
			cols[i].first = NULL;
			sc->slashed[i] = cols[i].slashed && !cols[i].unslashed;
		}
	}
	return 0;
}

/* Whether the first GUESS_SAMPLE lines have ended. */
static bool lines_ended(const char *buf, size_t n, bool gone)
{
	size_t lines = 0;

	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\n' && ++lines >= GUESS_SAMPLE)
			return true;
	return gone;
}

/* One field of a text line, s[0..n): its kind into cols[i], grown to hold i. */
static int sample_word(struct below **cols, int *ncols, int i, const char *s, size_t n)
{
	char *word = strndup(s, n);
	enum kind k;
	int64_t us;
	int rc = 0;

	if (!word)
		return -1;
	if (i >= *ncols) {
		struct below *more = realloc(*cols, (i + 1) * sizeof(*more));

		if (!more) {
			free(word);
			return -1;
		}
		memset(more + *ncols, 0, (i + 1 - *ncols) * sizeof(*more));
		*cols = more;
		*ncols = i + 1;
	}
	/* A NUL byte ends word early: such a field is no number and no time. */
	k = strlen(word) < n ? K_TEXT : kind_of(word);
	(*cols)[i].number |= k == K_NUMBER;
	if (k == K_TEXT && strlen(word) == n && ts_parse(word, n, &us))
		note_time(&(*cols)[i], word);
	else if (k == K_TEXT)
		rc = note_word(&(*cols)[i], word);
	free(word);
	return rc;
}

/* The fields of the lines in buf[0..n), split at blanks as 'as text' splits them. */
static int sample_lines(const char *buf, size_t n, struct below **cols, int *ncols)
{
	size_t at = 0;

	for (int line = 0; line < GUESS_SAMPLE && at < n; line++) {
		const char *nl = memchr(buf + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - buf) : n;
		int field = 0;

		while (at < end && field < BPFQ_MAX_FIELD) {
			size_t start;

			while (at < end && (buf[at] == ' ' || buf[at] == '\t' || buf[at] == '\r'))
				at++;
			for (start = at; at < end && buf[at] != ' ' && buf[at] != '\t' &&
			     buf[at] != '\r'; at++)
				;
			if (at > start && sample_word(cols, ncols, field++, buf + start, at - start))
				return -1;
		}
		at = end + 1;
	}
	return 0;
}

/* An aggregate whose answer a field of text changes (count, count_distinct, min, max of one). */
static bool takes_field_text(const struct query *q)
{
	for (int i = 0; i < q->nitems; i++) {
		const struct node *n = q->items[i];

		if ((n->agg == AGG_COUNT || n->agg == AGG_COUNT_DISTINCT || n->agg == AGG_MIN ||
		     n->agg == AGG_MAX) && n->nargs && n->args[0]->kind == NODE_FIELD)
			return true;
	}
	return false;
}

/*
 * The sampled fields' kinds into sc (rc 0: the sample was read), without
 * times: a text field or JSON key becomes one only beside one. Frees cols.
 */
static int keep_kinds(struct schema *sc, struct below *cols, int ncols, int rc)
{
	if (!rc) {
		sc->ncols = ncols;
		rc = ncols && column_kinds(sc, cols) ? -1 : 0;
		free(sc->times);
		sc->times = NULL;
	}
	for (int i = 0; i < ncols; i++)
		free(cols[i].first);
	free(cols);
	return rc;
}

/*
 * 'as text': which fields of the first lines are all text, as for csv
 * columns (no names; no times, which a text field becomes only beside
 * one). A pipe is waited for only when an aggregate's answer depends on
 * it (a stream summed as it comes starts at once); an input that cannot
 * be looked into is not sampled.
 */
static int sample_text(struct input *in, const struct query *q, char *buf, struct schema *sc)
{
	struct below *cols = NULL;
	int ncols = 0, rc;
	bool all = false;
	ssize_t n;

	if (!in->seekable && !takes_field_text(q))
		return 0;
	n = input_peek_until(in, buf, HEADER_MAX, lines_ended, &all);
	if (n < 0)
		return 0;
	rc = sample_lines(buf, n, &cols, &ncols);
	return keep_kinds(sc, cols, ncols, rc);
}

/* Field i of a JSON object: a path a.b, or "a.b" quoted, one key (as json_key_hash() reads it). */
static yajl_val json_sample_value(yajl_val obj, const struct query *q, int i)
{
	struct loc l = q->format.keys[i];
	const char *text = q->text + l.begin, *path[BPFQ_JSON_DEPTH + 1];
	char name[256], *at = name;
	int n = 0;

	if (l.end - l.begin >= sizeof(name))
		return NULL;
	if (*text == '"') {
		memcpy(name, text + 1, l.end - l.begin - 2);
		name[l.end - l.begin - 2] = 0;
		path[n++] = name;
	} else {
		memcpy(name, text, l.end - l.begin);
		name[l.end - l.begin] = 0;
		for (char *dot; n < BPFQ_JSON_DEPTH && (dot = strchr(at, '.')); at = dot + 1) {
			*dot = 0;
			path[n++] = at;
		}
		path[n++] = at;
	}
	path[n] = NULL;
	return yajl_tree_get(obj, path, yajl_t_any);
}

/* One object's used keys: their kinds, as a csv record's fields. */
static int sample_object(yajl_val obj, const struct query *q, struct below **cols, int *ncols)
{
	for (int i = 0; i < q->format.nkeys; i++) {
		yajl_val v = json_sample_value(obj, q, i);
		const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) :
				YAJL_IS_NUMBER(v) ? YAJL_GET_NUMBER(v) :
				YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v) ? "1" : NULL;

		if (s && sample_word(cols, ncols, i, s, strlen(s)))
			return -1;
	}
	return 0;
}

/*
 * JSON lines: which keys' values in the first lines are all text (no
 * number, no time, no NULL word), as for csv columns, so that count,
 * count(distinct), min and max take their text; no times yet.
 */
static int sample_json(struct input *in, const struct query *q, char *buf, struct schema *sc)
{
	struct below *cols = NULL;
	int ncols = 0, rc = 0;
	bool all = false;
	ssize_t n;

	if ((!in->seekable && !takes_field_text(q)) || !q->format.nkeys)
		return 0;
	n = input_peek_until(in, buf, HEADER_MAX - 1, lines_ended, &all);
	if (n < 0)
		return 0;
	for (ssize_t at = 0, end; at < n; at = end + 1) {
		char *nl = memchr(buf + at, '\n', n - at);
		yajl_val obj;

		if (!nl && !all)
			break;
		end = nl ? nl - buf : n;
		buf[end] = 0;
		if (!(obj = yajl_tree_parse(buf + at, NULL, 0)))
			continue;
		rc = YAJL_IS_OBJECT(obj) ? sample_object(obj, q, &cols, &ncols) : 0;
		yajl_tree_free(obj);
		if (rc)
			break;
	}
	return keep_kinds(sc, cols, ncols, rc);
}

int header_read(struct input *in, struct query *q, struct schema *sc)
{
	struct input_format *f = &q->format;
	char *buf;
	size_t end = 0;
	ssize_t n;
	int rc = -1, records = 0, ncols = 0;
	bool all = false, *blank = NULL;
	struct below *cols = NULL;

	memset(sc, 0, sizeof(*sc));
	f->header_present = false;
	if (f->kind == INPUT_BINARY)
		return 0;
	buf = malloc(HEADER_MAX);
	if (!buf)
		return -1;
	if (skip_bom(in) || skip_lines(in, f->skip, buf, HEADER_MAX))
		goto cleanup;
	rc = f->kind == INPUT_TEXT ? sample_text(in, q, buf, sc) :
	     f->kind == INPUT_JSON ? sample_json(in, q, buf, sc) : 0;
	if (f->kind != INPUT_CSV)
		goto cleanup;
	rc = -1;
	if (!f->delim_given && sniff_delim(in, f, buf))
		goto cleanup;
	rc = 0;
	if (f->header == HEADER_NO)
		goto cleanup;
	rc = -1;
	n = peek(in, buf, &end, &all);
	if (n < 0 && errno == ESPIPE) {
		fprintf(stderr, "bpfq: error: %s cannot be looked into for a csv header: write "
				"'as csv(header)' or 'as csv(noheader)' after the path\n", in->name);
		goto cleanup;
	}
	if (n < 0) {
		fprintf(stderr, "bpfq: error: read %s: %s\n", in->name, strerror(errno));
		goto cleanup;
	}
	if (!end && n) {
		fprintf(stderr, "bpfq: error: the first record of %s is longer than %d bytes: no "
				"header is that long\n", in->name, HEADER_MAX);
		goto cleanup;
	}
	if (end && split(buf, end, f->delim, sc, &blank))
		goto cleanup;
	/* The records below tell the guess, and the columns' kinds either way. */
	if (sc->ncols) {
		ncols = sc->ncols;
		cols = calloc(ncols, sizeof(*cols));
		if (!cols || sample(buf, n, end, all, f->delim, cols, sc->ncols, &records))
			goto cleanup;
	}
	if (f->header == HEADER_YES) {
		f->header_present = end > 0;
	} else if (sc->ncols) {
		f->header_present = guess_header(q, sc, blank, cols, records);
		if (!guess_sure(q, sc, f->header_present))
			say_guess(in, sc, f->header_present);
	}
	if (f->header_present && cols && column_kinds(sc, cols))
		goto cleanup;
	if (!f->header_present)
		header_free(sc);
	rc = f->header_present ? skip_header(in, buf, end) : 0;
	if (rc)
		fprintf(stderr, "bpfq: error: skipping the header of %s: %s\n", in->name,
			strerror(errno));
cleanup:
	in->delim = f->kind == INPUT_CSV ? f->delim : ',';
	if (rc)
		header_free(sc);
	for (int i = 0; cols && i < ncols; i++)
		free(cols[i].first);
	free(cols);
	free(blank);
	free(buf);
	return rc;
}

void header_free(struct schema *sc)
{
	for (int i = 0; sc->names && i < sc->ncols; i++)
		free(sc->names[i]);
	free(sc->names);
	free(sc->times);
	for (int i = 0; sc->texts && i < sc->ncols; i++)
		free(sc->texts[i]);
	free(sc->texts);
	free(sc->slashed);
	free(sc->clocks);
	memset(sc, 0, sizeof(*sc));
}
