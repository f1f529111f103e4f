// SPDX-License-Identifier: MIT
/* Printing answers: values, histograms, group tables; as text, JSON and CSV. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/output.h"
#include "lang/front/ast.h"
#include "lang/value/timestamp.h"

#define BAR_WIDTH 52		/* bpftrace's */
#define MAX_BUCKETS 1100	/* lhist's 1000 steps and its two open ends, and then some */

int output_offset(const struct answer *a, int i)
{
	int off = 0;

	for (int k = 0; k < i; k++)
		off += a->descs[k].words;
	return off;
}

/* Item i's answer in area is a text too long to print: say so. */
static bool text_fits(FILE *f, const char *prog, const struct answer *a, int i,
		      const uint64_t *area)
{
	if (!agg_text_long(&a->descs[i], area + output_offset(a, i)))
		return true;
	fprintf(f, "%s: error: %s is a value longer than %d bytes, the most min and max of "
		   "text keep; no answer\n", prog, a->names[i], BPFQ_TEXT_MAX);
	return false;
}

bool output_check_text(FILE *f, const char *prog, const struct answer *a)
{
	for (int i = 0; i < a->naggs; i++) {
		if (!a->descs[i].text)
			continue;
		if (!a->key_name && a->area && !text_fits(f, prog, a, i, a->area))
			return false;
		for (long g = 0; a->key_name && g < a->ngroups; g++)
			if (!text_fits(f, prog, a, i, a->groups[g].area))
				return false;
	}
	return true;
}

/* A time key's kind: a timestamp's shows its 00:00:00 (bit i of clocks). */
static uint8_t time_kind(unsigned clocks, int i)
{
	return (clocks >> i) & 1 ? BPFQ_K_CLOCK : BPFQ_K_TIME;
}

/* Several keys: each segment of a time key that holds a value (its kind byte is the kind). */
static void time_segments(struct bpfq_key *k, unsigned mask, unsigned clocks)
{
	uint32_t off;

	for (int i = 0; keys_segment(k, i, &off); i++)
		if ((mask >> i) & 1 && k->bytes[off] == BPFQ_K_INT)
			k->bytes[off] = time_kind(clocks, i);
}

void output_time_keys(struct group *g, long n, unsigned mask, unsigned clocks)
{
	for (long i = 0; g && i < n; i++)
		if (g[i].key.kind == BPFQ_K_KEYS)
			time_segments(&g[i].key, mask, clocks);
		else if (g[i].key.kind == BPFQ_K_INT && (mask & 1))
			g[i].key.kind = time_kind(clocks, 0);
}

int output_nkeys(const struct answer *a)
{
	return !a->key_name ? 0 : a->nkeys > 1 ? a->nkeys : 1;
}

const char *output_key_name(const struct answer *a, int j)
{
	return a->nkeys > 1 ? a->key_names[j] : a->key_name;
}

const struct bpfq_key *output_key_at(const struct answer *a, long g, int j, struct bpfq_key *tmp)
{
	const struct bpfq_key *k = &a->groups[g].key;

	if (k->kind != BPFQ_K_KEYS)
		return k;
	if (!keys_get(k, j, tmp))
		tmp->kind = BPFQ_K_MISSING;
	return tmp;
}

void output_key_text(const struct bpfq_key *k, char *buf, size_t size)
{
	const uint8_t *text;
	uint32_t len;
	int64_t i;
	i128 d;

	switch (k->kind) {
	case BPFQ_K_INT:
		memcpy(&i, k->bytes, sizeof(i));
		snprintf(buf, size, "%" PRId64, i);
		return;
	case BPFQ_K_DEC:
		memcpy(&d, k->bytes, sizeof(d));
		dec_format(d, buf, size);
		return;
	case BPFQ_K_TIME:
	case BPFQ_K_CLOCK:
		memcpy(&i, k->bytes, sizeof(i));
		ts_format(i, false, k->kind == BPFQ_K_CLOCK, buf, size);
		return;
	case BPFQ_K_MISSING:
		snprintf(buf, size, "null");
		return;
	default:
		break;
	}
	text = keys_text(k, &len);
	if (text)
		value_plain_bytes(text, len, buf, size);
	else
		snprintf(buf, size, "?");
}

