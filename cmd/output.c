// SPDX-License-Identifier: MIT
/* Printing answers: values, and the text, JSON and CSV result blocks. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/output.h"

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

i128 output_agg_sum(const struct bpfq_agg *a)
{
	return (i128)(((u128)(uint64_t)a->sum_hi << 64) | a->sum_lo);
}

void output_i128(FILE *f, i128 v)
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
	i128 sum = output_agg_sum(a);
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

void output_value(FILE *f, enum agg_kind agg, const struct bpfq_agg *a)
{
	if (agg == AGG_COUNT) {
		fprintf(f, "%" PRIu64, (uint64_t)a->count);
		return;
	}
	if (agg == AGG_EXISTS) {
		fputs(a->count ? "true" : "false", f);
		return;
	}
	if (!a->count) {
		fputs("null", f);
		return;
	}
	switch (agg) {
	case AGG_SUM:
		output_i128(f, output_agg_sum(a));
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

void output_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* RFC 4180: quote a field holding a comma, a quote or a line break. */
static void print_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void print_text(FILE *f, const struct answer *a)
{
	for (int i = 0; i < a->naggs; i++) {
		if (a->naggs > 1)
			fprintf(f, "%s: ", a->names[i]);
		output_value(f, a->kinds[i], &a->result->aggs[i]);
		fputc('\n', f);
	}
}

static void print_json(FILE *f, const struct answer *a)
{
	const struct bpfq_result *r = a->result;

	fputc('{', f);
	if (a->query) {
		fputs("\"query\":", f);
		output_json_string(f, a->query);
		fputc(',', f);
	}
	fputs("\"aggregates\":[", f);
	for (int i = 0; i < a->naggs; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		output_json_string(f, a->names[i]);
		fputs(",\"value\":", f);
		output_value(f, a->kinds[i], &r->aggs[i]);
		fputc('}', f);
	}
	fprintf(f, "],\"values\":%llu,\"matched\":%llu,\"malformed\":%llu",
		(unsigned long long)r->values, (unsigned long long)r->matched,
		(unsigned long long)r->malformed);
	if (a->stats) {
		fputs(",\"stats\":", f);
		stats_print_json(f, a->stats);
	}
	fputs("}\n", f);
}

static void print_csv(FILE *f, const struct answer *a)
{
	for (int i = 0; i < a->naggs; i++) {
		if (i)
			fputc(',', f);
		print_csv_field(f, a->names[i]);
	}
	fputc('\n', f);
	for (int i = 0; i < a->naggs; i++) {
		const struct bpfq_agg *agg = &a->result->aggs[i];

		if (i)
			fputc(',', f);
		/* An empty field is CSV's null. */
		if (agg->count || a->kinds[i] == AGG_COUNT || a->kinds[i] == AGG_EXISTS)
			output_value(f, a->kinds[i], agg);
	}
	fputc('\n', f);
}

void output_answer(FILE *f, enum format format, const struct answer *a)
{
	switch (format) {
	case FORMAT_JSON:
		print_json(f, a);
		break;
	case FORMAT_CSV:
		print_csv(f, a);
		break;
	default:
		print_text(f, a);
		break;
	}
}
