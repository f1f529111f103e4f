// SPDX-License-Identifier: MIT
/* Messages that point into the input file. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/messages.h"
#include "cmd/output.h"
#include "lang/front/diag.h"
#include "lang/value/num.h"
#include "lang/value/values.h"

/* "nums.txt:3:7", or "byte 12 of <stdin>" when the line was not kept. */
static void print_place(FILE *f, const struct input *in, const struct spot *s)
{
	if (in->binary)
		fprintf(f, "byte %" PRIu64 " of %s", in->base - in->origin + s->off, in->name);
	else if (s->known)
		fprintf(f, "%s:%" PRIu64 ":%" PRIu64, in->name, s->line, s->col);
	else
		fprintf(f, "byte %" PRIu64 " of %s", s->off, in->name);
}

/*
 * The token, quoted, shortened, bytes other than printable ASCII as \xNN
 * (not isprint(): the REPL's readline sets the locale).
 */
static void print_token(FILE *f, const struct spot *s)
{
	fputs(s->cut_before ? "'..." : "'", f);
	for (size_t i = 0; i < s->len; i++) {
		unsigned char c = s->text[i];

		if (i == INPUT_TOKEN_MAX - 1) {
			fputs("...", f);
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
	fputc('\'', f);
}

/* "..., the first, 'abc', at nums.txt:2:1" */
static void first_at(FILE *f, struct input *in, uint64_t off, bool token, const char *what)
{
	struct spot s;

	input_locate(in, off, &s);
	if (token && s.known) {
		fputs("; the first, ", f);
		print_token(f, &s);
		fputs(", at ", f);
	} else {
		fprintf(f, "; the first %s ", what);
	}
	print_place(f, in, &s);
	fputc('\n', f);
}

/* What a field of each kind of NULL word says (enum bpfq_null_kind). */
static const char *const null_names[BPFQ_NULL_KINDS] = { "NA", "NULL", "'-'", "inf", "nan" };

/* "bpfq: warning: 12 fields read as NULL: 10 NA, 2 inf; the first, 'NA', at f.csv:3:5" */
static void null_words(FILE *f, struct input *in, const struct bpfq_result *r, uint64_t n,
		       bool token)
{
	const char *sep = ": ";

	fprintf(f, "bpfq: warning: %" PRIu64 " field%s read as NULL", n, n == 1 ? "" : "s");
	for (int i = 0; i < BPFQ_NULL_KINDS; i++) {
		if (!r->nulls[i])
			continue;
		fprintf(f, "%s%llu %s", sep, (unsigned long long)r->nulls[i], null_names[i]);
		sep = ", ";
	}
	first_at(f, in, r->nulls_off, token, "at");
}

void messages_skip_warnings(FILE *f, struct input *in, const struct query *q,
			    const struct bpfq_result *r)
{
	bool binary = q->format.kind == INPUT_BINARY;
	/* A JSON value's bytes are not the token input_locate() cuts (quotes, escapes). */
	bool token = q->format.kind != INPUT_JSON;
	unsigned long long n;

	if ((n = r->malformed) && q->format.kind == INPUT_JSON) {
		fprintf(f, "bpfq: warning: skipped %llu line%s that %s not a JSON object", n,
			n == 1 ? "" : "s", n == 1 ? "is" : "are");
		first_at(f, in, r->malformed_off, false, "at");
	} else if (n) {
		fprintf(f, "bpfq: warning: skipped %llu %s", n, binary ?
			(n == 1 ? "value past int64 (a u64)" : "values past int64 (u64s)") :
			(n == 1 ? "token that is not a number" : "tokens that are not numbers"));
		first_at(f, in, r->malformed_off, !binary, "at");
	}
	if ((n = r->empty)) {
		fprintf(f, "bpfq: warning: %llu empty field%s read as NULL", n, n == 1 ? "" : "s");
		first_at(f, in, r->empty_off, false, "at");
	}
	if ((n = r->bad)) {
		fprintf(f, "bpfq: warning: %llu field%s that %s not a number read as NULL", n,
			n == 1 ? "" : "s", n == 1 ? "is" : "are");
		first_at(f, in, r->bad_off, !binary && token, "at");
	}
	if ((n = r->badtime)) {
		fprintf(f, "bpfq: warning: %llu field%s that %s not an ISO 8601 time read as NULL",
			n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
		first_at(f, in, r->badtime_off, true, "at");
	}
	if ((n = bpfq_nulls(r)))
		null_words(f, in, r, n, token);
	if ((n = r->missing) && q->format.kind == INPUT_JSON) {
		fprintf(f, "bpfq: warning: %llu field%s missing (no such key in the object) read as "
			"NULL", n, n == 1 ? "" : "s");
		first_at(f, in, r->missing_off, false, "in the record at");
	} else if (n) {
		fprintf(f, "bpfq: warning: %llu field%s missing (the record%s too short) read as NULL",
			n, n == 1 ? "" : "s", n == 1 ? " is" : "s are");
		first_at(f, in, r->missing_off, false, "in the record at");
	}
	if ((n = r->rounded)) {
		fprintf(f, "bpfq: warning: %llu value%s had more than 18 decimals and %s rounded to 18",
			n, n == 1 ? "" : "s", n == 1 ? "was" : "were");
		first_at(f, in, r->rounded_off, token, "at");
	}
	if (r->partial)
		fprintf(f, "bpfq: warning: the last %llu bytes of %s are not a whole record (%d "
			   "bytes): not read\n", (unsigned long long)r->partial, in->name,
			q->format.record_size);
}

#define BPFQ_TEXT_MAX_TEXT "256"
_Static_assert(BPFQ_TEXT_MAX == 256, "BPFQ_TEXT_MAX_TEXT spells BPFQ_TEXT_MAX");

static const char *error_text(uint32_t kind)
{
	switch (kind) {
	case BPFQ_ERR_OVERFLOW: return "overflow";
	case BPFQ_ERR_DIVZERO: return "division by zero";
	case BPFQ_ERR_TEXT: return "a field longer than " BPFQ_TEXT_MAX_TEXT " bytes cannot be matched";
	case BPFQ_ERR_TIME: return "a time outside the years 0000 to 9999";
	default: return "unknown run-time error";
	}
}

/* The value of x, for the formats whose records are one value. */
static void print_x(FILE *f, const struct query *q, const struct bpfq_field *x)
{
	char text[64];

	if (q->format.kind != INPUT_NUMBERS && !q->format.stream)
		return;
	if (x->kind == BPFQ_K_INT)
		snprintf(text, sizeof(text), "%lld", (long long)x->lo);
	else
		dec_format(num_from_words(x->lo, x->hi), text, sizeof(text));
	fprintf(f, " for x = %s", text);
}

void messages_runtime_error(FILE *f, const struct query *q, struct input *in,
			    const struct bpfq_result *r, long max_groups, long max_values)
{
	char *what = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&what, &len);
	struct diag d = { 0 };
	struct spot s;

	if (!m)
		return;
	input_locate(in, r->error_off, &s);
	if (r->error == BPFQ_ERR_QUOTE) {
		fprintf(m, "a quoted field that starts at ");
		print_place(m, in, &s);
		fprintf(m, " is not closed before the end of the input; no answer");
	} else if (r->error == BPFQ_ERR_GROUPS) {
		fprintf(m, "more than %ld groups at ", max_groups);
		print_place(m, in, &s);
		fprintf(m, " (raise --max-groups); no answer");
	} else if (r->error == BPFQ_ERR_VALUES) {
		fprintf(m, "more than %ld values for %s at ", max_values,
			agg_name(AGG_QUANTILE_EXACT));
		print_place(m, in, &s);
		fprintf(m, " (raise --max-values); no answer");
	} else if (r->error == BPFQ_ERR_BEYOND) {
		fprintf(m, "a number past int64 (-9223372036854775808 to 9223372036854775807) "
			   "cannot be held, at ");
		print_place(m, in, &s);
		if (s.known) {
			fputs(": ", m);
			print_token(m, &s);
		}
		fprintf(m, "; no answer");
	} else if (r->error == BPFQ_ERR_KEY) {
		fprintf(m, "a group key longer than %d bytes (the most a text key holds) at ",
			BPFQ_KEY_LONG);
		print_place(m, in, &s);
	} else if (r->error == BPFQ_ERR_KEYSAME) {
		fprintf(m, "two group keys of the same length, alike in their first bytes and in "
			   "the hash of the rest, differ at ");
		print_place(m, in, &s);
		fprintf(m, ": bpfq cannot tell them apart; no answer");
	} else {
		fputs(error_text(r->error), m);
		print_x(m, q, &r->error_x);
		fputs(" at ", m);
		print_place(m, in, &s);
	}
	if (fclose(m))
		return;
	if (r->error_node >= 1 && (int)r->error_node <= q->nnodes)
		d.loc = q->by_id[r->error_node]->op_loc;
	if (r->error == BPFQ_ERR_QUOTE || r->error == BPFQ_ERR_BEYOND || !r->error_node) {
		fprintf(f, "bpfq: error: %s\n", what);
	} else {
		diag_set(&d, d.loc, "%s", what);
		diag_print(f, "error", q->text, q->len, &d);
	}
	free(what);
}

void messages_file_cond_error(FILE *f, const struct query *q, const char *path, uint32_t err,
			      const struct node *failed)
{
	struct diag d = { 0 };

	diag_set(&d, failed->op_loc, "%s deciding the condition over file for '%s'; no answer", error_text(err), path);
	diag_print(f, "error", q->text, q->len, &d);
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

/* A log's last max lines, indented, after a line that says how many were left out. */
void messages_log_tail(FILE *f, const char *log, int max, const char *more)
{
	int lines = 0;
	const char *p = log;

	for (p = log; p && *p; p++)
		lines += *p == '\n' || !p[1];
	p = log;
	if (lines > max) {
		fprintf(f, "  (%d lines of the log left out; %s)\n", lines - max, more);
		for (int skip = lines - max; skip > 0 && *p; p++)
			skip -= *p == '\n';
	}
	messages_log(f, p);
}

/* Item i's count_distinct states that are estimates, of how many. */
static long distinct_estimates(const struct answer *a, int i, long *of)
{
	const struct agg_desc *d = &a->descs[i];
	long n = 0;

	*of = a->groups ? a->ngroups : 1;
	if (!a->groups)
		return a->area && value_distinct_estimated(d, a->area + output_offset(a, i));
	for (long g = 0; g < a->ngroups; g++)
		n += value_distinct_estimated(d, a->groups[g].area + output_offset(a, i));
	return n;
}

void messages_distinct_estimates(FILE *f, const char *prog, const struct answer *a,
				 const char *budget)
{
	for (int i = 0; i < a->naggs; i++) {
		long of, n = distinct_estimates(a, i, &of);

		if (!n)
			continue;
		fprintf(f, "%s: warning: %s is HyperLogLog's estimate (standard error %.2f%%)", prog,
			a->names[i], 100 * value_hll_error(a->descs[i].hll_p));
		if (a->groups)
			fprintf(f, " in %ld of %ld groups", n, of);
		fprintf(f, ": %s\n", budget);
	}
}