/* ---- histograms ---- */

static void bucket_label(const struct bucket *b, char *buf, size_t size)
{
	if (!b->lo[0])
		snprintf(buf, size, "(..., %s)", b->hi);
	else if (!b->hi[0])
		snprintf(buf, size, "[%s, ...)", b->lo);
	else
		snprintf(buf, size, "[%s, %s)", b->lo, b->hi);
}

/* bpftrace's bars: the label, the count, and '@' in proportion to the largest. */
static void print_hist(FILE *f, const struct agg_desc *d, const uint64_t *state, const char *indent)
{
	static struct bucket b[MAX_BUCKETS];
	int n = value_buckets(d, state, b, MAX_BUCKETS);
	uint64_t max = 0;
	char label[80];

	for (int i = 0; i < n; i++)
		if (b[i].count > max)
			max = b[i].count;
	if (!n) {
		fprintf(f, "%snull\n", indent);
		return;
	}
	for (int i = 0; i < n; i++) {
		/* bpftrace's: count * width / max, rounded down. */
		int bar = (int)((unsigned __int128)b[i].count * BAR_WIDTH / max);
		bucket_label(&b[i], label, sizeof(label));
		fprintf(f, "%s%-16s %8" PRIu64 " |%.*s%*s|\n", indent, label, b[i].count, bar,
			"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@", BAR_WIDTH - bar, "");
	}
}

/* A bound as a number, for JSON and CSV: 1K is 1024. */
static void bound_number(const char *label, char *buf, size_t size)
{
	static const char suffix[] = "KMGTPE";
	const char *s;
	char *end;
	long long v = strtoll(label, &end, 10);

	if (*end && (s = strchr(suffix, *end))) {
		unsigned __int128 u = (unsigned __int128)v << (10 * (s - suffix + 1));

		snprintf(buf, size, "%llu", (unsigned long long)u);
		return;
	}
	snprintf(buf, size, "%s", label);
}

static void json_hist(FILE *f, const struct agg_desc *d, const uint64_t *state)
{
	static struct bucket b[MAX_BUCKETS];
	int n = value_buckets(d, state, b, MAX_BUCKETS);
	char lo[40], hi[40];

	fputs("{\"buckets\":[", f);
	for (int i = 0; i < n; i++) {
		bound_number(b[i].lo, lo, sizeof(lo));
		bound_number(b[i].hi, hi, sizeof(hi));
		fprintf(f, "%s{\"min\":%s,\"max\":%s,\"count\":%" PRIu64 "}", i ? "," : "",
			*lo ? lo : "null", *hi ? hi : "null", b[i].count);
	}
	fputs("]}", f);
}

/* ---- text ---- */

static void print_value_line(FILE *f, const struct answer *a, int i, const uint64_t *area,
			     bool labels, const char *indent)
{
	const struct agg_desc *d = &a->descs[i];
	const uint64_t *state = area + output_offset(a, i);
	char text[VALUE_MAX];

	if (value_is_hist(d)) {
		if (labels)
			fprintf(f, "%s%s:\n", indent, a->names[i]);
		print_hist(f, d, state, indent);
		return;
	}
	value_text(d, state, text, sizeof(text));
	if (labels)
		fprintf(f, "%s%s: %s\n", indent, a->names[i], text);
	else
		fprintf(f, "%s%s\n", indent, text);
}

static bool any_hist(const struct answer *a)
{
	for (int i = 0; i < a->naggs; i++)
		if (value_is_hist(&a->descs[i]))
			return true;
	return false;
}

/* by, no histogram: a table, keys left, values right, sorted by key. */
/* A column of numbers is aligned right; of text (min, max of text), left, with no blanks at the end. */
static void table_cell(FILE *f, const struct answer *a, int i, int width, const char *text)
{
	if (!a->descs[i].text)
		fprintf(f, "  %*s", width, text);
	else if (i + 1 < a->naggs)
		fprintf(f, "  %-*s", width, text);
	else
		fprintf(f, "  %s", text);
}

