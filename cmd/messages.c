// SPDX-License-Identifier: MIT
/* Messages that point into the input file. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/messages.h"
#include "lang/diag.h"

/* "nums.txt:3:7", or "byte 12 of <stdin>" when the line was not kept. */
static void print_place(FILE *f, const struct input *in, const struct spot *s)
{
	if (s->known)
		fprintf(f, "%s:%" PRIu64 ":%" PRIu64, in->name, s->line, s->col);
	else
		fprintf(f, "byte %" PRIu64 " of %s", s->off, in->name);
}

/* The token, quoted, shortened, non-printable bytes as \xNN. */
static void print_token(FILE *f, const struct spot *s)
{
	fputs(s->cut_before ? "'..." : "'", f);
	for (size_t i = 0; i < s->len; i++) {
		unsigned char c = s->text[i];

		if (i == INPUT_TOKEN_MAX - 1) {
			fputs("...", f);
			break;
		}
		if (isprint(c) && c != '\\' && c != '\'')
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
	fputc('\'', f);
}

void messages_malformed_warning(FILE *f, struct input *in, const struct bpfq_result *r)
{
	struct spot s;

	if (!r->malformed)
		return;
	input_locate(in, r->malformed_off, &s);
	if (r->malformed == 1)
		fputs("bpfq: warning: skipped 1 token that is not an int64 integer: ", f);
	else
		fprintf(f, "bpfq: warning: skipped %" PRIu64 " tokens that are not int64 "
			   "integers; the first, ", (uint64_t)r->malformed);
	if (s.known)
		print_token(f, &s);
	fputs(s.known ? ", at " : "at ", f);
	print_place(f, in, &s);
	fputc('\n', f);
}

static const char *error_text(uint32_t kind)
{
	switch (kind) {
	case BPFQ_ERR_OVERFLOW: return "integer overflow";
	case BPFQ_ERR_DIVZERO: return "division by zero";
	default: return "unknown run-time error";
	}
}

void messages_runtime_error(FILE *f, const struct query *q, struct input *in,
			    const struct bpfq_result *r)
{
	char *where = NULL;
	size_t len = 0;
	FILE *pos = open_memstream(&where, &len);
	struct diag d = { 0 };
	struct spot s;

	input_locate(in, r->error_off, &s);
	if (pos) {
		print_place(pos, in, &s);
		fclose(pos);
	}
	if (r->error_node >= 1 && (int)r->error_node <= q->nnodes)
		d.loc = q->by_id[r->error_node]->op_loc;
	diag_set(&d, d.loc, "%s for x = %" PRId64 " at %s", error_text(r->error),
		 (int64_t)r->error_value, where ? where : in->name);
	diag_print(f, "error", q->text, q->len, &d);
	free(where);
}

void messages_log(FILE *f, const char *log)
{
	const char *line = log;

	while (line && *line) {
		const char *end = strchrnul(line, '\n');

		fprintf(f, "  %.*s\n", (int)(end - line), line);
		line = *end ? end + 1 : end;
	}
}
