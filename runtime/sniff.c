// SPDX-License-Identifier: MIT
#include <string.h>

#include "runtime/sniff.h"

/* The numbers format's separators (bpfq-query(7)): blanks and commas. */
static bool separator(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == ',';
}

static size_t digits(const char *p, size_t n, size_t i)
{
	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	return i;
}

/*
 * A number as awk, DuckDB or Python's float() read it: a sign, digits with
 * a point anywhere (5., .097), an exponent. The kernel's parser may still
 * skip some of them; here only the shape of the file is asked.
 */
static bool is_number(const char *p, size_t n)
{
	size_t i = n && (p[0] == '+' || p[0] == '-'), mant = i, end;

	end = digits(p, n, i);
	if (end < n && p[end] == '.')
		end = digits(p, n, end + 1);
	if (end - mant == 0 || (end - mant == 1 && p[mant] == '.'))
		return false;
	if (end < n && (p[end] == 'e' || p[end] == 'E')) {
		size_t e = end + 1 + (end + 1 < n && (p[end + 1] == '+' || p[end + 1] == '-'));
		size_t after = digits(p, n, e);

		if (after == e)
			return false;
		end = after;
	}
	return end == n;
}

static void note_line(const char *buf, size_t n, size_t at, struct sniff *s)
{
	size_t start = at, end = at;

	if (s->line_len)
		return;
	while (start && buf[start - 1] != '\n')
		start--;
	while (end < n && buf[end] != '\n' && buf[end] != '\r')
		end++;
	s->line_off = start;
	s->line_len = end - start;
}

void sniff_numbers(const char *buf, size_t n, bool at_eof, struct sniff *s)
{
	size_t i = 0;

	memset(s, 0, sizeof(*s));
	while (i < n) {
		size_t start;

		if (separator(buf[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < n && !separator(buf[i]))
			s->binary |= !buf[i++];
		if (i == n && !at_eof)
			break;
		s->tokens++;
		if (is_number(buf + start, i - start))
			s->numbers++;
		else
			note_line(buf, n, start, s);
	}
}

bool sniff_is_numbers(const struct sniff *s)
{
	/* Half the tokens: a file of numbers may have a header word, NAs, a stray note. */
	return !s->binary && s->numbers * 2 >= s->tokens;
}