static void print_table(FILE *f, const struct answer *a)
{
	int nk = output_nkeys(a), width[BPFQ_MAX_KEYS + BPFQ_MAX_AGGS];
	char text[VALUE_MAX];
	struct bpfq_key tmp;

	for (int j = 0; j < nk; j++)
		width[j] = strlen(output_key_name(a, j));
	for (int i = 0; i < a->naggs; i++)
		width[nk + i] = strlen(a->names[i]);
	for (long g = 0; g < a->ngroups; g++) {
		for (int j = 0; j < nk; j++) {
			output_key_text(output_key_at(a, g, j, &tmp), text, sizeof(text));
			if ((int)strlen(text) > width[j])
				width[j] = strlen(text);
		}
		for (int i = 0; i < a->naggs; i++) {
			value_text(&a->descs[i], a->groups[g].area + output_offset(a, i), text,
				   sizeof(text));
			if ((int)strlen(text) > width[nk + i])
				width[nk + i] = strlen(text);
		}
	}
	for (int j = 0; j < nk; j++)
		fprintf(f, "%s%-*s", j ? "  " : "", width[j], output_key_name(a, j));
	for (int i = 0; i < a->naggs; i++)
		table_cell(f, a, i, width[nk + i], a->names[i]);
	fputc('\n', f);
	for (long g = 0; g < a->ngroups; g++) {
		for (int j = 0; j < nk; j++) {
			output_key_text(output_key_at(a, g, j, &tmp), text, sizeof(text));
			fprintf(f, "%s%-*s", j ? "  " : "", width[j], text);
		}
		for (int i = 0; i < a->naggs; i++) {
			value_text(&a->descs[i], a->groups[g].area + output_offset(a, i), text,
				   sizeof(text));
			table_cell(f, a, i, width[nk + i], text);
		}
		fputc('\n', f);
	}
}

/* by with a histogram: a block per group, as bpftrace prints @[key]. */
static void print_group_blocks(FILE *f, const struct answer *a)
{
	char key[VALUE_MAX];
	struct bpfq_key tmp;

	for (long g = 0; g < a->ngroups; g++) {
		for (int j = 0; j < output_nkeys(a); j++) {
			output_key_text(output_key_at(a, g, j, &tmp), key, sizeof(key));
			fprintf(f, "%s%s = %s", j ? ", " : g ? "\n" : "", output_key_name(a, j), key);
		}
		fputs(":\n", f);
		for (int i = 0; i < a->naggs; i++)
			print_value_line(f, a, i, a->groups[g].area, true, "  ");
	}
}

static void print_text(FILE *f, const struct answer *a)
{
	if (a->key_name && any_hist(a)) {
		print_group_blocks(f, a);
		return;
	}
	if (a->key_name) {
		print_table(f, a);
		return;
	}
	for (int i = 0; i < a->naggs; i++)
		print_value_line(f, a, i, a->area, a->naggs > 1, "");
}

/* ---- JSON ---- */

/* A time in JSON: an RFC 3339 string. */
static void json_time(FILE *f, int64_t t, bool clock)
{
	char text[TS_TEXT_MAX];

	ts_format(t, true, clock, text, sizeof(text));
	fprintf(f, "\"%s\"", text);
}

static void json_value(FILE *f, const struct answer *a, int i, const uint64_t *area)
{
	const struct agg_desc *d = &a->descs[i];
	const uint64_t *state = area + output_offset(a, i);
	const uint8_t *tx;
	char text[VALUE_MAX];
	size_t len;
	int64_t t;

	if (value_is_hist(d)) {
		json_hist(f, d, state);
		return;
	}
	if (value_time(d, state, &t)) {
		json_time(f, t, d->clock);
		return;
	}
	if ((tx = value_textagg(d, state, &len))) {
		escape_json_bytes(f, tx, len);
		return;
	}
	value_text(d, state, text, sizeof(text));
	fputs(text, f);
}

