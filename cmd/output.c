// SPDX-License-Identifier: MIT
/* Printing answers, and messages that point into the input file. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "lang/diag.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

static void print_u128(FILE *f, u128 v)
{
	char digits[40];
	int n = 0;

	do
		digits[n++] = '0' + (int)(v % 10);
	while ((v /= 10));
	while (n)
		fputc(digits[--n], f);
}

static i128 agg_sum(const struct bpfq_agg *a)
{
	return (i128)(((u128)(uint64_t)a->sum_hi << 64) | a->sum_lo);
}

static void print_i128(FILE *f, i128 v)
{
	if (v < 0)
		fputc('-', f);
	print_u128(f, v < 0 ? -(u128)v : (u128)v);
}

#define AVG_DIGITS 6
#define AVG_SCALE 1000000

/* sum / count, exact to the 6th decimal, rounded half away from zero, trailing zeros cut. */
static void print_avg(FILE *f, const struct bpfq_agg *a)
{
	i128 sum = agg_sum(a);
	u128 mag = sum < 0 ? -(u128)sum : (u128)sum;
	u128 whole = mag / a->count, rem = mag % a->count;
	u128 scaled = rem * AVG_SCALE, frac = scaled / a->count;
	char text[AVG_DIGITS + 1];
	int n = AVG_DIGITS;

	if ((scaled % a->count) * 2 >= a->count && ++frac == AVG_SCALE) {
		whole++;
		frac = 0;
	}
	if (sum < 0 && (whole || frac))
		fputc('-', f);
	print_u128(f, whole);
	if (!frac)
		return;
	snprintf(text, sizeof(text), "%06u", (unsigned)frac);
	while (text[n - 1] == '0')
		n--;
	fprintf(f, ".%.*s", n, text);
}

static void print_value(FILE *f, const struct node *call, const struct bpfq_agg *a)
{
	if (call->agg == AGG_COUNT) {
		fprintf(f, "%" PRIu64, (uint64_t)a->count);
		return;
	}
	if (call->agg == AGG_EXISTS) {
		fputs(a->count ? "true" : "false", f);
		return;
	}
	if (!a->count) {
		fputs("null", f);
		return;
	}
	switch (call->agg) {
	case AGG_SUM:
		print_i128(f, agg_sum(a));
		break;
	case AGG_AVG:
		print_avg(f, a);
		break;
	case AGG_MIN:
		fprintf(f, "%" PRId64, (int64_t)a->min);
		break;
	default:		/* AGG_MAX */
		fprintf(f, "%" PRId64, (int64_t)a->max);
		break;
	}
}

void output_result(FILE *f, const struct query *q, const struct bpfq_result *r)
{
	char label[256];

	for (int i = 0; i < q->nitems; i++) {
		if (q->nitems > 1) {
			ast_render(q, q->items[i], label, sizeof(label));
			fprintf(f, "%s: ", label);
		}
		print_value(f, q->items[i], &r->aggs[i]);
		fputc('\n', f);
	}
}

/* "nums.txt:3:7" for a byte offset: counts lines up to it, only on this error path. */
static void print_file_pos(FILE *f, const char *path, int fd, uint64_t off)
{
	uint64_t line = 1, col = 1, pos = 0;
	char chunk[65536];
	ssize_t n;

	while (pos < off && (n = pread(fd, chunk, sizeof(chunk), pos)) > 0) {
		for (ssize_t i = 0; i < n && pos < off; i++, pos++) {
			if (chunk[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
	}
	fprintf(f, "%s:%" PRIu64 ":%" PRIu64, path, line, col);
}

/* The token at off, quoted, shortened, non-printable bytes as \xNN. */
static void print_token(FILE *f, int fd, uint64_t off)
{
	unsigned char text[32];
	ssize_t n = pread(fd, text, sizeof(text), off);

	fputc('\'', f);
	for (ssize_t i = 0; i < n; i++) {
		if (isspace(text[i]) || text[i] == ',')
			break;
		if (i == (ssize_t)sizeof(text) - 1) {
			fputs("...", f);
			break;
		}
		if (isprint(text[i]) && text[i] != '\\' && text[i] != '\'')
			fputc(text[i], f);
		else
			fprintf(f, "\\x%02x", text[i]);
	}
	fputc('\'', f);
}

void output_malformed_warning(FILE *f, const char *path, int fd, const struct bpfq_result *r)
{
	if (!r->malformed)
		return;
	if (r->malformed == 1)
		fputs("bpfq: warning: skipped 1 token that is not an int64 integer: ", f);
	else
		fprintf(f, "bpfq: warning: skipped %" PRIu64 " tokens that are not int64 "
			   "integers; the first, ", (uint64_t)r->malformed);
	print_token(f, fd, r->malformed_off);
	fputs(", at ", f);
	print_file_pos(f, path, fd, r->malformed_off);
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

void output_runtime_error(FILE *f, const struct query *q, const char *path, int fd,
			  const struct bpfq_result *r)
{
	char *where = NULL;
	size_t len = 0;
	FILE *pos = open_memstream(&where, &len);
	struct diag d = { 0 };

	print_file_pos(pos, path, fd, r->error_off);
	fclose(pos);
	if (r->error_node >= 1 && (int)r->error_node <= q->nnodes)
		d.loc = q->by_id[r->error_node]->op_loc;
	diag_set(&d, d.loc, "%s for x = %" PRId64 " at %s", error_text(r->error), (int64_t)r->error_value,
		 where ? where : path);
	diag_print(f, "error", q->text, q->len, &d);
	free(where);
}
