// SPDX-License-Identifier: MIT
/*
 * Diagnostics: a byte range and a message, turned into line:column, the
 * source line and an underline only when printed (as jq's locfile.c does).
 */
#include <stdarg.h>
#include <stdio.h>

#include "lang/front/diag.h"

bool diag_set(struct diag *d, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	d->loc = loc;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);	/* truncates, always terminated */
	va_end(ap);
	return false;
}

/* The line holding offset off: its number and its byte range [start, end). */
struct line {
	unsigned number;
	size_t start, end;
};

static struct line line_at(const char *text, size_t len, size_t off)
{
	struct line l = { 1, 0, 0 };

	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			l.number++;
			l.start = i + 1;
		}
	}
	for (l.end = l.start; l.end < len && text[l.end] != '\n'; l.end++)
		;
	return l;
}

void diag_print(FILE *f, const char *severity, const char *text, size_t len,
		const struct diag *d)
{
	size_t begin = d->loc.begin < len ? d->loc.begin : len;
	struct line l = line_at(text, len, begin);
	/* The underline stops at the end of the line: a range may span lines. */
	size_t end = d->loc.end < l.end ? d->loc.end : l.end;
	size_t col = begin - l.start + 1, width = end > begin ? end - begin : 1;

	fprintf(f, "bpfq: %s: %u:%zu", severity, l.number, col);
	if (width > 1)
		fprintf(f, "-%zu", col + width - 1);
	fprintf(f, ": %s\n", d->msg);
	fprintf(f, "  %.*s\n  ", (int)(l.end - l.start), text + l.start);
	/* Copy tabs into the indent so the underline lines up with the text. */
	for (size_t i = l.start; i < begin; i++)
		fputc(text[i] == '\t' ? '\t' : ' ', f);
	for (size_t i = 0; i < width; i++)
		fputc('~', f);
	fputc('\n', f);
}