void output_estimate_warnings(FILE *f, const char *prog, const struct answer *a, long max)
{
	for (int i = 0; a->area && i < a->naggs; i++) {
		const struct agg_desc *d = &a->descs[i];
		const uint64_t *state = a->area + output_offset(a, i);

		if (!d->keeps || d->share || !state[0] || !exact_estimated(d, state))
			continue;
		fprintf(f, "%s: warning: %s: ", prog, a->names[i]);
		if (max)
			fprintf(f, "more than %ld values (raise --max-values)", max);
		else
			fprintf(f, "a run had more values than its --max-values");
		fprintf(f, ": the answer is an estimate, within 1/%d (%.2f%%)\n",
			BPFQ_Q_SUB_OF(d->q_bits), 100.0 / BPFQ_Q_SUB_OF(d->q_bits));
	}
}

static void json_aggregates(FILE *f, const struct answer *a, const uint64_t *area)
{
	fputs("\"aggregates\":[", f);
	for (int i = 0; i < a->naggs; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		escape_json_string(f, a->names[i]);
		fputs(",\"value\":", f);
		json_value(f, a, i, area);
		/* count_distinct is exact unless its set was full */
		if (value_distinct_estimated(&a->descs[i], area + output_offset(a, i)))
			fprintf(f, ",\"standard_error\":%.4f", value_hll_error(a->descs[i].hll_p));
		if (exact_estimated(&a->descs[i], area + output_offset(a, i)))
			fprintf(f, ",\"relative_error\":%.4f", 1.0 / BPFQ_Q_SUB_OF(a->descs[i].q_bits));
		fputc('}', f);
	}
	fputc(']', f);
}

static void json_key(FILE *f, const struct bpfq_key *k)
{
	char text[VALUE_MAX];

	int64_t t;

	const uint8_t *bytes;
	uint32_t len;

	if (k->kind == BPFQ_K_EMPTY) {
		bytes = keys_text(k, &len);
		escape_json_bytes(f, bytes ? bytes : (const uint8_t *)"?", bytes ? len : 1);
		return;
	}
	if (k->kind == BPFQ_K_TIME || k->kind == BPFQ_K_CLOCK) {
		memcpy(&t, k->bytes, sizeof(t));
		json_time(f, t, k->kind == BPFQ_K_CLOCK);
		return;
	}
	output_key_text(k, text, sizeof(text));
	fputs(text, f);
}

/* A single key as itself; several as an array, in key order. */
static void json_key_names(FILE *f, const struct answer *a)
{
	if (a->nkeys <= 1) {
		escape_json_string(f, a->key_name);
		return;
	}
	for (int j = 0; j < a->nkeys; j++) {
		fputc(j ? ',' : '[', f);
		escape_json_string(f, a->key_names[j]);
	}
	fputc(']', f);
}

static void json_keys(FILE *f, const struct answer *a, long g)
{
	struct bpfq_key tmp;

	if (a->nkeys <= 1) {
		json_key(f, &a->groups[g].key);
		return;
	}
	for (int j = 0; j < a->nkeys; j++) {
		fputc(j ? ',' : '[', f);
		json_key(f, output_key_at(a, g, j, &tmp));
	}
	fputc(']', f);
}

static void print_json(FILE *f, const struct answer *a)
{
	const struct bpfq_result *r = a->result;

	fputc('{', f);
	if (a->query) {
		fputs("\"query\":", f);
		escape_json_string(f, a->query);
		fputc(',', f);
	}
	if (a->key_name) {
		fputs("\"by\":", f);
		json_key_names(f, a);
		fputs(",\"groups\":[", f);
		for (long g = 0; g < a->ngroups; g++) {
			fputs(g ? ",{\"key\":" : "{\"key\":", f);
			json_keys(f, a, g);
			fputc(',', f);
			json_aggregates(f, a, a->groups[g].area);
			fputc('}', f);
		}
		fputc(']', f);
	} else {
		json_aggregates(f, a, a->area);
	}
	fprintf(f, ",\"records\":%llu,\"matched\":%llu,\"malformed\":%llu,\"nulls\":{\"empty\":%llu,"
		   "\"not_numbers\":%llu,\"missing\":%llu}",
		(unsigned long long)r->records, (unsigned long long)r->matched,
		(unsigned long long)r->malformed, (unsigned long long)r->empty,
		(unsigned long long)r->bad, (unsigned long long)r->missing);
	/* Only when some were: the object stays as it was for files that have none. */
	if (r->badtime)
		fprintf(f, ",\"not_times\":%llu", (unsigned long long)r->badtime);
	if (bpfq_nulls(r))
		fprintf(f, ",\"null_words\":{\"NA\":%llu,\"NULL\":%llu,\"-\":%llu,\"inf\":%llu,"
			   "\"nan\":%llu}", (unsigned long long)r->nulls[BPFQ_NULL_NA],
			(unsigned long long)r->nulls[BPFQ_NULL_NULL],
			(unsigned long long)r->nulls[BPFQ_NULL_DASH],
			(unsigned long long)r->nulls[BPFQ_NULL_INF],
			(unsigned long long)r->nulls[BPFQ_NULL_NAN]);
	if (r->rounded)
		fprintf(f, ",\"rounded\":%llu", (unsigned long long)r->rounded);
	if (a->stats) {
		fputs(",\"stats\":", f);
		stats_print_json(f, a->stats);
	}
	fputs("}\n", f);
}

/* ---- CSV ---- */

/* RFC 4180: quote a field holding a comma, a quote or a line break. Any
 * other byte, a NUL too (a key's text), goes out as it is. */
static void print_csv_bytes(FILE *f, const char *s, size_t n)
{
	bool quote = false;

	for (size_t i = 0; i < n; i++)
		quote |= s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (quote)
		fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	if (quote)
		fputc('"', f);
}

static void print_csv_field(FILE *f, const char *s)
{
	print_csv_bytes(f, s, strlen(s));
}

/* A histogram in one cell: "[0, 1):3 [1, 2):5". */
static void csv_hist_cell(FILE *f, const struct agg_desc *d, const uint64_t *state)
{
	static struct bucket b[MAX_BUCKETS];
	int n = value_buckets(d, state, b, MAX_BUCKETS);
	char *cell = NULL, label[80];
	size_t len = 0;
	FILE *m = open_memstream(&cell, &len);

	if (!m)
		return;
	for (int i = 0; i < n; i++) {
		bucket_label(&b[i], label, sizeof(label));
		fprintf(m, "%s%s:%" PRIu64, i ? " " : "", label, b[i].count);
	}
	if (!fclose(m))
		print_csv_field(f, cell);
	free(cell);
}

/* An empty field is CSV's null. */
static void csv_cell(FILE *f, const struct answer *a, int i, const uint64_t *area)
{
	const struct agg_desc *d = &a->descs[i];
	const uint64_t *state = area + output_offset(a, i);
	const uint8_t *tx;
	char text[VALUE_MAX];
	size_t len;

	if (value_is_hist(d)) {
		csv_hist_cell(f, d, state);
		return;
	}
	if (value_is_null(d, state))
		return;
	if ((tx = value_textagg(d, state, &len))) {
		print_csv_bytes(f, (const char *)tx, len);
		return;
	}
	value_text(d, state, text, sizeof(text));
	fputs(text, f);
}

/* A key's bytes as they are, or for a terminal as the text output shows them. */
static void csv_key(FILE *f, const struct bpfq_key *k, bool tty)
{
	char text[VALUE_MAX];

	if (k->kind == BPFQ_K_MISSING)
		return;
	const uint8_t *bytes;
	uint32_t len;

	if (k->kind == BPFQ_K_EMPTY && !tty) {
		bytes = keys_text(k, &len);
		print_csv_bytes(f, bytes ? (const char *)bytes : "?", bytes ? len : 1);
		return;
	}
	output_key_text(k, text, sizeof(text));
	print_csv_field(f, text);
}

/* A lone histogram: a row per bucket, numeric bounds (empty for an open end). */
/* Group g's key columns, each followed by a comma. */
static void csv_keys(FILE *f, const struct answer *a, long g, bool tty)
{
	struct bpfq_key tmp;

	for (int j = 0; j < output_nkeys(a); j++) {
		csv_key(f, output_key_at(a, g, j, &tmp), tty);
		fputc(',', f);
	}
}

static void csv_buckets(FILE *f, const struct answer *a, long g, const uint64_t *area, bool tty)
{
	static struct bucket b[MAX_BUCKETS];
	int n = value_buckets(&a->descs[0], area, b, MAX_BUCKETS);
	char lo[40], hi[40];

	for (int i = 0; i < n; i++) {
		if (g >= 0)
			csv_keys(f, a, g, tty);
		bound_number(b[i].lo, lo, sizeof(lo));
		bound_number(b[i].hi, hi, sizeof(hi));
		fprintf(f, "%s,%s,%" PRIu64 "\n", lo, hi, b[i].count);
	}
}

static void print_csv(FILE *f, const struct answer *a, bool tty)
{
	bool lone_hist = a->naggs == 1 && value_is_hist(&a->descs[0]);

	for (int j = 0; j < output_nkeys(a); j++) {
		print_csv_field(f, output_key_name(a, j));
		fputc(',', f);
	}
	if (lone_hist) {
		fputs("min,max,count\n", f);
		if (!a->key_name)
			csv_buckets(f, a, -1, a->area, tty);
		for (long g = 0; a->key_name && g < a->ngroups; g++)
			csv_buckets(f, a, g, a->groups[g].area, tty);
		return;
	}
	for (int i = 0; i < a->naggs; i++) {
		if (i)
			fputc(',', f);
		print_csv_field(f, a->names[i]);
	}
	fputc('\n', f);
	for (long g = 0; g < (a->key_name ? a->ngroups : 1); g++) {
		const uint64_t *area = a->key_name ? a->groups[g].area : a->area;

		if (a->key_name)
			csv_keys(f, a, g, tty);
		for (int i = 0; i < a->naggs; i++) {
			if (i)
				fputc(',', f);
			csv_cell(f, a, i, area);
		}
		fputc('\n', f);
	}
}

/*
 * The answer with its names as text (a partial's names may hold any
 * byte): for the text output, and csv on a terminal. NULL out of memory.
 */
static struct answer *text_names(const struct answer *a, struct answer *copy, char **names,
				 char **keys)
{
	bool ok = true;

	*copy = *a;
	copy->names = names;
	copy->key_names = keys;
	for (int i = 0; i < a->naggs; i++)
		ok &= (names[i] = escape_text_dup(a->names[i])) != NULL;
	if (a->key_name)
		ok &= (copy->key_name = escape_text_dup(a->key_name)) != NULL;
	for (int j = 0; j < a->nkeys && a->nkeys > 1; j++)
		ok &= (keys[j] = escape_text_dup(a->key_names[j])) != NULL;
	return ok ? copy : NULL;
}

static void free_text_names(const struct answer *a, struct answer *copy)
{
	for (int i = 0; i < a->naggs; i++)
		free(copy->names[i]);
	if (a->key_name)
		free((char *)copy->key_name);
	for (int j = 0; j < a->nkeys && a->nkeys > 1; j++)
		free(copy->key_names[j]);
}

/*
 * csv keeps a field's bytes exact for a file or a pipe, which read them
 * back; on a terminal, which would act on ESC and the like, it shows
 * them as the text output does. Every answer ends up on standard output
 * (f may be the memory stream that holds one query's block).
 */
void output_answer(FILE *f, enum format format, const struct answer *a)
{
	bool tty = format == FORMAT_CSV && isatty(STDOUT_FILENO);
	char *names[BPFQ_MAX_AGGS] = { 0 }, *keys[BPFQ_MAX_KEYS] = { 0 };
	struct answer copy;

	if (format == FORMAT_JSON) {
		print_json(f, a);
		return;
	}
	if (format == FORMAT_CSV && !tty) {
		print_csv(f, a, false);
		return;
	}
	if (!text_names(a, &copy, names, keys))
		fputs("bpfq: error: out of memory\n", stderr);
	else if (format == FORMAT_CSV)
		print_csv(f, &copy, true);
	else
		print_text(f, &copy);
	free_text_names(a, &copy);
}
